/**
 * Well-formed specs for the pipeline fuzzer, built from a template per spec function with
 * shapes tracked, so that they compile.
 */
import * as fc from 'fast-check';

type Dim = number | 'N';
interface Value {
  readonly name: string;
  readonly shape: readonly Dim[];
  /** An input, param or node: what a derivative may take as its second argument. */
  readonly named: boolean;
}
interface Built {
  readonly expr: string;
  readonly shape: readonly Dim[];
}
export type Draw = fc.GeneratorValue;

/** The size named dimensions take in feeds. */
export const N = 2;
const SHAPES: Dim[][] = [[], [3], [2, 3], [4], [2, 2], ['N', 3], ['N']];
const LITERALS = ['0', '1', '2', '0.5', '-1', '1e-3', '3'];
const isStatic = (s: readonly Dim[]): s is number[] => s.every((d) => typeof d === 'number');
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const show = (s: readonly Dim[]) => `[${s.join(', ')}]`;

/** Builds a call of one spec function over the values so far, or undefined if none fits. */
type Template = (g: Draw, values: readonly Value[]) => Built | undefined;

function pick(g: Draw, values: readonly Value[], fits: (v: Value) => boolean = () => true): Value | undefined {
  const candidates = values.filter(fits);
  return candidates.length === 0 ? undefined : g(fc.constantFrom, ...candidates);
}

const unary =
  (f: string): Template =>
  (g, values) => {
    const v = pick(g, values)!;
    return { expr: `${f}(${v.name})`, shape: v.shape };
  };

const OPERATOR: Record<string, string> = { add: '+', sub: '-', mul: '*', div: '/', pow: '^', less: '<', less_equal: '<=', greater: '>', greater_equal: '>=', equal: '==', not_equal: '!=' };
const binary =
  (f: string): Template =>
  (g, values) => {
    const a = pick(g, values)!;
    const b = pick(g, values, (v) => v.shape.length === 0 || show(v.shape) === show(a.shape));
    const right = b && g(fc.boolean) ? b.name : g(fc.constantFrom, ...LITERALS);
    const expr = f in OPERATOR && g(fc.boolean) ? `${a.name} ${OPERATOR[f]} (${right})` : `${f}(${a.name}, ${right})`;
    return { expr, shape: a.shape };
  };

const reduction =
  (f: string): Template =>
  (g, values) => {
    const v = pick(g, values)!;
    if (v.shape.length === 0 || g(fc.boolean)) return { expr: `${f}(${v.name})`, shape: [] };
    const axis = g(fc.integer, { min: -v.shape.length, max: v.shape.length - 1 });
    const keep = g(fc.boolean);
    const at = (axis + v.shape.length) % v.shape.length;
    return { expr: `${f}(${v.name}, axis=${axis}, keepdims=${keep})`, shape: v.shape.flatMap((d, a) => (a !== at ? [d] : keep ? [1] : [])) };
  };

const alongAxis =
  (f: string): Template =>
  (g, values) => {
    const v = pick(g, values, (v) => v.shape.length > 0);
    return v && { expr: `${f}(${v.name}, axis=${g(fc.integer, { min: -v.shape.length, max: v.shape.length - 1 })})`, shape: v.shape };
  };

const toScalar =
  (f: string, arity: 1 | 2): Template =>
  (g, values) => {
    const a = pick(g, values, (v) => (f === 'softmax_cross_entropy' ? v.shape.length > 0 : true));
    if (!a) return undefined;
    const b = arity === 2 ? pick(g, values, (v) => show(v.shape) === show(a.shape)) : undefined;
    return { expr: arity === 1 ? `${f}(${a.name})` : `${f}(${a.name}, ${b!.name})`, shape: [] };
  };

const creation =
  (f: string): Template =>
  (g) => {
    const shape = g(fc.constantFrom, ...SHAPES.filter(isStatic));
    return { expr: `${f}(shape=${show(shape)})`, shape };
  };

/** Whole-number positions in [0, size) from any values (NaN stays NaN: a run-time error in both evaluators). */
const positions = (name: string, size: number) => `floor(clip(${name}, lo=0, hi=${size - 0.5}))`;

