import { apply, scalar, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { broadcast_to } from './broadcast_to.js';
import { equal } from './comparisons.js';
import { cumsum } from './cumsum.js';
import { exclusive_scan } from './exclusive_scan.js';
import { keptView } from './kept.js';
import { mul } from './mul.js';
import { defineOp, type OpBuilder } from './op.js';
import { evaluateReduce, inferReduce, reduceKeywords } from './reduce.js';
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
    vjp: (node, d) => [mul(keptView(d, node), others(node.inputs[0], node.attrs.axes as number[]))],
    jvp: (node, [t]) => t && sum(mul(t, others(node.inputs[0], node.attrs.axes as number[])), { axis: node.attrs.axes as number[], keepdims: node.attrs.keepdims as boolean }),
    emit: { kind: 'kernel' },
    flops: (node, size) => size(node.inputs[0].shape),
  },
  (x: Operand, options: ReduceOptions = {}): Node => apply('prod', [x], { ...options }),
);

/**
 * ∂prod/∂x: for each entry the product of the other entries along `axes`, shaped like x, by
 * multiplications only (no division by an entry that may be 0), so it is exact at every order
 * with any number of zeros. Along one axis it is the product of the entries before times the
 * product of those after, each an exclusive scan; over several, the others along the first axis
 * times the others of the product along it.
 */
function others(x: Node, axes: readonly number[]): Node {
  const ones = broadcast_to(scalar(x.graph, 1), x.shape);
  if (axes.length === 0) return ones;
  const [axis, ...rest] = axes;
  const side = (reverse: boolean) => {
    const end = equal(cumsum(ones, { axis, reverse }), 1);
    return where(end, 1, exclusive_scan(x, where(end, x, 0), { axis, reverse }));
  };
  const along = mul(side(false), side(true));
  return rest.length === 0 ? along : mul(along, others(prod(x, { axis: [axis], keepdims: true }), rest));
}
