import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { exp } from './exp.js';
import { keptView } from './kept.js';
import { log_softmax } from './log_softmax.js';
import { mul } from './mul.js';
import { defineOp, type OpBuilder } from './op.js';
import { inferReduce, reduceKeywords } from './reduce.js';
import { evaluateShifted } from './shifted.js';
import type { ReduceOptions } from './sum.js';

/**
 * log Σ exp(x) along `axis`, shifted by the max m: m + log Σ exp(x − m), so ±1000 is fine
 * (an infinite or NaN m is the result itself). The gradient is the stable softmax,
 * exp(log_softmax(x)), never exp(x − y), which loses the digits of y.
 */
export const logsumexp: OpBuilder<(x: Operand, options?: ReduceOptions) => Node> = defineOp(
  {
    name: 'logsumexp',
    arity: 1,
    keywords: reduceKeywords,
    infer: inferReduce,
    evaluate: (out, [x], attrs) => {
      const { m, s } = evaluateShifted(x, attrs.axes as number[]);
      for (let o = 0; o < out.length; o++) out[o] = Math.abs(m[o]) === Infinity ? m[o] : m[o] + Math.log(s[o]);
    },
    vjp: (node, d) => [mul(keptView(d, node), weights(node))],
    jvp: (node, [t]) => t && apply('sum', [mul(t, weights(node))], node.attrs),
    emit: { kind: 'kernel' },
    flops: (node, size) => size(node.inputs[0].shape),
  },
  (x: Operand, options: ReduceOptions = {}): Node => apply('logsumexp', [x], { ...options }),
);

/** The softmax along the reduced axes, shaped like x. */
function weights(node: Node): Node {
  return exp(log_softmax(node.inputs[0], { axis: node.attrs.axes as number[] }));
}
