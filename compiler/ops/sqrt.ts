import { div } from './div.js';
import { mul } from './mul.js';
import { unaryOp } from './op.js';

export const sqrt = unaryOp({
  name: 'sqrt',
  range: 'monotone',
  compute: ([x]) => Math.sqrt(x),
  expr: ([x]) => `Math.sqrt(${x})`,
  vjp: (y, d) => [div(d, mul(2, y))],
});
