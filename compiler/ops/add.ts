import { binaryOp } from './op.js';

export const add = binaryOp({
  name: 'add',
  range: 'monotone',
  commutative: true,
  associative: true,
  compute: ([a, b]) => a + b,
  expr: ([a, b]) => `(${a} + ${b})`,
  vjp: (_, d) => [d, d],
});
