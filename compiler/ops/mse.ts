import type { Node } from '../graph.js';
import { checkSameShape } from '../shape.js';
import { mean } from './mean.js';
import { defineComposite } from './op.js';
import { square } from './square.js';
import { sub } from './sub.js';

/** Mean of squared errors: a composite. pred and target must have the same shape (no broadcast). */
export const mse = defineComposite({ name: 'mse', arity: 2 }, (pred: Node, target: Node): Node => {
  checkSameShape('mse: pred and target', pred.shape, target.shape);
  return mean(square(sub(pred, target)));
});
