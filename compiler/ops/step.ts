import { unaryOp } from './op.js';

/** 1 where x > 0, else 0; step' = 0. */
export const step = unaryOp({
  name: 'step',
  compute: ([x]) => (x > 0 ? 1 : 0),
  expr: ([x]) => `(${x} > 0 ? 1 : 0)`,
  vjp: () => [null],
});
