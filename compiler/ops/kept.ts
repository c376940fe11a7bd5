import type { Node } from '../graph.js';
import { sameShape } from '../shape.js';
import { keptShape } from './reduce.js';
import { reshape } from './reshape.js';

/**
 * A reduction's result (or its gradient) with the reduced axes kept as 1, so it broadcasts
 * against the input. Already so under keepdims: then the node itself, which keeps it shared.
 */
export function keptView(t: Node, reduction: Node): Node {
  const shape = keptShape(reduction.inputs[0].shape, reduction.attrs.axes as number[]);
  return sameShape(t.shape, shape) ? t : reshape(t, shape);
}
