import { unaryOp } from './op.js';

/** −1, 0 or 1 (sign(0) = 0); its derivative is zero everywhere it exists. */
export const sign = unaryOp({
  name: 'sign',
  compute: ([x]) => Math.sign(x) + 0,
  expr: ([x]) => `(Math.sign(${x}) + 0)`,
  vjp: () => [null],
});
