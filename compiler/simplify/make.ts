import { scalar } from '../builder.js';
import type { Attrs, Graph, Node } from '../graph.js';
import { opTable, type OpName } from '../ops/table.js';

/**
 * Canonical operand order of commutative ops: non-constants by id (so a node's inputs come before
 * anything built from them), then constants. Sorting replaces swapped copies of every rule.
 */
export function compareOperands(a: Node, b: Node): number {
  return Number(isConstant(a)) - Number(isConstant(b)) || a.id - b.id;
}

export function isSorted(inputs: readonly Node[]): boolean {
  return inputs.every((input, i) => i === 0 || compareOperands(inputs[i - 1], input) <= 0);
}

/** A constant or a broadcast constant. */
export function isConstant(node: Node): boolean {
  return node.op === 'constant' || (node.op === 'broadcast_to' && node.inputs[0].op === 'constant');
}

/** `graph.apply` with commutative operands in canonical order. */
export function make(op: OpName, inputs: readonly Node[], attrs: Attrs = {}): Node {
  const ordered = opTable[op].commutative ? [...inputs].sort(compareOperands) : inputs;
  return inputs[0].graph.apply(op, ordered, attrs);
}

const numbers = new WeakMap<Graph, Map<string, Node>>();

/** The scalar constant `value` (remembered per graph: rewriting asks for the same few numbers often). */
export function number(graph: Graph, value: number): Node {
  let known = numbers.get(graph);
  if (!known) numbers.set(graph, (known = new Map()));
  const key = Object.is(value, -0) ? '-0' : String(value);
  let node = known.get(key);
  if (!node) known.set(key, (node = scalar(graph, value)));
  return node;
}
