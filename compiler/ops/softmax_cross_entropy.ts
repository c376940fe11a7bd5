import type { Node } from '../graph.js';
import { checkSameShape } from '../shape.js';
import type { AxisOption } from './log_softmax.js';
import { log_softmax } from './log_softmax.js';
import { mean } from './mean.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { defineComposite } from './op.js';
import { sum } from './sum.js';

/**
 * −Σ labels·log_softmax(logits) along `axis` (default −1), averaged over the other axes: a
 * composite. logits and labels must have the same shape (no broadcast).
 */
export const softmax_cross_entropy = defineComposite(
  { name: 'softmax_cross_entropy', arity: 2, keywords: { axis: { kind: 'integer' } } },
  (logits: Node, labels: Node, { axis = -1 }: AxisOption = {}): Node => {
    checkSameShape('softmax_cross_entropy: logits and labels', logits.shape, labels.shape);
    return mean(neg(sum(mul(labels, log_softmax(logits, { axis })), { axis })));
  },
);
