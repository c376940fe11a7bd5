import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { sameShape, ShapeError, showShape, sizeOf, type Shape } from '../shape.js';
import { asColumn, fromColumn, lu, luSolve, squareMatrix, swapLast } from './linalg.js';
import { matmul } from './matmul.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { defineOp, type OpBuilder } from './op.js';
import { reshape } from './reshape.js';
import { sub } from './sub.js';

/**
 * x with A·x = b, for A [..., n, n] and b [..., n] (vectors) or [..., n, k] (columns), the same
 * batch axes. The vjp is another solve, with Aᵀ: b̄ = A⁻ᵀ·x̄ and Ā = −b̄·xᵀ.
 */
export const solve: OpBuilder<(a: Operand, b: Operand) => Node> = defineOp(
  {
    name: 'solve',
    arity: 2,
    infer: ([a, b]) => {
      const { batch, n } = squareMatrix(a);
      const fits = b.length === a.length - 1 ? sameShape(b, [...batch, n]) : b.length === a.length && sameShape(b.slice(0, -1), [...batch, n]);
      if (!fits) throw new ShapeError(`needs b of shape ${showShape([...batch, n])} or ${showShape([...batch, n, 'k'])} for A ${showShape(a)}, got ${showShape(b)}`);
      return { shape: b };
    },
    evaluate: (out, [a, b]) => {
      const n = a.shape.at(-1)!;
      const k = columns(a.shape, b.shape) as number;
      const work = new Float64Array(n * n + n * k);
      const piv = new Int32Array(n);
      for (let s = 0; s < sizeOf(a.shape.slice(0, -2)); s++) {
        work.set(a.data.subarray(s * n * n, (s + 1) * n * n));
        lu(work, n, piv);
        luSolve(work, n, piv, b.data, s * n * k, k, work, n * n);
        out.set(work.subarray(n * n), s * n * k);
      }
    },
    vjp: (x, d) => {
      const [a, b] = x.inputs;
      const db = solve(swapLast(a), d);
      const vector = b.shape.length < a.shape.length;
      return [neg(vector ? mul(asColumn(db), reshape(x, [...x.shape.slice(0, -1), 1, x.shape.at(-1)!])) : matmul(db, swapLast(x))), db];
    },
    jvp: (x, [ta, tb]) => {
      const [a, b] = x.inputs;
      const vector = b.shape.length < a.shape.length;
      const moved = ta && (vector ? fromColumn(matmul(ta, asColumn(x))) : matmul(ta, x));
      const rhs = moved ? (tb ? sub(tb, moved) : neg(moved)) : tb;
      return rhs && solve(a, rhs);
    },
    emit: { kind: 'kernel' },
    flops: (node, size) => {
      const n = size([node.inputs[0].shape.at(-1)!]);
      return size(node.inputs[0].shape.slice(0, -2)) * Math.round((2 / 3) * n * n * n) + 2 * size(node.shape) * n;
    },
  },
  (a: Operand, b: Operand): Node => apply('solve', [a, b]),
);

/** The number of right-hand sides: 1 for a batch of vectors, else b's last axis. */
export function columns(a: Shape, b: Shape): Shape[number] {
  return b.length < a.length ? 1 : b.at(-1)!;
}
