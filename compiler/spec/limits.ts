import { SymgradError } from '../errors.js';
import type { Graph } from '../graph.js';
import { showShape, staticSize } from '../shape.js';

/** Bounds that keep a hostile spec from exhausting the compiler; each is a CLI option. */
export interface Limits {
  readonly maxNodes: number;
  /** Elements of one tensor with a static shape. */
  readonly maxElements: number;
  /** Elements of all static-shape tensors together. */
  readonly maxTotalElements: number;
  readonly maxDerivativeOrder: number;
  readonly maxExpressionLength: number;
  readonly maxExpressionDepth: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxNodes: 1_000_000,
  maxElements: 100_000_000,
  maxTotalElements: 1_000_000_000,
  maxDerivativeOrder: 24,
  maxExpressionLength: 10_000,
  maxExpressionDepth: 200,
};

/** A check to run after each spec node is built; it looks only at the nodes added since the last call. */
export function nodeLimitChecker(graph: Graph, limits: Limits): () => void {
  let checked = 0;
  let total = 0;
  return () => {
    if (graph.nodes.length > limits.maxNodes) throw new SymgradError('', `the graph has more than ${limits.maxNodes} nodes`);
    for (; checked < graph.nodes.length; checked++) {
      const node = graph.nodes[checked];
      const size = staticSize(node.shape) ?? 0;
      if (size > limits.maxElements) {
        throw new SymgradError('', `a tensor of shape ${showShape(node.shape)} has more than ${limits.maxElements} elements`);
      }
      total += size;
    }
    if (total > limits.maxTotalElements) throw new SymgradError('', `the graph holds more than ${limits.maxTotalElements} elements`);
  };
}
