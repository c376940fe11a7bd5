import { apply, scalar, zerosLike } from '../builder.js';
import { SymgradError } from '../errors.js';
import type { Node } from '../graph.js';
import { sameShape, showShape, type Shape } from '../shape.js';
import { pruneBetween } from './prune.js';

/**
 * build_grad (Goodfellow et al., Algorithms 6.5 and 6.6), appending gradient nodes to y's graph.
 * The recursion over consumers is unrolled into one pass over G′ in reverse topological order:
 * when a node is reached, every consumer's entry of the grad table is final. Returns the
 * gradient of ⟨seed, y⟩ for each target, zeros where y does not depend on it.
 */
export function buildGrad(y: Node, targets: readonly Node[], seed: Node): Node[] {
  if (!sameShape(seed.shape, y.shape)) {
    throw new SymgradError('', `the cotangent has shape ${showShape(seed.shape)} but y has shape ${showShape(y.shape)}`);
  }
  const graph = y.graph;
  const between = pruneBetween(targets, y);
  const gradTable = new Map<Node, Node | null>([[y, seed]]);
  const bprops = new Map<Node, readonly (Node | null)[]>();
  const order = [...between].sort((a, b) => b.id - a.id);
  for (const v of order) {
    if (gradTable.has(v)) continue;
    const contributions: Node[] = [];
    for (const consumer of graph.getConsumers(v)) {
      const d = between.has(consumer) ? gradTable.get(consumer) : null;
      if (!d) continue;
      let bprop = bprops.get(consumer);
      if (!bprop) {
        bprop = consumer.def.vjp?.(consumer, d) ?? [];
        bprops.set(consumer, bprop);
      }
      consumer.inputs.forEach((input, i) => {
        const g = input === v ? bprop[i] : null;
        if (g) contributions.push(unbroadcast(g, v.shape));
      });
    }
    gradTable.set(v, contributions.length === 0 ? null : contributions.reduce((a, b) => apply('add', [a, b])));
  }
  return targets.map((t) => gradTable.get(t) ?? zerosLike(graph, t.shape));
}

/** Sum a gradient over the axes its input was broadcast along, back to the input's shape. */
export function unbroadcast(g: Node, shape: Shape): Node {
  if (sameShape(g.shape, shape)) return g;
  const offset = g.shape.length - shape.length;
  if (offset < 0) return apply('broadcast_to', [g], { shape });
  const axes = g.shape.flatMap((d, a) => (a < offset || (shape[a - offset] === 1 && d !== 1) ? [a] : []));
  const summed = axes.length > 0 ? apply('sum', [g], { axis: axes, keepdims: true }) : g;
  return apply('reshape', [summed], { shape });
}

/** dy/dx for a scalar y, with the shape of each x. */
export function gradients(y: Node, xs: readonly Node[]): Node[] {
  if (y.shape.length !== 0) throw new SymgradError('', `grad needs a scalar y, got shape ${showShape(y.shape)}; use vjp`);
  return buildGrad(y, xs, scalar(y.graph, 1));
}

/** dy/dx for a scalar y. */
export function grad(y: Node, x: Node): Node {
  return gradients(y, [x])[0];
}

/** The vector-Jacobian product dᵀ·∂y/∂x, with x's shape. */
export function vjp(y: Node, x: Node, d: Node): Node {
  return buildGrad(y, [x], d)[0];
}
