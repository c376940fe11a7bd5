import type { Node } from '../graph.js';
import { abs } from './abs.js';
import { defineComposite } from './op.js';
import { sum } from './sum.js';

/** Σ|x|: a composite (its gradient at 0 is sign(0) = 0). */
export const l1 = defineComposite({ name: 'l1', arity: 1 }, (x: Node): Node => sum(abs(x)));
