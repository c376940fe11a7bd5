import { sameShape, type Shape } from '../shape.js';
import { make } from './make.js';
import { bind, P, rule, v, type Rule } from './pattern.js';

const [x, y, z, c] = [v('x'), v('y'), v('z'), v('c')];
const { abs, add, div, exp, log, mul, neg, pow, reshape, sqrt, square, sub, sum, where } = P;

/**
 * Algebraic identities (zeros and ones are canonicalize's). Like x·0 → 0 there, x − x → 0 and
 * x/x → 1 assume finite values.
 */
export const algebra: readonly Rule[] = [
  rule('sub-self', sub(x, x), 0),
  rule('add-neg', add(x, neg(y)), sub(x, y)),
  rule('sub-neg', sub(x, neg(y)), add(x, y)),
  rule('neg-neg', neg(neg(x)), x),
  rule('neg-sub', neg(sub(x, y)), sub(y, x)),
  rule('mul-minus-one', mul(x, -1), neg(x)),
  rule('mul-self', mul(x, x), square(x)),
  rule('div-self', div(x, x), 1),
  rule('pow-two', pow(x, 2), square(x)),
  rule('pow-half', pow(x, 0.5), sqrt(x)),
  rule('pow-minus-one', pow(x, -1), div(1, x)),
  rule('exp-log', exp(log(x)), x),
  rule('square-neg', square(neg(x)), square(x)),
  rule('abs-neg', abs(neg(x)), abs(x)),
  rule('sqrt-square', sqrt(square(x)), abs(x)),
  rule('where-same', where(c, x, x), x),
  rule('where-merge', add(where(c, x, 0), where(c, 0, y)), where(c, x, y)),
  rule('where-nested-then', where(c, where(c, x, z), y), where(c, x, y)),
  rule('where-nested-else', where(c, y, where(c, z, x)), where(c, y, x)),
  rule('sum-keepdims-reshape', reshape(bind('s', sum(x))), (m) => make('sum', [m.x], { axes: m.s.attrs.axes }), (m, n) =>
    m.s.attrs.keepdims === true && sameShape(dropAxes(m.x.shape, m.s.attrs.axes as number[]), n.shape),
  ),
];

function dropAxes(shape: Shape, axes: readonly number[]): Shape {
  return shape.filter((_, a) => !axes.includes(a));
}
