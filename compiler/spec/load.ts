import { suggest, SymgradError } from '../errors.js';
import type { DType, Graph, Node } from '../graph.js';
import type { Dim } from '../shape.js';
import { buildExpression, type DerivativeCall } from './build.js';
import { parseExpression, type Expr } from './expr.js';
import { fieldsAt, objectAt, type JsonObject } from './fields.js';
import { specFunctions } from './functions.js';
import { LOOP_FUNCTIONS } from './loops.js';
import { paramInit } from './init.js';
import { parseJson, type JsonValue } from './json.js';
import { DEFAULT_LIMITS, LimitedGraph, shapeProblem, type Limits } from './limits.js';
import { nameProblem, NAME_PATTERN } from './names.js';
import { derivativeTargets, parseFunctions } from './user.js';
import { describe, parseLiteral } from './values.js';

/** A spec turned into one graph: every named value, and the outputs. */
export interface LoadedSpec {
  readonly name: string;
  readonly graph: Graph;
  /** Inputs, params, consts and nodes by spec name. */
  readonly names: ReadonlyMap<string, Node>;
  /** Spec node names whose expression calls a derivative function (directly or through names). */
  readonly derivativeNames: ReadonlySet<string>;
  /** Nodes created while expanding derivative calls (the rest is the forward graph). */
  readonly derivativeNodes: ReadonlySet<Node>;
  /** For each derivative node, the nesting depth of the call that created it (1 for first derivatives). */
  readonly derivativeOrders: ReadonlyMap<Node, number>;
  /** Every derivative call in each spec node's expression, inner calls first. */
  readonly derivativeCalls: ReadonlyMap<string, readonly DerivativeCall[]>;
  readonly outputs: readonly { readonly name: string; readonly node: Node }[];
}

const SECTIONS = ['format', 'name', 'dtype', 'inputs', 'params', 'consts', 'functions', 'nodes', 'outputs'];

/** Parse and build a spec; every problem is a SymgradError naming its place. */
export function loadSpec(text: string, limits: Partial<Limits> = {}): LoadedSpec {
  return buildSpec(parseJson(text), { ...DEFAULT_LIMITS, ...limits });
}

