import { mul } from './mul.js';
import { unaryOp } from './op.js';
import { step } from './step.js';

/** max(x, 0); relu'(0) = 0 (step(0) = 0). NaN stays NaN. */
export const relu = unaryOp({
  name: 'relu',
  range: 'monotone',
  compute: ([x]) => Math.max(x, 0),
  expr: ([x]) => `Math.max(${x}, 0)`,
  vjp: ({ inputs: [x] }, d) => [mul(d, step(x))],
});
