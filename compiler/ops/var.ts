import type { Node } from '../graph.js';
import { normalizeAxes } from '../shape.js';
import { count } from './count.js';
import { div } from './div.js';
import { mean } from './mean.js';
import { defineComposite } from './op.js';
import { reduceKeywords } from './reduce.js';
import { square } from './square.js';
import { sub } from './sub.js';
import { sum, type ReduceOptions } from './sum.js';

export interface VarOptions extends ReduceOptions {
  /** Divide by n − ddof (0: the population variance, 1: the unbiased sample variance). */
  ddof?: number;
}

/** Σ(x − mean)² / (n − ddof) along `axis`: a composite, two passes (no cancellation of E[x²] − E[x]²). */
const var_ = defineComposite(
  { name: 'var', arity: 1, keywords: { ...reduceKeywords, ddof: { kind: 'number' } } },
  (x: Node, { ddof = 0, ...options }: VarOptions = {}): Node => {
    const axes = options.axis === undefined ? undefined : normalizeAxes(options.axis, x.shape.length);
    const centred = sub(x, mean(x, { ...options, keepdims: true }));
    return div(sum(square(centred), options), sub(count(x, axes), ddof));
  },
);

// `var` is a keyword of JavaScript, but a fine export name.
export { var_ as var };
