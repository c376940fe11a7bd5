import { greater, less } from './comparisons.js';
import { mul } from './mul.js';
import { unaryOp } from './op.js';

/** max(−1, min(1, x)); the slope is 1 strictly inside (−1, 1) and 0 at ±1 (PyTorch). */
export const hard_tanh = unaryOp({
  name: 'hard_tanh',
  compute: ([x]) => Math.max(-1, Math.min(1, x)),
  expr: ([x]) => `Math.max(-1, Math.min(1, ${x}))`,
  vjp: ({ inputs: [x] }, d) => [mul(d, mul(greater(x, -1), less(x, 1)))],
});
