import { apply } from '../builder.js';
import type { Node } from '../graph.js';
import { equal } from './comparisons.js';
import { div } from './div.js';
import { keptView } from './kept.js';
import { mul } from './mul.js';
import type { OpDef } from './op.js';
import { evaluateReduce, inferReduce, reduceKeywords } from './reduce.js';
import { sum } from './sum.js';

/**
 * The `max` and `min` reductions. The gradient goes to the entries equal to the result,
 * shared equally among ties: d · eq(x, y) / (number of ties).
 */
export function extremumDef(name: 'max' | 'min'): OpDef {
  const reduction = {
    identity: name === 'max' ? -Infinity : Infinity,
    fold: name === 'max' ? Math.max : Math.min,
    combine: (acc: string, v: string) => `Math.${name}(${acc}, ${v})`,
  };
  return {
    name,
    arity: 1,
    keywords: reduceKeywords,
    infer: inferReduce,
    evaluate: (out, inputs, attrs) => evaluateReduce(out, inputs, attrs, reduction.identity, reduction.fold),
    vjp: (node, d) => [mul(keptView(d, node), share(node))],
    jvp: (node, [t]) => t && apply('sum', [mul(t, share(node))], node.attrs),
    emit: { kind: 'kernel' },
    flops: (node, size) => size(node.inputs[0].shape),
    reduction,
  };
}

/** 1/(number of ties) where x attains the reduced value, else 0; shaped like x. */
function share(node: Node): Node {
  const hit = equal(node.inputs[0], keptView(node, node));
  return div(hit, sum(hit, { axis: node.attrs.axes as number[], keepdims: true }));
}
