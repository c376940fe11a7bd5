/**
 * The oracle of the differential derivative fuzzer. Each derivative node is compared with central
 * differences (float64, two step sizes, Richardson-extrapolated) of the unsimplified reference
 * interpreter, on a spec where the variable is an input: a named node or const treated as an
 * independent variable, as it must be. Outputs are compared simplified vs unsimplified and
 * generated code vs interpreter, and softmax, log_softmax, logsumexp and softmax_cross_entropy
 * against a max-shifted reference at large inputs.
 */
import { compileSpec, type Compiled } from '../../compiler/compile.js';
import { SymgradError } from '../../compiler/errors.js';
import type { Node } from '../../compiler/graph.js';
import { bindDims } from '../../compiler/dims.js';
import { ancestors, interpret } from '../../compiler/interpret.js';
import type { Data, Tensor } from '../../compiler/ops/op.js';
import { concreteShape, sizeOf, type Shape } from '../../compiler/shape.js';
import { loadSpec } from '../../compiler/spec/load.js';
import { loadModuleSource } from '../../runtime/module.js';
import type { Derivative, GraphCase } from './graphs.js';

export type Check = 'load' | 'derivative' | 'simplify' | 'codegen' | 'accuracy';
export interface Failure {
  readonly check: Check;
  /** The spec node (or output) that disagrees. */
  readonly node?: string;
  readonly detail: string;
}

/** Central difference steps: H·max(1, |x|), half of it, and a thousandth of it as a check. */
const H = 1e-3;

function flatten(value: unknown, out: number[] = []): number[] {
  if (Array.isArray(value)) for (const v of value) flatten(v, out);
  else out.push(value as number);
  return out;
}
function shapeOf(value: unknown): number[] {
  return Array.isArray(value) ? [value.length, ...shapeOf(value[0])] : [];
}
function tensors(feeds: Record<string, unknown>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, { shape: shapeOf(v), data: Float64Array.from(flatten(v)) }]));
}

/** Every spec name's value at the smooth feeds, by the unsimplified interpreter. */
export function valuesOf(c: GraphCase, spec = loadSpec(JSON.stringify(c.spec))): Map<string, Tensor> {
  const names = [...spec.names.keys()];
  return new Map(interpret([...spec.names.values()], tensors(c.feeds)).map((t, i) => [names[i], t]));
}

/** The verdict of central differences on one derivative node of a case that loads. */
export function derivativeVerdict(c: GraphCase, d: Derivative): Failure | 'undecided' | undefined {
  return differences(c, d, valuesOf(c), tensors(c.feeds));
}

/** Names used in an expression. */
const identifiers = (text: string) => new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
/** The oracle holds stop_gradient(NAME) at its value: an input fed with it. */
const heldFixed = (text: string) => text.replace(/stop_gradient\(([A-Za-z_][A-Za-z0-9_]*)\)/g, 'sg__$1');

/**
 * The oracle spec of a derivative node `d`: the nodes before it that are needed, with d's variable
 * made an input, `stop_gradient(v)` an input holding v's value, and outputs: the function to
 * difference (y, or grad(y, x) for hessian and hvp) and then the guards.
 */
function oracleSpec(c: GraphCase, d: Derivative, shapes: (name: string) => readonly number[]): { text: string; held: string[]; singular: boolean[] } {
  const names = Object.keys(c.spec.nodes);
  const index = names.indexOf(d.name);
  const nodes: [string, string][] = names.slice(0, index).filter((n) => n !== d.x).map((n) => [n, heldFixed(c.spec.nodes[n])]);
  nodes.push(['oracle_y', heldFixed(d.y)]);
  if (d.kind === 'hessian' || d.kind === 'hvp') nodes.push(['oracle_g', `grad(oracle_y, ${d.x})`]);
  const target = nodes[nodes.length - 1][0];
  const kept = c.guards.filter((g) => g.before <= index);
  const guards = kept.map((g, k) => [`oracle_guard${k}`, heldFixed(g.text)] as [string, string]);
  // Keep only the nodes the target and guards need.
  const needed = new Set([target, ...guards.map(([n]) => n)]);
  const all = [...nodes, ...guards];
  for (let i = all.length - 1; i >= 0; i--) if (needed.has(all[i][0])) for (const n of identifiers(all[i][1])) needed.add(n);
  const held = [...needed].filter((n) => n.startsWith('sg__')).map((n) => n.slice(4));
  const inputs: Record<string, unknown> = { ...c.spec.inputs };
  for (const n of [d.x, ...held.map((h) => `sg__${h}`)]) {
    if (!(n in c.spec.inputs) && !(n in c.spec.params)) inputs[n] = { shape: shapes(n.replace(/^sg__/, '')) };
  }
  const consts = { ...c.spec.consts };
  delete consts[d.x];
  const spec = {
    format: 'symgrad/1',
    inputs,
    params: c.spec.params,
    consts,
    functions: c.spec.functions,
    nodes: Object.fromEntries(all.filter(([n]) => needed.has(n))),
    outputs: [target, ...guards.map(([n]) => n)],
  };
  return { text: JSON.stringify(spec), held, singular: kept.map((g) => g.singular === true) };
}

