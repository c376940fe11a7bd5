import { add } from './add.js';
import { equal, less } from './comparisons.js';
import { mul } from './mul.js';
import { binaryOp } from './op.js';
import { sub } from './sub.js';

/** Elementwise min; where a = b the gradient is shared equally. */
export const minimum = binaryOp({
  name: 'minimum',
  commutative: true,
  compute: ([a, b]) => Math.min(a, b),
  expr: ([a, b]) => `Math.min(${a}, ${b})`,
  vjp: ({ inputs: [a, b] }, d) => {
    const share = add(less(a, b), mul(0.5, equal(a, b)));
    return [mul(d, share), mul(d, sub(1, share))];
  },
});
