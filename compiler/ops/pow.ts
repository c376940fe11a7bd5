import { constantValue } from '../builder.js';
import { equal, greater_equal } from './comparisons.js';
import { log } from './log.js';
import { mul } from './mul.js';
import { binaryOp } from './op.js';
import { sub } from './sub.js';
import { where } from './where.js';

/**
 * a ^ b. The derivatives at a = 0 are PyTorch's: ∂/∂a = b·a^(b−1), but 0 where a = b = 0 (not
 * 0·0^(−1)); ∂/∂b = y·log(a), but 0 where a = 0 and b ≥ 0 (not 0·(−∞)). Each exception is taken
 * by replacing the operand where it applies (b by 1, a by 1), so the rules stay finite there
 * and differentiate again under the same conventions.
 */
export const pow = binaryOp({
  name: 'pow',
  compute: ([a, b]) => Math.pow(a, b),
  expr: ([a, b]) => `Math.pow(${a}, ${b})`,
  vjp: (y, d) => {
    const [a, b] = y.inputs;
    const known = constantValue(b);
    const exponent = known !== undefined && known !== 0 ? b : where(mul(equal(a, 0), equal(b, 0)), 1, b);
    const base = known !== undefined && known < 0 ? a : where(mul(equal(a, 0), greater_equal(b, 0)), 1, a);
    return [mul(d, mul(b, pow(a, sub(exponent, 1)))), mul(d, mul(y, log(base)))];
  },
});
