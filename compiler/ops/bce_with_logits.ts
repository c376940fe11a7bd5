import type { Node } from '../graph.js';
import { checkSameShape } from '../shape.js';
import { mean } from './mean.js';
import { mul } from './mul.js';
import { defineComposite } from './op.js';
import { softplus } from './softplus.js';
import { sub } from './sub.js';

/**
 * Binary cross-entropy of logits z against targets y, mean of softplus(z) − y·z: a composite,
 * stable through softplus. z and y must have the same shape (no broadcast).
 */
export const bce_with_logits = defineComposite({ name: 'bce_with_logits', arity: 2 }, (z: Node, y: Node): Node => {
  checkSameShape('bce_with_logits: logits and targets', z.shape, y.shape);
  return mean(sub(softplus(z), mul(y, z)));
});
