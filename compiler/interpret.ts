import { bindDims } from './dims.js';
import { SymgradError } from './errors.js';
import { initValues } from './init.js';
import { runLoop, type LoopAttrs } from './loops/run.js';
import type { Node } from './graph.js';
import type { Data, Tensor } from './ops/op.js';
import { concreteShape, sizeOf, type Shape } from './shape.js';
import { isLoop } from './loops/body.js';

/**
 * The reference interpreter: the executable definition of every op, and the oracle for
 * generated kernels and rewrites. Evaluates the ancestors of `outputs` in topological order,
 * storing each node in its graph's dtype. Params not fed take their init.
 */
export function interpret(outputs: readonly Node[], feeds: Readonly<Record<string, Tensor>>): Tensor[] {
  if (outputs.length === 0) return [];
  const graph = outputs[0].graph;
  const Storage = graph.dtype === 'float32' ? Float32Array : Float64Array;
  const needed = ancestors(outputs);
  // Named dimensions are bound from every fed leaf of the graph and checked against the sizes
  // the graph broadcasts them against, as generated code does.
  const allLeaves = [...graph.leaves('input'), ...graph.leaves('param')];
  const declared = new Map<string, Shape>(allLeaves.map((n) => [n.attrs.name as string, n.shape]));
  const fed = new Map<string, readonly number[]>();
  for (const name of declared.keys()) if (Object.hasOwn(feeds, name)) fed.set(name, feeds[name].shape);
  const dims = bindDims(declared, fed, graph.requirements);
  const values = new Map<Node, Tensor>();
  for (const leaf of needed.filter((n) => n.def.leaf === 'fed')) {
    const name = leaf.attrs.name as string;
    const feed = Object.hasOwn(feeds, name) ? feeds[name] : undefined;
    if (feed) {
      values.set(leaf, { shape: feed.shape, data: Storage.from(feed.data) });
    } else if (graph.paramInits.has(name)) {
      const shape = leaf.shape as number[];
      values.set(leaf, { shape, data: Storage.from(initValues(graph.paramInits.get(name)!, sizeOf(shape))) });
    } else {
      throw new SymgradError(`feeds.${name}`, `missing feed for input '${name}'`);
    }
  }
  evaluateInOrder(needed, values, dims, Storage);
  return outputs.map((n) => values.get(n)!);
}

/**
 * Evaluates the nodes of `order` (topological) that `values` does not hold yet, into it. The
 * nodes of one loop that differ only in the result they pick are computed by one run.
 */
export function evaluateInOrder(order: readonly Node[], values: Map<Node, Tensor>, dims: Readonly<Record<string, number>>, Storage: Float64ArrayConstructor | Float32ArrayConstructor): void {
  const loops = new Map<string, Tensor[]>();
  for (const node of order) {
    if (values.has(node)) continue;
    if (isLoop(node)) {
      const key = loopKey(node);
      let results = loops.get(key);
      if (!results) loops.set(key, (results = runLoop(node.attrs as unknown as LoopAttrs, node.inputs.map((input) => values.get(input)!), Storage)));
      values.set(node, results[node.attrs.result as number]);
      continue;
    }
    const shape = concreteShape(node.shape, dims);
    const out: Data = new Storage(sizeOf(shape));
    const inputs = node.inputs.map((input) => values.get(input)!);
    try {
      node.def.evaluate(out, inputs, node.attrs, shape);
    } catch (error) {
      // A run-time error of an op (a position out of range) names the spec node, as generated code does.
      if (error instanceof RangeError) throw new RangeError(`nodes.${node.label || node.op}: ${error.message}`);
      throw error;
    }
    values.set(node, { shape, data: out });
  }
}

/** What the nodes of one loop share: all but the result they pick. */
function loopKey(node: Node): string {
  return `${node.attrs.body} ${node.attrs.reverse} ${node.attrs.steps} ${node.inputs.map((x) => x.id).join(',')}`;
}

/** The nodes `outputs` depend on (themselves included), in topological order. */
export function ancestors(outputs: readonly Node[]): Node[] {
  const seen = new Set<Node>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const input of node.inputs) if (!seen.has(input)) stack.push(input);
  }
  return [...seen].sort((a, b) => a.id - b.id);
}
