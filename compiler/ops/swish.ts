import type { Node } from '../graph.js';
import { mul } from './mul.js';
import { defineComposite } from './op.js';
import { sigmoid } from './sigmoid.js';

/** x·sigmoid(x): a composite, exact and as stable as sigmoid. */
export const swish = defineComposite({ name: 'swish', arity: 1 }, (x: Node): Node => mul(x, sigmoid(x)));