/** Signs of the guards: the side of each kink. */
const pattern = (guards: readonly Tensor[]) => guards.map((g) => Array.from(g.data, Math.sign).join()).join('|');

/**
 * How many derivative nodes were compared with differences, how many could not be (a kink, NaN,
 * steepness), and the largest |error| / tolerance of an entry that passed.
 */
export const tally = { checked: 0, undecided: 0, worst: 0 };

/** Checks one derivative node against central differences; undefined when it agrees or cannot be checked. */
function checkDerivative(c: GraphCase, d: Derivative, values: ReadonlyMap<string, Tensor>, feeds: Record<string, Tensor>): Failure | undefined {
  const failure = differences(c, d, values, feeds);
  tally[failure === 'undecided' ? 'undecided' : 'checked']++;
  return failure === 'undecided' ? undefined : failure;
}

/** One expected entry of a derivative: a sum Σ coef·∂target_i/∂x_j of differences, and its error estimate. */
interface Expected {
  readonly value: number;
  readonly error: number;
}

/**
 * The entries a derivative node should have, by central differences of the oracle spec in the
 * node's layout, or 'undecided' where y is not finite or sits on a kink or a singular point.
 */
function centralDifferences(
  c: GraphCase,
  d: Derivative,
  values: ReadonlyMap<string, Tensor>,
  feeds: Record<string, Tensor>,
): { expected: Expected[]; scale: number; overflowed: () => boolean } | 'undecided' {
  const variable = values.get(d.x)!;
  const { text, held, singular } = oracleSpec(c, d, (n) => values.get(n)!.shape);
  const spec = loadSpec(text);
  const outputs = spec.outputs.map((o) => o.node);
  const base: Record<string, Tensor> = { ...feeds, [d.x]: variable };
  for (const h of held) base[`sg__${h}`] = values.get(h)!;
  const at = (feed: Record<string, Tensor>) => interpret(outputs, feed);
  const [y0, ...guards0] = at(base);
  if (!y0.data.every(Number.isFinite)) return 'undecided';
  if (guards0.some((g, k) => singular[k] && g.data.includes(0))) return 'undecided';
  const kinks = pattern(guards0);
  const n = variable.data.length;
  const m = y0.data.length;
  // columns[j][i]: ∂target_i/∂x_j by Richardson extrapolation; errors[j][i]: |D(h) − D(h/2)|.
  const columns: Float64Array[] = [];
  const errors: Float64Array[] = [];
  let scale = 0;
  for (let j = 0; j < n; j++) {
    const step = H * Math.max(1, Math.abs(variable.data[j]));
    const diffs = [step, step / 2, step / 1000].map((h) => {
      const shifted = (sign: number) => {
        const data = Float64Array.from(variable.data);
        data[j] += sign * h;
        const [y, ...guards] = at({ ...base, [d.x]: { shape: variable.shape, data } });
        if (pattern(guards) !== kinks) return undefined;
        for (const v of y.data) scale = Math.max(scale, Math.abs(v));
        return y.data;
      };
      const [plus, minus] = [shifted(1), shifted(-1)];
      return plus && minus ? Float64Array.from(plus, (p, i) => (p - minus[i]) / (2 * h)) : undefined;
    });
    const [coarse, fine, tiny] = diffs;
    if (!coarse || !fine || !tiny || ![coarse, fine, tiny].every((a) => a.every(Number.isFinite))) return 'undecided';
    const column = fine.map((f, i) => (4 * f - coarse[i]) / 3);
    columns.push(column);
    // The two steps may agree only because both overshoot a fast change (a saturated softmax):
    // a much smaller step must agree too, within its rounding error, or the entry is undecided.
    const rounding = (200 * Number.EPSILON * scale) / (step / 1000);
    errors.push(fine.map((f, i) => (Math.abs(tiny[i] - column[i]) <= 1e-3 * (1 + Math.abs(column[i])) + rounding ? Math.abs(f - coarse[i]) : Infinity)));
  }
  const dir = d.dir ? values.get(d.dir)!.data : undefined;
  const expected: Expected[] = [];
  const sum = (terms: [number, number, number][]) => {
    let value = 0;
    let error = 0;
    for (const [coef, j, i] of terms) {
      value += coef * columns[j][i];
      error += Math.abs(coef) * errors[j][i];
    }
    expected.push({ value, error });
  };
  const range = (k: number) => Array.from({ length: k }, (_, i) => i);
  if (d.kind === 'grad') for (const j of range(n)) sum([[1, j, 0]]);
  if (d.kind === 'vjp') for (const j of range(n)) sum(range(m).map((i) => [dir![i], j, i]));
  if (d.kind === 'jvp' || d.kind === 'hvp') for (const i of range(m)) sum(range(n).map((j) => [dir![j], j, i]));
  if (d.kind === 'jacobian' || d.kind === 'hessian') for (const i of range(m)) for (const j of range(n)) sum([[1, j, i]]);
  const overflowed = () => interpret(spec.graph.nodes, base).some((t) => t.data.some((v) => Math.abs(v) === Infinity));
  return { expected, scale, overflowed };
}

