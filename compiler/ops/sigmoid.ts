import { mul } from './mul.js';
import { unaryOp } from './op.js';
import { sub } from './sub.js';

/** σ(x), in the form that never overflows: exp only ever sees −|x|. */
export const sigmoid = unaryOp({
  name: 'sigmoid',
  range: 'monotone',
  compute: ([x]) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  expr: ([x]) => `(${x} >= 0 ? 1 / (1 + Math.exp(-${x})) : Math.exp(${x}) / (1 + Math.exp(${x})))`,
  vjp: (y, d) => [mul(d, mul(y, sub(1, y)))],
});
