import { apply, constantValue } from '../builder.js';
import type { Node } from '../graph.js';
import { count } from '../ops/count.js';
import { sameShape, staticSize } from '../shape.js';
import { foldConstants } from './fold.js';
import { make } from './make.js';
import { bind, k, P, rule, v, type Rule } from './pattern.js';

const [x, y] = [v('x'), v('y')];
const { add, broadcast_to, div, matmul, mul, neg, pow, reshape, sub, sum, transpose, variable, where } = P;

const isScalar = (node: Node) => node.shape.length === 0;
const isZero = (node: Node) => constantValue(node) === 0;
const perm = (node: Node) => node.attrs.perm as readonly number[];
const axes = (node: Node) => node.attrs.axes as readonly number[];

/**
 * Canonical forms: constants folded, zeros and ones absorbed, and chains of shape ops collapsed,
 * so the seeds and zeros of build_grad (broadcast scalars) vanish through reshapes, transposes
 * and sums. x·0 → 0 assumes x is finite, as Theano's and JAX's symbolic zeros do: Inf·0 is NaN,
 * so where an input really is ±Inf or NaN the simplified graph may be finite where the
 * unsimplified one was not.
 */
export const canonicalize: readonly Rule[] = [
  rule('variable-value', variable(x), x),
  foldConstants,
  rule('add-zero', add(x, 0), x),
  rule('sub-zero', sub(x, 0), x),
  rule('zero-sub', sub(0, x), neg(x)),
  rule('mul-zero', mul(x, 0), 0),
  rule('mul-one', mul(x, 1), x),
  rule('div-one', div(x, 1), x),
  rule('zero-div', div(0, x), 0),
  rule('pow-zero', pow(x, 0), 1),
  rule('pow-one', pow(x, 1), x),
  rule('where-constant', where(k('c'), x, y), (m) => (constantValue(m.c) !== 0 ? m.x : m.y)),
  rule('matmul-zero', matmul(x, y), 0, (m) => isZero(m.x) || isZero(m.y)),
  rule('broadcast-same-shape', broadcast_to(x), x, (m, n) => sameShape(m.x.shape, n.shape)),
  rule('broadcast-broadcast', broadcast_to(broadcast_to(x)), (m, n) => make('broadcast_to', [m.x], { shape: n.shape })),
  rule('reshape-same-shape', reshape(x), x, (m, n) => sameShape(m.x.shape, n.shape)),
  rule('reshape-reshape', reshape(reshape(x)), (m, n) => make('reshape', [m.x], { shape: n.shape })),
  rule('reshape-broadcast-scalar', reshape(broadcast_to(x)), (m, n) => make('broadcast_to', [m.x], { shape: n.shape }), (m) => isScalar(m.x)),
  rule('transpose-identity', transpose(x), x, (_, n) => perm(n).every((p, a) => p === a)),
  rule('transpose-transpose', transpose(bind('inner', transpose(x))), (m, n) =>
    make('transpose', [m.x], { perm: perm(n).map((p) => perm(m.inner)[p]) }),
  ),
  rule('transpose-broadcast-scalar', transpose(broadcast_to(x)), (m, n) => make('broadcast_to', [m.x], { shape: n.shape }), (m) =>
    isScalar(m.x),
  ),
  rule('sum-broadcast-scalar', sum(bind('b', broadcast_to(x))), (m, n) => sumOfScalar(m.x, m.b, axes(n)), (m) => isScalar(m.x)),
  rule('sum-size-one', sum(x), (m, n) => make('reshape', [m.x], { shape: n.shape }), (m, n) =>
    axes(n).every((a) => m.x.shape[a] === 1),
  ),
];

/** Σ over `axes` of a scalar s broadcast to `of`'s shape: s times the number of summed elements. */
function sumOfScalar(s: Node, of: Node, summed: readonly number[]): Node {
  const n = count(of, [...summed]);
  return staticSize(summed.map((a) => of.shape[a])) === 1 ? s : apply('mul', [s, n]);
}
