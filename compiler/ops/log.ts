import { div } from './div.js';
import { unaryOp } from './op.js';

export const log = unaryOp({
  name: 'log',
  range: 'monotone',
  compute: ([x]) => Math.log(x),
  expr: ([x]) => `Math.log(${x})`,
  vjp: ({ inputs: [x] }, d) => [div(d, x)],
});
