import type { Node } from '../graph.js';
import { defineComposite } from './op.js';
import { square } from './square.js';
import { sum } from './sum.js';

/** Σx²: a composite. */
export const l2 = defineComposite({ name: 'l2', arity: 1 }, (x: Node): Node => sum(square(x)));
