import { unaryOp } from './op.js';

/** The largest whole number ≤ x; piecewise constant, so its derivative is zero (disconnected). */
export const floor = unaryOp({
  name: 'floor',
  compute: ([x]) => Math.floor(x),
  expr: ([x]) => `Math.floor(${x})`,
  vjp: () => [null],
});
