import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { stridesOf } from '../shape.js';
import { exp } from './exp.js';
import { keptView } from './kept.js';
import { forEachIndex, loopNest, offsetOf, strideExprs } from './loops.js';
import { mul } from './mul.js';
import { defineOp, type OpBuilder } from './op.js';
import { inferReduce, keptShape, reduceKeywords } from './reduce.js';
import { plus } from './region.js';
import { sub } from './sub.js';
import type { ReduceOptions } from './sum.js';

/**
 * log Σ exp(x) along `axis`, shifted by the max m: m + log Σ exp(x − m), so ±1000 is fine
 * (an infinite or NaN m is the result itself). The gradient is softmax, exp(x − y) ≤ 1.
 */
export const logsumexp: OpBuilder<(x: Operand, options?: ReduceOptions) => Node> = defineOp(
  {
    name: 'logsumexp',
    arity: 1,
    keywords: reduceKeywords,
    infer: inferReduce,
    evaluate: (out, [x], attrs) => {
      const axes = attrs.axes as number[];
      const slot = stridesOf(keptShape(x.shape, axes) as number[]).map((s, a) => (axes.includes(a) ? 0 : s));
      const m = new Float64Array(out.length).fill(-Infinity);
      const s = new Float64Array(out.length);
      forEachIndex(x.shape, (index, flat) => {
        const o = offsetOf(index, slot);
        m[o] = Math.max(m[o], x.data[flat]);
      });
      forEachIndex(x.shape, (index, flat) => {
        const o = offsetOf(index, slot);
        s[o] += Math.exp(x.data[flat] - m[o]);
      });
      for (let o = 0; o < out.length; o++) out[o] = Math.abs(m[o]) === Infinity ? m[o] : m[o] + Math.log(s[o]);
    },
    vjp: (node, d) => [mul(keptView(d, node), weights(node))],
    jvp: (node, [t]) => t && apply('sum', [mul(t, weights(node))], node.attrs),
    emit: {
      kind: 'kernel',
      // Outer loops over the kept axes, inner loops over the reduced ones (same summation order as evaluate).
      lines: (k) => {
        const { node, out, ins } = k;
        const x = node.inputs[0];
        const axes = node.attrs.axes as number[];
        const xStrides = strideExprs(k, x.shape);
        const keptAxes = x.shape.map((_, a) => a).filter((a) => !axes.includes(a));
        const keptDims = keptAxes.map((a) => x.shape[a]);
        const [m, s] = [k.local('m'), k.local('s')];
        return loopNest(k, keptDims, [strideExprs(k, keptDims), keptAxes.map((a) => xStrides[a])], ([o, base]) => {
          const inner = (body: (at: string) => string) =>
            loopNest(k, axes.map((a) => x.shape[a]), [axes.map((a) => xStrides[a])], ([r]) => [body(`${ins[0]}[${plus(base, r)}]`)]);
          return [
            `let ${m} = -Infinity;`,
            ...inner((v) => `${m} = Math.max(${m}, ${v});`),
            `let ${s} = 0;`,
            ...inner((v) => `${s} += Math.exp(${v} - ${m});`),
            `${out}[${o}] = Math.abs(${m}) === Infinity ? ${m} : ${m} + Math.log(${s});`,
          ];
        });
      },
    },
    flops: (node, size) => size(node.inputs[0].shape),
  },
  (x: Operand, options: ReduceOptions = {}): Node => apply('logsumexp', [x], { ...options }),
);

/** exp(x − logsumexp(x)): the softmax along the reduced axes, shaped like x. */
function weights(node: Node): Node {
  return exp(sub(node.inputs[0], keptView(node, node)));
}
