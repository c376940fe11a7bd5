import { SymgradError } from './errors.js';
import { NO_ATTRS, type Attrs } from './attrs.js';
import type { Graph, Node } from './graph.js';
import type { OpName } from './ops/table.js';
import type { Shape } from './shape.js';

/** What builder functions accept: a node, or a number that becomes a scalar constant. */
export type Operand = Node | number;

/** The graph shared by the operands (numbers take it from their node neighbours). */
function graphOf(operands: readonly Operand[]): Graph {
  for (const x of operands) if (typeof x !== 'number') return x.graph;
  throw new SymgradError('', 'an operation needs at least one node argument');
}

/** Apply an op to operands, lifting numbers to scalar constants of the same graph. */
export function apply(op: OpName, operands: readonly Operand[], attrs: Attrs = NO_ATTRS): Node {
  const graph = graphOf(operands);
  return graph.apply(op, operands.map((x) => (typeof x === 'number' ? scalar(graph, x) : x)), attrs);
}

/** A scalar constant. */
export function scalar(graph: Graph, value: number): Node {
  return graph.apply('constant', [], { value: [value], shape: [] });
}

/** A constant tensor from flat row-major values. */
export function constant(graph: Graph, values: readonly number[], shape: Shape): Node {
  return graph.apply('constant', [], { value: values, shape });
}

/** Zeros of a shape (a broadcast scalar: the simplifier and code generator see through it). */
export function zerosLike(graph: Graph, shape: Shape): Node {
  const zero = scalar(graph, 0);
  return shape.length === 0 ? zero : graph.apply('broadcast_to', [zero], { shape });
}

/** The constant value of a scalar (or broadcast scalar) node, if it is one. */
export function constantValue(node: Node): number | undefined {
  if (node.op === 'broadcast_to') return constantValue(node.inputs[0]);
  if (node.def.leaf !== 'known') return undefined;
  const values = node.attrs.value as readonly number[];
  return values.length > 0 && values.every((v) => Object.is(v, values[0])) ? values[0] : undefined;
}
