import { signed, unsigned } from './encode.js';

/**
 * The instructions the kernels use, as bytes (a function body is their concatenation). Memory
 * instructions take a constant byte offset added to the address on the stack; the alignment
 * they declare is the natural one (a hint only).
 */

const memory = (opcode: number, align: number) => (offset = 0) => [opcode, align, ...unsigned(offset)];
/** The 0xFD prefix of the SIMD instructions; their own opcode follows as unsigned LEB128. */
export const simd = (opcode: number, ...rest: number[]) => [0xfd, ...unsigned(opcode), ...rest];
const simdMemory = (opcode: number, align: number) => (offset = 0) => simd(opcode, align, ...unsigned(offset));
const simdLane = (opcode: number, align: number) => (offset: number, lane: number) => simd(opcode, align, ...unsigned(offset), lane);

/** Little-endian bytes of a float or integer (or of several, for v128 constants). */
function bytesOf(array: Float32Array | Float64Array | BigInt64Array): number[] {
  return [...new Uint8Array(array.buffer)];
}

export const op = {
  // Control: block and loop take no values and give none (block type 0x40).
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  /** Runs what follows when the i32 on top is nonzero, else what follows `else`. */
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...unsigned(depth)],
  brIf: (depth: number) => [0x0d, ...unsigned(depth)],
  /** The first of two values when the i32 on top is nonzero, else the second. */
  select: [0x1b],
  localGet: (index: number) => [0x20, ...unsigned(index)],
  localSet: (index: number) => [0x21, ...unsigned(index)],

  i32Const: (value: number) => [0x41, ...signed(value)],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32LtS: [0x48],
  i32LtU: [0x49],
  i32GeS: [0x4e],
  i32And: [0x71],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],

  f32Const: (value: number) => [0x43, ...bytesOf(Float32Array.of(value))],
  f64Const: (value: number) => [0x44, ...bytesOf(Float64Array.of(value))],
  f32Load: memory(0x2a, 2),
  f64Load: memory(0x2b, 3),
  f32Store: memory(0x38, 2),
  f64Store: memory(0x39, 3),
  f32Add: [0x92],
  f32Mul: [0x94],
  f64Add: [0xa0],
  f64Mul: [0xa2],
  f32DemoteF64: [0xb6],
  f64PromoteF32: [0xbb],

  memorySize: [0x3f, 0x00],
  memoryGrow: [0x40, 0x00],

  v128Load: simdMemory(0x00, 4),
  v128Store: simdMemory(0x0b, 4),
  /** One lane's value loaded into every lane. */
  v128Load32Splat: simdMemory(0x09, 2),
  v128Load64Splat: simdMemory(0x0a, 3),
  /** Replace lane `lane` of the vector on the stack with a value from memory (address below the vector). */
  v128Load32Lane: simdLane(0x56, 2),
  v128Load64Lane: simdLane(0x57, 3),
  v128Store32Lane: simdLane(0x5a, 2),
  v128Store64Lane: simdLane(0x5b, 3),
  f32x4Const: (values: readonly number[]) => simd(0x0c, ...bytesOf(Float32Array.from(values))),
  f64x2Const: (values: readonly number[]) => simd(0x0c, ...bytesOf(Float64Array.from(values))),
  i64x2Const: (values: readonly bigint[]) => simd(0x0c, ...bytesOf(BigInt64Array.from(values))),
  /** Bytes `lanes[i]` of the 32 of the two vectors on the stack (0–15 the first, 16–31 the second). */
  i8x16Shuffle: (lanes: readonly number[]) => simd(0x0d, ...lanes),
  f32x4Splat: simd(0x13),
  f64x2Splat: simd(0x14),
  f32x4ExtractLane: (lane: number) => simd(0x1f, lane),
  f64x2ExtractLane: (lane: number) => simd(0x21, lane),
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  f64x2Div: simd(0xf3),
  f64x2Abs: simd(0xec),
  f64x2Neg: simd(0xed),
  /** Math.max's lanes: NaN for a NaN, and −0 < +0. */
  f64x2Max: simd(0xf5),
  /** Rounds toward zero. */
  f64x2Trunc: simd(0x7a),
  /** Rounds down. */
  f64x2Floor: simd(0x75),
  // Comparisons give lanes of all ones (true) or all zeros.
  f64x2Eq: simd(0x47),
  f64x2Ne: simd(0x48),
  f64x2Lt: simd(0x49),
  f64x2Gt: simd(0x4a),
  f64x2Le: simd(0x4b),
  f64x2Ge: simd(0x4c),
  /** The two low float32 lanes as float64 lanes. */
  f64x2PromoteLowF32x4: simd(0x5f),
  /** The two float64 lanes rounded to the two low float32 lanes, the high two zero. */
  f32x4DemoteF64x2Zero: simd(0x5e),
  v128Not: simd(0x4d),
  v128And: simd(0x4e),
  /** The first vector AND NOT the second. */
  v128Andnot: simd(0x4f),
  v128Or: simd(0x50),
  v128Xor: simd(0x51),
  /** Bits of the first vector where the third (the mask, on top) has ones, else of the second. */
  v128Bitselect: simd(0x52),
  i64x2Add: simd(0xce),
  i64x2Sub: simd(0xd1),
  // Shifts take the vector and then an i32 count.
  i64x2Shl: simd(0xcb),
  i64x2ShrU: simd(0xcd),
  i64x2LtS: simd(0xd8),
  i64x2GeS: simd(0xdb),
} as const;

/** The lane-typed instructions of a vector of float32 (f32x4) or float64 (f64x2) lanes. */
export interface Lanes {
  /** Bytes per lane. */
  readonly bytes: 4 | 8;
  /** Lanes per 128-bit vector. */
  readonly count: number;
  readonly loadSplat: (offset?: number) => number[];
  /** Scalar load and store of one lane's type. */
  readonly load: (offset?: number) => number[];
  readonly store: (offset?: number) => number[];
  readonly zero: number[];
  readonly add: number[];
  readonly mul: number[];
}

export function lanes(dtype: 'float32' | 'float64'): Lanes {
  return dtype === 'float32'
    ? { bytes: 4, count: 4, loadSplat: op.v128Load32Splat, load: op.f32Load, store: op.f32Store, zero: op.f32x4Const([0, 0, 0, 0]), add: op.f32x4Add, mul: op.f32x4Mul }
    : { bytes: 8, count: 2, loadSplat: op.v128Load64Splat, load: op.f64Load, store: op.f64Store, zero: op.f64x2Const([0, 0]), add: op.f64x2Add, mul: op.f64x2Mul };
}