export function buildSpec(spec: JsonValue, limits: Limits = DEFAULT_LIMITS): LoadedSpec {
  const top = objectAt(spec, '');
  for (const key of Object.keys(top)) {
    if (!SECTIONS.includes(key)) throw new SymgradError(key, `unknown field${suggest(key, SECTIONS)}`);
  }
  if (top.format !== 'symgrad/1') {
    throw new SymgradError('format', top.format === undefined ? 'missing: it must be "symgrad/1"' : `must be "symgrad/1", got ${describe(top.format)}`);
  }
  if (top.name !== undefined && typeof top.name !== 'string') throw new SymgradError('name', 'must be a string');
  const dtype = top.dtype ?? 'float64';
  if (dtype !== 'float64' && dtype !== 'float32') throw new SymgradError('dtype', `must be "float64" or "float32", got ${describe(dtype)}`);

  const graph = new LimitedGraph(dtype as DType, limits);
  const names = new Map<string, Node>();
  const orders = new Map<string, number>();
  /** Built-in functions, then (once read) the spec's own: no other name may take theirs. */
  const functionNames = new Set([...specFunctions.keys(), ...LOOP_FUNCTIONS]);
  /** Checks a new name and returns its place, `section.name`. */
  const declare = (section: string, name: string): string => {
    const place = `${section}.${name}`;
    const problem = nameProblem(name, functionNames);
    if (problem) throw new SymgradError(place, problem);
    if (names.has(name)) throw new SymgradError(place, `'${name}' is already declared`);
    return place;
  };
  /** Adds the node `build` makes under `name`; its errors are placed inside `place`. */
  const define = (place: string, name: string, build: () => Node) => {
    try {
      names.set(name, build());
    } catch (error) {
      throw error instanceof SymgradError ? error.within(place) : error;
    }
  };

  for (const [name, decl] of Object.entries(objectAt(top.inputs ?? {}, 'inputs'))) {
    const place = declare('inputs', name);
    const shape = shapeAt(fieldsAt(decl, place, ['shape'], ['shape']).shape, `${place}.shape`, limits);
    define(place, name, () => graph.input(name, shape));
  }
  for (const [name, decl] of Object.entries(objectAt(top.params ?? {}, 'params'))) {
    const place = declare('params', name);
    const fields = fieldsAt(decl, place, ['shape', 'init'], ['shape']);
    const shape = shapeAt(fields.shape, `${place}.shape`, limits);
    if (shape.some((d) => typeof d === 'string')) throw new SymgradError(`${place}.shape`, 'a param needs a fixed shape (no named dimensions)');
    const init = paramInit(fields.init, shape as number[], `${place}.init`);
    define(place, name, () => graph.param(name, shape, init));
  }
  const nodeSpecs = objectAt(top.nodes ?? {}, 'nodes');
  const parse = (text: string) => parseExpression(text, { maxLength: limits.maxExpressionLength, maxDepth: limits.maxExpressionDepth });
  const parsed = parseNodes(nodeSpecs, parse);
  const variables = derivativeTargets([...parsed.values()]);
  /** A const or node that some derivative is taken with respect to becomes a variable of its own. */
  const asVariable = (name: string, node: Node) => (variables.has(name) ? graph.apply('variable', [node], { name }) : node);

  for (const [name, value] of Object.entries(objectAt(top.consts ?? {}, 'consts'))) {
    const place = declare('consts', name);
    const literal = parseLiteral(value, place);
    define(place, name, () => asVariable(name, graph.apply('constant', [], { value: literal.values, shape: literal.shape })));
  }

  const functions = parseFunctions(top.functions ?? {}, new Set(names.keys()), parse);
  for (const name of functions.keys()) functionNames.add(name);
  const globals = new Map(names);

  const later = new Set(Object.keys(nodeSpecs));
  const derivativeNames = new Set<string>();
  const derivativeNodes = new Set<Node>();
  const derivativeOrders = new Map<Node, number>();
  const derivativeCalls = new Map<string, DerivativeCall[]>();
  for (const [name, text] of Object.entries(nodeSpecs)) {
    later.delete(name);
    const place = declare('nodes', name);
    if (typeof text !== 'string') throw new SymgradError(place, `expected an expression string, got ${describe(text)}`);
    graph.label = name;
    try {
      define(place, name, () => {
        const expr = parsed.get(name) ?? parse(text);
        const calls: DerivativeCall[] = [];
        const scope = { nodes: names, orders, later, maxOrder: limits.maxDerivativeOrder, functions, globals };
        const built = buildExpression(expr, scope, graph, (call, before) => {
          for (let id = before; id < graph.nodes.length; id++) {
            derivativeNodes.add(graph.nodes[id]);
            derivativeOrders.set(graph.nodes[id], call.order);
          }
          calls.push(call);
        });
        if (calls.length > 0) derivativeCalls.set(name, calls);
        orders.set(name, built.order);
        if (built.order > 0) derivativeNames.add(name);
        return expr.kind === 'name' ? built.node : asVariable(name, built.node);
      });
    } finally {
      graph.label = '';
    }
  }

  const outputList = top.outputs ?? [];
  if (!Array.isArray(outputList)) throw new SymgradError('outputs', `expected a list of names, got ${describe(outputList)}`);
  const outputs = outputList.map((name, i) => {
    if (typeof name !== 'string') throw new SymgradError(`outputs[${i}]`, `expected a name, got ${describe(name)}`);
    const node = names.get(name);
    if (!node) throw new SymgradError(`outputs[${i}]`, `unknown name '${name}'${suggest(name, names.keys())}`);
    return { name, node };
  });
  if (new Set(outputList).size !== outputList.length) throw new SymgradError('outputs', 'a name is listed twice');
  return { name: (top.name as string | undefined) ?? 'graph', graph, names, derivativeNames, derivativeNodes, derivativeOrders, derivativeCalls, outputs };
}

/**
 * Every node's expression, parsed once before any is built (to find the derivatives' variables).
 * One that does not parse is left out: parsing it again as it is built reports the error in order.
 */
function parseNodes(nodeSpecs: JsonObject, parse: (text: string) => Expr): Map<string, Expr> {
  const parsed = new Map<string, Expr>();
  for (const [name, text] of Object.entries(nodeSpecs)) {
    if (typeof text !== 'string') continue;
    try {
      parsed.set(name, parse(text));
    } catch (error) {
      if (!(error instanceof SymgradError)) throw error;
    }
  }
  return parsed;
}

function shapeAt(value: JsonValue, place: string, limits: Limits): Dim[] {
  if (!Array.isArray(value)) throw new SymgradError(place, `expected a list of dimensions, got ${describe(value)}`);
  const shape = value.map((d, i) => {
    if (typeof d === 'string' && NAME_PATTERN.test(d)) return d;
    if (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0 && d <= limits.maxElements) return d;
    throw new SymgradError(`${place}[${i}]`, `a dimension is a whole number from 0 to ${limits.maxElements} or a name, got ${describe(d)}`);
  });
  const problem = shapeProblem(shape, limits);
  if (problem) throw new SymgradError(place, problem);
  return shape;
}
