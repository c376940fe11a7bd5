import { constant, zerosLike } from '../builder.js';
import type { Graph, Node } from '../graph.js';
import { add, mul, reshape } from '../ops/index.js';
import { sameShape, staticSize, type Shape } from '../shape.js';
import { vjp } from './grad.js';
import { jvp } from './jvp.js';
import { loopedJacobian } from './looped.js';
import { pruneBetween } from './prune.js';

export type JacobianMode = 'forward' | 'reverse';

/**
 * Forward mode (one jvp per entry of x) when x has fewer entries than y, else reverse (one vjp
 * per entry of y). A side with a named dimension has a size known only at run time, unless the
 * graph requires the name to have a fixed size (it is broadcast against one), so the other side
 * is the one unrolled; with run-time sizes on both sides, reverse mode as a loop over y's entries.
 */
export function jacobianMode(y: Node, x: Node): JacobianMode {
  const [nx, ny] = [knownSize(x), knownSize(y)];
  if (nx === undefined) return 'reverse';
  if (ny === undefined) return 'forward';
  return nx < ny ? 'forward' : 'reverse';
}

/**
 * All partials ∂y/∂x, with shape y.shape ++ x.shape. Forward mode pushes each basis vector of x
 * through jvp to get a column; reverse mode pulls each basis vector of y back through vjp to get a
 * row. Each is put in place by broadcasting against a one-hot constant, and the terms are summed.
 * The side that is not unrolled may have named dims; when the side to unroll has a size known
 * only at run time, the basis vectors are the steps of a loop instead (./looped.ts). `mode`
 * overrides the choice (tests compare both).
 */
export function jacobian(y: Node, x: Node, mode: JacobianMode = jacobianMode(y, x)): Node {
  const graph = y.graph;
  const shape = [...y.shape, ...x.shape];
  const count = knownSize(mode === 'forward' ? x : y);
  const other = knownSize(mode === 'forward' ? y : x);
  if (count === 0 || other === 0 || !pruneBetween([x], y).has(y)) return zerosLike(graph, shape);
  if (count === undefined) return loopedJacobian(y, x, mode);
  if (count === 1) {
    const only = mode === 'forward' ? jvp(y, x, oneHot(graph, 0, x.shape)) : vjp(y, x, oneHot(graph, 0, y.shape));
    return sameShape(only.shape, shape) ? only : reshape(only, shape);
  }
  // y's part of each term has shape y.shape ++ [1, …], so x's part broadcasts along the trailing axes.
  const padded = [...y.shape, ...x.shape.map(() => 1)];
  let sum: Node | null = null;
  for (let i = 0; i < count; i++) {
    let term: Node;
    if (mode === 'forward') {
      const basis = oneHot(graph, i, x.shape);
      term = mul(reshape(jvp(y, x, basis), padded), basis);
    } else {
      term = mul(oneHot(graph, i, padded), vjp(y, x, oneHot(graph, i, y.shape)));
    }
    sum = sum ? add(sum, term) : term;
  }
  return sum!;
}

/** The basis tensor of a shape of known size with a 1 at flat index i (named as the shape is). */
function oneHot(graph: Graph, i: number, shape: Shape): Node {
  const fixed = knownShape(graph, shape)!;
  const values = new Array<number>(staticSize(fixed)!).fill(0);
  values[i] = 1;
  const basis = constant(graph, values, fixed);
  return sameShape(fixed, shape) ? basis : reshape(basis, shape);
}

/** The shape with each named dimension that the graph requires to have a fixed size replaced by it. */
function knownShape(graph: Graph, shape: Shape): number[] | undefined {
  const sizes = shape.map((d) => (typeof d === 'number' ? d : graph.requirements.get(d)?.size));
  return sizes.every((d) => d !== undefined) ? (sizes as number[]) : undefined;
}

/** The number of entries of a node, if known at compile time. */
export function knownSize(node: Node): number | undefined {
  const shape = knownShape(node.graph, node.shape);
  return shape && staticSize(shape);
}
