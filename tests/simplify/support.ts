import { expect } from 'vitest';
import { Graph, type Node } from '../../compiler/graph.js';
import { interpret } from '../../compiler/interpret.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { sizeOf, type Shape } from '../../compiler/shape.js';
import { simplify } from '../../compiler/simplify/index.js';
import { buildExpression } from '../../compiler/spec/build.js';
import { parseExpression, type Expr } from '../../compiler/spec/expr.js';
import { graphStats } from '../../compiler/stats.js';

/** Nodes for expressions of the spec language over inputs named in them (scalars unless `shapes` says). */
export function build(texts: readonly string[], shapes: Readonly<Record<string, Shape>> = {}, graph = new Graph()): Node[] {
  const exprs = texts.map((t) => parseExpression(t));
  const nodes = new Map<string, Node>();
  for (const name of new Set(exprs.flatMap(names))) {
    nodes.set(name, graph.leaves('input').find((n) => n.attrs.name === name) ?? graph.input(name, shapes[name] ?? []));
  }
  return exprs.map((e) => buildExpression(e, { nodes, orders: new Map(), later: new Set() }, graph, () => {}).node);
}

function names(e: Expr): string[] {
  switch (e.kind) {
    case 'number':
      return [];
    case 'name':
      return [e.name];
    case 'unary':
      return names(e.operand);
    case 'binary':
      return [...names(e.left), ...names(e.right)];
    case 'call':
      return e.args.flatMap(names);
  }
}

/** Rules fired while simplifying, and the result. */
export function simplifyLogged(outputs: readonly Node[]): { result: Node[]; fired: string[] } {
  const fired: string[] = [];
  const result = simplify(outputs, { explain: (rule) => fired.push(rule) });
  return { result, fired };
}

/**
 * `before` simplifies to what `after` simplifies to (its canonical form), with `rule` among the
 * rules fired, and without gaining nodes (but `gain`).
 */
export function expectRewrite(
  before: string,
  after: string,
  options: { rule?: string; shapes?: Record<string, Shape>; gain?: number } = {},
): void {
  const [b, a] = build([before, after], options.shapes);
  const { result, fired } = simplifyLogged([b]);
  const [expected] = simplify([a]);
  expect(show(result[0])).toBe(show(expected));
  if (options.rule) expect(fired).toContain(options.rule);
  expect(graphStats(result).nodes).toBeLessThanOrEqual(graphStats([b]).nodes + (options.gain ?? 0));
}

/** An expression for a node (shared subexpressions repeated), for readable failures. */
export function show(node: Node): string {
  if (node.op === 'input') return node.attrs.name as string;
  if (node.op === 'constant') {
    const values = node.attrs.value as number[];
    return values.length === 1 ? String(values[0]) : `[${values.join(', ')}]`;
  }
  const attrs = Object.entries(node.attrs).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${node.op}(${[...node.inputs.map(show), ...attrs].join(', ')})`;
}

/** Scalar or tensor feeds from plain numbers (every element the same) or arrays. */
export function feeds(values: Readonly<Record<string, number | readonly number[]>>, shapes: Readonly<Record<string, Shape>> = {}): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, value] of Object.entries(values)) {
    const shape = (shapes[name] ?? (typeof value === 'number' ? [] : [value.length])) as number[];
    const data = typeof value === 'number' ? new Float64Array(sizeOf(shape)).fill(value) : Float64Array.from(value);
    out[name] = { shape, data };
  }
  return out;
}

/** The values of nodes as flat arrays. */
export function evaluate(nodes: readonly Node[], feed: Record<string, Tensor>): number[][] {
  return interpret(nodes, feed).map((t) => [...t.data]);
}
