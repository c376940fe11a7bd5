import { mul } from './mul.js';
import { neg } from './neg.js';
import { binaryOp } from './op.js';

/** d(a/b) = da/b − (a/b)·db/b, written with the output y = a/b. */
export const div = binaryOp({
  name: 'div',
  range: 'monotone',
  compute: ([a, b]) => a / b,
  expr: ([a, b]) => `(${a} / ${b})`,
  vjp: (y, d) => {
    const db = div(d, y.inputs[1]);
    return [db, neg(mul(db, y))];
  },
});
