import type { Node } from '../graph.js';
import { sameShape, ShapeError, showShape, type Shape } from '../shape.js';
import { broadcast_to } from './broadcast_to.js';
import { defineComposite } from './op.js';

export interface ShapeOption {
  shape: Shape;
}

/** v broadcast to `shape`: a composite (broadcast_to), so the gradient to v is the sum. */
export const fill = defineComposite(
  { name: 'fill', arity: 1, keywords: { shape: { kind: 'integers', required: true } } },
  (v: Node, { shape }: ShapeOption): Node => {
    if (shape.some((d) => typeof d === 'number' && !(Number.isInteger(d) && d >= 0))) throw new ShapeError(`bad shape ${showShape(shape)}`);
    return sameShape(v.shape, shape) ? v : broadcast_to(v, shape);
  },
);
