import { neg } from './neg.js';
import { binaryOp } from './op.js';

export const sub = binaryOp({
  name: 'sub',
  range: 'monotone',
  compute: ([a, b]) => a - b,
  expr: ([a, b]) => `(${a} - ${b})`,
  vjp: (_, d) => [d, neg(d)],
});
