import { derivativeColor, PALETTE, type VizEdge, type VizGraph, type VizNode } from './graph.js';

/** Mermaid node shapes as [open, close] around the quoted label. */
const SHAPES = {
  leaf: ['[/', '/]'],
  const: ['[(', ')]'],
  literal: ['((', '))'],
  forward: ['(', ')'],
  derivative: [['[', ']'], ['{{', '}}'], ['[[', ']]']],
} as const;

/**
 * A mermaid flowchart with the same classes as the DOT output: inputs and params in a subgraph,
 * derivative ops by order (rectangle, hexagon, subroutine), a loop's body as a subgraph (its
 * inputs labelled carry, slice or closure, the next carry dotted going round), styled through classDef.
 */
export function toMermaid(graph: VizGraph): string {
  const lines = ['flowchart TB'];
  const leaves = graph.nodes.filter((n) => (n.kind === 'input' || n.kind === 'param') && n.cluster === undefined);
  if (leaves.length > 0) {
    lines.push('  subgraph leaves ["inputs and params"]');
    for (const node of leaves) lines.push(`    ${statement(node)}`);
    lines.push('  end');
  }
  for (const node of graph.nodes) if (!leaves.includes(node) && node.cluster === undefined) lines.push(`  ${statement(node)}`);
  lines.push(...subgraphs(graph, undefined, '  '));
  for (const edge of graph.edges) lines.push(`  ${edge.from} ${arrow(edge)} ${edge.to}`);

  const classes = new Map<string, string[]>();
  for (const node of graph.nodes) {
    const name = classOf(node);
    classes.set(name, [...(classes.get(name) ?? []), node.id]);
  }
  for (const [name, ids] of classes) lines.push(`  classDef ${name} ${style(name)}`, `  class ${ids.join(',')} ${name}`);
  const outputs = graph.nodes.filter((n) => n.output).map((n) => n.id);
  if (outputs.length > 0) lines.push('  classDef output stroke-width:3px', `  class ${outputs.join(',')} output`);
  return `${lines.join('\n')}\n`;
}

/** The loop bodies inside `parent` (the top level when undefined), each with its nodes and the bodies inside it. */
function subgraphs(graph: VizGraph, parent: string | undefined, indent: string): string[] {
  const lines: string[] = [];
  for (const cluster of graph.clusters ?? []) {
    if (cluster.parent !== parent) continue;
    lines.push(`${indent}subgraph ${cluster.id} ["${escape(`loop: ${cluster.label}`)}"]`);
    for (const node of graph.nodes) if (node.cluster === cluster.id) lines.push(`${indent}  ${statement(node)}`);
    lines.push(...subgraphs(graph, cluster.id, `${indent}  `), `${indent}end`);
  }
  return lines;
}

function arrow(edge: VizEdge): string {
  const line = edge.back ? '-.->' : '-->';
  return edge.label === undefined ? line : `${line}|${escape(edge.label)}|`;
}

function statement(node: VizNode): string {
  const [open, close] = shape(node);
  return `${node.id}${open}"${node.lines.map(escape).join('<br>')}"${close}`;
}

function shape(node: VizNode): readonly [string, string] {
  if (node.literal) return SHAPES.literal;
  if (node.kind === 'input' || node.kind === 'param') return SHAPES.leaf;
  if (node.kind === 'derivative') return SHAPES.derivative[Math.min(node.order, SHAPES.derivative.length) - 1];
  return SHAPES[node.kind];
}

function classOf(node: VizNode): string {
  if (node.literal) return 'literal';
  return node.kind === 'derivative' ? `derivative${node.order}` : node.kind;
}

function style(name: string): string {
  if (name === 'literal') return 'fill:#ffffff,stroke:#bbbbbb,font-size:10px';
  const order = /^derivative(\d+)$/.exec(name);
  const fill = order ? derivativeColor(Number(order[1])) : PALETTE[name as keyof Omit<typeof PALETTE, 'derivative'>];
  return `fill:${fill},stroke:#555555`;
}

/** Mermaid labels are quoted; quotes and markup characters become entity codes. */
function escape(text: string): string {
  return text.replace(/[#"<>]/g, (c) => `#${c.charCodeAt(0)};`);
}
