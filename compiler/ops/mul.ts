import { apply, constantValue, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { defineOp, elementwiseDef, type OpBuilder } from './op.js';

/**
 * a·b. A factor that is exactly the scalar 1 gives the other operand itself (x·1 is x in IEEE
 * arithmetic, NaN and −0 included), so the seed of a gradient leaves no node behind.
 */
export const mul: OpBuilder<(a: Operand, b: Operand) => Node> = defineOp(
  elementwiseDef({
    name: 'mul',
    arity: 2,
    commutative: true,
    associative: true,
    compute: ([a, b]) => a * b,
    expr: ([a, b]) => `(${a} * ${b})`,
    vjp: ({ inputs: [a, b] }, d) => [mul(d, b), mul(d, a)],
  }),
  (a, b) => (isScalarOne(b) && typeof a !== 'number' ? a : isScalarOne(a) && typeof b !== 'number' ? b : apply('mul', [a, b])),
);

function isScalarOne(x: Operand): boolean {
  return x === 1 || (typeof x !== 'number' && x.shape.length === 0 && constantValue(x) === 1);
}
