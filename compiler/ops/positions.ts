import { sizeOf } from '../shape.js';

/**
 * Positions (of gather, scatter_add, one_hot) are whole numbers stored in the dtype. One that is
 * not a whole number in [0, size) is a RangeError at run time, never a read or write past a buffer:
 * the interpreter prefixes the node's name (`nodes.y: …`), generated code writes it in (codegen/kernels/positions.ts).
 */
export function position(value: number, size: number, op: string): number {
  if (!(Number.isInteger(value) && value >= 0 && value < size)) throw new RangeError(`${op}: position ${value} is not a whole number in [0, ${size})`);
  return value;
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
