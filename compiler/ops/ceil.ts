import { unaryOp } from './op.js';

/** The smallest whole number ≥ x; piecewise constant, so its derivative is zero (disconnected). */
export const ceil = unaryOp({
  name: 'ceil',
  compute: ([x]) => Math.ceil(x),
  expr: ([x]) => `Math.ceil(${x})`,
  vjp: () => [null],
});
