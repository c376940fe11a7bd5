import { scalar } from '../builder.js';
import type { Graph, Node } from '../graph.js';
import { fill, type ShapeOption } from './fill.js';
import { defineComposite } from './op.js';

/** Ones of `shape`: a composite, the scalar 1 broadcast. */
export const ones = defineComposite(
  { name: 'ones', arity: 0, keywords: { shape: { kind: 'integers', required: true } } },
  (graph: Graph, options: ShapeOption): Node => fill(scalar(graph, 1), options),
);
