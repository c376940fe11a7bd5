import type { Node } from '../graph.js';
import { erfc } from './erfc.js';
import { mul } from './mul.js';
import { defineComposite } from './op.js';

/** The exact GELU x·Φ(x), with Φ(x) = erfc(−x/√2)/2: a composite, accurate for large negative x too. */
export const gelu = defineComposite({ name: 'gelu', arity: 1 }, (x: Node): Node => mul(x, mul(0.5, erfc(mul(x, -Math.SQRT1_2)))));
