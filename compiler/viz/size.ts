import type { VizGraph } from './graph.js';

/**
 * Graphviz lays out a graph in time that grows fast with its size, and most with edges that
 * cross many ranks (each crossing is a hidden node): a 100-step chain that reuses its input at
 * every step takes a minute, and 10,000 nodes overflow its stack. Bounds that keep every sample
 * drawable in seconds.
 */
export const SVG_LIMITS = { nodes: 5_000, crossings: 8_000 } as const;

/** Why `graph` is too large to lay out as SVG, or undefined. */
export function svgProblem(graph: VizGraph): string | undefined {
  if (graph.nodes.length > SVG_LIMITS.nodes) return `${graph.nodes.length} nodes are too many to lay out as SVG (at most ${SVG_LIMITS.nodes})`;
  const crossings = rankCrossings(graph);
  if (crossings > SVG_LIMITS.crossings) {
    return `edges crossing ${crossings} ranks (long edges from reused nodes) are too many to lay out as SVG (at most ${SVG_LIMITS.crossings})`;
  }
  return undefined;
}

/** Ranks skipped by edges: an edge from rank r to rank s skips s − r − 1, with a node's rank its longest path from a leaf. */
export function rankCrossings(graph: VizGraph): number {
  const inputs = new Map<string, string[]>();
  for (const { from, to } of graph.edges) {
    const list = inputs.get(to);
    if (list) list.push(from);
    else inputs.set(to, [from]);
  }
  const rank = new Map<string, number>();
  const rankOf = (id: string) => rank.get(id) ?? 0;
  // Nodes come inputs first (literals, which have no inputs, right after their user).
  for (const { id } of graph.nodes) rank.set(id, (inputs.get(id) ?? []).reduce((r, i) => Math.max(r, rankOf(i) + 1), 0));
  return graph.edges.reduce((sum, { from, to }) => sum + Math.max(0, rankOf(to) - rankOf(from) - 1), 0);
}
