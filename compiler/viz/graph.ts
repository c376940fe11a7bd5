import type { Node } from '../graph.js';
import { ancestors } from '../interpret.js';
import { isLoop, loopSummary } from '../loops/body.js';
import { simplify } from '../simplify/index.js';
import type { LoadedSpec } from '../spec/load.js';
import { formatNumber, scalarValue } from '../trace/notation.js';

/** Inputs, params and consts are leaves; op nodes are forward, or derivative of some order. */
export type VizKind = 'input' | 'param' | 'const' | 'forward' | 'derivative';

export interface VizNode {
  readonly id: string;
  /** Lines of the label: spec names and op, then the shape if not a scalar. */
  readonly lines: readonly string[];
  readonly kind: VizKind;
  /** Derivative order (0 for everything else). */
  readonly order: number;
  readonly output: boolean;
  /** A scalar constant, drawn small and once per use. */
  readonly literal: boolean;
}

export interface VizGraph {
  readonly name: string;
  readonly nodes: readonly VizNode[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

/**
 * What `viz` draws: every node the spec's names need, or with `simplified` the spec's outputs
 * after the simplifier's rewrites. Nodes are classified by kind and derivative order; scalar
 * constants are drawn once per use so a shared `1` does not pull edges across the picture.
 */
export function vizGraph(spec: LoadedSpec, simplified = false): VizGraph {
  const names = new Map<Node, string[]>();
  const name = (node: Node, label: string) => names.set(node, [...(names.get(node) ?? []), label]);
  const specOutputs = spec.outputs.map((o) => o.node);
  const loaded = spec.graph.nodes.length;
  const outputs = simplified ? simplify(specOutputs) : specOutputs;
  for (const [label, node] of spec.names) if (!simplified || !spec.outputs.some((o) => o.name === label)) name(node, label);
  if (simplified) spec.outputs.forEach((o, i) => name(outputs[i], o.name));
  const orders = simplified ? rewrittenOrders(spec, loaded, specOutputs, outputs) : spec.derivativeOrders;

  const nodes: VizNode[] = [];
  const edges: { from: string; to: string }[] = [];
  const outputSet = new Set(outputs);
  for (const node of ancestors(simplified ? outputs : [...spec.names.values()])) {
    if (scalarValue(node) !== undefined && !names.has(node)) continue; // drawn at each use below
    const id = `n${node.id}`;
    const order = orders.get(node) ?? 0;
    const kind = kindOf(node, order);
    const label = names.get(node)?.join(', ');
    const value = scalarValue(node);
    const op = isLoop(node) ? `loop (${loopSummary(node)})` : node.op;
    const head = kind === 'forward' || kind === 'derivative' ? [label, op].filter((s) => s !== undefined).join(': ') : (label ?? op);
    const lines = node.shape.length > 0 ? [head, `[${node.shape.join(', ')}]`] : [value === undefined ? head : `${head} = ${formatNumber(value)}`];
    nodes.push({ id, lines, kind, order, output: outputSet.has(node), literal: false });
    node.inputs.forEach((input, i) => {
      const value = names.has(input) ? undefined : scalarValue(input);
      if (value === undefined) {
        edges.push({ from: `n${input.id}`, to: id });
        return;
      }
      const literal = `k${node.id}_${i}`;
      nodes.push({ id: literal, lines: [formatNumber(value)], kind: 'const', order: 0, output: false, literal: true });
      edges.push({ from: literal, to: id });
    });
  }
  return { name: spec.name, nodes, edges };
}

/**
 * Derivative orders after rewriting: a node the loader made (id below `loaded`) keeps its own; a new node takes the
 * lowest order among the outputs that use it (an output's order: the highest in its expansion).
 */
function rewrittenOrders(spec: LoadedSpec, loaded: number, before: readonly Node[], after: readonly Node[]): Map<Node, number> {
  const orders = new Map<Node, number>();
  after.forEach((output, i) => {
    const order = Math.max(0, ...ancestors([before[i]]).map((n) => spec.derivativeOrders.get(n) ?? 0));
    for (const node of ancestors([output])) {
      const current = node.id < loaded ? spec.derivativeOrders.get(node) ?? 0 : Math.min(order, orders.get(node) ?? order);
      orders.set(node, current);
    }
  });
  for (const [node, order] of orders) if (order === 0) orders.delete(node);
  return orders;
}

function kindOf(node: Node, order: number): VizKind {
  if (node.def.leaf === 'fed') return node.op as 'input' | 'param';
  if (node.def.leaf === 'known') return 'const';
  return order > 0 ? 'derivative' : 'forward';
}

/** Fill colours and a word for each kind and derivative order, shared by the DOT and mermaid writers. */
export const PALETTE = {
  input: '#cfe3ff',
  param: '#ffe9a8',
  const: '#eeeeee',
  forward: '#ffffff',
  derivative: ['#fde0c5', '#f9c0c0', '#e0c8f5'],
} as const;

export function derivativeColor(order: number): string {
  return PALETTE.derivative[Math.min(order, PALETTE.derivative.length) - 1];
}

export function orderName(order: number): string {
  return order === 1 ? '1st derivative' : order === 2 ? '2nd derivative' : order === 3 ? '3rd derivative' : `${order}th derivative`;
}
