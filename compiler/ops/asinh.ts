import { add } from './add.js';
import { div } from './div.js';
import { unaryOp } from './op.js';
import { sqrt } from './sqrt.js';
import { square } from './square.js';

export const asinh = unaryOp({
  name: 'asinh',
  compute: ([x]) => Math.asinh(x),
  expr: ([x]) => `Math.asinh(${x})`,
  vjp: ({ inputs: [x] }, d) => [div(d, sqrt(add(square(x), 1)))],
});
