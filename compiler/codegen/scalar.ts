import type { DType, Node } from '../graph.js';
import { broadcastStrides } from '../ops/op.js';
import { staticSize, type Shape } from '../shape.js';
import { kernelOf } from './kernels/index.js';

/** A scalar operation of the expanded program: an elementwise op with its attributes, or a step of a reduction or dot product. */
export interface ScalarOp {
  /** Identifies the operation (op name and attributes): equal keys compute the same function. */
  readonly key: string;
  readonly arity: number;
  expr(args: readonly string[]): string;
  /** The value for literal arguments, rounded to the dtype as the interpreter stores it. */
  fold(args: readonly number[]): number;
}

/** A value of the expanded program: a literal, one element of a fed leaf, or an operation on earlier values (by index). */
export type Scalar =
  | { readonly kind: 'literal'; readonly value: number }
  | { readonly kind: 'leaf'; readonly node: Node; readonly index: number }
  | { readonly kind: 'op'; readonly op: ScalarOp; readonly args: readonly number[]; readonly node: Node; readonly index: number };

export interface ScalarProgram {
  readonly values: readonly Scalar[];
  /** For each output node, the value of each of its elements. */
  readonly outputs: ReadonlyMap<Node, readonly number[]>;
}

/**
 * Expands a graph of small static tensors into scalar operations, one per element (a matmul
 * into dot products, a reduction into a chain), folding literal arguments and the exact
 * identities x·1, x/1, x−0. Returns undefined when an op cannot be expanded or the program
 * would exceed `limit` operations; the caller then emits tensor loops instead.
 */
export function expandScalars(order: readonly Node[], outputs: readonly Node[], dtype: DType, limit: number): ScalarProgram | undefined {
  const values: Scalar[] = [];
  const literals = new Map<string, number>();
  const ops = new Map<string, ScalarOp>();
  const store = dtype === 'float32' ? new Float32Array(1) : new Float64Array(1);
  const round = (v: number) => ((store[0] = v), store[0]);
  const literal = (value: number) => {
    const key = Object.is(value, -0) ? '-0' : String(value);
    let ref = literals.get(key);
    if (ref === undefined) {
      ref = values.push({ kind: 'literal', value }) - 1;
      literals.set(key, ref);
    }
    return ref;
  };
  const valueOf = (ref: number) => {
    const v = values[ref];
    return v.kind === 'literal' ? v.value : undefined;
  };
  const apply = (op: ScalarOp, args: number[], node: Node, index: number): number => {
    let literalArgs = false;
    for (const a of args) if (values[a].kind === 'literal') literalArgs = true;
    if (!literalArgs) return values.push({ kind: 'op', op, args, node, index }) - 1;
    const known = args.map(valueOf);
    if (known.every((v) => v !== undefined)) return literal(op.fold(known as number[]));
    if (op.key === 'muladd' && (known[1] === 1 || known[2] === 1)) return apply(add, [args[0], args[known[1] === 1 ? 2 : 1]], node, index);
    const identity = identityArgument(op.key, known);
    if (identity !== undefined) return args[identity];
    return values.push({ kind: 'op', op, args, node, index }) - 1;
  };
  const builtin = (key: string, arity: number, expr: (a: readonly string[]) => string, f: (a: readonly number[]) => number): ScalarOp => {
    let op = ops.get(key);
    if (!op) ops.set(key, (op = { key, arity, expr, fold: (a) => round(f(a)) }));
    return op;
  };
  const add = builtin('add', 2, ([a, b]) => `(${a} + ${b})`, ([a, b]) => a + b);
  const mul = builtin('mul', 2, ([a, b]) => `(${a} * ${b})`, ([a, b]) => a * b);
  const muladd = builtin('muladd', 3, ([s, a, b]) => `(${s} + ${a} * ${b})`, ([s, a, b]) => s + a * b);
  const extremum = (name: 'max' | 'min') => builtin(name, 2, ([a, b]) => `Math.${name}(${a}, ${b})`, ([a, b]) => Math[name](a, b));

  // The value of each node's first element, and (for tensors) of all its elements.
  const first = new Int32Array(order.length > 0 ? order[order.length - 1].id + 1 : 0);
  const elements: number[][] = [];
  for (const node of order) {
    const size = elementCount(node.shape);
    if (size === undefined) return undefined;
    const shape = node.shape as number[];
    const emit = node.def.emit;
    if (emit.kind === 'elementwise' && size === 1) {
      // The common case of long scalar programs, kept free of temporary arrays.
      const key = opKey(node);
      const op = ops.get(key) ?? builtin(key, node.inputs.length, (a) => emit.expr(a, node.attrs), (a) => evaluateOne(node, a, dtype));
      const args = new Array<number>(node.inputs.length);
      for (let i = 0; i < args.length; i++) args[i] = first[node.inputs[i].id];
      first[node.id] = apply(op, args, node, 0);
      if (values.length > limit) return undefined;
      continue;
    }
    const ins = node.inputs.map((x) => elements[x.id] ?? [first[x.id]]);
    let refs: number[];
    if (node.def.leaf === 'known') refs = (node.attrs.value as number[]).map((v) => literal(round(v)));
    else if (node.def.leaf === 'fed') refs = Array.from({ length: size }, (_, index) => values.push({ kind: 'leaf', node, index }) - 1);
    else if (node.def.emit.kind === 'elementwise') {
      const emit = node.def.emit;
      const key = `${node.op}${JSON.stringify(node.attrs)}`;
      const op = builtin(key, node.inputs.length, (a) => emit.expr(a, node.attrs), (a) => evaluateOne(node, a, dtype));
      const strides = node.inputs.map((x) => broadcastStrides(x.shape as number[], shape));
      refs = mapIndices(shape, (index, flat) => apply(op, ins.map((xs, i) => xs[dot(index, strides[i])]), node, flat));
    } else if (node.def.movement) {
      // Only moves entries: the element mapping is found by evaluating the op on element ids.
      let next = 1;
      const ids = node.inputs.map((x) => Float64Array.from({ length: staticSize(x.shape)! }, () => next++));
      const flatIns = ins.flat();
      const out = new Float64Array(size);
      node.def.evaluate(out, node.inputs.map((x, i) => ({ shape: x.shape as number[], data: ids[i] })), node.attrs, shape);
      refs = Array.from(out, (id) => (id === 0 ? literal(0) : flatIns[id - 1]));
    } else {
      const expanded = kernelOf(node).scalars?.({ node, ins, literal, apply: (op, args, index) => apply(op, args, node, index), round, add, mul, muladd, extremum });
      if (!expanded) return undefined;
      refs = expanded;
    }
    first[node.id] = refs[0];
    if (size !== 1) elements[node.id] = refs;
    if (values.length > limit) return undefined;
  }
  return { values, outputs: new Map(outputs.map((o) => [o, elements[o.id] ?? [first[o.id]]])) };
}