const argReduction =
  (f: string): Template =>
  (g, values) => {
    const v = pick(g, values, (v) => v.shape.length > 0);
    if (!v) return undefined;
    const at = g(fc.integer, { min: 0, max: v.shape.length - 1 });
    return { expr: `${f}(${v.name}, axis=${at})`, shape: v.shape.filter((_, a) => a !== at) };
  };

/** A well-conditioned A = v·vᵀ + 3·I for a matrix v [m, k] (I built as one_hot of a running count). */
const linearAlgebra =
  (f: string): Template =>
  (g, values) => {
    const v = pick(g, values, (v) => v.shape.length === 2 && typeof v.shape[0] === 'number');
    if (!v) return undefined;
    const m = v.shape[0] as number;
    const a = `(matmul(${v.name}, transpose(${v.name})) + 3 * one_hot(cumsum(ones(shape=[${m}]), axis=0) - 1, depth=${m}))`;
    if (f === 'solve') return { expr: `solve(${a}, ${v.name})`, shape: v.shape };
    return { expr: `${f}(${a})`, shape: f === 'det' || f === 'logdet' ? [] : [m, m] };
  };

/** A derivative call; `x` must be a name, and is small and static where the result is dense. */
const derivative =
  (f: string): Template =>
  (g, values) => {
    const dense = f === 'hessian' || f === 'jacobian';
    const y = pick(g, values, (v) => (f === 'grad' || f === 'hessian' || f === 'hvp' ? v.shape.length === 0 : !dense || isStatic(v.shape)));
    const x = pick(g, values, (v) => v.named && (!dense || (isStatic(v.shape) && size(v.shape) <= 6)));
    if (!y || !x) return undefined;
    if (f === 'grad' || f === 'hessian' || f === 'jacobian') {
      return { expr: `${f}(${y.name}, ${x.name})`, shape: f === 'grad' ? x.shape : f === 'hessian' ? [...x.shape, ...x.shape] : [...y.shape, ...x.shape] };
    }
    const third = f === 'vjp' ? y : x;
    return { expr: `${f}(${y.name}, ${x.name}, ${third.name})`, shape: f === 'jvp' ? y.shape : x.shape };
  };

const UNARY = 'abs cos exp log sigmoid sign sin sqrt square step stop_gradient relu tanh log1p expm1 tan reciprocal softplus hard_tanh swish neg atan asin acos sinh cosh asinh acosh atanh erf erfc gelu floor ceil round';
const BINARY = 'add sub mul div pow less less_equal greater greater_equal equal not_equal maximum minimum prelu';

