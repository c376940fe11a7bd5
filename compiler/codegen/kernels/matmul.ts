import { asMatrix, batchOf, batchRank } from '../../ops/matmul.js';
import type { Shape } from '../../shape.js';
import { loopNest, plus, strideExprs } from '../indexing.js';
import type { Kernel, KernelContext } from './context.js';

/** A matmul whose matrices are at least this big (m·n·k, with m, n ≥ 4) runs as a packed, blocked gemm; smaller ones as dot products in a loop. */
export const GEMM_MIN_WORK = 32_768;

/**
 * matmul's paths: in a graph of small static tensors, one dot product per element (`scalars`);
 * otherwise a gemm (one call per matrix of a batch) when the matrices are big enough, else dot
 * products inside a fused loop, or this loop nest when batched.
 */
export const matmul: Kernel = {
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
      `    for (let ${p} = 0; ${p} < ${kk}; ${p}++) ${acc} += ${k.at(ins[0], plus(ao, `${i} * ${kk} + ${p}`))} * ${k.at(ins[1], plus(bo, `${p} * ${n} + ${j}`))};`,
      `    ${out}[${plus(oo, `${i} * ${n} + ${j}`)}] = ${acc};`,
      '  }',
      '}',
    ]);
  },
  step: (node) => {
    const [a, b] = node.inputs;
    const batched = a.shape.length > 2 || b.shape.length > 2;
    if (a.shape.length < 2 || b.shape.length < 2) return batched ? 'kernel' : 'dot';
    const size = (d: Shape[number]) => (typeof d === 'number' ? d : 1024);
    const [m, k, n] = [...a.shape.slice(-2), b.shape.at(-1)!].map(size);
    if (m >= 4 && n >= 4 && m * n * k >= GEMM_MIN_WORK) return 'gemm';
    return batched ? 'kernel' : 'dot';
  },
  scalars: (s) => {
    if (!s.node.inputs.every((x) => x.shape.length <= 2)) return undefined;
    const [a, b] = s.node.inputs.map((x) => x.shape as number[]);
    const [m, k] = a.length === 2 ? a : [1, a[0]];
    const n = b.length === 2 ? b[1] : 1;
    const refs: number[] = [];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        // Summed from +0, as every other path and the interpreter do (as BLAS does): −0 products give +0.
        let acc = s.literal(0);
        for (let p = 0; p < k; p++) acc = s.apply(s.muladd, [acc, s.ins[0][i * k + p], s.ins[1][p * n + j]], i * n + j);
        refs.push(acc);
      }
    }
    return refs;
  },
};

/** Strides of a tensor's matrices along the result's batch axes ('0' where it is broadcast); its own batch axes lead. */
function batchStrides(k: KernelContext, shape: Shape, ownRank: number, batch: Shape): string[] {
  const own = shape.slice(0, ownRank);
  const strides = strideExprs(k, shape);
  const offset = batch.length - own.length;
  return batch.map((d, t) => (t < offset || (own[t - offset] === 1 && d !== 1) ? '0' : strides[t - offset]));
}
