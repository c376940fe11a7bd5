import { apply, scalar, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { sizeOf } from '../shape.js';
import { add } from './add.js';
import { broadcast_to } from './broadcast_to.js';
import { equal, greater } from './comparisons.js';
import { cumsum } from './cumsum.js';
import { inv } from './inv.js';
import { cholesky as factor, squareMatrix, swapLast } from './linalg.js';
import { matmul } from './matmul.js';
import { mul } from './mul.js';
import { defineOp, type OpBuilder } from './op.js';

/**
 * The lower factor L with L·Lᵀ = A of each symmetric positive-definite n×n matrix of A. It reads
 * (A + Aᵀ)/2, as JAX, so its gradient is symmetric and agrees with finite differences; NaN where A
 * is not positive definite. With Φ(X) = the lower triangle of X, diagonal halved:
 * dL = L·Φ(L⁻¹·dA·L⁻ᵀ), and Ā = sym(L⁻ᵀ·Φ(Lᵀ·L̄)·L⁻¹) (PyTorch's and JAX's rule).
 */
export const cholesky: OpBuilder<(a: Operand) => Node> = defineOp(
  {
    name: 'cholesky',
    arity: 1,
    infer: ([a]) => {
      squareMatrix(a);
      return { shape: a };
    },
    evaluate: (out, [a]) => {
      const n = a.shape.at(-1)!;
      const work = new Float64Array(n * n);
      for (let b = 0; b < sizeOf(a.shape.slice(0, -2)); b++) {
        factor(a.data, b * n * n, n, work);
        out.set(work, b * n * n);
      }
    },
    vjp: (l, d) => {
      const li = inv(l);
      const s = matmul(matmul(swapLast(li), phi(matmul(swapLast(l), d))), li);
      return [symmetric(s)];
    },
    jvp: (l, [t]) => {
      if (!t) return null;
      const li = inv(l);
      return matmul(l, phi(matmul(matmul(li, symmetric(t)), swapLast(li))));
    },
    emit: { kind: 'kernel' },
    flops: (node, size) => Math.round((size(node.shape) * size([node.shape.at(-1)!])) / 3),
  },
  (a: Operand): Node => apply('cholesky', [a]),
);

/** (X + Xᵀ)/2 over the last two axes. */
function symmetric(x: Node): Node {
  return mul(0.5, add(x, swapLast(x)));
}

/** The lower triangle of X with its diagonal halved; the mask is built from running counts, so n may be a named size. */
function phi(x: Node): Node {
  const ones = broadcast_to(scalar(x.graph, 1), x.shape.slice(-2));
  const [row, column] = [cumsum(ones, { axis: 0 }), cumsum(ones, { axis: 1 })];
  return mul(x, add(greater(row, column), mul(0.5, equal(row, column))));
}
