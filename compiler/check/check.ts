import { seededRandom } from '../../common/random.js';
import { pruneBetween } from '../autodiff/prune.js';
import { grad } from '../derivatives.js';
import { bindDims } from '../dims.js';
import type { Node } from '../graph.js';
import type { Tensor } from '../ops/op.js';
import type { DerivativeCall } from '../spec/build.js';
import type { LoadedSpec } from '../spec/load.js';
import { sizeOf } from '../shape.js';
import { agreement, Evaluation, worst, type Agreement } from './differences.js';

export interface CheckOptions {
  /** Seed of the random values given to inputs and params that are not fed. */
  readonly seed?: number;
  /** An entry agrees when |derivative − difference| ≤ tolerance·max(1, |difference|). */
  readonly tolerance?: number;
  /** Difference at most this many entries of each x, drawn with the seed; every entry when absent. */
  readonly sample?: number;
  /** Told after each finite difference: how many are done, of how many. */
  readonly progress?: (done: number, total: number) => void;
}

/** Size given to a named dimension that no feed binds. */
const UNBOUND_DIMENSION = 3;

/** One derivative call of a spec node, and how it agrees with central differences. */
export interface CheckRow extends Agreement {
  readonly name: string;
  readonly call: DerivativeCall;
  /** Entries of x compared (`sample` of them when x has more), of `entries`. */
  readonly checked: number;
  readonly entries: number;
}

export interface CheckResult {
  readonly rows: readonly CheckRow[];
  /** Every input and param at the point checked. */
  readonly point: Readonly<Record<string, Tensor>>;
  /** The names that got random values. */
  readonly random: readonly string[];
}

/**
 * Compare every derivative call of a float64 spec (nested ones too) with central finite
 * differences of the values it differentiates, at the fed values and seeded random values in
 * [0.5, 1.5] for the rest. hessian and hvp are checked as differences of the gradient, which is
 * itself checked against y.
 */
export function checkDerivatives(spec: LoadedSpec, feeds: Readonly<Record<string, Tensor>>, options: CheckOptions = {}): CheckResult {
  const tolerance = options.tolerance ?? 1e-5;
  const { point, random } = completePoint(spec, feeds, options.seed ?? 1);
  // A custom vjp defines its function's derivative (a straight-through estimator differs from the differences on purpose).
  const calls = [...spec.derivativeCalls].flatMap(([name, list]) => list.filter((call) => !throughCustomVjp(call)).map((call) => ({ name, call })));
  // Second derivatives are checked against differences of the first; build those gradients up front.
  const gradients = new Map(calls.filter(({ call }) => call.fn === 'hessian' || call.fn === 'hvp').map(({ call }) => [call, grad(call.args[0], call.args[1])]));
  let [done, total] = [0, 0];
  const evaluation = new Evaluation([...calls.flatMap(({ call }) => [call.node, ...call.args]), ...gradients.values()], point, () => options.progress?.(++done, total));
  // Each x is sampled once (the same entries for every call on it), in the order the calls name them.
  const next = seededRandom(options.seed ?? 1);
  const columns = new Map<Node, number[]>();
  for (const { call } of calls) if (!columns.has(call.args[1])) columns.set(call.args[1], sampleColumns(evaluation.value(call.args[1]).data.length, options.sample, next));
  total = calls.reduce((sum, { call }) => sum + differences(call.fn, columns.get(call.args[1])!.length), 0);
  const rows = calls.map(({ name, call }) => {
    const picked = columns.get(call.args[1])!;
    const entries = evaluation.value(call.args[1]).data.length;
    return { name, call, ...compare(evaluation, call, gradients.get(call), tolerance, picked), checked: call.fn === 'jvp' ? entries : picked.length, entries };
  });
  return { rows, point, random };
}

