import type { Node } from '../graph.js';
import { ancestors } from '../interpret.js';
import { bodyOf, inputLayout, isLoop, loopSummary, resultKind } from '../loops/body.js';
import { loopLength, sameLoop } from '../loops/shape.js';
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
  /** The loop body it belongs to (a cluster's id), if any. */
  readonly cluster?: string;
}

/** A loop's body, drawn as a box of its own nodes (inside `parent` for a loop in a loop body). */
export interface VizCluster {
  readonly id: string;
  readonly label: string;
  readonly parent?: string;
}

/** `label`: what an edge into a loop body feeds (carry, slice, closure); `back`: the next carry going round. */
export interface VizEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly back?: boolean;
}

export interface VizGraph {
  readonly name: string;
  readonly nodes: readonly VizNode[];
  readonly edges: readonly VizEdge[];
  readonly clusters?: readonly VizCluster[];
}

/**
 * What `viz` draws: every node the spec's names need, or with `simplified` the spec's outputs
 * after the simplifier's rewrites. Nodes are classified by kind and derivative order; scalar
 * constants are drawn once per use so a shared `1` does not pull edges across the picture.
 * A loop's body is a cluster of its own nodes: the loop's inputs enter it at the body's
 * placeholders (carry, slice, closure), the next carry goes round to the carry, and each result
 * of the loop used outside leaves it from the body node it stacks or keeps.
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
  const edges: VizEdge[] = [];
  const clusters: VizCluster[] = [];
  const outputSet = new Set(outputs);

  /** Draws `order` (inputs first) with ids `${prefix}n<id>`; `label` names a node, `orderOf` gives its derivative order. */
  const draw = (order: readonly Node[], prefix: string, cluster: string | undefined, label: (node: Node) => string | undefined, orderOf: (node: Node) => number) => {
    const idOf = (node: Node) => `${prefix}n${node.id}`;
    /** An edge from `input` to `to`, from a literal drawn for this use when `input` is an unnamed scalar constant. */
    const edgeFrom = (input: Node, to: string, literal: string, extra: Partial<VizEdge> = {}) => {
      const value = label(input) === undefined ? scalarValue(input) : undefined;
      if (value === undefined) return edges.push({ from: idOf(input), to, ...extra });
      nodes.push({ id: literal, lines: [formatNumber(value)], kind: 'const', order: 0, output: false, literal: true, cluster });
      edges.push({ from: literal, to, ...extra });
    };
    const loops: { loop: Node; source: (r: number) => string }[] = [];
    for (const node of order) {
      const text = label(node);
      if (scalarValue(node) !== undefined && text === undefined) continue; // drawn at each use
      const id = idOf(node);
      const kind = kindOf(node, orderOf(node));
      const value = scalarValue(node);
      const op = isLoop(node) ? `loop (${loopSummary(node)})` : node.op;
      const head = kind === 'forward' || kind === 'derivative' ? [text, op].filter((s) => s !== undefined).join(': ') : (text ?? op);
      const lines = node.shape.length > 0 ? [head, `[${node.shape.join(', ')}]`] : [value === undefined ? head : `${head} = ${formatNumber(value)}`];
      nodes.push({ id, lines, kind, order: orderOf(node), output: outputSet.has(node), literal: false, cluster });
      if (isLoop(node)) {
        let drawn = loops.find((l) => sameLoop(l.loop, node));
        if (!drawn) loops.push((drawn = { loop: node, source: drawLoop(node, cluster, label, edgeFrom, orderOf(node)) }));
        edges.push({ from: drawn.source(node.attrs.result as number), to: id });
        continue;
      }
      node.inputs.forEach((input, i) => edgeFrom(input, id, `${prefix}k${node.id}_${i}`));
    }
  };

  /** Draws a loop's body as a cluster; returns where each result of the loop leaves it. */
  const drawLoop = (
    loop: Node,
    parent: string | undefined,
    outerLabel: (node: Node) => string | undefined,
    edgeFrom: (input: Node, to: string, literal: string, extra?: Partial<VizEdge>) => void,
    derivativeOrder: number,
  ): ((r: number) => string) => {
    const body = bodyOf(loop.attrs.body as string);
    const id = `loop${clusters.length + 1}`;
    const steps = loopLength(body, loop.inputs.map((x) => x.shape), loop.attrs.steps as number);
    clusters.push({ id, label: `${body.name}${loop.attrs.reverse ? ' backwards' : ''}, ${steps} steps`, parent });
    const inner = `${id}_`;
    const placeholders = [...body.carries, ...body.slices, ...body.closures];
    const roles = placeholders.map((_, i) => (i < body.carries.length ? 'carry' : i < inputLayout(body).closures ? 'slice' : 'closure'));
    const labels = new Map(
      placeholders.map((p, i) => {
        const outer = outerLabel(loop.inputs[i]);
        return [p, roles[i] === 'carry' || outer === undefined ? roles[i] : roles[i] === 'slice' ? `row of ${outer}` : outer];
      }),
    );
    draw(ancestors([...placeholders, ...body.next, ...body.emits]), inner, id, (n) => labels.get(n), () => derivativeOrder);
    const bodyId = (node: Node) => `${inner}n${node.id}`;
    placeholders.forEach((p, i) => edgeFrom(loop.inputs[i], bodyId(p), `${inner}in${i}`, { label: roles[i] }));
    body.next.forEach((next, i) => edges.push({ from: bodyId(next), to: bodyId(body.carries[i]), label: 'next', back: true }));
    return (r) => {
      const { kind, index } = resultKind(body, r);
      return bodyId(kind === 'emit' ? body.emits[index] : kind === 'before' ? body.carries[index] : body.next[index]);
    };
  };

  draw(ancestors(simplified ? outputs : [...spec.names.values()]), '', undefined, (n) => names.get(n)?.join(', '), (n) => orders.get(n) ?? 0);
  return { name: spec.name, nodes, edges, clusters };
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
