import { mul } from './mul.js';
import { unaryOp } from './op.js';
import { sign } from './sign.js';

/** |x|; abs'(0) = sign(0) = 0. */
export const abs = unaryOp({
  name: 'abs',
  range: 'monotone',
  compute: ([x]) => Math.abs(x),
  expr: ([x]) => `Math.abs(${x})`,
  vjp: ({ inputs: [x] }, d) => [mul(d, sign(x))],
});
