import { add } from './add.js';
import { div } from './div.js';
import { unaryOp } from './op.js';
import { square } from './square.js';

export const atan = unaryOp({
  name: 'atan',
  compute: ([x]) => Math.atan(x),
  expr: ([x]) => `Math.atan(${x})`,
  vjp: ({ inputs: [x] }, d) => [div(d, add(1, square(x)))],
});
