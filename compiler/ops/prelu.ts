import { greater } from './comparisons.js';
import { mul } from './mul.js';
import { binaryOp } from './op.js';
import { where } from './where.js';

/**
 * Parametric ReLU: x for x > 0, else alpha·x, with alpha a (broadcast, learnable) tensor.
 * As in PyTorch, x = 0 takes the alpha side: d/dx = alpha and d/dalpha = x = 0 there.
 */
export const prelu = binaryOp({
  name: 'prelu',
  compute: ([x, alpha]) => (x > 0 ? x : alpha * x),
  expr: ([x, alpha]) => `(${x} > 0 ? ${x} : ${alpha} * ${x})`,
  vjp: ({ inputs: [x, alpha] }, d) => {
    const positive = greater(x, 0);
    return [where(positive, d, mul(alpha, d)), where(positive, 0, mul(x, d))];
  },
});
