import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { broadcastShapes, sameShape, ShapeError, showShape, type Shape } from '../shape.js';
import { add } from './add.js';
import { forEachIndex, loopNest, offsetOf, strideExprs } from './loops.js';
import { broadcastStrides, defineOp, type KernelContext, type OpBuilder } from './op.js';
import { plus } from './region.js';
import { reshape } from './reshape.js';
import { transpose } from './transpose.js';

/**
 * Matrix product as NumPy's matmul: a 1-D left operand is a row, a 1-D right operand a column
 * (that axis is dropped from the result), and leading (batch) axes broadcast.
 */
export const matmul: OpBuilder<(a: Operand, b: Operand) => Node> = defineOp(
  {
    name: 'matmul',
    arity: 2,
    infer: ([a, b]) => {
      if (a.length < 1 || b.length < 1) throw new ShapeError(`needs operands of rank 1 or more, got ${showShape(a)} and ${showShape(b)}`);
      const [m, k] = asMatrix(a, 'left');
      const [k2, n] = asMatrix(b, 'right');
      if (k !== k2) throw new ShapeError(`shapes ${showShape(a)} and ${showShape(b)} do not align (${k} vs ${k2})`);
      return { shape: [...broadcastShapes([batchOf(a), batchOf(b)]), ...(a.length >= 2 ? [m] : []), ...(b.length >= 2 ? [n] : [])] };
    },
    evaluate: (out, [a, b], _, shape) => {
      const [m, k] = asMatrix(a.shape, 'left') as number[];
      const n = asMatrix(b.shape, 'right')[1] as number;
      const batch = shape.slice(0, batchRank(shape, a.shape, b.shape));
      const aStrides = broadcastStrides(batchOf(a.shape) as number[], batch).map((s) => s * m * k);
      const bStrides = broadcastStrides(batchOf(b.shape) as number[], batch).map((s) => s * k * n);
      forEachIndex(batch, (index, flat) => {
        const [ao, bo, oo] = [offsetOf(index, aStrides), offsetOf(index, bStrides), flat * m * n];
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let acc = 0;
            for (let p = 0; p < k; p++) acc += a.data[ao + i * k + p] * b.data[bo + p * n + j];
            out[oo + i * n + j] = acc;
          }
        }
      });
    },
    // Through matrix views: dA = D·Bᵀ, dB = Aᵀ·D (batched); build_grad sums broadcast batch axes.
    vjp: ({ inputs: [a, b] }, d) => {
      const [a2, b2] = [view(a, matrixShape(a, 'left')), view(b, matrixShape(b, 'right'))];
      const batch = d.shape.slice(0, batchRank(d.shape, a.shape, b.shape));
      const d2 = view(d, [...batch, a2.shape.at(-2)!, b2.shape.at(-1)!]);
      return [unview(matmul(d2, swapLast(b2)), a), unview(matmul(swapLast(a2), d2), b)];
    },
    jvp: ({ inputs: [a, b] }, [ta, tb]) => {
      const terms = [ta && matmul(ta, b), tb && matmul(a, tb)].filter((t): t is Node => t !== null);
      return terms.length === 2 ? add(terms[0], terms[1]) : (terms[0] ?? null);
    },
    emit: {
      kind: 'kernel',
      lines: (k) => {
        const { node, out, ins } = k;
        const [a, b] = node.inputs;
        const [m, kk] = asMatrix(a.shape, 'left').map((d) => k.dim(d));
        const n = k.dim(asMatrix(b.shape, 'right')[1]);
        const batch = node.shape.slice(0, batchRank(node.shape, a.shape, b.shape));
        const strides = [batchStrides(k, node.shape, batch.length, batch), ...[a, b].map((x) => batchStrides(k, x.shape, batchOf(x.shape).length, batch))];
        const [i, j, p, acc] = [k.local('i'), k.local('j'), k.local('p'), k.local('acc')];
        return loopNest(k, batch, strides, ([oo, ao, bo]) => [
          `for (let ${i} = 0; ${i} < ${m}; ${i}++) {`,
          `  for (let ${j} = 0; ${j} < ${n}; ${j}++) {`,
          `    let ${acc} = 0;`,
          `    for (let ${p} = 0; ${p} < ${kk}; ${p}++) ${acc} += ${ins[0]}[${plus(ao, `${i} * ${kk} + ${p}`)}] * ${ins[1]}[${plus(bo, `${p} * ${n} + ${j}`)}];`,
          `    ${out}[${plus(oo, `${i} * ${n} + ${j}`)}] = ${acc};`,
          '  }',
          '}',
        ]);
      },
    },
    flops: (node, size) => 2 * size(node.shape) * size([node.inputs[0].shape.at(-1)!]),
  },
  (a: Operand, b: Operand): Node => apply('matmul', [a, b]),
);

/** The matrix dims of an operand: a vector is a row on the left, a column on the right. */
function asMatrix(shape: Shape, side: 'left' | 'right'): Shape {
  if (shape.length >= 2) return shape.slice(-2);
  return side === 'left' ? [1, shape[0]] : [shape[0], 1];
}

function matrixShape(x: Node, side: 'left' | 'right'): Shape {
  return [...batchOf(x.shape), ...asMatrix(x.shape, side)];
}

function batchOf(shape: Shape): Shape {
  return shape.slice(0, Math.max(0, shape.length - 2));
}

/** How many leading axes of the result are batch axes. */
function batchRank(result: Shape, a: Shape, b: Shape): number {
  return result.length - (a.length >= 2 ? 1 : 0) - (b.length >= 2 ? 1 : 0);
}

function view(x: Node, shape: Shape): Node {
  return sameShape(x.shape, shape) ? x : reshape(x, shape);
}

/** A matrix-view gradient back to a 1-D operand's own axis (batch axes kept for build_grad). */
function unview(g: Node, x: Node): Node {
  return x.shape.length === 1 ? reshape(g, [...g.shape.slice(0, -2), x.shape[0]]) : g;
}

function swapLast(x: Node): Node {
  const perm = x.shape.map((_, a) => a);
  perm.splice(-2, 2, perm.length - 1, perm.length - 2);
  return transpose(x, perm);
}

/** Strides of a tensor's matrices along the result's batch axes ('0' where it is broadcast); its own batch axes lead. */
function batchStrides(k: KernelContext, shape: Shape, ownRank: number, batch: Shape): string[] {
  const own = shape.slice(0, ownRank);
  const strides = strideExprs(k, shape);
  const offset = batch.length - own.length;
  return batch.map((d, t) => (t < offset || (own[t - offset] === 1 && d !== 1) ? '0' : strides[t - offset]));
}
