import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { broadcast_to } from './broadcast_to.js';
import { defineOp, type OpBuilder } from './op.js';
import { evaluateReduce, inferReduce, keptShape, reduceKeywords } from './reduce.js';
import { reshape } from './reshape.js';

export interface ReduceOptions {
  axis?: number | number[];
  keepdims?: boolean;
}

/** Sums start from −0, the IEEE additive identity, so −0 + −0 stays −0. */
const reduction = { identity: -0, fold: (acc: number, v: number) => acc + v, combine: (acc: string, v: string) => `${acc} + ${v}` };

export const sum: OpBuilder<(x: Operand, options?: ReduceOptions) => Node> = defineOp(
  {
    name: 'sum',
    arity: 1,
    keywords: reduceKeywords,
    infer: inferReduce,
    evaluate: (out, inputs, attrs) => evaluateReduce(out, inputs, attrs, reduction.identity, reduction.fold),
    vjp: ({ inputs: [x], attrs }, d) => [broadcast_to(reshape(d, keptShape(x.shape, attrs.axes as number[])), x.shape)],
    jvp: ({ attrs }, [t]) => t && sum(t, { axis: attrs.axes as number[], keepdims: attrs.keepdims as boolean }),
    emit: { kind: 'kernel' },
    flops: (node, size) => size(node.inputs[0].shape),
    reduction,
  },
  (x: Operand, options: ReduceOptions = {}): Node => apply('sum', [x], { ...options }),
);
