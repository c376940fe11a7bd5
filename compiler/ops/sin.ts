import { cos } from './cos.js';
import { mul } from './mul.js';
import { unaryOp } from './op.js';

export const sin = unaryOp({
  name: 'sin',
  range: 'bounded',
  compute: ([x]) => Math.sin(x),
  expr: ([x]) => `Math.sin(${x})`,
  vjp: ({ inputs: [x] }, d) => [mul(d, cos(x))],
});
