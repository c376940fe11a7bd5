import { mul } from './mul.js';
import { neg } from './neg.js';
import { unaryOp } from './op.js';
import { sin } from './sin.js';

export const cos = unaryOp({
  name: 'cos',
  range: 'bounded',
  compute: ([x]) => Math.cos(x),
  expr: ([x]) => `Math.cos(${x})`,
  vjp: ({ inputs: [x] }, d) => [mul(d, neg(sin(x)))],
});
