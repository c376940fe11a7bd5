import { add } from './add.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { unaryOp } from './op.js';
import { sqrt } from './sqrt.js';
import { sub } from './sub.js';

/** Defined on [1, ∞); the slope 1/(√(x − 1)·√(x + 1)) is written so that it stays accurate near 1. */
export const acosh = unaryOp({
  name: 'acosh',
  compute: ([x]) => Math.acosh(x),
  expr: ([x]) => `Math.acosh(${x})`,
  vjp: ({ inputs: [x] }, d) => [div(d, mul(sqrt(sub(x, 1)), sqrt(add(x, 1))))],
});
