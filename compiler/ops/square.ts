import { mul } from './mul.js';
import { unaryOp } from './op.js';

export const square = unaryOp({
  name: 'square',
  range: 'monotone',
  compute: ([x]) => x * x,
  expr: ([x]) => `(${x} * ${x})`,
  vjp: ({ inputs: [x] }, d) => [mul(d, mul(2, x))],
});
