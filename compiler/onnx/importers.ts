import { SymgradError } from '../errors.js';
import type { DType } from '../graph.js';
import { broadcastShapes, normalizeAxis, type Dim, type Shape } from '../shape.js';
import { DataType, tensorValues, type AttributeProto } from './proto.js';

/**
 * A value known at import time (a Constant, an integer initializer, a Shape): shapes and axes.
 * A size known only at run time is the name of its dimension.
 */
export interface StaticValue {
  readonly values: readonly Dim[];
  readonly dims: readonly number[];
}

/** What an importer sees of one ONNX node. */
export interface NodeContext {
  readonly opset: number;
  readonly dtype: DType;
  readonly inputCount: number;
  has(i: number): boolean;
  /** Input i as a spec name and its shape. */
  input(i: number): { readonly name: string; readonly shape: Shape };
  /** Whether input i is known at import time. */
  isKnown(i: number): boolean;
  /** Input i's value (it must be known at import time). */
  known(i: number): StaticValue;
  /** Input i's numbers (it must be known at import time, with no size known only at run time). */
  numbers(i: number): readonly number[];
  attribute(name: string): AttributeProto | undefined;
}

/** A spec expression for the node's first output, or the output's numbers when known at import time. */
type Importer = (n: NodeContext) => string | StaticValue;

const int = (n: NodeContext, name: string, fallback: number) => n.attribute(name)?.i ?? fallback;
const ints = (n: NodeContext, name: string) => n.attribute(name)?.ints;
const float = (n: NodeContext, name: string, fallback: number) => n.attribute(name)?.f ?? fallback;
const list = (values: readonly number[]) => `[${values.join(', ')}]`;

/**
 * A float32 attribute as a number of the spec: in a float32 spec its shortest decimal (0.01), in a
 * float64 one its exact value (0.009999999776482582), which is what ONNX Runtime computes with.
 */
function number(n: NodeContext, f: number): string {
  if (n.dtype === 'float64') return String(f);
  for (let digits = 1; digits < 17; digits++) {
    const text = String(Number(f.toPrecision(digits)));
    if (Math.fround(Number(text)) === Math.fround(f)) return text;
  }
  return String(f);
}

const unary = (fn: string): Importer => (n) => `${fn}(${n.input(0).name})`;
const binary = (operator: string): Importer => (n) => `${n.input(0).name} ${operator} ${n.input(1).name}`;
const variadic = (fn: string): Importer => (n) =>
  Array.from({ length: n.inputCount }, (_, i) => n.input(i).name).reduce((acc, x) => `${fn}(${acc}, ${x})`);

/**
 * `reshape` of `x` to `shape`, whose named dimensions (at most one, written -1) are bound at run
 * time. A -1 beside named dimensions that `x` has too is the quotient of the fixed sizes.
 */
function reshapeTo(x: { name: string; shape: Shape }, shape: Shape): string {
  const namesOf = (s: Shape) => s.filter((d): d is string => typeof d === 'string').sort();
  const fixedSize = (s: Shape) => s.reduce<number>((p, d) => (typeof d === 'number' && d !== -1 ? p * d : p), 1);
  let target = shape;
  if (target.includes(-1) && namesOf(target).length > 0 && namesOf(target).join() === namesOf(x.shape).join()) {
    target = target.map((d) => (d === -1 ? fixedSize(x.shape) / fixedSize(target) : d));
  }
  const unknown = target.filter((d) => typeof d === 'string' || d === -1);
  if (unknown.length > 1) throw new SymgradError('', `the result shape [${shape.join(', ')}] has more than one size known only at run time`);
  return `reshape(${x.name}, shape=${list(target.map((d) => (typeof d === 'string' ? -1 : d)))})`;
}

/** Product of dimensions, or the name when one of them is named (one named dim per side at most). */
function product(dims: Shape): number | string {
  const named = dims.filter((d) => typeof d === 'string');
  if (named.length > 1) throw new SymgradError('', `cannot merge the named dimensions ${named.join(', ')}`);
  return named.length === 1 ? (named[0] as string) : (dims as number[]).reduce((a, b) => a * b, 1);
}