/** Ill-conditioned differences (a kink or a steep function near the point) cannot decide an entry. */
const decides = ({ value, error }: Expected) => error <= 1e-3 * (1 + Math.abs(value));

function differences(c: GraphCase, d: Derivative, values: ReadonlyMap<string, Tensor>, feeds: Record<string, Tensor>): Failure | 'undecided' | undefined {
  const analytic = values.get(d.name)!;
  const differenced = centralDifferences(c, d, values, feeds);
  if (differenced === 'undecided') return 'undecided';
  const { expected, scale, overflowed } = differenced;
  if (expected.length !== analytic.data.length) {
    return { check: 'derivative', node: d.name, detail: `${expected.length} expected entries, ${analytic.data.length} computed` };
  }
  let decided = expected.length === 0;
  for (const [k, entry] of expected.entries()) {
    const got = analytic.data[k];
    if (!decides(entry)) continue;
    // A singular derivative where some value overflowed (tanh(exp(exp(x))): ∞·0) is not checkable.
    if (!Number.isFinite(got) && overflowed()) continue;
    decided = true;
    const { value, error } = entry;
    const tolerance = 1e-6 + 1e-5 * Math.max(Math.abs(got), Math.abs(value)) + 10 * error + 1e-10 * scale;
    if (Math.abs(got - value) <= tolerance) tally.worst = Math.max(tally.worst, Math.abs(got - value) / tolerance);
    else return { check: 'derivative', node: d.name, detail: `${d.name} = ${c.spec.nodes[d.name]}: entry ${k} is ${got}, central differences give ${value}` };
  }
  return decided ? undefined : 'undecided';
}

/** What the oracle expects of a derivative node, entry by entry (undefined where it cannot decide). */
export function expectedDerivative(c: GraphCase, d: Derivative): (number | undefined)[] | 'undecided' {
  // Only the nodes before d: the oracle needs their values, not d's (which may fail to build).
  const names = Object.keys(c.spec.nodes);
  const nodes = Object.fromEntries(names.slice(0, names.indexOf(d.name)).map((n) => [n, c.spec.nodes[n]]));
  const values = valuesOf({ ...c, spec: { ...c.spec, nodes, outputs: [] } });
  const differenced = centralDifferences(c, d, values, tensors(c.feeds));
  return differenced === 'undecided' ? differenced : differenced.expected.map((e) => (decides(e) ? e.value : undefined));
}

/**
 * Where b (simplified, or generated) cannot stand for a (unsimplified, or interpreted): NaN for
 * NaN, the same infinities, finite values close relative to the tensor's scale (rounding noise
 * below 1e-12 aside). Returns the first entry that differs and is not `excused`, or -1. With
 * `stabilizing`, an overflow of a to ±Infinity may become a finite b (log(exp x) → x at 800).
 */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, stabilizing: boolean, excused: (i: number) => boolean = () => false): number {
  let scale = 0;
  for (const t of [a, b]) for (let i = 0; i < t.length; i++) if (Number.isFinite(t[i])) scale = Math.max(scale, Math.abs(t[i]));
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= rtol * Math.max(Math.abs(x), Math.abs(y)) + rtol * 1e-3 * scale + 1e-12) continue;
    if (x === y || (stabilizing && !Number.isNaN(x) && !Number.isFinite(x) && Number.isFinite(y))) continue;
    if (excused(i)) continue;
    return i;
  }
  return -1;
}

