import { jsString } from '../literals.js';
import { sizeOf, type Shape } from '../shape.js';
import { sizeExpr } from './loops.js';
import type { KernelContext } from './op.js';

/**
 * Positions (of gather, scatter_add, one_hot) are whole numbers stored in the dtype. One that is
 * not a whole number in [0, size) is a RangeError at run time, never a read or write past a buffer:
 * the interpreter prefixes the node's name (`nodes.y: …`), generated code writes it in.
 */
export function position(value: number, size: number, op: string): number {
  if (!(Number.isInteger(value) && value >= 0 && value < size)) throw new RangeError(`${op}: position ${value} is not a whole number in [0, ${size})`);
  return value;
}

/** The generated check of position `p` against `size` (expressions). */
export function positionCheck(k: KernelContext, p: string, size: string): string {
  const range = /^\d+$/.test(size) ? jsString(` is not a whole number in [0, ${size})`) : `' is not a whole number in [0, ' + ${size} + ')'`;
  const message = `${jsString(`nodes.${k.node.label || k.node.op}: ${k.node.op}: position `)} + ${p} + ${range}`;
  return `if (!(${p} >= 0 && ${p} < ${size} && Number.isInteger(${p}))) throw new RangeError(${message});`;
}

/** A shape split around `axis` into the element counts before it, along it and after it. */
export interface Around {
  readonly outer: number;
  readonly along: number;
  readonly inner: number;
}

export function around(shape: readonly number[], axis: number, span = 1): Around {
  return { outer: sizeOf(shape.slice(0, axis)), along: sizeOf(shape.slice(axis, axis + span)), inner: sizeOf(shape.slice(axis + span)) };
}

/** The same counts as expressions for generated code. */
export function aroundExprs(k: KernelContext, shape: Shape, axis: number, span = 1): { outer: string; along: string; inner: string } {
  return { outer: sizeExpr(k, shape.slice(0, axis)), along: sizeExpr(k, shape.slice(axis, axis + span)), inner: sizeExpr(k, shape.slice(axis + span)) };
}