/** How a derivative call's value agrees with the central differences that define it, at the `columns` entries of x. */
function compare(evaluation: Evaluation, call: DerivativeCall, g: Node | undefined, tolerance: number, columns: readonly number[]): Agreement {
  const [y, x, third] = call.args;
  const value = (node: Node) => evaluation.value(node).data;
  // The derivatives at the sampled entries of x: x's entries are the last axis of each value.
  const n = value(x).length;
  const pick = (data: ArrayLike<number>): ArrayLike<number> => (columns.length === n ? data : Float64Array.from({ length: (data.length / n) * columns.length }, (_, i) => data[Math.floor(i / columns.length) * n + columns[i % columns.length]]));
  const actual = value(call.node);
  switch (call.fn) {
    case 'grad':
    case 'jacobian':
      return agreement(pick(actual), evaluation.jacobian(y, x, columns), tolerance);
    case 'vjp':
      return agreement(pick(actual), pullBack(value(third), evaluation.jacobian(y, x, columns)), tolerance);
    case 'jvp':
      return agreement(actual, evaluation.directional(y, x, value(third)), tolerance);
    case 'hessian':
      return worst(agreement(pick(value(g!)), evaluation.jacobian(y, x, columns), tolerance), agreement(pick(actual), evaluation.jacobian(g!, x, columns), tolerance));
    case 'hvp':
      return worst(agreement(pick(value(g!)), evaluation.jacobian(y, x, columns), tolerance), agreement(actual, evaluation.directional(g!, x, value(third)), tolerance));
    default:
      throw new Error(`no finite-difference check for ${call.fn}`);
  }
}

/** Whether a call differentiates through a function's custom vjp. */
function throughCustomVjp(call: DerivativeCall): boolean {
  return [...pruneBetween([call.args[1]], call.args[0])].some((node) => node.def.customDerivative);
}

/** Finite differences a call takes when k entries of x are differenced. */
function differences(fn: string, k: number): number {
  return fn === 'jvp' ? 1 : fn === 'hessian' ? 2 * k : fn === 'hvp' ? k + 1 : k;
}

/** Every entry 0..n-1, or `sample` of them drawn without replacement (partial Fisher–Yates), in order. */
function sampleColumns(n: number, sample: number | undefined, next: () => number): number[] {
  const all = Array.from({ length: n }, (_, j) => j);
  if (sample === undefined || n <= sample) return all;
  for (let i = 0; i < sample; i++) {
    const j = i + Math.floor(next() * (n - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, sample).sort((a, b) => a - b);
}

/** dᵀJ for a Jacobian J stored row-major as [d entries, x entries]. */
function pullBack(d: ArrayLike<number>, jacobian: Float64Array): Float64Array {
  const columns = jacobian.length / Math.max(1, d.length);
  const result = new Float64Array(columns);
  for (let k = 0; k < d.length; k++) for (let j = 0; j < columns; j++) result[j] += d[k] * jacobian[k * columns + j];
  return result;
}

/** The feeds, plus seeded uniform values in [0.5, 1.5] for every input and param not fed. */
function completePoint(spec: LoadedSpec, feeds: Readonly<Record<string, Tensor>>, seed: number) {
  const leaves = [...spec.graph.leaves('input'), ...spec.graph.leaves('param')];
  const fed = leaves.filter((n) => Object.hasOwn(feeds, n.attrs.name as string));
  const dims = bindDims(
    new Map(leaves.map((n) => [n.attrs.name as string, n.shape])),
    new Map(fed.map((n) => [n.attrs.name as string, feeds[n.attrs.name as string].shape])),
  );
  const next = seededRandom(seed);
  const point: Record<string, Tensor> = {};
  const random: string[] = [];
  for (const leaf of leaves) {
    const name = leaf.attrs.name as string;
    if (Object.hasOwn(feeds, name)) {
      point[name] = feeds[name];
      continue;
    }
    const shape = leaf.shape.map((d) => (typeof d === 'number' ? d : (dims[d] ??= spec.graph.requirements.get(d)?.size ?? UNBOUND_DIMENSION)));
    point[name] = { shape, data: Float64Array.from({ length: sizeOf(shape) }, () => 0.5 + next()) };
    random.push(name);
  }
  return { point, random };
}
