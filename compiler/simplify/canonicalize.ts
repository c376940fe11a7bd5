import { apply, constantValue } from '../builder.js';
import type { Node } from '../graph.js';
import { count } from '../ops/count.js';
import { sameShape, staticSize } from '../shape.js';
import { FINITE, NEG, NEG_INF, NEG_ZERO, only, POS, POS_INF, ZERO } from './facts.js';
import { foldConstants } from './fold.js';
import { make, number } from './make.js';
import { bind, k, P, rule, test, v, type Rule } from './pattern.js';

const [x, y] = [v('x'), v('y')];
const { add, broadcast_to, div, matmul, mul, neg, pow, reshape, sub, sum, transpose, variable, where } = P;

const isScalar = (node: Node) => node.shape.length === 0;
const isZero = (node: Node) => constantValue(node) === 0;
const isNegZero = (node: Node) => Object.is(constantValue(node), -0);
const perm = (node: Node) => node.attrs.perm as readonly number[];
const axes = (node: Node) => node.attrs.axes as readonly number[];

/**
 * Canonical forms: constants folded, zeros and ones absorbed, and chains of shape ops collapsed,
 * so the seeds and zeros of build_grad (broadcast scalars) vanish through reshapes, transposes
 * and sums. Each rule is exact for every input, IEEE specials included: where ±Infinity, NaN or
 * the sign of a zero would make the two sides differ, a guard asks the node's classes (x·0 is
 * NaN for an infinite x, −0 for a negative one; −0 + 0 is 0; a sum starts from 0).
 */
export const canonicalize: readonly Rule[] = [
  rule('variable-value', variable(x), x),
  rule('custom-vjp-value', test((n) => n.def.customDerivative === true, 'c'), (m) => m.c.inputs[m.c.inputs.length - 1]),
  foldConstants,
  rule('add-zero', add(x, test(isZero, 'z')), x, (m) => isNegZero(m.z) || only(m.x, ~NEG_ZERO)),
  rule('sub-zero', sub(x, test(isZero, 'z')), x, (m) => !isNegZero(m.z) || only(m.x, ~NEG_ZERO)),
  rule('zero-sub', sub(test(isZero, 'z'), x), neg(x), (m) => isNegZero(m.z) || only(m.x, ~ZERO)),
  rule('mul-zero', mul(x, test(isZero, 'z')), (m) => signedZero(m.z, m.x, ZERO | POS, NEG_ZERO | NEG)),
  rule('mul-one', mul(x, 1), x),
  rule('div-one', div(x, 1), x),
  rule('zero-div', div(test(isZero, 'z'), x), (m) => signedZero(m.z, m.x, POS | POS_INF, NEG | NEG_INF)),
  rule('pow-zero', pow(x, 0), 1),
  rule('pow-one', pow(x, 1), x),
  rule('where-constant', where(k('c'), x, y), (m) => (constantValue(m.c) !== 0 ? m.x : m.y)),
  rule('matmul-zero', matmul(x, y), 0, (m) => (isZero(m.x) && only(m.y, FINITE)) || (isZero(m.y) && only(m.x, FINITE))),
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
  rule('sum-broadcast-scalar', sum(bind('b', broadcast_to(x))), (m, n) => sumOfScalar(m.x, m.b, axes(n)), (m) =>
    isScalar(m.x) && only(m.x, ~NEG_ZERO),
  ),
  rule('sum-size-one', sum(x), (m, n) => make('reshape', [m.x], { shape: n.shape }), (m, n) =>
    axes(n).every((a) => m.x.shape[a] === 1) && only(m.x, ~NEG_ZERO),
  ),
];

/** The zero z where x is in `same` (of z's sign), its negation where x is in `opposite`; else nothing. */
function signedZero(z: Node, x: Node, same: number, opposite: number): Node | undefined {
  if (only(x, same)) return z;
  if (only(x, opposite)) return number(x.graph, -constantValue(z)!);
  return undefined;
}

/** Σ over `axes` of a scalar s broadcast to `of`'s shape: s times the number of summed elements. */
function sumOfScalar(s: Node, of: Node, summed: readonly number[]): Node {
  const n = count(of, [...summed]);
  return staticSize(summed.map((a) => of.shape[a])) === 1 ? s : apply('mul', [s, n]);
}
