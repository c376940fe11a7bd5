import { add } from './add.js';
import { equal, greater } from './comparisons.js';
import { mul } from './mul.js';
import { binaryOp } from './op.js';
import { sub } from './sub.js';

/** Elementwise max; where a = b the gradient is shared equally. */
export const maximum = binaryOp({
  name: 'maximum',
  commutative: true,
  compute: ([a, b]) => Math.max(a, b),
  expr: ([a, b]) => `Math.max(${a}, ${b})`,
  vjp: ({ inputs: [a, b] }, d) => {
    const share = add(greater(a, b), mul(0.5, equal(a, b)));
    return [mul(d, share), mul(d, sub(1, share))];
  },
});