/** Reduce*: axes as an attribute (older opsets) or as input 1 (ReduceSum from 13, the rest from 18). */
const reduction = (fn: string, axesInputFrom: number): Importer => (n) => {
  const x = n.input(0);
  const axes = n.opset >= axesInputFrom ? (n.has(1) ? n.numbers(1) : undefined) : ints(n, 'axes');
  const keepdims = int(n, 'keepdims', 1) !== 0;
  if (axes !== undefined && axes.length === 0 && int(n, 'noop_with_empty_axes', 0) !== 0) return x.name;
  const axis = axes && axes.length > 0 ? `axis=${list(axes)}, ` : '';
  return `${fn}(${x.name}, ${axis}keepdims=${keepdims})`;
};

/** Softmax and LogSoftmax; before opset 13 they work on the input flattened at `axis`, the last axis only here. */
const softmax = (fn: string): Importer => (n) => {
  const x = n.input(0);
  if (n.opset >= 13) return `${fn}(${x.name}, axis=${int(n, 'axis', -1)})`;
  const axis = normalizeAxis(int(n, 'axis', 1), x.shape.length);
  if (axis !== x.shape.length - 1) throw new SymgradError('', `opset ${n.opset} flattens the axes from ${axis} on; only the last axis is supported`);
  return `${fn}(${x.name}, axis=-1)`;
};

/** The static sizes of a shape, or an error naming what needs them. */
function fixed(shape: Shape, what: string): number[] {
  if (shape.some((d) => typeof d === 'string')) throw new SymgradError('', `${what} needs an input of fixed shape, got [${shape.join(', ')}]`);
  return shape as number[];
}

