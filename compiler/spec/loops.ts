import { suggest, SymgradError } from '../errors.js';
import type { Node } from '../graph.js';
import { buildLoop } from '../loops/build.js';
import type { Built, Scope } from './build.js';
import { callFunction } from './call.js';
import type { Expr, Kwarg } from './expr.js';

/** The loop functions of SPEC §6: their first argument names a spec function. */
export const LOOP_FUNCTIONS: ReadonlySet<string> = new Set(['scan', 'fold', 'iterate']);

/**
 * `scan(f, init, xs...)`, `fold(f, init, xs...)` or `iterate(f, init, steps=K)`: f's body is
 * built once, into a graph of its own (compiler/loops/build.ts), on placeholders for the carry,
 * one row of each sequence and the inputs, params and consts it uses; the result is a loop node.
 */
export function callLoop(kind: string, argExprs: readonly Expr[], kwargs: readonly Kwarg[], scope: Scope, visit: (e: Expr) => Built): Built {
  const usage = kind === 'iterate' ? 'iterate(f, init, steps=K)' : `${kind}(f, init, xs1, xs2, ...)`;
  const [fnExpr, initExpr, ...xsExprs] = argExprs;
  if (fnExpr?.kind !== 'name') throw new SymgradError('', `the first argument of ${kind} must name a function of the spec's functions section: ${usage}`);
  const fn = scope.functions?.get(fnExpr.name);
  if (!fn) throw new SymgradError(`column ${fnExpr.pos + 1}`, `'${fnExpr.name}' is not a function of the spec's functions section${suggest(fnExpr.name, scope.functions?.keys() ?? [])}`);
  if (!initExpr) throw new SymgradError('', `${kind} needs an initial carry: ${usage}`);
  const steps = stepsOf(kind, kwargs, usage);
  if (kind === 'iterate' && xsExprs.length > 0) throw new SymgradError('', `iterate loops a fixed number of steps and takes no sequences (scan and fold do): ${usage}`);
  if (kind !== 'iterate' && xsExprs.length === 0) throw new SymgradError('', `${kind} needs at least one sequence to loop over (iterate takes a number of steps): ${usage}`);
  const arity = 1 + xsExprs.length;
  if (fn.args.length !== arity) {
    const what = kind === 'iterate' ? 'the carry' : `the carry and one slice of each of ${xsExprs.length} sequence${xsExprs.length === 1 ? '' : 's'}`;
    throw new SymgradError('', `${fn.name} takes ${fn.args.length} argument${fn.args.length === 1 ? '' : 's'}, but ${kind} calls it with ${arity} (${what})`);
  }
  const init = visit(initExpr);
  const xs = xsExprs.map(visit);
  // What the body sees of the spec: its inputs, params and consts, passed in where used.
  const globals = [...(scope.globals ?? new Map<string, Node>())];
  let order = 0;
  const node = buildLoop(
    fn.name,
    init.node,
    xs.map((x) => x.node),
    globals.map(([, node]) => node),
    (carry, rows, inner) => {
      const seen: Scope = { nodes: new Map(), orders: new Map(), later: new Set(), maxOrder: scope.maxOrder, functions: scope.functions, globals: new Map(globals.map(([name], i) => [name, inner[i]])) };
      const value = callFunction(fn, [carry, ...rows].map((n) => ({ node: n, order: 0 })), seen, carry.graph, () => {});
      order = value.order;
      return value.node;
    },
    { steps, result: kind === 'scan' ? 'stack' : 'last' },
  );
  return { node, order: Math.max(init.order, order, ...xs.map((x) => x.order)) };
}

function stepsOf(kind: string, kwargs: readonly Kwarg[], usage: string): number {
  for (const { name, pos } of kwargs) {
    if (kind !== 'iterate' || name !== 'steps') throw new SymgradError(`column ${pos + 1}`, `${kind} has no keyword '${name}' (${usage})`);
  }
  if (kind !== 'iterate') return -1;
  const given = kwargs.find((k) => k.name === 'steps');
  if (!given) throw new SymgradError('', `iterate needs the keyword steps: ${usage}`);
  const steps = given.value;
  if (typeof steps !== 'number' || !Number.isSafeInteger(steps) || steps < 0) {
    throw new SymgradError(`column ${given.pos + 1}`, `steps must be a whole number ≥ 0, got ${JSON.stringify(steps)}`);
  }
  return steps;
}
