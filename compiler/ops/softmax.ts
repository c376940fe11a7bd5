import type { Node } from '../graph.js';
import { exp } from './exp.js';
import { log_softmax, type AxisOption } from './log_softmax.js';
import { defineComposite } from './op.js';

/** exp(log_softmax(x)) along `axis` (default −1): a composite; the exponent is ≤ 0, so it never overflows. */
export const softmax = defineComposite(
  { name: 'softmax', arity: 1, keywords: { axis: { kind: 'integer' } } },
  (x: Node, options: AxisOption = {}): Node => exp(log_softmax(x, options)),
);
