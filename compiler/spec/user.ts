import { suggest, SymgradError } from '../errors.js';
import type { Expr } from './expr.js';
import { fieldsAt, objectAt } from './fields.js';
import { specFunctions } from './functions.js';
import { LOOP_FUNCTIONS } from './loops.js';
import type { JsonValue } from './json.js';
import { nameProblem } from './names.js';
import { describe } from './values.js';

/** A function of the spec's `functions` section (SPEC §6), parsed and checked for names. */
export interface UserFunction {
  readonly name: string;
  readonly args: readonly string[];
  readonly nodes: readonly { readonly name: string; readonly expr: Expr }[];
  readonly returns: string;
  /** The custom derivative: each arg's gradient over the args, the body's nodes and `dy`. */
  readonly vjp?: ReadonlyMap<string, Expr>;
  /** Args and body nodes that a derivative call in the body differentiates with respect to. */
  readonly variables: ReadonlySet<string>;
  /** The functions its body may call: those defined before it. */
  readonly callable: ReadonlyMap<string, UserFunction>;
}

/** The cotangent's name in a `vjp`. */
export const COTANGENT = 'dy';

/**
 * The `functions` section, in order. `globals` are the names a body sees besides its own (the
 * spec's inputs, params and consts). A body may call built-ins and earlier functions only, so
 * there is no recursion; shapes are checked later, at each call.
 */
export function parseFunctions(value: JsonValue, globals: ReadonlySet<string>, parse: (text: string) => Expr): Map<string, UserFunction> {
  const section = objectAt(value, 'functions');
  const all = Object.keys(section);
  const taken = new Set([...specFunctions.keys(), ...LOOP_FUNCTIONS, ...all]);
  const functions = new Map<string, UserFunction>();
  for (const [name, decl] of Object.entries(section)) {
    const place = `functions.${name}`;
    if (specFunctions.has(name) || LOOP_FUNCTIONS.has(name)) throw new SymgradError(place, `'${name}' is a built-in function's name`);
    const problem = nameProblem(name, new Set());
    if (problem) throw new SymgradError(place, problem);
    if (globals.has(name)) throw new SymgradError(place, `'${name}' is already declared`);
    const later = new Set(all.slice(all.indexOf(name)));
    functions.set(name, parseFunction(name, place, decl, { globals, taken, callable: new Map(functions), later, parse }));
  }
  return functions;
}

interface Context {
  readonly globals: ReadonlySet<string>;
  /** Names a local may not take: built-ins and the spec's functions. */
  readonly taken: ReadonlySet<string>;
  readonly callable: ReadonlyMap<string, UserFunction>;
  /** This function and those after it (not callable from its body). */
  readonly later: ReadonlySet<string>;
  readonly parse: (text: string) => Expr;
}

function parseFunction(name: string, place: string, decl: JsonValue, context: Context): UserFunction {
  const fields = fieldsAt(decl, place, ['args', 'nodes', 'return', 'vjp'], ['args', 'return']);
  const custom = fields.vjp !== undefined;
  const locals = new Set<string>();
  const local = (localName: string, at: string) => {
    const problem = nameProblem(localName, context.taken);
    if (problem) throw new SymgradError(at, problem);
    if (locals.has(localName)) throw new SymgradError(at, `'${localName}' is already declared in ${name}`);
    if (custom && localName === COTANGENT) throw new SymgradError(at, `'${COTANGENT}' is the cotangent of the vjp: a function with a vjp cannot name an argument or node '${COTANGENT}'`);
    locals.add(localName);
  };

  if (!Array.isArray(fields.args)) throw new SymgradError(`${place}.args`, `expected a list of names, got ${describe(fields.args)}`);
  const args = fields.args.map((arg, i) => {
    if (typeof arg !== 'string') throw new SymgradError(`${place}.args[${i}]`, `expected a name, got ${describe(arg)}`);
    local(arg, `${place}.args[${i}]`);
    return arg;
  });

  const nodes: { name: string; expr: Expr }[] = [];
  const body = objectAt(fields.nodes ?? {}, `${place}.nodes`);
  const bodyNames = Object.keys(body);
  for (const [nodeName, text] of Object.entries(body)) {
    const at = `${place}.nodes.${nodeName}`;
    local(nodeName, at);
    if (typeof text !== 'string') throw new SymgradError(at, `expected an expression string, got ${describe(text)}`);
    const expr = parseAt(context.parse, text, at);
    const visible = new Set([...context.globals, ...locals]);
    checkNames(expr, at, visible, new Set(bodyNames.slice(bodyNames.indexOf(nodeName) + 1)), context, BODY_SEES);
    nodes.push({ name: nodeName, expr });
  }

  const returns = fields.return;
  if (typeof returns !== 'string') throw new SymgradError(`${place}.return`, `expected a name, got ${describe(returns)}`);
  if (!locals.has(returns)) throw new SymgradError(`${place}.return`, `'${returns}' is not an argument or node of ${name}${suggest(returns, locals)}`);

  let vjp: Map<string, Expr> | undefined;
  if (custom) {
    const entries = objectAt(fields.vjp, `${place}.vjp`);
    for (const key of Object.keys(entries)) {
      if (!args.includes(key)) throw new SymgradError(`${place}.vjp.${key}`, `'${key}' is not an argument of ${name}${suggest(key, args) || ` (it takes ${args.join(', ') || 'none'})`}`);
    }
    vjp = new Map();
    const visible = new Set([...context.globals, ...locals, COTANGENT]);
    for (const arg of args) {
      const at = `${place}.vjp.${arg}`;
      const text = entries[arg];
      if (text === undefined) throw new SymgradError(`${place}.vjp`, `no entry for the argument '${arg}' (every argument needs one; write "0" for none)`);
      if (typeof text !== 'string') throw new SymgradError(at, `expected an expression string, got ${describe(text)}`);
      const expr = parseAt(context.parse, text, at);
      checkNames(expr, at, visible, new Set(), context, VJP_SEES);
      vjp.set(arg, expr);
    }
  }
  return { name, args, nodes, returns, vjp, variables: derivativeTargets(nodes.map((n) => n.expr)), callable: context.callable };
}

