import { add } from './add.js';
import { mul } from './mul.js';
import { unaryOp } from './op.js';
import { square } from './square.js';

/** tan' = 1 + tan². */
export const tan = unaryOp({
  name: 'tan',
  compute: ([x]) => Math.tan(x),
  expr: ([x]) => `Math.tan(${x})`,
  vjp: (y, d) => [mul(d, add(1, square(y)))],
});
