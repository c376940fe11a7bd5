import { jsOperand } from '../codegen/literals.js';
import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { add } from './add.js';
import { greater } from './comparisons.js';
import { mul } from './mul.js';
import { defineOp, elementwiseDef, type OpBuilder } from './op.js';
import { where } from './where.js';

/**
 * x for x > 0, else alpha·(exp(x) − 1). The slope on the x ≤ 0 side is written y + alpha
 * (= alpha·exp(x)), so no derivative ever evaluates exp of a large x; at 0 it is alpha (PyTorch).
 */
export const elu: OpBuilder<(x: Operand, alpha?: number) => Node> = defineOp(
  elementwiseDef({
    name: 'elu',
    arity: 1,
    keywords: { alpha: { kind: 'number' } },
    defaults: { alpha: 1 },
    compute: ([x], { alpha }) => (x > 0 ? x : (alpha as number) * Math.expm1(x)),
    expr: ([x], { alpha }) => `(${x} > 0 ? ${x} : ${jsOperand(alpha as number)} * Math.expm1(${x}))`,
    vjp: (y, d) => [where(greater(y.inputs[0], 0), d, mul(d, add(y, y.attrs.alpha as number)))],
  }),
  (x: Operand, alpha = 1): Node => apply('elu', [x], { alpha }),
);