/** Slice with unit steps; starts and ends clamped as ONNX does. */
const sliceImporter: Importer = (n) => {
  const x = n.input(0);
  const dims = fixed(x.shape, 'Slice');
  const [starts, ends] = [n.numbers(1), n.numbers(2)];
  const axes = n.has(3) ? n.numbers(3).map((a) => normalizeAxis(a, dims.length)) : starts.map((_, i) => i);
  if (n.has(4) && n.numbers(4).some((s) => s !== 1)) throw new SymgradError('', 'only steps of 1 are supported');
  const [start, stop] = [dims.map(() => 0), [...dims]];
  const clamp = (v: number, d: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
  axes.forEach((a, i) => {
    start[a] = clamp(starts[i], dims[a]);
    stop[a] = Math.max(start[a], clamp(ends[i], dims[a]));
  });
  return `slice(${x.name}, start=${list(start)}, stop=${list(stop)})`;
};

/** ArgMax and ArgMin: the first extremum only (select_last_index 0); keepdims defaults to 1. */
const argExtremum = (fn: string): Importer => (n) => {
  if (int(n, 'select_last_index', 0)) throw new SymgradError('', 'only the first extremum (select_last_index 0) is supported');
  return `${fn}(${n.input(0).name}, axis=${int(n, 'axis', 0)}, keepdims=${int(n, 'keepdims', 1) !== 0})`;
};

/** Comparisons and logic give 1 or 0 in symgrad, which is what Where and Cast then read. */
const logic = {
  Greater: binary('>'),
  GreaterOrEqual: binary('>='),
  Less: binary('<'),
  LessOrEqual: binary('<='),
  Equal: binary('=='),
  Not: (n: NodeContext) => `1 - ${n.input(0).name}`,
  And: binary('*'),
  Or: variadic('maximum'),
  IsInf: (n: NodeContext) => {
    const x = n.input(0).name;
    const [negative, positive] = [int(n, 'detect_negative', 1), int(n, 'detect_positive', 1)];
    return negative && positive ? `abs(${x}) == exp(1000)` : positive ? `${x} == exp(1000)` : negative ? `${x} == -exp(1000)` : `0 * ${x}`;
  },
  Where: (n: NodeContext) => `where(${n.input(0).name}, ${n.input(1).name}, ${n.input(2).name})`,
  // To an integer type (Gather's positions, say): truncated toward zero.
  Cast: (n: NodeContext) => {
    const to = int(n, 'to', 0);
    if (n.isKnown(0) && to !== DataType.BOOL) return n.known(0);
    const x = n.input(0).name;
    if (to === DataType.BOOL) return `${x} != 0`;
    if (to === DataType.FLOAT || to === DataType.DOUBLE) return x;
    if (to === DataType.INT64 || to === DataType.INT32) return `sign(${x}) * floor(abs(${x}))`;
    throw new SymgradError('', `casts to ONNX data type ${to} are not supported (float, double, int32, int64 and bool are)`);
  },
} satisfies Record<string, Importer>;

/** Every ONNX operator symgrad imports, by op_type. */
export const importers: Readonly<Record<string, Importer>> = {
  Identity: (n) => n.input(0).name,
  Dropout: (n) => n.input(0).name,
  Add: binary('+'),
  Sub: binary('-'),
  Mul: binary('*'),
  Div: binary('/'),
  Pow: binary('^'),
  MatMul: binary('@'),
  Sum: variadic('add'),
  Max: variadic('maximum'),
  Min: variadic('minimum'),
  Neg: unary('neg'),
  Abs: unary('abs'),
  Exp: unary('exp'),
  Log: unary('log'),
  Sqrt: unary('sqrt'),
  Reciprocal: unary('reciprocal'),
  Sign: unary('sign'),
  Sin: unary('sin'),
  Cos: unary('cos'),
  Tan: unary('tan'),
  Tanh: unary('tanh'),
  Relu: unary('relu'),
  Atan: unary('atan'),
  Asin: unary('asin'),
  Acos: unary('acos'),
  Sinh: unary('sinh'),
  Cosh: unary('cosh'),
  Asinh: unary('asinh'),
  Acosh: unary('acosh'),
  Atanh: unary('atanh'),
  Erf: unary('erf'),
  Round: unary('round'),
  Floor: unary('floor'),
  Ceil: unary('ceil'),
  Det: unary('det'),
  ArgMax: argExtremum('argmax'),
  ArgMin: argExtremum('argmin'),
  CumSum: (n) => {
    if (int(n, 'exclusive', 0)) throw new SymgradError('', 'only inclusive sums (exclusive 0) are supported');
    const [axis] = n.numbers(1);
    return `cumsum(${n.input(0).name}, axis=${axis}${int(n, 'reverse', 0) ? ', reverse=true' : ''})`;
  },
  Sigmoid: unary('sigmoid'),
  Softplus: unary('softplus'),
  LeakyRelu: (n) => `leaky_relu(${n.input(0).name}, alpha=${number(n, float(n, 'alpha', 0.01))})`,
  Elu: (n) => `elu(${n.input(0).name}, alpha=${number(n, float(n, 'alpha', 1))})`,
  Softmax: softmax('softmax'),
  LogSoftmax: softmax('log_softmax'),
  ReduceSum: reduction('sum', 13),
  ReduceMean: reduction('mean', 18),
  ReduceMax: reduction('max', 18),
  ReduceMin: reduction('min', 18),
  ReduceLogSumExp: reduction('logsumexp', 18),
  // Inference form: (x − mean)/sqrt(var + epsilon)·scale + B, the [C] vectors along axis 1.
  BatchNormalization: (n) => {
    const x = n.input(0);
    if (int(n, 'training_mode', 0)) throw new SymgradError('', 'only the inference form (training_mode 0) is supported');
    if (x.shape.length < 2) throw new SymgradError('', `the input needs a channel axis, got rank ${x.shape.length}`);
    const channels = x.shape[1];
    const along = (i: number) => {
      const v = n.input(i);
      return x.shape.length === 2 ? v.name : `reshape(${v.name}, shape=${list([channels, ...x.shape.slice(2).map(() => 1)].map((d) => (typeof d === 'number' ? d : -1)))})`;
    };
    const epsilon = number(n, float(n, 'epsilon', 1e-5));
    return `(${x.name} - ${along(3)}) / sqrt(${along(4)} + ${epsilon}) * ${along(1)} + ${along(2)}`;
  },
  // min and max as inputs (opset 11 on) or attributes; the derivative at a bound follows maximum/minimum (shared on ties).
  Clip: (n) => {
    const x = n.input(0).name;
    const bound = (i: number, attr: string) => (n.opset >= 11 ? (n.has(i) ? n.input(i).name : undefined) : n.attribute(attr) && number(n, float(n, attr, 0)));
    const [lo, hi] = [bound(1, 'min'), bound(2, 'max')];
    const low = lo === undefined ? x : `maximum(${x}, ${lo})`;
    return hi === undefined ? low : `minimum(${low}, ${hi})`;
  },
  // Of a 1-D value known at import time (a count of elements) the number itself.
  ReduceProd: (n) => {
    if (!n.isKnown(0) || n.known(0).dims.length !== 1) return reduction('prod', 18)(n);
    const product = n.numbers(0).reduce((a, b) => a * b, 1);
    return { values: [product], dims: int(n, 'keepdims', 1) ? [1] : [] };
  },
  // alpha·op(A)·op(B) + beta·C, op a transpose when transA/transB is set.
  Gemm: (n) => {
    const [a, b] = [0, 1].map((i) => n.input(i));
    if (a.shape.length !== 2 || b.shape.length !== 2) throw new SymgradError('', `A and B must be matrices, got ranks ${a.shape.length} and ${b.shape.length}`);
    const op = (x: string, flag: string) => (int(n, flag, 0) ? `transpose(${x})` : x);
    const [alpha, beta] = [float(n, 'alpha', 1), float(n, 'beta', 1)];
    const product = `${op(a.name, 'transA')} @ ${op(b.name, 'transB')}`;
    const scaled = alpha === 1 ? product : `${number(n, alpha)} * (${product})`;
    if (!n.has(2) || beta === 0) return scaled;
    const c = n.input(2).name;
    return `${scaled} + ${beta === 1 ? c : `${number(n, beta)} * ${c}`}`;
  },
  Transpose: (n) => {
    const x = n.input(0);
    const perm = ints(n, 'perm') ?? x.shape.map((_, a) => x.shape.length - 1 - a);
    return `transpose(${x.name}, perm=${list(perm)})`;
  },
  Concat: (n) => {
    const all = Array.from({ length: n.inputCount }, (_, i) => i);
    if (all.every((i) => n.isKnown(i) && n.known(i).dims.length === 1)) {
      const values = all.flatMap((i) => n.known(i).values);
      return { values, dims: [values.length] };
    }
    const xs = all.map((i) => n.input(i).name);
    return `concat(${xs.join(', ')}, axis=${int(n, 'axis', 0)})`;
  },
  // 0 copies the input's dimension (unless allowzero), -1 is inferred.
  Reshape: (n) => {
    const x = n.input(0);
    const target = n.known(1).values.map((d, a) => {
      if (d !== 0 || int(n, 'allowzero', 0)) return d;
      if (a >= x.shape.length) throw new SymgradError('', `a 0 at position ${a} copies an axis the input does not have`);
      return x.shape[a];
    });
    return reshapeTo(x, target);
  },
  Flatten: (n) => {
    const x = n.input(0);
    const axis = int(n, 'axis', 1);
    const at = axis < 0 ? axis + x.shape.length : axis;
    if (at < 0 || at > x.shape.length) throw new SymgradError('', `axis ${axis} is out of range for rank ${x.shape.length}`);
    return reshapeTo(x, [product(x.shape.slice(0, at)), product(x.shape.slice(at))]);
  },
  Squeeze: (n) => {
    const x = n.isKnown(0) ? { name: '', shape: n.known(0).dims } : n.input(0);
    const given = n.opset >= 13 ? (n.has(1) ? n.numbers(1) : undefined) : ints(n, 'axes');
    const axes = given?.map((a) => normalizeAxis(a, x.shape.length)) ?? x.shape.flatMap((d, a) => (d === 1 ? [a] : []));
    const shape = x.shape.filter((_, a) => !axes.includes(a));
    return n.isKnown(0) ? { values: n.known(0).values, dims: shape as number[] } : reshapeTo(x, shape);
  },
  Unsqueeze: (n) => {
    const x = n.isKnown(0) ? { name: '', shape: n.known(0).dims } : n.input(0);
    const given = n.opset >= 13 ? n.numbers(1) : ints(n, 'axes') ?? [];
    const rank = x.shape.length + given.length;
    const axes = given.map((a) => normalizeAxis(a, rank));
    const shape: (number | string)[] = [];
    for (let a = 0, k = 0; a < rank; a++) shape.push(axes.includes(a) ? 1 : x.shape[k++]);
    return n.isKnown(0) ? { values: n.known(0).values, dims: shape as number[] } : reshapeTo(x, shape);
  },
  ...logic,
  Slice: sliceImporter,
  Pad: (n) => {
    const x = n.input(0);
    const pads = n.numbers(1);
    const mode = n.attribute('mode')?.s;
    if (mode && new TextDecoder().decode(mode) !== 'constant') throw new SymgradError('', 'only mode "constant" is supported');
    if (n.has(2) && n.numbers(2).some((v) => v !== 0)) throw new SymgradError('', 'only a constant_value of 0 is supported');
    if (n.has(3)) throw new SymgradError('', 'the axes input is not supported');
    if (pads.length !== 2 * x.shape.length || pads.some((p) => p < 0)) throw new SymgradError('', `pads [${pads.join(', ')}] must be 2·rank non-negative counts`);
    const rank = x.shape.length;
    return `pad(${x.name}, before=${list(pads.slice(0, rank))}, after=${list(pads.slice(rank))})`;
  },
  Expand: (n) => {
    const x = n.input(0);
    return `broadcast_to(${x.name}, shape=${list(fixed(broadcastShapes([x.shape, n.numbers(1)]), 'Expand'))})`;
  },
  Shape: (n) => {
    const shape = n.isKnown(0) ? n.known(0).dims : n.input(0).shape;
    const at = (i: number) => (i < 0 ? Math.max(i + shape.length, 0) : Math.min(i, shape.length));
    const values = shape.slice(at(int(n, 'start', 0)), at(int(n, 'end', shape.length)));
    return { values, dims: [values.length] };
  },
  // Of known values (the `x.size(0)` of a shape computation) the numbers; else symgrad's gather,
  // whose positions must be in [0, size) (ONNX counts negative ones from the end).
  Gather: (n) => {
    if (!n.isKnown(0) || !n.isKnown(1) || n.known(0).dims.length !== 1 || int(n, 'axis', 0) !== 0) {
      const x = n.input(0);
      return `gather(${x.name}, ${n.input(1).name}, axis=${normalizeAxis(int(n, 'axis', 0), x.shape.length)})`;
    }
    const data = n.known(0).values;
    const values = n.numbers(1).map((i) => {
      if (!Number.isInteger(i) || i < -data.length || i >= data.length) throw new SymgradError('', `index ${i} is out of range for ${data.length} values`);
      return data[i < 0 ? i + data.length : i];
    });
    return { values, dims: n.known(1).dims };
  },
  Constant: (n) => {
    const t = n.attribute('value')?.t;
    if (t) return { values: tensorValues(t, 'value'), dims: t.dims ?? [] };
    const scalar = n.attribute('value_float')?.f ?? n.attribute('value_int')?.i;
    if (scalar !== undefined) return { values: [scalar], dims: [] };
    const values = n.attribute('value_floats')?.floats ?? n.attribute('value_ints')?.ints;
    if (values) return { values, dims: [values.length] };
    throw new SymgradError('', 'needs a value, value_float(s) or value_int(s) attribute');
  },
};
