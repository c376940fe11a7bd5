import { exp } from './exp.js';
import { mul } from './mul.js';
import { unaryOp } from './op.js';

/** exp(x) − 1, accurate for small x. */
export const expm1 = unaryOp({
  name: 'expm1',
  range: 'monotone',
  compute: ([x]) => Math.expm1(x),
  expr: ([x]) => `Math.expm1(${x})`,
  vjp: ({ inputs: [x] }, d) => [mul(d, exp(x))],
});
