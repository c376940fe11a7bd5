import { zerosLike } from '../builder.js';
import { SymgradError } from '../errors.js';
import type { Node } from '../graph.js';
import { sameShape, showShape } from '../shape.js';
import { pruneBetween } from './prune.js';

/**
 * Forward mode: the directional derivative ∂y/∂x · v, appending tangent nodes to the graph.
 * Nodes between x and y are visited in topological order, each op's jvp rule mapping the
 * tangents of its inputs to the tangent of its output.
 */
export function jvp(y: Node, x: Node, v: Node): Node {
  return jvpMany([[x, v]], [y])[0] ?? zerosLike(y.graph, y.shape);
}

/** Forward mode from several (x, tangent) pairs at once: the tangent of each y (null: zero). */
export function jvpMany(seeds: readonly (readonly [Node, Node])[], ys: readonly Node[]): (Node | null)[] {
  for (const [x, v] of seeds) {
    if (!sameShape(v.shape, x.shape)) {
      throw new SymgradError('', `the tangent has shape ${showShape(v.shape)} but x has shape ${showShape(x.shape)}`);
    }
  }
  const xs = seeds.map(([x]) => x);
  const reached = new Set<Node>();
  for (const y of ys) for (const node of pruneBetween(xs, y)) reached.add(node);
  const between = [...reached].sort((a, b) => a.id - b.id);
  const tangents = new Map<Node, Node | null>(seeds.map(([x, v]) => [x, v]));
  for (const node of between) {
    if (tangents.has(node)) continue;
    const inputTangents = node.inputs.map((input) => tangents.get(input) ?? null);
    tangents.set(node, inputTangents.some(Boolean) ? (node.def.jvp?.(node, inputTangents) ?? null) : null);
  }
  return ys.map((y) => tangents.get(y) ?? null);
}
