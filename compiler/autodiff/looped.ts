import { constant, zerosLike } from '../builder.js';
import { SymgradError } from '../errors.js';
import type { Graph, Node } from '../graph.js';
import { scan } from '../loops/build.js';
import { cumsum, equal, mul, ones, reshape, transpose } from '../ops/index.js';
import { showShape, type Dim, type Shape } from '../shape.js';
import { vjp } from './grad.js';
import { jvp } from './jvp.js';
import { pruneBetween } from './prune.js';

/**
 * The Jacobian ∂y/∂x (shape y.shape ++ x.shape) as a loop, for sides whose sizes are known only
 * at run time: a `scan` over the rows of the identity of y's shape (reverse mode) or x's
 * (forward mode), one nested scan per axis, whose body pulls that row back through vjp (or
 * pushes it through jvp). The body holds a copy of the nodes between x and y, on placeholders
 * for x and the other values they read, so it is graph like any loop body: differentiable again.
 */
export function loopedJacobian(y: Node, x: Node, mode: 'forward' | 'reverse'): Node {
  const cone = pruneBetween([x], y);
  const custom = [...cone].find((node) => node.def.customDerivative);
  if (custom) {
    throw new SymgradError(
      '',
      `jacobian of ${showShape(y.shape)} with respect to ${showShape(x.shape)}: with sizes known only at run time on both sides it is a loop, which cannot go through the custom derivative of '${custom.attrs.fn}' yet; give x or y a fixed shape, or use jvp, vjp or hvp`,
    );
  }
  const closures = [x];
  for (const node of cone) {
    for (const input of node.inputs) if (!cone.has(input) && !closures.includes(input)) closures.push(input);
  }
  const derive = (seed: Node, inner: readonly Node[]): Node => {
    const copied = new Map<Node, Node>(closures.map((c, i) => [c, inner[i]]));
    for (const node of [...cone].sort((a, b) => a.id - b.id)) {
      if (!copied.has(node)) copied.set(node, seed.graph.apply(node.op, node.inputs.map((input) => copied.get(input)!), node.attrs));
    }
    const [innerY, innerX] = [copied.get(y)!, inner[0]];
    return mode === 'reverse' ? vjp(innerY, innerX, seed) : jvp(innerY, innerX, seed);
  };
  const [seeded, other] = mode === 'reverse' ? [y, x] : [x, y];
  const stacked = rows(identity(y.graph, seeded.shape), seeded.shape.length, other.shape, closures, derive);
  if (mode === 'reverse') return stacked;
  // Forward mode stacks columns: x.shape ++ y.shape, so move x's axes last.
  const [kx, ky] = [x.shape.length, y.shape.length];
  return transpose(stacked, [...Array.from({ length: ky }, (_, a) => kx + a), ...Array.from({ length: kx }, (_, a) => a)]);
}

/**
 * `derive(seed)` for each seed of `seeds` (shape s ++ s for a seed shape s of rank `depth`),
 * stacked into s ++ `shape`: a scan over axis 0 whose body does the same for the remaining axes.
 */
function rows(seeds: Node, depth: number, shape: Shape, closures: readonly Node[], derive: (seed: Node, inner: readonly Node[]) => Node): Node {
  if (depth === 0) return derive(seeds, closures);
  const init = zerosLike(seeds.graph, [...seeds.shape.slice(1, depth), ...shape]);
  return scan((_carry, [row], inner) => rows(row, depth - 1, shape, inner, derive), init, [seeds], closures, 'jacobian_row');
}

/** The identity of a shape: 1 where the index into `shape ++ shape` repeats, else 0. */
function identity(graph: Graph, shape: Shape): Node {
  const k = shape.length;
  let product: Node | undefined;
  shape.forEach((d, a) => {
    const at = shape.map((_, b) => (b === a ? d : 1));
    const factor = reshape(eye(graph, d), [...at, ...at]);
    product = product ? mul(product, factor) : factor;
  });
  return product ?? constant(graph, [1], Array<number>(2 * k).fill(1));
}

/** The d × d identity; for a named d, built from positions (running sums of ones) compared. */
function eye(graph: Graph, d: Dim): Node {
  if (typeof d === 'number') return constant(graph, Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0)), [d, d]);
  const positions = cumsum(ones(graph, { shape: [d] }), { axis: 0 });
  return equal(reshape(positions, [d, 1]), reshape(positions, [1, d]));
}
