import { apply, scalar, zerosLike } from '../builder.js';
import { SymgradError } from '../errors.js';
import type { Node } from '../graph.js';
import { NodeMap } from '../nodes.js';
import { sameShape, showShape, type Shape } from '../shape.js';
import { loopVjpMany } from '../loops/derive.js';
import { sameLoop } from '../loops/shape.js';
import { pruneBetween } from './prune.js';
import { isLoop } from '../loops/body.js';

/**
 * build_grad (Goodfellow et al., Algorithms 6.5 and 6.6), appending gradient nodes to y's graph.
 * The recursion over consumers is unrolled into one pass over G′ in reverse topological order:
 * when a node is reached, every consumer's entry of the grad table is final. Returns the
 * gradient of ⟨seed, y⟩ for each target, zeros where y does not depend on it.
 *
 * Gradients that flow into a branch of `where` carry that branch's condition as a mask, so the
 * branch not taken adds exactly 0 even where its own derivative is NaN or infinite (sqrt at −1,
 * sin(x)/x at 0), at any order. A mask says where a node's gradient can be non-zero; it is exact
 * only position by position, so it selects the contributions of elementwise consumers (at the
 * consumer's shape, before un-broadcasting) and passes on through them (to a broadcast input as
 * "any of its copies"). Through an op that mixes entries (matmul, reductions, slices) it passes on
 * as "any entry taken", so a branch not taken anywhere contributes exactly 0 whatever it computes.
 * `observe` sees, for each node reached, the contributions summed into its gradient and may stand
 * a node of its own for that gradient (the trace names each adjoint so); by default the sum itself.
 */
export function buildGrad(y: Node, targets: readonly Node[], seed: Node, observe?: (node: Node, contributions: readonly Node[], sum: Node) => Node): Node[] {
  return buildGradMany([[y, seed]], targets, observe);
}

/**
 * build_grad for several outputs at once: the gradient of Σ ⟨seed, y⟩ over the (y, seed) pairs,
 * in one pass (a loop body's next carries and emitted values are differentiated so).
 */
export function buildGradMany(
  seeds: readonly (readonly [Node, Node])[],
  targets: readonly Node[],
  observe?: (node: Node, contributions: readonly Node[], sum: Node) => Node,
): Node[] {
  for (const [y, seed] of seeds) {
    if (!sameShape(seed.shape, y.shape)) {
      throw new SymgradError('', `the cotangent has shape ${showShape(seed.shape)} but y has shape ${showShape(y.shape)}`);
    }
  }
  const graph = seeds[0][0].graph;
  const between = new Set<Node>();
  for (const [y] of seeds) for (const node of pruneBetween(targets, y)) between.add(node);
  const seedOf = new NodeMap<Node>();
  for (const [y, seed] of seeds) seedOf.set(y, seedOf.has(y) ? apply('add', [seedOf.get(y)!, seed]) : seed);
  const gradTable = new NodeMap<Node | null>();
  const masks = new NodeMap<Node | null>();
  const vjps = new NodeMap<readonly (Node | null)[]>();
  const first = Math.min(...targets.map((t) => t.id));
  for (let id = Math.max(...seeds.map(([y]) => y.id)); id >= first; id--) {
    const v = graph.nodes[id];
    const seed = seedOf.get(v);
    if (!between.has(v) && !seed) continue;
    graph.checkTime();
    const gradients: Node[] = [];
    const branchMasks: (Node | null)[] = [];
    for (const consumer of graph.getConsumers(v)) {
      const d = between.has(consumer) ? gradTable.get(consumer) : null;
      if (!d) continue;
      let contributions = vjps.get(consumer);
      if (!contributions && isLoop(consumer) && !masks.get(consumer)) {
        // The results of one loop get one backward loop, for all their cotangents.
        const group = graph.getConsumers(v).filter((c) => between.has(c) && gradTable.get(c) && !masks.get(c) && sameLoop(c, consumer));
        const all = loopVjpMany(group.map((c) => [c, gradTable.get(c)!]));
        group.forEach((c) => vjps.set(c, c === group[0] ? all : c.inputs.map(() => null)));
        contributions = vjps.get(consumer);
      }
      if (!contributions) {
        contributions = consumer.def.vjp?.(consumer, d) ?? [];
        vjps.set(consumer, contributions);
      }
      const outer = masks.get(consumer) ?? null;
      const positionwise = consumer.def.emit.kind === 'elementwise';
      // An op that mixes entries can pass on only whether any of its entries is taken.
      const reach = outer && !positionwise ? anyTaken(outer) : outer;
      for (let i = 0; i < consumer.inputs.length; i++) {
        const g = consumer.inputs[i] === v ? contributions[i] : null;
        if (!g) continue;
        const masked = reach && (!positionwise || sameShape(g.shape, consumer.shape));
        gradients.push(unbroadcast(masked ? apply('where', [reach, g, 0]) : g, v.shape));
        const mask = positionwise ? branchMask(consumer, i, outer) : reach;
        branchMasks.push(mask && (!positionwise || sameShape(v.shape, consumer.shape) ? mask : anyAlongBroadcast(mask, consumer.shape, v.shape)));
      }
    }
    if (seed && gradients.length === 0) {
      // A seeded output nothing else reads: its gradient is the seed, as given.
      gradTable.set(v, seed);
      continue;
    }
    if (seed) {
      gradients.push(seed);
      branchMasks.push(null);
    }
    masks.set(v, eitherMask(branchMasks));
    const sum = gradients.length === 0 ? null : gradients.reduce((a, b) => apply('add', [a, b]));
    gradTable.set(v, sum && observe ? observe(v, gradients, sum) : sum);
  }
  return targets.map((t) => gradTable.get(t) ?? zerosLike(graph, t.shape));
}

/** Where gradient flows from an elementwise `consumer` of mask `outer` into its input `i` (null: anywhere). */
function branchMask(consumer: Node, i: number, outer: Node | null): Node | null {
  if (!consumer.def.selects || i === 0) return outer;
  const [condition] = consumer.inputs;
  const taken = i === 1 ? condition : apply('equal', [condition, 0]);
  return outer && outer !== taken ? apply('where', [outer, taken, 0]) : taken;
}

/** Whether any entry of a mask holds, as a scalar. */
function anyTaken(mask: Node): Node {
  return mask.shape.length === 0 ? mask : apply('not_equal', [apply('sum', [apply('not_equal', [mask, 0])]), 0]);
}

/** The mask of an input broadcast to `at`: an entry may get gradient where any of its copies may. */
function anyAlongBroadcast(mask: Node, at: Shape, shape: Shape): Node {
  const spread = sameShape(mask.shape, at) ? mask : apply('broadcast_to', [mask], { shape: at });
  return apply('not_equal', [unbroadcast(apply('not_equal', [spread, 0]), shape), 0]);
}

/** Where a node's gradient can be non-zero: where any contribution's mask holds (null: anywhere). */
function eitherMask(masks: readonly (Node | null)[]): Node | null {
  if (masks.length === 0 || masks.includes(null)) return null;
  return (masks as Node[]).reduce((a, b) => (a === b ? a : apply('where', [a, 1, b])));
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
