import type { Node } from '../../graph.js';
import { op, simd } from './instructions.js';

/**
 * How a fused loop's trailing reduction runs in WebAssembly, in the JS loop's order:
 * `columns` (over every axis but the last) keeps one vector accumulator per vector of the row
 * in memory, every row joining it lane by lane; `rows` (over the last axis only) and `total`
 * (over every axis) join the lanes of each vector one after another into a scalar, the lanes
 * past a row's end left out. `total` sums in float64 whatever the dtype, as the JS loop's local
 * does; `rows` in the dtype, as the JS loop's buffer does.
 */
export type ReductionKind = 'columns' | 'rows' | 'total';

/** The ops that join a value to an accumulator: [f32x4, f64x2] and [f32, f64] opcodes. */
const JOIN: Readonly<Record<string, { readonly vector: readonly [number, number]; readonly scalar: readonly [number, number] }>> = {
  sum: { vector: [0xe4, 0xf0], scalar: [0x92, 0xa0] },
  max: { vector: [0xe9, 0xf5], scalar: [0x97, 0xa5] },
  min: { vector: [0xe8, 0xf4], scalar: [0x96, 0xa4] },
};

export function reductionKind(node: Node, last: number): ReductionKind | undefined {
  if (!Object.prototype.hasOwnProperty.call(JOIN, node.op)) return undefined;
  const axes = node.attrs.axes as number[];
  if (axes.length === last + 1) return 'total';
  if (axes.length === last && axes.every((a) => a < last)) return 'columns';
  if (axes.length === 1 && axes[0] === last) return 'rows';
  return undefined;
}

/** The type of a `rows` or `total` accumulator. */
export function accumulatorType(kind: ReductionKind, dtype: 'float32' | 'float64'): 'f32' | 'f64' {
  return kind === 'total' || dtype === 'float64' ? 'f64' : 'f32';
}

/** The accumulator's first value: the reduction's identity. */
export function identity(node: Node, type: 'f32' | 'f64'): number[] {
  const value = node.def.reduction!.identity;
  return type === 'f32' ? op.f32Const(value) : op.f64Const(value);
}

/** `columns`: the vector at `pointer` joined with the vector on the stack (below it the pointer, pushed first here). */
export function joinVector(node: Node, dtype: 'float32' | 'float64', pointer: number, value: readonly number[]): number[] {
  const opcode = JOIN[node.op]!.vector[dtype === 'float32' ? 0 : 1];
  return [...op.localGet(pointer), ...op.localGet(pointer), ...op.v128Load(0), ...value, ...simd(opcode), ...op.v128Store(0)];
}

/**
 * `rows` and `total`: the lanes of vector local `value` joined into scalar local `accumulator`
 * one after another, each lane l ≥ 1 only where j + l < n (locals `j` and `n`).
 */
export function joinLanes(node: Node, dtype: 'float32' | 'float64', type: 'f32' | 'f64', value: number, accumulator: number, j: number, n: number): number[] {
  const count = dtype === 'float32' ? 4 : 2;
  const opcode = JOIN[node.op]!.scalar[type === 'f32' ? 0 : 1];
  const lane = (l: number) => [
    ...op.localGet(accumulator),
    ...op.localGet(value),
    ...(dtype === 'float32' ? op.f32x4ExtractLane(l) : op.f64x2ExtractLane(l)),
    ...(dtype === 'float32' && type === 'f64' ? op.f64PromoteF32 : []),
    opcode,
    ...op.localSet(accumulator),
  ];
  const code = lane(0);
  for (let l = 1; l < count; l++) code.push(...op.localGet(j), ...op.i32Const(l), ...op.i32Add, ...op.localGet(n), ...op.i32LtS, ...op.if, ...lane(l), ...op.end);
  return code;
}

/** Stores scalar local `accumulator` at the byte address in local `address`, in the dtype. */
export function storeAccumulator(dtype: 'float32' | 'float64', type: 'f32' | 'f64', accumulator: number, address: number): number[] {
  const value = [...op.localGet(accumulator), ...(dtype === 'float32' && type === 'f64' ? op.f32DemoteF64 : [])];
  return [...op.localGet(address), ...value, ...(dtype === 'float32' ? op.f32Store() : op.f64Store())];
}
