import type { Node } from '../graph.js';
import type { OpName } from '../ops/table.js';
import type { OnnxBuilder } from './builder.js';
import { erfc } from './erfc.js';
import { cholesky, inv, logdet, solve } from './linalg.js';

/** Writes the ONNX nodes computing `node` from its inputs' values `x`; returns the result's value name. */
type Emitter = (b: OnnxBuilder, node: Node, x: readonly string[], name: string) => string;

const INT64_MAX = 2 ** 63 - 1;

const same = (type: string): Emitter => (b, _, x, name) => b.op(type, x, name);
const compare = (type: string): Emitter => (b, _, x, name) => b.toFloat(b.op(type, x, `${name}/bool`), name);
const axesOf = (node: Node) => node.attrs.axes as number[];

/** A reduction with its axes as an input (opset 18); no axes is the value itself. */
const reduce = (type: string): Emitter => (b, node, [x], name) =>
  axesOf(node).length === 0 ? b.op('Identity', [x], name) : b.op(type, [x, b.ints(axesOf(node))], name, { keepdims: node.attrs.keepdims ? 1 : 0 });

/** log1p(x) = log(u)·x/(u − 1) with u = 1 + x (Goldberg), accurate near 0; x itself where u is 1 or ∞. */
function log1p(b: OnnxBuilder, x: string, name: string): string {
  const u = b.op('Add', [x, b.floats([1])], `${name}/u`);
  const ratio = b.op('Div', [b.op('Mul', [b.op('Log', [u], `${name}/log`), x], `${name}/num`), b.op('Sub', [u, b.floats([1])], `${name}/den`)], `${name}/ratio`);
  const exact = b.op('Or', [b.op('Equal', [u, b.floats([1])], `${name}/one`), b.op('IsInf', [u], `${name}/inf`)], `${name}/exact`);
  return b.op('Where', [exact, x, ratio], name);
}

/** expm1(x) = (u − 1)·x/log(u) with u = exp(x) (Kahan); x where u rounds to 1, u − 1 where u is 0 or ∞. */
function expm1(b: OnnxBuilder, x: string, name: string): string {
  const u = b.op('Exp', [x], `${name}/u`);
  const um1 = b.op('Sub', [u, b.floats([1])], `${name}/um1`);
  const ratio = b.op('Div', [b.op('Mul', [um1, x], `${name}/num`), b.op('Log', [u], `${name}/log`)], `${name}/ratio`);
  const ends = b.op('Or', [b.op('Equal', [u, b.floats([0])], `${name}/zero`), b.op('IsInf', [u], `${name}/inf`)], `${name}/ends`);
  const near = b.op('Where', [b.op('Equal', [u, b.floats([1])], `${name}/one`), x, ratio], `${name}/near`);
  return b.op('Where', [ends, um1, near], name);
}

/** x where x > 0, else `negative` (leaky_relu, prelu, elu). */
function positivePart(b: OnnxBuilder, x: string, negative: string, name: string): string {
  return b.op('Where', [b.op('Greater', [x, b.floats([0])], `${name}/pos`), x, negative], name);
}

/** ArgMax/ArgMin (the first extremum, as symgrad's) as a number of the float type. */
const argExtremum = (type: string): Emitter => (b, node, [x], name) =>
  b.toFloat(b.op(type, [x], `${name}/int64`, { axis: node.attrs.axis as number, keepdims: node.attrs.keepdims ? 1 : 0, select_last_index: 0 }), name);

/**
 * y[k] = Σ_{i<k} b[i]·Π_{i<j<k} a[j] (the mirror image in reverse) as masked products over an
 * [n, n, n] block along the scan's axis, moved last: exact (no division), O(n³), for the short
 * scans of prod's derivatives. The scan's order of additions and IEEE specials may differ.
 */
