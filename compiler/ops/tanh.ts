import { mul } from './mul.js';
import { unaryOp } from './op.js';
import { square } from './square.js';
import { sub } from './sub.js';

export const tanh = unaryOp({
  name: 'tanh',
  range: 'monotone',
  compute: ([x]) => Math.tanh(x),
  expr: ([x]) => `Math.tanh(${x})`,
  vjp: (y, d) => [mul(d, sub(1, square(y)))],
});
