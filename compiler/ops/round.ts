import { unaryOp } from './op.js';

/**
 * The nearest whole number, halves to the even one (NumPy, PyTorch): round(0.5) = 0,
 * round(1.5) = round(2.5) = 2, round(−0.5) = −0. Piecewise constant: derivative zero.
 */
export const round = unaryOp({
  name: 'round',
  compute: ([x]) => (x - Math.floor(x) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x)),
  expr: ([x]) => `(${x} - Math.floor(${x}) === 0.5 ? 2 * Math.round(${x} / 2) : Math.round(${x}))`,
  vjp: () => [null],
});
