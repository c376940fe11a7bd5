import { mul } from './mul.js';
import { unaryOp } from './op.js';
import { sinh } from './sinh.js';

export const cosh = unaryOp({
  name: 'cosh',
  compute: ([x]) => Math.cosh(x),
  expr: ([x]) => `Math.cosh(${x})`,
  vjp: ({ inputs: [x] }, d) => [mul(d, sinh(x))],
});
