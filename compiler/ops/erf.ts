import { erfValue } from './cody.js';
import { exp } from './exp.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { unaryOp } from './op.js';
import { square } from './square.js';

/** The error function (W. J. Cody's approximation, see cody.ts; generated code calls the module's `$erf`). */
export const erf = unaryOp({
  name: 'erf',
  compute: ([x]) => erfValue(x),
  expr: ([x]) => `$erf(${x})`,
  vjp: ({ inputs: [x] }, d) => [mul(d, mul(2 / Math.sqrt(Math.PI), exp(neg(square(x)))))],
});
