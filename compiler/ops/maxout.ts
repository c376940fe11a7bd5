import type { Node } from '../graph.js';
import { ShapeError } from '../shape.js';
import { max } from './max.js';
import { defineComposite } from './op.js';
import { reshape } from './reshape.js';

/** Max over groups of `pieces` consecutive entries of the last axis: a composite, reshape then max (ties share). */
export const maxout = defineComposite(
  { name: 'maxout', arity: 1, keywords: { pieces: { kind: 'integer', required: true } } },
  (x: Node, { pieces }: { pieces: number }): Node => {
    const last = x.shape.at(-1);
    if (last === undefined) throw new ShapeError('maxout needs an axis to group, got a scalar');
    if (!Number.isInteger(pieces) || pieces < 1) throw new ShapeError(`maxout needs pieces ≥ 1, got ${pieces}`);
    if (typeof last !== 'number' || last % pieces !== 0) {
      throw new ShapeError(`maxout: pieces=${pieces} does not divide the last axis (size ${last})`);
    }
    return max(reshape(x, [...x.shape.slice(0, -1), last / pieces, pieces]), { axis: -1 });
  },
);
