import { unaryOp } from './op.js';

/** The identity whose derivative is disconnected: build_grad treats it as a constant. */
export const stop_gradient = unaryOp({
  name: 'stop_gradient',
  compute: ([x]) => x,
  expr: ([x]) => x,
  vjp: () => [null],
});
