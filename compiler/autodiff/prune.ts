import type { Node } from '../graph.js';

/**
 * G′ of the lecture: the nodes that are descendants of some target and ancestors of y
 * (targets and y included when connected). Iterative, so 100,000-node chains do not recurse.
 */
export function pruneBetween(targets: readonly Node[], y: Node): Set<Node> {
  const nodes = y.graph.nodes;
  const descendant = new Uint8Array(y.id + 1);
  for (const t of targets) if (t.id <= y.id) descendant[t.id] = 1;
  const first = Math.min(...targets.map((t) => t.id));
  for (let id = first + 1; id <= y.id; id++) {
    if (nodes[id].inputs.some((input) => descendant[input.id] === 1)) descendant[id] = 1;
  }
  const between = new Set<Node>();
  const stack = descendant[y.id] === 1 ? [y] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (between.has(node)) continue;
    between.add(node);
    for (const input of node.inputs) if (descendant[input.id] === 1 && !between.has(input)) stack.push(input);
  }
  return between;
}
