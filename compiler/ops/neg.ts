import { unaryOp } from './op.js';

export const neg = unaryOp({
  name: 'neg',
  range: 'monotone',
  compute: ([x]) => -x,
  expr: ([x]) => `(-${x})`,
  vjp: (_, d) => [neg(d)],
});
