import type { Node } from '../graph.js';
import { mean } from './mean.js';
import { defineComposite } from './op.js';
import { square } from './square.js';
import { sub } from './sub.js';

/** Mean of squared errors: a composite. */
export const mse = defineComposite({ name: 'mse', arity: 2 }, (pred: Node, target: Node): Node => mean(square(sub(pred, target))));
