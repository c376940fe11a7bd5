import { scalar } from '../builder.js';
import type { Graph, Node } from '../graph.js';
import { fill, type ShapeOption } from './fill.js';
import { defineComposite } from './op.js';

/** Zeros of `shape`: a composite, the scalar 0 broadcast (the simplifier and code generator see through it). */
export const zeros = defineComposite(
  { name: 'zeros', arity: 0, keywords: { shape: { kind: 'integers', required: true } } },
  (graph: Graph, options: ShapeOption): Node => fill(scalar(graph, 0), options),
);
