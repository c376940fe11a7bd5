import { sameShape, type Shape } from '../shape.js';
import { FINITE, NAN, NEG_INF, NEG_ZERO, only, POS, POS_INF, ZERO } from './facts.js';
import { make } from './make.js';
import { bind, P, rule, v, type Rule } from './pattern.js';

const [x, y, z, c] = [v('x'), v('y'), v('z'), v('c')];
const { abs, add, div, exp, log, mul, neg, pow, reshape, sqrt, square, sub, sum, where } = P;

/**
 * Algebraic identities (zeros and ones are canonicalize's), each exact for every input, IEEE
 * specials included, or guarded by the classes of its operands: x − x is NaN for an infinite x,
 * x/x for a zero one, exp(log x) for a negative one. −(x − y) → y − x is not here: it turns −0
 * into 0 where x = y.
 */
export const algebra: readonly Rule[] = [
  rule('sub-self', sub(x, x), 0, (m) => only(m.x, FINITE)),
  rule('add-neg', add(x, neg(y)), sub(x, y)),
  rule('sub-neg', sub(x, neg(y)), add(x, y)),
  rule('neg-neg', neg(neg(x)), x),
  rule('mul-minus-one', mul(x, -1), neg(x)),
  rule('mul-self', mul(x, x), square(x)),
  rule('div-self', div(x, x), 1, (m) => only(m.x, FINITE & ~(ZERO | NEG_ZERO))),
  rule('pow-two', pow(x, 2), square(x)),
  rule('pow-half', pow(x, 0.5), sqrt(x), (m) => only(m.x, ~(NEG_ZERO | NEG_INF))),
  rule('pow-minus-one', pow(x, -1), div(1, x)),
  rule('exp-log', exp(log(x)), x, (m) => only(m.x, NAN | ZERO | POS | POS_INF)),
  rule('square-neg', square(neg(x)), square(x)),
  rule('abs-neg', abs(neg(x)), abs(x)),
  rule('sqrt-square', sqrt(square(x)), abs(x)),
  rule('where-same', where(c, x, x), x),
  rule('where-merge', add(where(c, x, 0), where(c, 0, y)), where(c, x, y), (m) => only(m.x, ~NEG_ZERO) && only(m.y, ~NEG_ZERO)),
  rule('where-nested-then', where(c, where(c, x, z), y), where(c, x, y)),
  rule('where-nested-else', where(c, y, where(c, z, x)), where(c, y, x)),
  rule('sum-keepdims-reshape', reshape(bind('s', sum(x))), (m) => make('sum', [m.x], { axes: m.s.attrs.axes }), (m, n) =>
    m.s.attrs.keepdims === true && sameShape(dropAxes(m.x.shape, m.s.attrs.axes as number[]), n.shape),
  ),
];

function dropAxes(shape: Shape, axes: readonly number[]): Shape {
  return shape.filter((_, a) => !axes.includes(a));
}
