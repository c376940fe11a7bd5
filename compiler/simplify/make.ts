import { scalar } from '../builder.js';
import { NO_ATTRS, type Attrs } from '../attrs.js';
import type { Graph, Node } from '../graph.js';
import type { OpName } from '../ops/table.js';

/** `graph.apply` on the inputs' graph (it puts commutative operands in canonical order). */
export function make(op: OpName, inputs: readonly Node[], attrs: Attrs = NO_ATTRS): Node {
  return inputs[0].graph.apply(op, inputs, attrs);
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
