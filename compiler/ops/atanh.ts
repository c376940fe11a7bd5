import { div } from './div.js';
import { unaryOp } from './op.js';
import { square } from './square.js';
import { sub } from './sub.js';

/** Defined on (−1, 1), ±∞ at ±1. */
export const atanh = unaryOp({
  name: 'atanh',
  compute: ([x]) => Math.atanh(x),
  expr: ([x]) => `Math.atanh(${x})`,
  vjp: ({ inputs: [x] }, d) => [div(d, sub(1, square(x)))],
});
