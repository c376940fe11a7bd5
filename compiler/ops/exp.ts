import { mul } from './mul.js';
import { unaryOp } from './op.js';

export const exp = unaryOp({
  name: 'exp',
  range: 'monotone',
  compute: ([x]) => Math.exp(x),
  expr: ([x]) => `Math.exp(${x})`,
  vjp: (y, d) => [mul(d, y)],
});
