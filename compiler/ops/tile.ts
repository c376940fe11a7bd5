import type { Node } from '../graph.js';
import { ShapeError, type Dim } from '../shape.js';
import { broadcast_to } from './broadcast_to.js';
import { defineComposite } from './op.js';
import { reshape } from './reshape.js';

/**
 * x repeated reps[a] times along each axis a (NumPy's tile: the shorter of reps and x's shape is
 * padded with leading 1s). A composite: each axis d becomes [r, d] by broadcasting, then [r·d].
 */
export const tile = defineComposite(
  { name: 'tile', arity: 1, keywords: { reps: { kind: 'integers', required: true } } },
  (x: Node, { reps }: { reps: readonly number[] }): Node => {
    for (const r of reps) if (!Number.isInteger(r) || r < 1) throw new ShapeError(`tile reps must be whole numbers ≥ 1, got [${reps.join(', ')}]`);
    const rank = Math.max(reps.length, x.shape.length);
    const dims: Dim[] = [...new Array<number>(rank - x.shape.length).fill(1), ...x.shape];
    const counts = [...new Array<number>(rank - reps.length).fill(1), ...reps];
    if (counts.every((r) => r === 1)) return dims.length === x.shape.length ? x : reshape(x, dims);
    const tiled = dims.map((d, a) => {
      if (counts[a] === 1) return d;
      if (typeof d === 'number') return counts[a] * d;
      throw new ShapeError(`tile cannot repeat axis ${a} of named size ${d}`);
    });
    const spread = broadcast_to(reshape(x, dims.flatMap((d) => [1, d])), dims.flatMap((d, a) => [counts[a], d]));
    return reshape(spread, tiled);
  },
);
