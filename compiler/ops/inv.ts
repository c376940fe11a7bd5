import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { sizeOf } from '../shape.js';
import { lu, luSolve, squareMatrix, swapLast } from './linalg.js';
import { matmul } from './matmul.js';
import { neg } from './neg.js';
import { defineOp, type OpBuilder } from './op.js';

/** The inverse of each n×n matrix of A [..., n, n] (LU with partial pivoting); d(A⁻¹) = −A⁻¹·dA·A⁻¹. */
export const inv: OpBuilder<(a: Operand) => Node> = defineOp(
  {
    name: 'inv',
    arity: 1,
    infer: ([a]) => {
      squareMatrix(a);
      return { shape: a };
    },
    evaluate: (out, [a]) => {
      const n = a.shape.at(-1)!;
      const size = n * n;
      const work = new Float64Array(2 * size);
      const piv = new Int32Array(n);
      for (let b = 0; b < sizeOf(a.shape.slice(0, -2)); b++) {
        work.set(a.data.subarray(b * size, (b + 1) * size));
        lu(work, n, piv);
        luSolve(work, n, piv, null, 0, n, work, size);
        out.set(work.subarray(size), b * size);
      }
    },
    vjp: (y, d) => [neg(matmul(matmul(swapLast(y), d), swapLast(y)))],
    jvp: (y, [t]) => t && neg(matmul(matmul(y, t), y)),
    emit: { kind: 'kernel' },
    flops: (node, size) => 2 * size(node.shape) * size([node.shape.at(-1)!]),
  },
  (a: Operand): Node => apply('inv', [a]),
);
