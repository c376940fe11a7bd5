import type { Node } from '../graph.js';
import { exp } from './exp.js';
import { log_softmax, type AxisOption } from './log_softmax.js';
import { defineComposite } from './op.js';

/**
 * exp(log_softmax(x)) along `axis` (default −1): a composite. log_softmax is shifted by the max,
 * so this is e/Σe with e = exp(x − max x) to the same accuracy (softmax([1e16, 1e16]) is
 * [0.5, 0.5]); the exponent is ≤ 0, so it never overflows; and log(softmax x) simplifies back
 * to log_softmax x.
 */
export const softmax = defineComposite(
  { name: 'softmax', arity: 1, keywords: { axis: { kind: 'integer' } } },
  (x: Node, options: AxisOption = {}): Node => exp(log_softmax(x, options)),
);
