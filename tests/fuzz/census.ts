/**
 * Sorts the failures of the derivative fuzzer into the classes of issue 13, by ablation: a
 * derivative that comes out right once its variable (a const or named node) is made an input is
 * a const merged with a literal or a node merged with its twin; one that comes out right once
 * every `where` (and leaky_relu, prelu, elu, maximum, minimum, whose derivatives use `where`) is
 * written without `where` is the where-mask (or, when that form is NaN because a branch is NaN
 * where not taken, one whose spec uses `where`). Some need both changes.
 */
import { compileSpec } from '../../compiler/compile.js';
import type { Tensor } from '../../compiler/ops/op.js';
import type { Derivative, GraphCase } from './graphs.js';
import { derivativeVerdict, valuesOf, type Failure } from './oracle.js';

export const CLASSES = [
  'where-mask',
  'node identity',
  'const merged with literal',
  'simplifier changes value',
  'softmax accuracy',
  'generated code',
  'where-mask with const or node identity',
  'other',
] as const;
export type Class = (typeof CLASSES)[number];

function nested(t: Tensor): unknown {
  const build = (axis: number, offset: number): unknown => {
    if (axis === t.shape.length) return t.data[offset];
    const stride = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: t.shape[axis] }, (_, i) => build(axis + 1, offset + i * stride));
  };
  return build(0, 0);
}

/** The case with the variable x made an input fed its value. */
function variableAsInput(c: GraphCase, x: string): GraphCase {
  const value = valuesOf(c).get(x)!;
  const consts = { ...c.spec.consts };
  delete consts[x];
  const nodes = { ...c.spec.nodes };
  delete nodes[x];
  const spec = { ...c.spec, inputs: { ...c.spec.inputs, [x]: { shape: [...value.shape] } }, consts, nodes, outputs: Object.keys(nodes) };
  const guards = c.guards.map((g) => ({ ...g, before: g.before - (x in c.spec.nodes && Object.keys(c.spec.nodes).indexOf(x) < g.before ? 1 : 0) }));
  return { ...c, spec, guards, feeds: { ...c.feeds, [x]: nested(value) } };
}

/** Splits `f(a, b, ...)` arguments at top-level commas; `open` is the index after `(`. Returns the args and the index after `)`. */
function callArgs(text: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let start = open;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') {
      if (depth === 0) {
        args.push(text.slice(start, i).trim());
        return { args, end: i + 1 };
      }
      depth--;
    } else if (ch === ',' && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  throw new Error(`unbalanced: ${text}`);
}

const keyword = (args: string[], name: string, fallback: string) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1) ?? fallback;

/** The same expression without `where` and the activations whose derivatives use it. */
export function withoutWhere(text: string): string {
  const rewrite: Record<string, (args: string[]) => string> = {
    where: ([c, a, b]) => `((${c}) * (${a}) + (1 - (${c})) * (${b}))`,
    leaky_relu: (args) => `(relu(${args[0]}) - ${keyword(args, 'alpha', '0.01')} * relu(neg(${args[0]})))`,
    prelu: ([x, alpha]) => `(relu(${x}) - (${alpha}) * relu(neg(${x})))`,
    elu: (args) => `(relu(${args[0]}) + ${keyword(args, 'alpha', '1')} * expm1(neg(relu(neg(${args[0]})))))`,
    maximum: ([a, b]) => `((${a}) + relu((${b}) - (${a})))`,
    minimum: ([a, b]) => `((${a}) - relu((${a}) - (${b})))`,
  };
  const pattern = /\b(where|leaky_relu|prelu|elu|maximum|minimum)\(/g;
  let out = '';
  let last = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const { args, end } = callArgs(text, m.index + m[0].length);
    out += text.slice(last, m.index) + rewrite[m[1]](args.map(withoutWhere));
    last = end;
    pattern.lastIndex = end;
  }
  return out + text.slice(last);
}

function whereless(c: GraphCase): GraphCase {
  const nodes = Object.fromEntries(Object.entries(c.spec.nodes).map(([n, t]) => [n, withoutWhere(t)]));
  return {
    ...c,
    spec: { ...c.spec, nodes },
    derivatives: c.derivatives.map((d) => ({ ...d, y: withoutWhere(d.y) })),
    guards: c.guards.map((g) => ({ ...g, text: withoutWhere(g.text) })),
  };
}

/** Whether the derivative node agrees with central differences in the changed case (or with `undecided`, cannot be checked). */
function passes(c: GraphCase, d: Derivative, undecided = false): boolean {
  try {
    const verdict = derivativeVerdict(c, c.derivatives.find((e) => e.name === d.name)!);
    return verdict === undefined || (undecided && verdict === 'undecided');
  } catch {
    return false;
  }
}

/** The class of each failure of a case. */
export function classify(c: GraphCase, failure: Failure): Class {
  if (failure.check === 'simplify') return 'simplifier changes value';
  if (failure.check === 'accuracy') return 'softmax accuracy';
  if (failure.check === 'codegen') return 'generated code';
  if (failure.check === 'load') return /where/.test(failure.detail) ? 'where-mask' : 'other';
  const d = c.derivatives.find((e) => e.name === failure.node)!;
  const role = d.x in c.spec.consts ? 'const' : d.x in c.spec.nodes ? 'node' : 'leaf';
  if (role !== 'leaf' && passes(variableAsInput(c, d.x), d)) return role === 'const' ? 'const merged with literal' : 'node identity';
  // A branch that is NaN where not taken makes the where-free form NaN: undecided counts.
  const usesWhere = /\bwhere\(/.test(JSON.stringify(c.spec.nodes));
  if (passes(whereless(c), d, usesWhere)) return 'where-mask';
  if (role !== 'leaf' && passes(variableAsInput(whereless(c), d.x), d, usesWhere)) return 'where-mask with const or node identity';
  return 'other';
}

export const LOSSES = ['mse', 'bce_with_logits', 'softmax_cross_entropy'];
/** Operand shapes that broadcast together but differ: every loss must refuse them. */
export const LOSS_PAIRS: [number[], number[]][] = [[[2, 1], [2]], [[2], [2, 1]], [[3], []], [[2, 3], [3]], [[2, 3], [2, 1]], [[1, 3], [2, 3]]];

/** The error of compiling loss(a, b) for inputs of shapes a and b, or undefined when it compiles. */
export function lossError(loss: string, a: number[], b: number[]): unknown {
  const spec = { format: 'symgrad/1', inputs: { a: { shape: a }, b: { shape: b } }, nodes: { l: `${loss}(a, b)` }, outputs: ['l'] };
  try {
    compileSpec(JSON.stringify(spec));
  } catch (e) {
    return e;
  }
  return undefined;
}
