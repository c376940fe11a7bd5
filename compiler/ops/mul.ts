import { binaryOp } from './op.js';

export const mul = binaryOp({
  name: 'mul',
  commutative: true,
  compute: ([a, b]) => a * b,
  expr: ([a, b]) => `(${a} * ${b})`,
  vjp: ({ inputs: [a, b] }, d) => [mul(d, b), mul(d, a)],
});
