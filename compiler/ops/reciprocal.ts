import { mul } from './mul.js';
import { neg } from './neg.js';
import { unaryOp } from './op.js';
import { square } from './square.js';

/** 1/x; its derivative is −1/x² = −y². */
export const reciprocal = unaryOp({
  name: 'reciprocal',
  range: 'monotone',
  compute: ([x]) => 1 / x,
  expr: ([x]) => `(1 / ${x})`,
  vjp: (y, d) => [mul(d, neg(square(y)))],
});
