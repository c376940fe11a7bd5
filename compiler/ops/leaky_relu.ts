import { jsOperand } from '../literals.js';
import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { greater } from './comparisons.js';
import { mul } from './mul.js';
import { defineOp, elementwiseDef, type OpBuilder } from './op.js';
import { where } from './where.js';

/** x for x > 0, else alpha·x. As in PyTorch, the slope at 0 is alpha (the x ≤ 0 side). */
export const leaky_relu: OpBuilder<(x: Operand, alpha?: number) => Node> = defineOp(
  elementwiseDef({
    name: 'leaky_relu',
    arity: 1,
    keywords: { alpha: { kind: 'number' } },
    defaults: { alpha: 0.01 },
    compute: ([x], { alpha }) => (x > 0 ? x : (alpha as number) * x),
    expr: ([x], { alpha }) => `(${x} > 0 ? ${x} : ${jsOperand(alpha as number)} * ${x})`,
    vjp: ({ inputs: [x], attrs }, d) => [where(greater(x, 0), d, mul(attrs.alpha as number, d))],
  }),
  (x: Operand, alpha = 0.01): Node => apply('leaky_relu', [x], { alpha }),
);
