import type { Node } from './graph.js';
import { sameLoop } from './loops/shape.js';
import { isLoop } from './loops/body.js';
import { liveNodes } from './nodes.js';
import type { Shape } from './shape.js';

/** The op nodes reachable from `outputs`, as `graphStats` counts them, without the flops. */
export function countOps(outputs: readonly Node[]): number {
  let nodes = 0;
  for (const node of liveNodes(outputs)) if (!node.def.leaf) nodes++;
  return nodes;
}

/**
 * Op nodes reachable from `outputs` (inputs, params and constants are not counted) and their
 * estimated flops per run: each op's `flops`, by default one per output element. A loop counts
 * once however many of its results are used (they come from one run): one node, T times its
 * body's flops. Named dimensions (T among them) count as given in `dims`, or 1.
 */
export function graphStats(outputs: readonly Node[], dims: Readonly<Record<string, number>> = {}): { nodes: number; flops: number } {
  const size = (shape: Shape) => shape.reduce<number>((n, d) => n * (typeof d === 'number' ? d : Object.hasOwn(dims, d) ? dims[d] : 1), 1);
  let nodes = 0;
  let flops = 0;
  const loops: Node[] = [];
  for (const node of liveNodes(outputs)) {
    if (node.def.leaf) continue;
    if (isLoop(node)) {
      if (loops.some((seen) => sameLoop(seen, node))) continue;
      loops.push(node);
    }
    nodes++;
    flops += node.def.flops ? node.def.flops(node, size) : size(node.shape);
  }
  return { nodes, flops };
}
