import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { determinantDef } from './determinant.js';
import { inv } from './inv.js';
import { swapLast } from './linalg.js';
import { mul } from './mul.js';
import { defineOp, type OpBuilder } from './op.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';

/** log |det A| of each n×n matrix of A [..., n, n], from the LU pivots (no overflow; −∞ if singular); its gradient is A⁻ᵀ. */
export const logdet: OpBuilder<(a: Operand) => Node> = defineOp(
  {
    ...determinantDef('logdet'),
    vjp: (y, d) => [mul(reshape(d, [...y.shape, 1, 1]), swapLast(inv(y.inputs[0])))],
    jvp: (y, [t]) => t && sum(mul(swapLast(inv(y.inputs[0])), t), { axis: [-2, -1] }),
  },
  (a: Operand): Node => apply('logdet', [a]),
);
