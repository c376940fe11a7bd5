import type { Node } from '../graph.js';

/**
 * G′ of the lecture: the nodes that are descendants of some target and ancestors of y
 * (targets and y included when connected). Iterative, so 100,000-node chains do not recurse.
 */
export function pruneBetween(targets: readonly Node[], y: Node): Set<Node> {
  const graph = y.graph;
  const descendants = new Set<Node>(targets);
  const first = Math.min(...targets.map((t) => t.id));
  for (let id = first + 1; id <= y.id; id++) {
    const node = graph.nodes[id];
    if (node.inputs.some((input) => descendants.has(input))) descendants.add(node);
  }
  const between = new Set<Node>();
  const stack = descendants.has(y) ? [y] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (between.has(node)) continue;
    between.add(node);
    for (const input of node.inputs) if (descendants.has(input) && !between.has(input)) stack.push(input);
  }
  return between;
}
