import { erfcValue } from './cody.js';
import { exp } from './exp.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { unaryOp } from './op.js';
import { square } from './square.js';

/** 1 − erf(x), accurate in the tail where 1 − erf(x) would cancel (generated code calls `$erfc`). */
export const erfc = unaryOp({
  name: 'erfc',
  compute: ([x]) => erfcValue(x),
  expr: ([x]) => `$erfc(${x})`,
  vjp: ({ inputs: [x] }, d) => [mul(d, mul(-2 / Math.sqrt(Math.PI), exp(neg(square(x)))))],
});
