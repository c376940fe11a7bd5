import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { ShapeError, showShape, type Shape } from '../shape.js';
import { add } from './add.js';
import { defineOp, type OpBuilder } from './op.js';
import { reshape } from './reshape.js';
import { transpose } from './transpose.js';

/**
 * Matrix product of 1-D and 2-D operands, as NumPy: a 1-D left operand is a row, a 1-D right
 * operand a column, and that axis is dropped from the result.
 */
export const matmul: OpBuilder<(a: Operand, b: Operand) => Node> = defineOp(
  {
    name: 'matmul',
    arity: 2,
    infer: ([a, b]) => {
      if (a.length < 1 || a.length > 2 || b.length < 1 || b.length > 2) {
        throw new ShapeError(`needs 1-D or 2-D operands, got ${showShape(a)} and ${showShape(b)}`);
      }
      const [m, k] = asMatrix(a, 'left');
      const [k2, n] = asMatrix(b, 'right');
      if (k !== k2) throw new ShapeError(`shapes ${showShape(a)} and ${showShape(b)} do not align (${k} vs ${k2})`);
      return { shape: [...(a.length === 2 ? [m] : []), ...(b.length === 2 ? [n] : [])] };
    },
    evaluate: (out, [a, b]) => {
      const [m, k] = asMatrix(a.shape, 'left') as number[];
      const n = b.shape.length === 2 ? b.shape[1] : 1;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let p = 0; p < k; p++) acc += a.data[i * k + p] * b.data[p * n + j];
          out[i * n + j] = acc;
        }
      }
    },
    // Through 2-D views: dA = D·Bᵀ, dB = Aᵀ·D, reshaped back to each operand's shape.
    vjp: ({ inputs: [a, b] }, d) => {
      const a2 = reshape(a, asMatrix(a.shape, 'left'));
      const b2 = reshape(b, asMatrix(b.shape, 'right'));
      const d2 = reshape(d, [a2.shape[0], b2.shape[1]]);
      return [reshape(matmul(d2, transpose(b2)), a.shape), reshape(matmul(transpose(a2), d2), b.shape)];
    },
    jvp: ({ inputs: [a, b] }, [ta, tb]) => {
      const terms = [ta && matmul(ta, b), tb && matmul(a, tb)].filter((t): t is Node => t !== null);
      return terms.length === 2 ? add(terms[0], terms[1]) : (terms[0] ?? null);
    },
    emit: {
      kind: 'kernel',
      lines: (k) => {
        const { node, out, ins } = k;
        const [m, kk] = asMatrix(node.inputs[0].shape, 'left').map((d) => k.dim(d));
        const n = k.dim(asMatrix(node.inputs[1].shape, 'right')[1]);
        const [i, j, p, acc] = [k.local('i'), k.local('j'), k.local('p'), k.local('acc')];
        return [
          `for (let ${i} = 0; ${i} < ${m}; ${i}++) {`,
          `  for (let ${j} = 0; ${j} < ${n}; ${j}++) {`,
          `    let ${acc} = 0;`,
          `    for (let ${p} = 0; ${p} < ${kk}; ${p}++) ${acc} += ${ins[0]}[${i} * ${kk} + ${p}] * ${ins[1]}[${p} * ${n} + ${j}];`,
          `    ${out}[${i} * ${n} + ${j}] = ${acc};`,
          '  }',
          '}',
        ];
      },
    },
    flops: (node, size) => 2 * size(node.shape) * size([node.inputs[0].shape.at(-1)!]),
  },
  (a: Operand, b: Operand): Node => apply('matmul', [a, b]),
);

/** The 2-D view of an operand: a vector is a row on the left, a column on the right. */
function asMatrix(shape: Shape, side: 'left' | 'right'): Shape {
  if (shape.length === 2) return shape;
  return side === 'left' ? [1, shape[0]] : [shape[0], 1];
}