function parseAt(parse: (text: string) => Expr, text: string, at: string): Expr {
  try {
    return parse(text);
  } catch (error) {
    throw error instanceof SymgradError ? error.within(at) : error;
  }
}

/** Every name an expression uses is visible, and every function it calls may be called. */
const BODY_SEES = "a body sees its args, its earlier nodes, and the spec's inputs, params and consts";
const VJP_SEES = `a vjp sees the args, the body's nodes, ${COTANGENT}, and the spec's inputs, params and consts`;

function checkNames(expr: Expr, at: string, visible: ReadonlySet<string>, laterNodes: ReadonlySet<string>, context: Context, sees: string): void {
  const fail = (pos: number, message: string): never => {
    throw new SymgradError(`${at}: column ${pos + 1}`, message);
  };
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'name':
        if (visible.has(e.name)) return;
        if (laterNodes.has(e.name)) fail(e.pos, `'${e.name}' is used before it is defined (body nodes may only refer to earlier names)`);
        return fail(e.pos, `unknown name '${e.name}'${suggest(e.name, visible)} (${sees})`);
      case 'unary':
        return visit(e.operand);
      case 'binary':
        return [e.left, e.right].forEach(visit);
      case 'number':
        return;
      case 'call': {
        const callee = (name: string, pos: number) => {
          const known = specFunctions.has(name) || LOOP_FUNCTIONS.has(name) || context.callable.has(name);
          if (!known && context.later.has(name)) {
            const [self] = context.later;
            const what = name === self ? `'${self}' calls itself` : `'${name}' is defined after '${self}'`;
            fail(pos, `${what}: a function may call only built-ins and functions defined before it (no recursion)`);
          }
          if (!known) fail(pos, `unknown function '${name}'${suggest(name, [...specFunctions.keys(), ...LOOP_FUNCTIONS, ...context.callable.keys()])}`);
        };
        callee(e.callee, e.pos);
        const [first, ...rest] = e.args;
        // A loop's first argument names the function it steps.
        if (LOOP_FUNCTIONS.has(e.callee) && first?.kind === 'name' && !visible.has(first.name)) {
          callee(first.name, first.pos);
          if (!context.callable.has(first.name)) fail(first.pos, `'${first.name}' is a built-in; ${e.callee} steps a function of the spec's functions section`);
          return rest.forEach(visit);
        }
        return e.args.forEach(visit);
      }
    }
  };
  visit(expr);
}

/** The names that derivative calls differentiate with respect to (their second argument). */
export function derivativeTargets(exprs: Iterable<Expr>): Set<string> {
  const found = new Set<string>();
  const visit = (e: Expr): void => {
    if (e.kind === 'unary') visit(e.operand);
    else if (e.kind === 'binary') [e.left, e.right].forEach(visit);
    else if (e.kind === 'call') {
      const x = e.args[1];
      if (specFunctions.get(e.callee)?.derivative && x?.kind === 'name') found.add(x.name);
      e.args.forEach(visit);
    }
  };
  for (const expr of exprs) visit(expr);
  return found;
}