function compare(
  check: Check,
  names: readonly string[],
  a: readonly ArrayLike<number>[],
  b: readonly ArrayLike<number>[],
  at: string,
  rtol: number,
  excused?: (k: number, i: number) => boolean,
): Failure | undefined {
  for (const [k, name] of names.entries()) {
    const i = firstDifference(a[k], b[k], rtol, check === 'simplify', excused && ((i) => excused(k, i)));
    if (i >= 0) {
      const [x, y] = check === 'simplify' ? ['unsimplified', 'simplified'] : ['interpreter', 'generated code'];
      return { check, node: name, detail: `${name}[${i}] at the ${at} feeds: ${x} ${a[k][i]}, ${y} ${b[k][i]}` };
    }
  }
  return undefined;
}

/** Reference softmax-family values along `axis` of x, shifted by the max, in float64. */
function reference(f: string, x: Tensor, axis: number, labels?: Tensor): number[] {
  const shape = x.shape;
  const a = axis < 0 ? axis + shape.length : axis;
  const inner = shape.slice(a + 1).reduce((p, q) => p * q, 1);
  const n = shape[a];
  const outer = x.data.length / (n * inner);
  const out: number[] = [];
  let loss = 0;
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < inner; r++) {
      const at = (k: number) => o * n * inner + k * inner + r;
      const row = Array.from({ length: n }, (_, k) => x.data[at(k)]);
      const max = Math.max(...row);
      const total = row.reduce((s, v) => s + Math.exp(v - max), 0);
      const lse = max + Math.log(total);
      row.forEach((v, k) => {
        if (f === 'softmax') out[at(k)] = Math.exp(v - max) / total;
        if (f === 'log_softmax') out[at(k)] = v - max - Math.log(total);
        if (f === 'softmax_cross_entropy') loss -= labels!.data[at(k)] * (v - max - Math.log(total));
      });
      if (f === 'logsumexp') out[o * inner + r] = lse;
    }
  }
  return f === 'softmax_cross_entropy' ? [loss / (outer * inner)] : out;
}

function checkAccuracy(c: GraphCase, compiled: Compiled): Failure | undefined {
  const feeds = tensors(c.large);
  for (const [name, text] of Object.entries(c.spec.nodes)) {
    const m = /^(softmax|log_softmax|logsumexp|softmax_cross_entropy)\((\w+)(?:, (?:axis=(-?\d+)|(\w+)))?\)$/.exec(text);
    if (!m) continue;
    const [, f, arg, axis, labels] = m;
    const node = (n: string) => compiled.spec.names.get(n)!;
    const [x, got, l] = interpret([node(arg), node(name), node(labels ?? arg)], feeds);
    if (!x.data.every(Number.isFinite) || !l.data.every(Number.isFinite)) continue;
    // logsumexp without an axis reduces every axis; the others default to the last.
    const all = f === 'logsumexp' && axis === undefined;
    const want = all ? reference(f, { shape: [x.data.length], data: x.data }, 0) : reference(f, x, Number(axis ?? -1), l);
    const i = firstDifference(want, got.data, 1e-9, false);
    if (i >= 0) return { check: 'accuracy', node: name, detail: `${name} = ${text} at the large feeds: entry ${i} is ${got.data[i]}, max-shifted float64 gives ${want[i]}` };
  }
  return undefined;
}

/**
 * The reference interpreter's values with every computed entry (the feeds' too) moved by a few
 * ulps, relatively, by a pattern drawn from `seed`: what the same graph gives where its ops round
 * differently (1 + 1e-20 is 1 only by rounding). Zeros, infinities and NaN stay as they are, and
 * whole numbers too unless `whole` (positions must stay whole).
 */
