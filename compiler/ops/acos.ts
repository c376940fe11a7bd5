import { div } from './div.js';
import { neg } from './neg.js';
import { unaryOp } from './op.js';
import { sqrt } from './sqrt.js';
import { square } from './square.js';
import { sub } from './sub.js';

/** Defined on [−1, 1]; its derivative −1/√(1 − x²) is infinite at the ends. */
export const acos = unaryOp({
  name: 'acos',
  compute: ([x]) => Math.acos(x),
  expr: ([x]) => `Math.acos(${x})`,
  vjp: ({ inputs: [x] }, d) => [neg(div(d, sqrt(sub(1, square(x)))))],
});
