import { suggest, SymgradError } from '../errors.js';
import type { Graph, Node } from '../graph.js';
import { internBody, placeholder } from '../loops/body.js';
import { liveNodes } from '../nodes.js';
import { sameShape, showShape } from '../shape.js';
import type { Built, Scope } from './build.js';
import { callFunction } from './call.js';
import type { Expr, Kwarg } from './expr.js';

/** The loop functions of SPEC §6: their first argument names a spec function. */
export const LOOP_FUNCTIONS: ReadonlySet<string> = new Set(['scan', 'fold', 'iterate']);

/**
 * `scan(f, init, xs...)`, `fold(f, init, xs...)` or `iterate(f, init, steps=K)`: f's body is
 * built once, into a graph of its own (compiler/loops/body.ts), on placeholders for the carry,
 * one slice of each sequence and the inputs, params and consts it uses; the result is a loop node.
 */
export function callLoop(kind: string, argExprs: readonly Expr[], kwargs: readonly Kwarg[], scope: Scope, graph: Graph, visit: (e: Expr) => Built): Built {
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
  xs.forEach((x, i) => {
    if (x.node.shape.length === 0) throw new SymgradError('', `sequence ${i + 1} of ${kind} is a scalar: a sequence needs an axis 0 to loop over`);
    if (x.node.shape[0] !== xs[0].node.shape[0]) {
      throw new SymgradError('', `the sequences of ${kind} have different lengths: ${showShape(xs[0].node.shape)} and ${showShape(x.node.shape)} (axis 0 is the step)`);
    }
  });

  const body = graph.sibling();
  body.label = fn.name;
  const carry = placeholder(body, 'carry', init.node.shape);
  const slices = xs.map((x) => placeholder(body, 'slice', x.node.shape.slice(1)));
  // What the body sees of the spec: consts as they are, everything else through a placeholder.
  const outside = new Map<Node, Node>();
  const globals = new Map<string, Node>();
  for (const [name, node] of scope.globals ?? new Map<string, Node>()) {
    if (node.op === 'constant') {
      globals.set(name, body.apply('constant', [], node.attrs));
    } else {
      const p = placeholder(body, 'closure', node.shape);
      outside.set(p, node);
      globals.set(name, p);
    }
  }
  const inner: Scope = { nodes: new Map(), orders: new Map(), later: new Set(), maxOrder: scope.maxOrder, functions: scope.functions, globals };
  const value = callFunction(fn, [carry, ...slices].map((node) => ({ node, order: 0 })), inner, body, () => {});
  if (!sameShape(value.node.shape, carry.shape)) {
    throw new SymgradError('', `${fn.name} returns shape ${showShape(value.node.shape)}, but the carry (init) has shape ${showShape(carry.shape)}: a loop's function returns the next carry`);
  }
  const live = new Set(liveNodes([value.node]));
  const closures = [...outside.keys()].filter((p) => live.has(p));
  const loopBody = internBody({ name: fn.name, graph: body, carries: [carry], slices, closures, next: [value.node], emits: [] });
  const inputs = [init.node, ...xs.map((x) => x.node), ...closures.map((p) => outside.get(p)!)];
  const node = graph.apply('loop', inputs, { body: loopBody.id, reverse: false, steps, result: kind === 'scan' ? 1 : 0 });
  return { node, order: Math.max(init.order, value.order, ...xs.map((x) => x.order)) };
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
