import type { Node } from '../graph.js';
import { normalizeAxes } from '../shape.js';
import { count } from './count.js';
import { div } from './div.js';
import { defineComposite } from './op.js';
import { reduceKeywords } from './reduce.js';
import { sum, type ReduceOptions } from './sum.js';

/** mean = sum / count: a composite, so it needs no derivative rule of its own. */
export const mean = defineComposite(
  { name: 'mean', arity: 1, keywords: reduceKeywords },
  (x: Node, options: ReduceOptions = {}): Node => {
    const axes = options.axis === undefined ? undefined : normalizeAxes(options.axis, x.shape.length);
    return div(sum(x, options), count(x, axes));
  },
);