function exclusiveScan(b: OnnxBuilder, node: Node, [a, c]: readonly string[], name: string): string {
  const axis = node.attrs.axis as number;
  const rank = node.shape.length;
  const size = b.op('Squeeze', [b.shape([node.shape[axis]])], `${name}/n`);
  const r = b.op('Range', [b.int(0), size, b.int(1)], `${name}/range`);
  // Positions along the last three axes [i, k, j]: j strictly between i and k; i before k.
  const [r3, r2] = [b.op('Unsqueeze', [r, b.ints([-1, -2])], `${name}/r3`), b.op('Unsqueeze', [r, b.ints([-1])], `${name}/r2`)];
  const [lo, hi] = node.attrs.reverse ? [r2, r3] : [r3, r2];
  const between = b.op('And', [b.op('Less', [lo, r], `${name}/after`), b.op('Less', [r, hi], `${name}/before`)], `${name}/between`);
  const ordered = b.op(node.attrs.reverse ? 'Greater' : 'Less', [r2, r], `${name}/ordered`);
  const perm = [...Array.from({ length: rank }, (_, d) => d).filter((d) => d !== axis), axis];
  const moved = axis === rank - 1;
  const last = (x: string, hint: string) => (moved ? x : b.op('Transpose', [x], hint, { perm }));
  const factors = b.op('Where', [between, b.op('Unsqueeze', [last(a, `${name}/a`), b.ints([-3, -2])], `${name}/a3`), b.floats([1])], `${name}/factors`);
  const products = b.op('ReduceProd', [factors, b.ints([-1])], `${name}/products`, { keepdims: 0 });
  const terms = b.op('Mul', [b.op('Unsqueeze', [last(c, `${name}/b`), b.ints([-1])], `${name}/b2`), products], `${name}/terms`);
  const kept = b.op('Where', [ordered, terms, b.floats([0])], `${name}/kept`);
  const sum = b.op('ReduceSum', [kept, b.ints([-2])], moved ? name : `${name}/sum`, { keepdims: 0 });
  return moved ? sum : b.op('Transpose', [sum], name, { perm: perm.map((_, d) => perm.indexOf(d)) });
}

/**
 * MatMul; where the batch axes are named (a size that may be 0 at run time), each operand at least
 * 2-D and the left one expanded to the batch axes: ONNX Runtime 1.30's MatMul fails on a batch of
 * size 0 that one operand broadcasts ([1, 2] @ [0, 2, 3], [0, 1, 2] @ [2]).
 */
function matmul(b: OnnxBuilder, node: Node, [x, y]: readonly string[], name: string): string {
  const [a, c] = node.inputs.map((input) => input.shape);
  const batch = node.shape.slice(0, node.shape.length - Math.min(a.length, 2) - Math.min(c.length, 2) + 2);
  if (!batch.some((d) => typeof d === 'string' || d === 0)) return b.op('MatMul', [x, y], name);
  const left = a.length === 1 ? [1, ...a] : a;
  const row = a.length === 1 ? b.op('Unsqueeze', [x, b.ints([0])], `${name}/row`) : x;
  const column = c.length === 1 ? b.op('Unsqueeze', [y, b.ints([1])], `${name}/column`) : y;
  const padded = [...Array<number>(batch.length - (left.length - 2)).fill(1), ...left.slice(0, -2)];
  const full = padded.some((d, i) => d !== batch[i]) ? b.op('Expand', [row, b.shape([...batch, ...left.slice(-2)])], `${name}/left`) : row;
  const added = [...(a.length === 1 ? [-2] : []), ...(c.length === 1 ? [-1] : [])];
  if (added.length === 0) return b.op('MatMul', [full, column], name);
  return b.op('Squeeze', [b.op('MatMul', [full, column], `${name}/2d`), b.ints(added)], name);
}

