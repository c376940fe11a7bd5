import { jsOperand } from '../literals.js';
import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { add } from './add.js';
import { greater, less } from './comparisons.js';
import { mul } from './mul.js';
import { defineOp, elementwiseDef, type OpBuilder } from './op.js';
import { where } from './where.js';

/**
 * x for x > 0, else alpha·(exp(x) − 1). As in PyTorch, elu′(0) = alpha (the x ≤ 0 side) and
 * elu″(0) = 0: the slope is 1 for x > 0, y + alpha (= alpha·exp(x), so no derivative evaluates
 * exp of a large x) for x < 0, and the constant alpha at 0, whose derivative is 0.
 */
export const elu: OpBuilder<(x: Operand, alpha?: number) => Node> = defineOp(
  elementwiseDef({
    name: 'elu',
    arity: 1,
    keywords: { alpha: { kind: 'number' } },
    defaults: { alpha: 1 },
    compute: ([x], { alpha }) => (x > 0 ? x : (alpha as number) * Math.expm1(x)),
    expr: ([x], { alpha }) => `(${x} > 0 ? ${x} : ${jsOperand(alpha as number)} * Math.expm1(${x}))`,
    vjp: (y, d) => {
      const [x] = y.inputs;
      const alpha = y.attrs.alpha as number;
      return [where(greater(x, 0), d, mul(d, where(less(x, 0), add(y, alpha), alpha)))];
    },
  }),
  (x: Operand, alpha = 1): Node => apply('elu', [x], { alpha }),
);