/** One template per spec function: the fuzzer covers the whole library, and a test keeps it so. */
export const templates: Record<string, Template> = {
  ...Object.fromEntries(UNARY.split(' ').map((f) => [f, unary(f)])),
  ...Object.fromEntries(BINARY.split(' ').map((f) => [f, binary(f)])),
  ...Object.fromEntries('sum mean max min logsumexp prod var std'.split(' ').map((f) => [f, reduction(f)])),
  ...Object.fromEntries('softmax log_softmax cumsum'.split(' ').map((f) => [f, alongAxis(f)])),
  ...Object.fromEntries('argmax argmin'.split(' ').map((f) => [f, argReduction(f)])),
  ...Object.fromEntries('solve inv det logdet cholesky'.split(' ').map((f) => [f, linearAlgebra(f)])),
  ...Object.fromEntries('l1 l2'.split(' ').map((f) => [f, toScalar(f, 1)])),
  ...Object.fromEntries('mse bce_with_logits softmax_cross_entropy'.split(' ').map((f) => [f, toScalar(f, 2)])),
  ...Object.fromEntries('zeros ones'.split(' ').map((f) => [f, creation(f)])),
  ...Object.fromEntries('grad vjp jvp hessian hvp jacobian'.split(' ').map((f) => [f, derivative(f)])),
  leaky_relu: (g, values) => {
    const v = pick(g, values)!;
    return { expr: `leaky_relu(${v.name}, alpha=${g(fc.constantFrom, ...LITERALS)})`, shape: v.shape };
  },
  elu: (g, values) => {
    const v = pick(g, values)!;
    return { expr: `elu(${v.name}, alpha=${g(fc.constantFrom, ...LITERALS)})`, shape: v.shape };
  },
  where: (g, values) => {
    const a = pick(g, values)!;
    const b = pick(g, values, (v) => show(v.shape) === show(a.shape))!;
    return { expr: `where(${a.name} > ${b.name}, ${a.name}, ${b.name})`, shape: a.shape };
  },
  matmul: (g, values) => {
    const v = pick(g, values, (v) => v.shape.length === 1 || v.shape.length === 2);
    if (!v) return undefined;
    if (v.shape.length === 1) return { expr: `${v.name} @ ${v.name}`, shape: [] };
    return { expr: `matmul(${v.name}, transpose(${v.name}))`, shape: [v.shape[0], v.shape[0]] };
  },
  outer: (g, values) => {
    const [a, b] = [pick(g, values, (v) => v.shape.length === 1), pick(g, values, (v) => v.shape.length === 1)];
    return a && b && { expr: `outer(${a.name}, ${b.name})`, shape: [a.shape[0], b.shape[0]] };
  },
  transpose: (g, values) => {
    const v = pick(g, values)!;
    if (v.shape.length === 2 && g(fc.boolean)) return { expr: `transpose(${v.name}, perm=[1, 0])`, shape: [v.shape[1], v.shape[0]] };
    return { expr: `transpose(${v.name})`, shape: [...v.shape].reverse() };
  },
  reshape: (g, values) => {
    const v = pick(g, values, (v) => isStatic(v.shape));
    if (!v || !isStatic(v.shape)) return undefined;
    return { expr: `reshape(${v.name}, shape=[${g(fc.boolean) ? -1 : size(v.shape)}])`, shape: [size(v.shape)] };
  },
  broadcast_to: (g, values) => {
    const v = pick(g, values, (v) => v.shape.length === 0 || show(v.shape) === '[3]')!;
    return v && { expr: `broadcast_to(${v.name}, shape=[2, 3])`, shape: [2, 3] };
  },
  fill: (g, values) => {
    const v = pick(g, values, (v) => v.shape.length === 0);
    return v && { expr: `fill(${v.name}, shape=[3])`, shape: [3] };
  },
  concat: (g, values) => {
    const v = pick(g, values, (v) => typeof v.shape[0] === 'number');
    return v && { expr: `concat(${v.name}, ${v.name}, axis=0)`, shape: [(v.shape[0] as number) * 2, ...v.shape.slice(1)] };
  },
  slice: (g, values) => {
    const v = pick(g, values, (v) => v.shape.length > 0 && isStatic(v.shape) && v.shape.every((d) => d > 0));
    if (!v || !isStatic(v.shape)) return undefined;
    const start = v.shape.map((d) => g(fc.integer, { min: 0, max: d - 1 }));
    const stop = v.shape.map((d, a) => g(fc.integer, { min: start[a] + 1, max: d }));
    return { expr: `slice(${v.name}, start=${show(start)}, stop=${show(stop)})`, shape: stop.map((s, a) => s - start[a]) };
  },
  pad: (g, values) => {
    const v = pick(g, values, (v) => isStatic(v.shape));
    if (!v || !isStatic(v.shape)) return undefined;
    const [before, after] = [v.shape.map(() => g(fc.nat, 2)), v.shape.map(() => g(fc.nat, 2))];
    return { expr: `pad(${v.name}, before=${show(before)}, after=${show(after)})`, shape: v.shape.map((d, a) => before[a] + d + after[a]) };
  },
  clip: (g, values) => {
    const v = pick(g, values)!;
    return { expr: `clip(${v.name}, lo=${g(fc.constantFrom, '-1', '0')}, hi=${g(fc.constantFrom, '0.5', '2')})`, shape: v.shape };
  },
  stack: (g, values) => {
    const v = pick(g, values)!;
    return { expr: `stack(${v.name}, ${v.name}, axis=0)`, shape: [2, ...v.shape] };
  },
  tile: (g, values) => {
    const v = pick(g, values, (v) => v.shape.length === 0 || typeof v.shape.at(-1) === 'number')!;
    return v && { expr: `tile(${v.name}, reps=[2])`, shape: v.shape.length === 0 ? [2] : [...v.shape.slice(0, -1), (v.shape.at(-1) as number) * 2] };
  },
  one_hot: (g, values) => {
    const v = pick(g, values)!;
    return { expr: `one_hot(${positions(v.name, 3)}, depth=3)`, shape: [...v.shape, 3] };
  },
  gather: (g, values) => {
    const x = pick(g, values, (v) => typeof v.shape[0] === 'number' && v.shape[0] > 0);
    const i = pick(g, values);
    return x && i && { expr: `gather(${x.name}, ${positions(i.name, x.shape[0] as number)}, axis=0)`, shape: [...i.shape, ...x.shape.slice(1)] };
  },
  scatter_add: (g, values) => {
    const v = pick(g, values, (v) => v.shape.length > 0)!;
    return v && { expr: `scatter_add(${v.name}, ${positions(v.name, 3)}, axis=0, size=3)`, shape: [3] };
  },
  maxout: (g, values) => {
    const v = pick(g, values, (v) => typeof v.shape.at(-1) === 'number');
    if (!v) return undefined;
    const last = v.shape.at(-1) as number;
    const pieces = g(fc.constantFrom, ...[1, 2, 3, 4].filter((p) => last % p === 0));
    return { expr: `maxout(${v.name}, pieces=${pieces})`, shape: [...v.shape.slice(0, -1), last / pieces] };
  },
};

