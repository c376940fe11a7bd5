import type { Node } from '../graph.js';
import { logsumexp } from './logsumexp.js';
import { defineComposite } from './op.js';
import { sub } from './sub.js';

export interface AxisOption {
  axis?: number;
}

/** x − logsumexp(x) along `axis` (default −1): a composite, exact and max-shifted through logsumexp. */
export const log_softmax = defineComposite(
  { name: 'log_softmax', arity: 1, keywords: { axis: { kind: 'integer' } } },
  (x: Node, { axis = -1 }: AxisOption = {}): Node => sub(x, logsumexp(x, { axis, keepdims: true })),
);
