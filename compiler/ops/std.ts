import type { Node } from '../graph.js';
import { defineComposite } from './op.js';
import { reduceKeywords } from './reduce.js';
import { sqrt } from './sqrt.js';
import { var as variance, type VarOptions } from './var.js';

/** √var (same `axis`, `keepdims` and `ddof`): a composite; its slope is infinite where all entries are equal. */
export const std = defineComposite(
  { name: 'std', arity: 1, keywords: { ...reduceKeywords, ddof: { kind: 'number' } } },
  (x: Node, options: VarOptions = {}): Node => sqrt(variance(x, options)),
);
