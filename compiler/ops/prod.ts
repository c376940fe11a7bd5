import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { equal, not_equal } from './comparisons.js';
import { div } from './div.js';
import { keptView } from './kept.js';
import { mul } from './mul.js';
import { defineOp, type OpBuilder } from './op.js';
import { evaluateReduce, inferReduce, reduceKeywords } from './reduce.js';
import { sub } from './sub.js';
import { sum, type ReduceOptions } from './sum.js';
import { where } from './where.js';

/** Product of the entries along `axis` (default: all). */
export const prod: OpBuilder<(x: Operand, options?: ReduceOptions) => Node> = defineOp(
  {
    name: 'prod',
    arity: 1,
    keywords: reduceKeywords,
    infer: inferReduce,
    evaluate: (out, inputs, attrs) => evaluateReduce(out, inputs, attrs, 1, (acc, v) => acc * v),
    vjp: (node, d) => [mul(keptView(d, node), others(node))],
    jvp: (node, [t]) => t && sum(mul(t, others(node)), { axis: node.attrs.axes as number[], keepdims: node.attrs.keepdims as boolean }),
    emit: { kind: 'kernel' },
    flops: (node, size) => size(node.inputs[0].shape),
  },
  (x: Operand, options: ReduceOptions = {}): Node => apply('prod', [x], { ...options }),
);

/**
 * ∂prod/∂x: for each entry the product of the others, shaped like x, never dividing by 0. A
 * nonzero entry takes y/x; a zero one the product of the nonzero entries if it is the only zero,
 * times the other zero (value 0, slope 1) if there are two, else 0. Written so, it is exact at
 * second order with any number of zeros, and at every order with up to two.
 */
function others(node: Node): Node {
  const x = node.inputs[0];
  const reduce = (t: Node) => apply(node.op, [t], { axes: node.attrs.axes, keepdims: true });
  const sumKept = (t: Node) => sum(t, { axis: node.attrs.axes as number[], keepdims: true });
  const nonzero = not_equal(x, 0);
  const zero = equal(x, 0);
  const zeros = sumKept(zero);
  const nonzeroProduct = reduce(where(nonzero, x, 1));
  const otherZero = sub(sumKept(where(zero, x, 0)), x);
  const atZero = where(equal(zeros, 1), nonzeroProduct, where(equal(zeros, 2), mul(nonzeroProduct, otherZero), 0));
  return where(nonzero, div(keptView(node, node), where(nonzero, x, 1)), atZero);
}
