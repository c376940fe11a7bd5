import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { defineOp, elementwiseDef, type OpBuilder } from './op.js';

/** `where(cond, a, b)`: a where cond ≠ 0, else b. The gradient flows only into the branch taken. */
export const where: OpBuilder<(cond: Operand, a: Operand, b: Operand) => Node> = defineOp(
  elementwiseDef({
    name: 'where',
    arity: 3,
    compute: ([c, a, b]) => (c !== 0 ? a : b),
    expr: ([c, a, b]) => `(${c} !== 0 ? ${a} : ${b})`,
    vjp: ({ inputs: [c] }, d) => [null, where(c, d, 0), where(c, 0, d)],
    selects: true,
  }),
  (cond: Operand, a: Operand, b: Operand): Node => apply('where', [cond, a, b]),
);
