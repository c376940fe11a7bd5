import { div } from './div.js';
import { unaryOp } from './op.js';
import { sqrt } from './sqrt.js';
import { square } from './square.js';
import { sub } from './sub.js';

/** Defined on [−1, 1]; its derivative 1/√(1 − x²) is infinite at the ends. */
export const asin = unaryOp({
  name: 'asin',
  compute: ([x]) => Math.asin(x),
  expr: ([x]) => `Math.asin(${x})`,
  vjp: ({ inputs: [x] }, d) => [div(d, sqrt(sub(1, square(x))))],
});
