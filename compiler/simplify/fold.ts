import { constant, constantValue } from '../builder.js';
import type { Graph, Node } from '../graph.js';
import { interpret } from '../interpret.js';
import { staticSize, type Shape } from '../shape.js';
import { make, number } from './make.js';
import { rule, test } from './pattern.js';

/** Folded tensors larger than this stay as they are (a broadcast scalar is always fine). */
const FOLD_LIMIT = 64;

/** Ops that map a uniform input to a uniform output. */
const UNIFORM_PRESERVING = new Set(['broadcast_to', 'reshape', 'transpose']);

/**
 * Constant folding through the reference interpreter. An elementwise or shape op of broadcast
 * scalars gives a broadcast scalar whatever the shape (even with named dimensions); anything else
 * of constants is folded when its static size is at most FOLD_LIMIT.
 */
export const foldConstants = rule(
  'fold-constants',
  test((node) => node.inputs.length > 0 && node.inputs.every((input) => input.def.leaf === 'known' || constantValue(input) !== undefined)),
  (_, node) => foldUniform(node) ?? foldSmall(node),
);

function foldUniform(node: Node): Node | undefined {
  if (node.def.emit.kind !== 'elementwise' && !UNIFORM_PRESERVING.has(node.op)) return undefined;
  const values = node.inputs.map(constantValue);
  if (values.some((value) => value === undefined)) return undefined;
  const Storage = node.dtype === 'float32' ? Float32Array : Float64Array;
  const out = new Storage(1);
  node.def.evaluate(out, values.map((value) => ({ shape: [], data: Storage.of(value!) })), node.attrs, []);
  const folded = uniformConstant(node.graph, out[0], node.shape);
  return folded === node ? undefined : folded;
}

function foldSmall(node: Node): Node | undefined {
  const size = staticSize(node.shape);
  if (size === undefined || size > FOLD_LIMIT) return undefined;
  if (!node.inputs.every((input) => input.def.leaf === 'known')) return undefined;
  const [result] = interpret([node], {});
  return constant(node.graph, [...result.data], node.shape);
}

/** A tensor of one value: a constant if small, else a broadcast scalar. */
export function uniformConstant(graph: Graph, value: number, shape: Shape): Node {
  const size = staticSize(shape);
  if (size !== undefined && size <= FOLD_LIMIT) return constant(graph, new Array<number>(size).fill(value), shape);
  return make('broadcast_to', [number(graph, value)], { shape });
}
