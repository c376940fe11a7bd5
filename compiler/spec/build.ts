import { scalar } from '../builder.js';
import { suggest, SymgradError } from '../errors.js';
import type { Attrs, AttrValue, Graph, Node } from '../graph.js';
import type { KeywordSpec } from '../ops/op.js';
import type { Expr, Kwarg } from './expr.js';
import { callFunction } from './call.js';
import { callLoop, LOOP_FUNCTIONS } from './loops.js';
import { specFunctions, type SpecFunction } from './functions.js';
import type { UserFunction } from './user.js';

/** What an expression can see: earlier names, and for each its derivative order. */
export interface Scope {
  readonly nodes: ReadonlyMap<string, Node>;
  readonly orders: ReadonlyMap<string, number>;
  /** Names declared later in the spec (to say "defined later" rather than "unknown"). */
  readonly later: ReadonlySet<string>;
  /** The deepest derivative nesting allowed, checked before a call expands (default: no limit). */
  readonly maxOrder?: number;
  /** The spec's functions this expression may call. */
  readonly functions?: ReadonlyMap<string, UserFunction>;
  /** What a function body sees besides its own names: the spec's inputs, params and consts. */
  readonly globals?: ReadonlyMap<string, Node>;
}

/** One expanded derivative call: the function, its argument nodes, its result and its derivative order. */
export interface DerivativeCall {
  readonly fn: string;
  readonly args: readonly Node[];
  readonly node: Node;
  readonly order: number;
}

export interface Built {
  readonly node: Node;
  /** How many derivative calls are nested in this value. */
  readonly order: number;
}

/** Turn an expression into graph nodes; errors carry `column N` of the offending token. */
export function buildExpression(expr: Expr, scope: Scope, graph: Graph, onDerivative: (call: DerivativeCall, before: number) => void): Built {
  const at = (pos: number, fn: () => Built): Built => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof SymgradError && error.place === '') throw new SymgradError(`column ${pos + 1}`, error.message);
      throw error;
    }
  };
  const visit = (e: Expr): Built => {
    switch (e.kind) {
      case 'number':
        return at(e.pos, () => ({ node: scalar(graph, e.value), order: 0 }));
      case 'name':
        return at(e.pos, () => lookup(e.name, scope));
      case 'unary': {
        const operand = visit(e.operand);
        return at(e.pos, () => ({ node: graph.apply('neg', [operand.node]), order: operand.order }));
      }
      case 'binary': {
        const [left, right] = [visit(e.left), visit(e.right)];
        return at(e.pos, () => ({ node: graph.apply(e.op, [left.node, right.node]), order: Math.max(left.order, right.order) }));
      }
      case 'call': {
        if (LOOP_FUNCTIONS.has(e.callee)) return at(e.pos, () => placed(e.pos, () => callLoop(e.callee, e.args, e.kwargs, scope, visit)));
        const user = scope.functions?.get(e.callee);
        if (user) return at(e.pos, () => callUser(user, e.args, e.kwargs, e.pos));
        const f = specFunctions.get(e.callee);
        if (!f) {
          const known = [...specFunctions.keys(), ...LOOP_FUNCTIONS, ...(scope.functions?.keys() ?? [])];
          throw new SymgradError(`column ${e.pos + 1}`, `unknown function '${e.callee}'${suggest(e.callee, known)}`);
        }
        return at(e.pos, () => call(f, e.args, e.kwargs));
      }
    }
  };
  const call = (f: SpecFunction, argExprs: readonly Expr[], kwargs: readonly Kwarg[]): Built => {
    if (f.arity !== 'variadic' && argExprs.length !== f.arity) {
      throw new SymgradError('', `${f.name} takes ${f.arity} argument${f.arity === 1 ? '' : 's'}, got ${argExprs.length}`);
    }
    if (f.arity === 'variadic' && argExprs.length === 0) throw new SymgradError('', `${f.name} needs at least one argument`);
    if (f.derivative) {
      const bad = argExprs.findIndex((a, i) => i === 1 && a.kind !== 'name');
      if (bad >= 0) throw new SymgradError('', `the second argument of ${f.name} must be a name (an input, param or earlier node)`);
    }
    const args = argExprs.map(visit);
    const attrs = keywordAttrs(f, kwargs);
    const order = Math.max(0, ...args.map((a) => a.order)) + (f.derivative ? 1 : 0);
    if (order > (scope.maxOrder ?? Infinity)) {
      throw new SymgradError('', `derivatives nested ${order} deep, more than ${scope.maxOrder} (--max-derivative-order)`);
    }
    const before = graph.nodes.length;
    const node = f.call(args.map((a) => a.node), attrs, graph);
    if (f.derivative) onDerivative({ fn: f.name, args: args.map((a) => a.node), node, order }, before);
    return { node, order };
  };
  /** A spec function's call; errors inside its body are placed at the call's column. */
  const callUser = (f: UserFunction, argExprs: readonly Expr[], kwargs: readonly Kwarg[], pos: number): Built => {
    if (kwargs.length > 0) throw new SymgradError(`column ${kwargs[0].pos + 1}`, `${f.name} takes no keywords`);
    const args = argExprs.map(visit);
    try {
      return callFunction(f, args, scope, graph, onDerivative);
    } catch (error) {
      throw error instanceof SymgradError && error.place !== '' ? error.within(`column ${pos + 1}`) : error;
    }
  };
  return visit(expr);
}

/** Errors placed inside a loop's body are placed at the loop's column too. */
function placed(pos: number, fn: () => Built): Built {
  try {
    return fn();
  } catch (error) {
    throw error instanceof SymgradError && error.place !== '' && !error.place.startsWith('column ') ? error.within(`column ${pos + 1}`) : error;
  }
}

function lookup(name: string, scope: Scope): Built {
  const node = scope.nodes.get(name);
  if (node) return { node, order: scope.orders.get(name) ?? 0 };
  if (scope.later.has(name)) throw new SymgradError('', `'${name}' is used before it is defined (nodes may only refer to earlier names)`);
  throw new SymgradError('', `unknown name '${name}'${suggest(name, scope.nodes.keys())}`);
}

function keywordAttrs(f: SpecFunction, kwargs: readonly Kwarg[]): Attrs {
  const attrs: Record<string, AttrValue> = {};
  for (const { name, value, pos } of kwargs) {
    const spec = Object.hasOwn(f.keywords, name) ? f.keywords[name] : undefined;
    if (!spec) {
      const known = Object.keys(f.keywords);
      const hint = known.length > 0 ? suggest(name, known) || ` (it takes ${known.join(', ')})` : ' (it takes none)';
      throw new SymgradError(`column ${pos + 1}`, `${f.name} has no keyword '${name}'${hint}`);
    }
    const problem = keywordProblem(spec, value);
    if (problem) throw new SymgradError(`column ${pos + 1}`, `keyword '${name}' of ${f.name} must be ${problem}`);
    attrs[name] = value;
  }
  for (const [name, spec] of Object.entries(f.keywords)) {
    if (spec.required && !(name in attrs)) throw new SymgradError('', `${f.name} needs the keyword '${name}'`);
  }
  return attrs;
}

function keywordProblem(spec: KeywordSpec, value: number | boolean | number[]): string | undefined {
  const isInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v);
  switch (spec.kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'a finite number';
    case 'integer':
      return isInt(value) ? undefined : 'an integer';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'integers':
      return Array.isArray(value) && value.every(isInt) ? undefined : 'a list of integers';
    case 'axes':
      return isInt(value) || (Array.isArray(value) && value.every(isInt)) ? undefined : 'an integer or a list of integers';
  }
}