/** The ONNX form of every primitive op (composites are built from these before export). */
export const emitters: Partial<Record<OpName, Emitter>> = {
  add: same('Add'),
  sub: same('Sub'),
  mul: same('Mul'),
  div: same('Div'),
  pow: same('Pow'),
  maximum: same('Max'),
  minimum: same('Min'),
  neg: same('Neg'),
  abs: same('Abs'),
  exp: same('Exp'),
  log: same('Log'),
  sqrt: same('Sqrt'),
  sin: same('Sin'),
  cos: same('Cos'),
  tanh: same('Tanh'),
  atan: same('Atan'),
  asin: same('Asin'),
  acos: same('Acos'),
  sinh: same('Sinh'),
  cosh: same('Cosh'),
  asinh: same('Asinh'),
  acosh: same('Acosh'),
  atanh: same('Atanh'),
  erf: same('Erf'),
  erfc: (b, _, [x], name) => erfc(b, x, name),
  // Round takes halves to the even number, as symgrad's round.
  round: same('Round'),
  floor: same('Floor'),
  ceil: same('Ceil'),
  det: same('Det'),
  logdet,
  solve,
  inv,
  cholesky,
  relu: same('Relu'),
  reciprocal: same('Reciprocal'),
  sign: same('Sign'),
  matmul,
  stop_gradient: same('Identity'),
  variable: same('Identity'),
  tan: (b, _, [x], name) => b.op('Div', [b.op('Sin', [x], `${name}/sin`), b.op('Cos', [x], `${name}/cos`)], name),
  square: (b, _, [x], name) => b.op('Mul', [x, x], name),
  log1p: (b, _, [x], name) => log1p(b, x, name),
  expm1: (b, _, [x], name) => expm1(b, x, name),
  // The stable forms the generated code uses: e = exp(−|x|) ≤ 1 never overflows.
  sigmoid: (b, _, [x], name) => {
    const e = b.op('Exp', [b.op('Neg', [b.op('Abs', [x], `${name}/abs`)], `${name}/nabs`)], `${name}/e`);
    const onePlus = b.op('Add', [e, b.floats([1])], `${name}/1pe`);
    const nonNegative = b.op('GreaterOrEqual', [x, b.floats([0])], `${name}/nonneg`);
    return b.op('Where', [nonNegative, b.op('Reciprocal', [onePlus], `${name}/pos`), b.op('Div', [e, onePlus], `${name}/neg`)], name);
  },
  softplus: (b, _, [x], name) => {
    const e = b.op('Exp', [b.op('Neg', [b.op('Abs', [x], `${name}/abs`)], `${name}/nabs`)], `${name}/e`);
    return b.op('Add', [b.op('Relu', [x], `${name}/relu`), log1p(b, e, `${name}/log1p`)], name);
  },
  hard_tanh: (b, _, [x], name) => b.op('Max', [b.op('Min', [x, b.floats([1])], `${name}/min`), b.floats([-1])], name),
  leaky_relu: (b, node, [x], name) => positivePart(b, x, b.op('Mul', [x, b.floats([node.attrs.alpha as number])], `${name}/neg`), name),
  prelu: (b, _, [x, alpha], name) => positivePart(b, x, b.op('Mul', [x, alpha], `${name}/neg`), name),
  elu: (b, node, [x], name) => positivePart(b, x, b.op('Mul', [expm1(b, x, `${name}/expm1`), b.floats([node.attrs.alpha as number])], `${name}/neg`), name),
  step: (b, _, [x], name) => b.toFloat(b.op('Greater', [x, b.floats([0])], `${name}/bool`), name),
  less: compare('Less'),
  less_equal: compare('LessOrEqual'),
  greater: compare('Greater'),
  greater_equal: compare('GreaterOrEqual'),
  equal: compare('Equal'),
  not_equal: (b, _, x, name) => b.toFloat(b.op('Not', [b.op('Equal', x, `${name}/eq`)], `${name}/bool`), name),
  where: (b, _, [c, x, y], name) => b.op('Where', [b.op('Not', [b.op('Equal', [c, b.floats([0])], `${name}/zero`)], `${name}/cond`), x, y], name),
  sum: reduce('ReduceSum'),
  max: reduce('ReduceMax'),
  min: reduce('ReduceMin'),
  prod: reduce('ReduceProd'),
  // Either bound may be missing (an empty input name); lo > hi gives hi in both.
  clip: (b, node, [x], name) => {
    const bound = (v: unknown) => (v === undefined ? '' : b.floats([v as number]));
    return b.op('Clip', [x, bound(node.attrs.lo), bound(node.attrs.hi)], name);
  },
  cumsum: (b, node, [x], name) => b.op('CumSum', [x, b.int(node.attrs.axis as number)], name, { reverse: node.attrs.reverse ? 1 : 0 }),
  exclusive_scan: exclusiveScan,
  // Over several axes (the builder's list) (x − m) − log Σ exp(x − m), m the max, as the generated code.
  log_softmax: (b, node, [x], name) => {
    const axes = axesOf(node);
    if (axes.length === 1) return b.op('LogSoftmax', [x], name, { axis: axes[0] });
    const centred = b.op('Sub', [x, b.op('ReduceMax', [x, b.ints(axes)], `${name}/max`, { keepdims: 1 })], `${name}/centred`);
    const logSum = b.op('Log', [b.op('ReduceSum', [b.op('Exp', [centred], `${name}/exp`), b.ints(axes)], `${name}/sum`, { keepdims: 1 })], `${name}/log`);
    return b.op('Sub', [centred, logSum], name);
  },
  argmax: argExtremum('ArgMax'),
  argmin: argExtremum('ArgMin'),
  // Positions are whole numbers in the float type: int64 for ONNX (its out-of-range behaviour differs, see docs/onnx.md).
  gather: (b, node, [x, i], name) => b.op('Gather', [x, b.toInt(i, `${name}/positions`)], name, { axis: node.attrs.axis as number }),
  // ScatterND (reduction add) of d's slices into zeros, with the axis moved to the front and back.
  scatter_add: (b, node, [d, i], name) => {
    const axis = node.attrs.axis as number;
    const positions = node.inputs[1].shape.length;
    const identity = (perm: number[]) => perm.every((p, a) => p === a);
    const front = [axis, ...node.shape.map((_, a) => a).filter((a) => a !== axis)];
    const order = node.inputs[0].shape.map((_, a) => a);
    const first = [...order.slice(axis, axis + positions), ...order.slice(0, axis), ...order.slice(axis + positions)];
    const updates = identity(first) ? d : b.op('Transpose', [d], `${name}/updates`, { perm: first });
    const zeros = b.op('Expand', [b.floats([0]), b.shape(front.map((a) => node.shape[a]))], `${name}/zeros`);
    const indices = b.op('Unsqueeze', [b.toInt(i, `${name}/positions`), b.ints([-1])], `${name}/indices`);
    const sums = b.op('ScatterND', [zeros, indices, updates], `${name}/sums`, { reduction: 'add' });
    const back = node.shape.map((_, a) => front.indexOf(a));
    return identity(back) ? b.op('Identity', [sums], name) : b.op('Transpose', [sums], name, { perm: back });
  },
  // (i[..., None] == [0, 1, …, depth − 1]) as numbers: ONNX Runtime has no float64 OneHot.
  one_hot: (b, node, [i], name) => {
    const depth = node.attrs.depth as number;
    const column = b.op('Unsqueeze', [i, b.ints([-1])], `${name}/column`);
    return b.toFloat(b.op('Equal', [column, b.floats(Array.from({ length: depth }, (_, k) => k), [depth])], `${name}/bool`), name);
  },
  // m + log Σ exp(x − m) with m the max (0 where m is ±∞, whose result is m itself).
  logsumexp: (b, node, [x], name) => {
    const axes = b.ints(axesOf(node));
    const m = b.op('ReduceMax', [x, axes], `${name}/max`, { keepdims: 1 });
    const infinite = b.op('IsInf', [m], `${name}/inf`);
    const shift = b.op('Where', [infinite, b.floats([0]), m], `${name}/shift`);
    const s = b.op('ReduceSum', [b.op('Exp', [b.op('Sub', [x, shift], `${name}/centred`)], `${name}/exp`), axes], `${name}/sum`, { keepdims: 1 });
    const kept = b.op('Where', [infinite, m, b.op('Add', [shift, b.op('Log', [s], `${name}/log`)], `${name}/finite`)], `${name}/kept`);
    return node.attrs.keepdims ? b.op('Identity', [kept], name) : b.op('Reshape', [kept, b.shape(node.shape)], name);
  },
  count: (b, node, _, name) => {
    const dims = axesOf(node).map((a) => node.inputs[0].shape[a]);
    const sizes = b.op('Cast', [b.shape(dims)], `${name}/dims`, { to: b.floatType });
    return b.op('ReduceProd', [sizes, b.ints([0])], name, { keepdims: 0 });
  },
  broadcast_to: (b, node, [x], name) => b.op('Expand', [x, b.shape(node.shape)], name),
  reshape: (b, node, [x], name) => b.op('Reshape', [x, b.shape(node.shape)], name, { allowzero: 1 }),
  transpose: (b, node, [x], name) => b.op('Transpose', [x], name, { perm: node.attrs.perm as number[] }),
  concat: (b, node, x, name) => b.op('Concat', x, name, { axis: node.attrs.axis as number }),
  slice: (b, node, [x], name) => {
    const start = node.attrs.start as number[];
    const stop = node.attrs.stop as (number | string)[];
    const axes = stop.map((_, a) => a).filter((a) => typeof stop[a] === 'number');
    if (axes.length === 0) return b.op('Identity', [x], name);
    const ends = axes.map((a) => Math.min(stop[a] as number, INT64_MAX));
    return b.op('Slice', [x, b.ints(axes.map((a) => start[a])), b.ints(ends), b.ints(axes)], name);
  },
  pad: (b, node, [x], name) => b.op('Pad', [x, b.ints([...(node.attrs.before as number[]), ...(node.attrs.after as number[])])], name),
};
