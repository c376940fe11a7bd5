import { mul } from './mul.js';
import { unaryOp } from './op.js';
import { sigmoid } from './sigmoid.js';

/**
 * log(1 + exp(x)) in the stable form max(x, 0) + log1p(exp(−|x|)): softplus(1000) = 1000 and
 * softplus(−1000) = +0. Its derivative is sigmoid, itself stable.
 */
export const softplus = unaryOp({
  name: 'softplus',
  range: 'monotone',
  compute: ([x]) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  expr: ([x]) => `(Math.max(${x}, 0) + Math.log1p(Math.exp(-Math.abs(${x}))))`,
  vjp: ({ inputs: [x] }, d) => [mul(d, sigmoid(x))],
});
