import { SymgradError } from './errors.js';
import type { Graph, Node } from './graph.js';
import { sameShape, showShape } from './shape.js';

/**
 * Check a graph's invariants: every input exists earlier (so the graph is acyclic and `nodes`
 * is a topological order), belongs to the same graph, and every node's shape is what its op's
 * shape rule gives. Tests run this after every pass.
 */
export function verifyGraph(graph: Graph, roots: readonly Node[] = graph.nodes): void {
  const seen = new Set<Node>();
  for (const node of graph.nodes) {
    if (graph.nodes[node.id] !== node) throw problem(node, 'is not at its own index');
    for (const input of node.inputs) {
      if (input.graph !== graph) throw problem(node, 'has an input from another graph');
      if (input.id >= node.id || !seen.has(input)) throw problem(node, `uses ${input} before it exists (a cycle)`);
    }
    const { shape } = node.def.infer(node.inputs.map((n) => n.shape), node.attrs);
    if (!sameShape(shape, node.shape)) throw problem(node, `has shape ${showShape(node.shape)} but its rule gives ${showShape(shape)}`);
    seen.add(node);
  }
  for (const root of roots) if (root.graph !== graph || !seen.has(root)) throw problem(root, 'is not in the graph');
}

function problem(node: Node, message: string): SymgradError {
  return new SymgradError(`node ${node}`, message);
}
