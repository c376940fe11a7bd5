import { apply, constantValue, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { defineOp, elementwiseDef, type OpBuilder } from './op.js';

/**
 * a·b. A factor that is exactly the scalar 1 gives the other operand itself (x·1 is x in IEEE
 * arithmetic, NaN and −0 included), whether a spec, the builder or a rule builds it, so the seed
 * of a gradient leaves no node behind.
 */
export const mul: OpBuilder<(a: Operand, b: Operand) => Node> = defineOp(
  elementwiseDef({
    name: 'mul',
    range: 'monotone',
    arity: 2,
    commutative: true,
    associative: true,
    compute: ([a, b]) => a * b,
    expr: ([a, b]) => `(${a} * ${b})`,
    vjp: ({ inputs: [a, b] }, d) => [mul(d, b), mul(d, a)],
    identity: ([a, b]) => (isScalarOne(b) ? a : isScalarOne(a) ? b : undefined),
  }),
  (a, b) => apply('mul', [a, b]),
);

function isScalarOne(x: Node): boolean {
  return x.shape.length === 0 && constantValue(x) === 1;
}
