import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { determinantDef } from './determinant.js';
import { inv } from './inv.js';
import { mul } from './mul.js';
import { defineOp, type OpBuilder } from './op.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';
import { swapLast } from './linalg.js';

/** The determinant of each n×n matrix of A [..., n, n] (0 for a singular one); det' = det·A⁻ᵀ. */
export const det: OpBuilder<(a: Operand) => Node> = defineOp(
  {
    ...determinantDef('det'),
    vjp: (y, d) => [mul(reshape(mul(d, y), [...y.shape, 1, 1]), swapLast(inv(y.inputs[0])))],
    jvp: (y, [t]) => t && mul(y, sum(mul(swapLast(inv(y.inputs[0])), t), { axis: [-2, -1] })),
  },
  (a: Operand): Node => apply('det', [a]),
);
