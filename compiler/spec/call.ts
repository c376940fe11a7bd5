import { SymgradError } from '../errors.js';
import type { Graph, Node } from '../graph.js';
import { callCustom, fitShape, type CustomFunction } from '../ops/custom_vjp.js';
import { buildExpression, type Built, type DerivativeCall, type Scope } from './build.js';
import { COTANGENT, type UserFunction } from './user.js';

type OnDerivative = (call: DerivativeCall, before: number) => void;

/**
 * A call of a spec function: its body built (inlined) on the args, so shapes are checked at
 * each call. A function with a `vjp` is wrapped in a custom_vjp node that carries it.
 */
export function callFunction(fn: UserFunction, args: readonly Built[], scope: Scope, graph: Graph, onDerivative: OnDerivative): Built {
  if (args.length !== fn.args.length) {
    throw new SymgradError('', `${fn.name} takes ${fn.args.length} argument${fn.args.length === 1 ? '' : 's'}, got ${args.length}`);
  }
  const body = buildBody(fn, args, scope, graph, onDerivative);
  if (!fn.vjp) return body.value;
  return { node: callCustom(customOf(fn, scope, graph), args.map((a) => a.node)), order: body.value.order };
}

/** The body's nodes by name (args included) and its returned value. */
function buildBody(fn: UserFunction, args: readonly Built[], scope: Scope, graph: Graph, onDerivative: OnDerivative) {
  const globals = scope.globals ?? new Map<string, Node>();
  const names = new Map(globals);
  const orders = new Map<string, number>();
  /** A value some derivative in the body is taken with respect to becomes a variable of its own. */
  const define = (name: string, built: Built, alias: boolean) => {
    const variable = fn.variables.has(name) && !alias;
    names.set(name, variable ? graph.apply('variable', [built.node], { name: `${fn.name}.${name}` }) : built.node);
    orders.set(name, built.order);
  };
  fn.args.forEach((arg, i) => define(arg, args[i], false));
  const later = new Set(fn.nodes.map((n) => n.name));
  for (const { name, expr } of fn.nodes) {
    later.delete(name);
    const inner: Scope = { nodes: names, orders, later, maxOrder: scope.maxOrder, functions: fn.callable, globals };
    try {
      define(name, buildExpression(expr, inner, graph, onDerivative), expr.kind === 'name');
    } catch (error) {
      throw error instanceof SymgradError ? error.within(`in ${fn.name}: nodes.${name}`) : error;
    }
  }
  return { names, value: { node: names.get(fn.returns)!, order: orders.get(fn.returns)! } };
}

/** The function's custom derivative, one per function and graph (the graph's registry keeps it by name). */
const customs = new WeakMap<UserFunction, CustomFunction>();

function customOf(fn: UserFunction, scope: Scope, graph: Graph): CustomFunction {
  const known = customs.get(fn);
  if (known) return known;
  const quiet: OnDerivative = () => {};
  const asBuilt = (nodes: readonly Node[]) => nodes.map((node) => ({ node, order: 0 }));
  const custom: CustomFunction = {
    name: fn.name,
    forward: (args) => buildBody(fn, asBuilt(args), scope, graph, quiet).value.node,
    backward: (args, _value, dy) => {
      // Rebuilding the body gives the same nodes (hash-consing): the vjp sees them by name.
      const { names } = buildBody(fn, asBuilt(args), scope, graph, quiet);
      names.set(COTANGENT, dy);
      const inner: Scope = { nodes: names, orders: new Map(), later: new Set(), maxOrder: scope.maxOrder, functions: fn.callable, globals: scope.globals };
      return fn.args.map((arg, i) => {
        try {
          return fitShape(buildExpression(fn.vjp!.get(arg)!, inner, graph, quiet).node, args[i].shape, `the gradient of '${arg}'`);
        } catch (error) {
          throw error instanceof SymgradError ? error.within(`in ${fn.name}: vjp.${arg}`) : error;
        }
      });
    },
  };
  customs.set(fn, custom);
  return custom;
}
