import { log } from './log.js';
import { mul } from './mul.js';
import { binaryOp } from './op.js';
import { sub } from './sub.js';

export const pow = binaryOp({
  name: 'pow',
  compute: ([a, b]) => Math.pow(a, b),
  expr: ([a, b]) => `Math.pow(${a}, ${b})`,
  vjp: (y, d) => {
    const [a, b] = y.inputs;
    return [mul(d, mul(b, pow(a, sub(b, 1)))), mul(d, mul(y, log(a)))];
  },
});
