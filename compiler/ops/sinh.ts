import { cosh } from './cosh.js';
import { mul } from './mul.js';
import { unaryOp } from './op.js';

export const sinh = unaryOp({
  name: 'sinh',
  compute: ([x]) => Math.sinh(x),
  expr: ([x]) => `Math.sinh(${x})`,
  vjp: ({ inputs: [x] }, d) => [mul(d, cosh(x))],
});
