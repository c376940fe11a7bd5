import type { Node } from '../graph.js';
import { mul } from './mul.js';
import { defineComposite } from './op.js';
import { reshape } from './reshape.js';

/** a[i]·b[j] over the flattened operands (as NumPy): a composite, a column times a row. */
export const outer = defineComposite({ name: 'outer', arity: 2 }, (a: Node, b: Node): Node => mul(reshape(a, [-1, 1]), reshape(b, [1, -1])));
