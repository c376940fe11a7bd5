import { add } from './add.js';
import { div } from './div.js';
import { unaryOp } from './op.js';

/** log(1 + x), accurate for small x. */
export const log1p = unaryOp({
  name: 'log1p',
  range: 'monotone',
  compute: ([x]) => Math.log1p(x),
  expr: ([x]) => `Math.log1p(${x})`,
  vjp: ({ inputs: [x] }, d) => [div(d, add(1, x))],
});