export interface FuzzSpec {
  readonly spec: Record<string, unknown>;
  /** Feeds as `--set NAME=JSON` arguments. */
  readonly sets: readonly string[];
}

const entry = fc.oneof(fc.constantFrom(-2, -1, -0.5, 0, 0.5, 1, 2, 3), fc.double({ min: -4, max: 4, noNaN: true }));

/** A literal of `shape`, named dimensions at size N. */
function literal(g: Draw, shape: readonly Dim[]): unknown {
  if (shape.length === 0) return g(() => entry);
  const [d, ...rest] = shape;
  return Array.from({ length: d === 'N' ? N : d }, () => literal(g, rest));
}

/** A well-formed spec over the op library, with feeds for its inputs. */
export const wellFormed: fc.Arbitrary<FuzzSpec> = fc.gen().map((g) => {
  const dtype = g(fc.constantFrom, 'float64', 'float64', 'float32');
  const values: Value[] = [];
  const inputs: Record<string, unknown> = {};
  const params: Record<string, unknown> = {};
  const consts: Record<string, unknown> = {};
  const nodes: Record<string, string> = {};
  const sets: string[] = [];
  const [inputCount, paramCount, nodeCount] = [g(fc.integer, { min: 1, max: 3 }), g(fc.nat, 2), g(fc.integer, { min: 1, max: 8 })];
  for (let i = 0; i < inputCount; i++) {
    const shape = g(fc.constantFrom, ...SHAPES);
    inputs[`x${i}`] = { shape };
    values.push({ name: `x${i}`, shape, named: true });
    sets.push(`x${i}=${JSON.stringify(literal(g, shape))}`);
  }
  for (let i = 0; i < paramCount; i++) {
    const shape = g(fc.constantFrom, ...SHAPES.filter(isStatic));
    const init = g(fc.constantFrom, 'zeros', 'ones', 'literal', 'normal');
    params[`p${i}`] = { shape, init: init === 'literal' ? literal(g, shape) : init === 'normal' ? { normal: [0, 1], seed: i } : init };
    values.push({ name: `p${i}`, shape, named: true });
  }
  if (g(fc.boolean)) {
    const shape = g(fc.constantFrom, ...SHAPES.filter(isStatic));
    consts.c = literal(g, shape);
    values.push({ name: 'c', shape, named: false });
  }
  const functions = Object.keys(templates);
  for (let i = 0; i < nodeCount; i++) {
    const built = templates[g(fc.constantFrom, ...functions)](g, values);
    if (!built) continue;
    nodes[`n${i}`] = built.expr;
    values.push({ name: `n${i}`, shape: built.shape, named: true });
  }
  const names = values.map((v) => v.name);
  // Every input is an output too: the interpreter binds named dimensions only from the inputs
  // an output needs (see the report of issue 9).
  const outputs = g(fc.subarray, names, { minLength: 1 });
  return { spec: { format: 'symgrad/1', name: 'fuzz', dtype, inputs, params, consts, nodes, outputs }, sets };
});
