import { apply, constantValue } from '../builder.js';
import type { Node } from '../graph.js';
import { opTable, type OpName } from '../ops/table.js';
import { number } from './make.js';

/**
 * The pattern language of rewrite rules: variables (`x` matches any node; a repeated name must
 * match the same node, which hash-consing makes structural equality), numbers (a scalar or
 * broadcast-scalar constant of that value), ops (commutative ones match either operand order)
 * and tests on a node. Ops and tests may bind the matched node to a name.
 */
export type Pattern =
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'op'; readonly op: OpName; readonly args: readonly Pattern[]; readonly name?: string }
  | { readonly kind: 'test'; readonly test: (node: Node) => boolean; readonly name?: string };

export type Arg = Pattern | number;
export type Match = Readonly<Record<string, Node>>;
/** Bindings while matching: names undone by a failed attempt are set to undefined. */
type Bindings = Record<string, Node | undefined>;

export const v = (name: string): Pattern => ({ kind: 'var', name });

/** Any node passing `test`, bound to `name`. */
export const test = (predicate: (node: Node) => boolean, name?: string): Pattern => ({ kind: 'test', test: predicate, name });

/** Any scalar or broadcast-scalar constant, bound to `name`. */
export const k = (name: string): Pattern => test((node) => constantValue(node) !== undefined, name);

/** The same op pattern, binding the node it matches to `name`. */
export function bind(name: string, pattern: Pattern): Pattern {
  if (pattern.kind !== 'op') throw new Error('only op patterns can be bound');
  return { ...pattern, name };
}

/** Pattern builders named after ops: `P.mul(x, 1)`. */
export const P = new Proxy({} as Readonly<Record<OpName, (...args: Arg[]) => Pattern>>, {
  get: (_, op) => {
    if (typeof op !== 'string' || !(op in opTable)) throw new Error(`no op '${String(op)}' to build a pattern of`);
    return (...args: Arg[]): Pattern => ({ kind: 'op', op: op as OpName, args: args.map(lift) });
  },
});

function lift(arg: Arg): Pattern {
  return typeof arg === 'number' ? { kind: 'number', value: arg } : arg;
}

/** Nodes a pattern may bind but never look into. */
export type Opaque = (node: Node) => boolean;

/** The bindings if `pattern` matches `node`. */
export function match(pattern: Pattern, node: Node, opaque?: Opaque): Match | undefined {
  if (pattern.kind === 'op' && (node.op !== pattern.op || node.inputs.length !== pattern.args.length)) return undefined;
  const bindings: Bindings = {};
  return matchInto(pattern, node, bindings, [], opaque) ? (bindings as Match) : undefined;
}

/** Names bound during a match attempt go on `trail`, so a failed attempt can be undone. */
function matchInto(pattern: Pattern, node: Node, bindings: Bindings, trail: string[], opaque?: Opaque): boolean {
  switch (pattern.kind) {
    case 'var': {
      const bound = bindings[pattern.name];
      if (bound) return bound === node;
      bindings[pattern.name] = node;
      trail.push(pattern.name);
      return true;
    }
    case 'number':
      return constantValue(node) === pattern.value;
    case 'test':
      if (!pattern.test(node)) return false;
      if (pattern.name) bindings[pattern.name] = node;
      if (pattern.name) trail.push(pattern.name);
      return true;
    case 'op': {
      if (node.op !== pattern.op || node.inputs.length !== pattern.args.length || opaque?.(node)) return false;
      const matched =
        matchAll(pattern.args, node.inputs, false, bindings, trail, opaque) ||
        (node.def.commutative === true && matchAll(pattern.args, node.inputs, true, bindings, trail, opaque));
      if (matched && pattern.name) {
        bindings[pattern.name] = node;
        trail.push(pattern.name);
      }
      return matched;
    }
  }
}

/** Match every argument (inputs in reverse order if `swap`), undoing the bindings on failure. */
function matchAll(
  patterns: readonly Pattern[],
  inputs: readonly Node[],
  swap: boolean,
  bindings: Bindings,
  trail: string[],
  opaque?: Opaque,
): boolean {
  const mark = trail.length;
  const last = inputs.length - 1;
  let i = 0;
  while (i < patterns.length && matchInto(patterns[i], inputs[swap ? last - i : i], bindings, trail, opaque)) i++;
  if (i === patterns.length) return true;
  while (trail.length > mark) bindings[trail.pop()!] = undefined; // not `delete`, which makes the object a slow dictionary
  return false;
}

/** Build a template's nodes: variables from the match, numbers as scalar constants. */
export function instantiate(template: Pattern, m: Match, at: Node): Node {
  switch (template.kind) {
    case 'var':
      return m[template.name];
    case 'number':
      return number(at.graph, template.value);
    case 'op':
      return apply(template.op, template.args.map((t) => instantiate(t, m, at)));
    case 'test':
      throw new Error('a test cannot be instantiated');
  }
}

/** A named rewrite: a pattern, an optional guard, and a template or function for the replacement. */
export interface Rule {
  readonly name: string;
  readonly pattern: Pattern;
  /** The replacement, or undefined when the rule declines. */
  apply(node: Node, opaque?: Opaque): Node | undefined;
}

export type Replacement = Arg | ((m: Match, node: Node) => Node | undefined);

export function rule(name: string, pattern: Pattern, replacement: Replacement, when?: (m: Match, node: Node) => boolean): Rule {
  return {
    name,
    pattern,
    apply(node, opaque) {
      const m = match(pattern, node, opaque);
      if (!m || (when && !when(m, node))) return undefined;
      return typeof replacement === 'function' ? replacement(m, node) : instantiate(lift(replacement), m, node);
    },
  };
}
