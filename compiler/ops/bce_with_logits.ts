import type { Node } from '../graph.js';
import { mean } from './mean.js';
import { mul } from './mul.js';
import { defineComposite } from './op.js';
import { softplus } from './softplus.js';
import { sub } from './sub.js';

/** Binary cross-entropy of logits z against targets y, mean of softplus(z) − y·z: a composite, stable through softplus. */
export const bce_with_logits = defineComposite({ name: 'bce_with_logits', arity: 2 }, (z: Node, y: Node): Node => mean(sub(softplus(z), mul(y, z))));
