import { derivativeColor, orderName, PALETTE, type VizEdge, type VizGraph, type VizNode } from './graph.js';

const DERIVATIVE_SHAPES = ['box', 'hexagon', 'octagon'];

/**
 * Graphviz DOT: inputs and params in their own cluster at the top, forward ops as white ellipses,
 * derivative ops filled and shaped by order (box, hexagon, octagon), outputs with a double border,
 * a loop's body as a cluster (its inputs labelled carry, slice or closure, the next carry dashed
 * going round), and a legend of the kinds present.
 */
export function toDot(graph: VizGraph): string {
  const lines = [`digraph ${quote(graph.name)} {`, '  rankdir=TB;', '  node [fontname="Helvetica", fontsize=11];', '  edge [color="#555555", arrowsize=0.7];'];
  const leaves = graph.nodes.filter((n) => (n.kind === 'input' || n.kind === 'param') && n.cluster === undefined);
  if (leaves.length > 0) {
    lines.push('  subgraph cluster_leaves {', '    label="inputs and params"; style="rounded,dashed"; color="#888888"; fontname="Helvetica";');
    for (const node of leaves) lines.push(`    ${statement(node)}`);
    lines.push('  }');
  }
  for (const node of graph.nodes) if (!leaves.includes(node) && node.cluster === undefined) lines.push(`  ${statement(node)}`);
  lines.push(...clusters(graph, undefined, '  '));
  for (const edge of graph.edges) lines.push(`  ${edge.from} -> ${edge.to}${edgeAttributes(edge)};`);
  lines.push(...legend(graph), '}');
  return `${lines.join('\n')}\n`;
}

/** The clusters inside `parent` (the top level when undefined), each with its nodes and the clusters inside it. */
function clusters(graph: VizGraph, parent: string | undefined, indent: string): string[] {
  const lines: string[] = [];
  for (const cluster of graph.clusters ?? []) {
    if (cluster.parent !== parent) continue;
    lines.push(`${indent}subgraph cluster_${cluster.id} {`, `${indent}  label=${quote(`loop: ${cluster.label}`)}; style="rounded"; color="#3366aa"; fontname="Helvetica";`);
    for (const node of graph.nodes) if (node.cluster === cluster.id) lines.push(`${indent}  ${statement(node)}`);
    lines.push(...clusters(graph, cluster.id, `${indent}  `), `${indent}}`);
  }
  return lines;
}

function edgeAttributes(edge: VizEdge): string {
  const attributes = [edge.label === undefined ? '' : `label=${quote(edge.label)}, fontsize=9`, edge.back ? 'style=dashed, constraint=false' : ''].filter(Boolean);
  return attributes.length > 0 ? ` [${attributes.join(', ')}]` : '';
}

function statement(node: VizNode): string {
  return `${node.id} [${attributes(node)}];`;
}

function attributes(node: VizNode): string {
  const label = `label=${quote(node.lines.join('\n'))}`;
  const border = node.output ? ', peripheries=2' : '';
  if (node.literal) return `${label}, shape=plaintext, fontsize=9`;
  switch (node.kind) {
    case 'input':
    case 'param':
      return `${label}, shape=box, style=filled, fillcolor=${quote(PALETTE[node.kind])}${border}`;
    case 'const':
      return `${label}, shape=box, style="filled,dashed", fillcolor=${quote(PALETTE.const)}${border}`;
    case 'forward':
      return `${label}, shape=ellipse${border}`;
    case 'derivative': {
      const shape = DERIVATIVE_SHAPES[Math.min(node.order, DERIVATIVE_SHAPES.length) - 1];
      return `${label}, shape=${shape}, style="rounded,filled", fillcolor=${quote(derivativeColor(node.order))}${border}`;
    }
  }
}

function legend(graph: VizGraph): string[] {
  const samples: VizNode[] = [];
  const add = (kind: VizNode['kind'], order: number, text: string) => {
    if (graph.nodes.some((n) => !n.literal && n.kind === kind && n.order === order)) {
      samples.push({ id: `legend_${kind}_${order}`, lines: [text], kind, order, output: false, literal: false });
    }
  };
  add('input', 0, 'input');
  add('param', 0, 'param');
  add('const', 0, 'const');
  add('forward', 0, 'forward op');
  const orders = [...new Set(graph.nodes.filter((n) => n.kind === 'derivative').map((n) => n.order))].sort((a, b) => a - b);
  for (const order of orders) add('derivative', order, orderName(order));
  if (samples.length < 2) return [];
  return [
    '  subgraph cluster_legend {',
    '    label="legend"; style="rounded"; color="#bbbbbb"; fontname="Helvetica";',
    ...samples.map((node) => `    ${statement(node)}`),
    ...samples.slice(1).map((node, i) => `    ${samples[i].id} -> ${node.id} [style=invis];`),
    '  }',
  ];
}

/** A DOT string literal; `\n` in the text becomes a centred line break. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
