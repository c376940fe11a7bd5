import { apply, scalar, zerosLike } from '../builder.js';
import { buildGrad } from '../autodiff/grad.js';
import { SymgradError } from '../errors.js';
import type { Graph, Node } from '../graph.js';
import { broadcastShapes, sameShape, showShape, type Shape } from '../shape.js';
import { defineOp, type OpBuilder } from './op.js';

/** A function with a derivative of its own: how to build its value, and each arg's gradient. */
export interface CustomFunction {
  readonly name: string;
  /** The function's value on the args (its body, built into their graph). */
  forward(args: readonly Node[]): Node;
  /** The gradient of each arg for the cotangent `dy` (the value's shape), as graph; linear in dy. */
  backward(args: readonly Node[], value: Node, dy: Node): readonly Node[];
}

/** The custom functions called in each graph, by the name a custom_vjp node carries. */
const registries = new WeakMap<Graph, Map<string, CustomFunction>>();

/**
 * `fn` applied to `args`: its body's value, wrapped in a custom_vjp node so build_grad uses
 * `fn.backward` instead of the body's own derivative. The first function of a name keeps it in
 * a graph; another function of the same name is registered as `name_2`, `name_3`, ...
 */
export function callCustom(fn: CustomFunction, args: readonly Node[]): Node {
  const value = fn.forward(args);
  const registry = registries.get(value.graph) ?? new Map<string, CustomFunction>();
  registries.set(value.graph, registry);
  let name = fn.name;
  for (let k = 2; registry.has(name) && registry.get(name) !== fn; k++) name = `${fn.name}_${k}`;
  registry.set(name, fn);
  return value.graph.apply('custom_vjp', [...args, value], { fn: name });
}

/** The gradients of a custom_vjp node's args for the cotangent `dy`, each of its arg's shape. */
function argGradients(node: Node, dy: Node): Node[] {
  const name = node.attrs.fn as string;
  const fn = registries.get(node.graph)?.get(name);
  if (!fn) throw new SymgradError('', `custom_vjp: no function '${name}' is registered in this graph`);
  const args = node.inputs.slice(0, -1);
  const grads = fn.backward(args, node.inputs[args.length], dy);
  if (grads.length !== args.length) throw new SymgradError('', `${name}: its vjp gives ${grads.length} gradients for ${args.length} arguments`);
  return grads.map((g, i) => fitShape(g, args[i].shape, `${name}: the gradient of argument ${i + 1}`));
}

/** `g` as a gradient of `shape`: equal, or broadcast to it (a scalar 0 is fine). */
export function fitShape(g: Node, shape: Shape, what: string): Node {
  if (sameShape(g.shape, shape)) return g;
  let fits = false;
  try {
    fits = sameShape(broadcastShapes([g.shape, shape]), shape);
  } catch (error) {
    if (!(error instanceof SymgradError)) throw error;
  }
  if (!fits) throw new SymgradError('', `${what} has shape ${showShape(g.shape)}, not the argument's shape ${showShape(shape)}`);
  return apply('broadcast_to', [g], { shape });
}

/**
 * The value of a function with its own derivative: inputs are the args and, last, the body's
 * value, which it passes on unchanged. Its vjp is the function's (the body is never
 * differentiated); its jvp is that vjp transposed: J·t = ∂/∂dy ⟨vjpᵀ(dy), t⟩, taken by build_grad
 * with respect to a placeholder dy (the vjp is linear in dy, so the result does not depend on it).
 * The simplifier drops the node once every derivative is built.
 */
export const custom_vjp: OpBuilder<(fn: CustomFunction, args: readonly Node[]) => Node> = defineOp(
  {
    name: 'custom_vjp',
    arity: 'variadic',
    internal: true,
    customDerivative: true,
    infer: (inputs) => {
      if (inputs.length === 0) throw new SymgradError('', 'needs at least the value');
      return { shape: inputs[inputs.length - 1] };
    },
    evaluate: (out, inputs) => out.set(inputs[inputs.length - 1].data),
    vjp: (node, d) => [...argGradients(node, d), null],
    jvp: (node, tangents) => {
      if (!tangents.slice(0, -1).some(Boolean)) return null;
      const graph = node.graph;
      const dy = graph.apply('variable', [zerosLike(graph, node.shape)], { name: `dy$${node.id}` });
      const terms = argGradients(node, dy).flatMap((g, i) => (tangents[i] ? [apply('sum', [apply('mul', [g, tangents[i]!])])] : []));
      const pairing = terms.reduce((a, b) => apply('add', [a, b]));
      return buildGrad(pairing, [dy], scalar(graph, 1))[0];
    },
    emit: { kind: 'kernel' },
    flops: () => 0,
  },
  (fn: CustomFunction, args: readonly Node[]) => callCustom(fn, args),
);

/**
 * A builder function with its own derivative: `forward` builds the value from the args,
 * `backward(...args, value, dy)` each arg's gradient (linear in dy). E.g. a straight-through
 * sign: `customVjp((x) => sign(x), (x, _y, dy) => [mul(dy, less_equal(abs(x), 1))])`.
 */
export function customVjp<A extends Node[]>(
  forward: (...args: A) => Node,
  backward: (...argsValueDy: [...A, Node, Node]) => readonly Node[],
  name = 'custom',
): (...args: A) => Node {
  const fn: CustomFunction = {
    name,
    forward: (args) => forward(...(args as A)),
    backward: (args, value, dy) => backward(...([...args, value, dy] as [...A, Node, Node])),
  };
  return (...args: A) => callCustom(fn, args);
}
