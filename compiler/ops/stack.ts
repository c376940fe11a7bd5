import type { Node } from '../graph.js';
import { normalizeAxis, ShapeError } from '../shape.js';
import { concat } from './concat.js';
import { defineComposite } from './op.js';
import { reshape } from './reshape.js';

/** Join same-shaped tensors along a new axis (default 0): a composite, each given a unit axis there, then concat. */
export const stack = defineComposite(
  { name: 'stack', arity: 'variadic', keywords: { axis: { kind: 'integer' } } },
  (xs: readonly Node[], { axis = 0 }: { axis?: number } = {}): Node => {
    if (xs.length === 0) throw new ShapeError('stack needs at least one argument');
    const at = normalizeAxis(axis, xs[0].shape.length + 1);
    return concat(
      xs.map((x) => reshape(x, [...x.shape.slice(0, at), 1, ...x.shape.slice(at)])),
      at,
    );
  },
);