function interpretNudged(outputs: readonly Node[], feeds: Record<string, Tensor>, seed: number, whole: boolean): Tensor[] {
  let state = seed;
  const nudge = (data: Data) => {
    for (let i = 0; i < data.length; i++) {
      state = (state * 1103515245 + 12345) % 2147483648;
      if (Number.isFinite(data[i]) && (whole || !Number.isInteger(data[i]))) data[i] *= 1 + ((state % 5) - 2) * Number.EPSILON;
    }
  };
  const graph = outputs[0].graph;
  const declared = new Map<string, Shape>([...graph.leaves('input'), ...graph.leaves('param')].map((n) => [n.attrs.name as string, n.shape]));
  const dims = bindDims(declared, new Map(Object.entries(feeds).map(([name, t]) => [name, t.shape])));
  const values = new Map<Node, Tensor>();
  for (const node of ancestors(outputs)) {
    const shape = concreteShape(node.shape, dims);
    const data = new Float64Array(sizeOf(shape));
    if (node.def.leaf === 'fed') data.set(feeds[node.attrs.name as string].data);
    else node.def.evaluate(data, node.inputs.map((n) => values.get(n)!), node.attrs, shape);
    nudge(data);
    values.set(node, { shape, data });
  }
  return outputs.map((n) => values.get(n)!);
}

/**
 * Whether output k's entry i of `outputs` at `feeds` is decided by rounding: where the graph's ops
 * round differently by a few ulps (interpretNudged), it changes beyond the simplify check's
 * tolerance. Its value is then an accident of rounding: std of equal entries is exactly 0, and
 * its derivative NaN, only where the mean rounds back to the entries; two equal values computed
 * two ways compare either way. A regrouping that is exact in real numbers (x / 3 → x · ⅓, like
 * terms collected) may land on the other side, so the simplify check does not judge an entry
 * that is so in the written or in the simplified graph. A rewrite that is wrong at an exact
 * special value (x / x → 1 at 0, √x·√x → x at −1) is still caught: zeros, infinities and NaN
 * are not moved.
 */
export function unstable(outputs: readonly Node[], feeds: Record<string, Tensor>, base: readonly ArrayLike<number>[], k: number, i: number): boolean {
  const nudged = (seed: number) => {
    try {
      return interpretNudged([outputs[k]], feeds, seed, true)[0].data[i];
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return interpretNudged([outputs[k]], feeds, seed, false)[0].data[i];
    }
  };
  return [1, 2, 3, 4, 5, 6, 7, 8].some((seed) => firstDifference([base[k][i]], [nudged(seed)], 1e-6, false) >= 0);
}

/** Every disagreement of one case (empty when it passes), in the checks asked for. */
export async function checkCase(c: GraphCase, checks: readonly Check[] = ['load', 'derivative', 'simplify', 'codegen', 'accuracy']): Promise<Failure[]> {
  let compiled: Compiled;
  try {
    compiled = compileSpec(JSON.stringify(c.spec));
  } catch (error) {
    if (!(error instanceof SymgradError)) throw error;
    return checks.includes('load') ? [{ check: 'load', detail: error.message }] : [];
  }
  const failures: Failure[] = [];
  const note = (f: Failure | undefined) => f && checks.includes(f.check) && failures.push(f);
  const smooth = tensors(c.feeds);
  if (checks.includes('derivative')) {
    const values = valuesOf(c, compiled.spec);
    for (const d of c.derivatives) note(checkDerivative(c, d, values, smooth));
  }
  if (checks.includes('simplify') || checks.includes('codegen')) {
    const outputNames = compiled.program.outputs.map((o) => o.name);
    const unsimplified: Node[] = compiled.spec.outputs.map((o) => o.node);
    const simplified: Node[] = compiled.program.outputs.map((o) => o.node);
    const module = checks.includes('codegen') ? await loadModuleSource(compiled.source) : undefined;
    for (const [at, feeds] of [['smooth', smooth], ['special', tensors(c.special)]] as const) {
      const rewritten = interpret(simplified, feeds).map((t) => t.data);
      if (checks.includes('simplify')) {
        const written = interpret(unsimplified, feeds).map((t) => t.data);
        const excused = (k: number, i: number) => unstable(unsimplified, feeds, written, k, i) || unstable(simplified, feeds, rewritten, k, i);
        note(compare('simplify', outputNames, written, rewritten, at, 1e-6, excused));
      }
      const run = module?.run(feeds);
      if (run) note(compare('codegen', outputNames, rewritten, outputNames.map((n) => run[n].data), at, 1e-9));
    }
  }
  if (checks.includes('accuracy')) note(checkAccuracy(c, compiled));
  return failures;
}