/** The number of elements of a static shape (undefined with named dims): staticSize, without its allocations. */
export function elementCount(shape: Shape): number | undefined {
  let size = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return undefined;
    size *= d;
  }
  return size;
}

/** The op's name and attributes: nodes with equal keys compute the same scalar function. */
function opKey(node: Node): string {
  for (const _ in node.attrs) return `${node.op}${JSON.stringify(node.attrs)}`;
  return `${node.op}{}`;
}

/** The exact identities: which argument the result equals, if any. */
function identityArgument(key: string, known: readonly (number | undefined)[]): number | undefined {
  const [a, b] = known;
  if (key === 'mul{}' || key === 'mul') return b === 1 ? 0 : a === 1 ? 1 : undefined;
  if (key === 'div{}') return b === 1 ? 0 : undefined;
  if (key === 'sub{}') return Object.is(b, 0) ? 0 : undefined;
  if (key === 'add{}' || key === 'add') return Object.is(b, -0) ? 0 : Object.is(a, -0) ? 1 : undefined;
  if (key === 'stop_gradient{}') return 0;
  return undefined;
}

function evaluateOne(node: Node, args: readonly number[], dtype: DType): number {
  const out = dtype === 'float32' ? new Float32Array(1) : new Float64Array(1);
  const inputs = args.map((v) => ({ shape: [], data: Float64Array.of(v) }));
  node.def.evaluate(out, inputs, node.attrs, []);
  return out[0];
}

function mapIndices(shape: readonly number[], f: (index: number[], flat: number) => number): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  const index = new Array<number>(shape.length).fill(0);
  const out = new Array<number>(size);
  for (let flat = 0; flat < size; flat++) {
    out[flat] = f(index, flat);
    for (let a = shape.length - 1; a >= 0 && ++index[a] === shape[a]; a--) index[a] = 0;
  }
  return out;
}

function dot(index: readonly number[], strides: readonly number[]): number {
  let o = 0;
  for (let a = 0; a < index.length; a++) o += index[a] * strides[a];
  return o;
}

/** Which values the outputs depend on (expansion leaves unused elements behind, e.g. those a slice drops). */
export function liveValues(program: ScalarProgram): Uint8Array {
  const live = new Uint8Array(program.values.length);
  for (const refs of program.outputs.values()) for (const r of refs) live[r] = 1;
  for (let r = program.values.length - 1; r >= 0; r--) {
    const v = program.values[r];
    if (live[r] && v.kind === 'op') for (const a of v.args) live[a] = 1;
  }
  return live;
}
