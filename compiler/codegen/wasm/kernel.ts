import { encodeModule, type ValueType, type WasmFunction } from './encode.js';
import { lanes, op } from './instructions.js';

/** Rows of the register tile; its columns are two vectors (4 float64 or 8 float32). */
export const TILE_ROWS = 4;

export function tileColumns(dtype: 'float32' | 'float64'): number {
  return 2 * lanes(dtype).count;
}

// Locals of `block`, after its seven i32 params mc, nc, kc, a, b, c, ldc.
const [MC, NC, KC, A, B, C, LDC] = [0, 1, 2, 3, 4, 5, 6];
const [JR, IR, PA, PB, END, CROW, CP, BPANEL, APANEL, CCOL, ASTEP, BSTEP] = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
const ACC = 19; // 2 × TILE_ROWS accumulators, then the two vectors of B and the splat of A
const [B0, B1, AV] = [ACC + 2 * TILE_ROWS, ACC + 2 * TILE_ROWS + 1, ACC + 2 * TILE_ROWS + 2];

/**
 * The module's WebAssembly: its memory, the fused `loops` (wasm/loops.ts) and, with `gemm`, the
 * packing functions of `packFunction` and `block`.
 */
export function wasmModule(dtype: 'float32' | 'float64', parts: { readonly gemm: boolean; readonly loops: readonly WasmFunction[] }): Uint8Array {
  const gemm = parts.gemm ? [gemmBlock(dtype), ...[...new Set([TILE_ROWS, tileColumns(dtype)])].map((tile) => packFunction(dtype, tile))] : [];
  return encodeModule({ functions: [...gemm, ...parts.loops], memory: { pages: 0, export: 'memory' } });
}

/**
 * The gemm's inner part, `block(mc, nc, kc, a, b, c, ldc)`: C = A·B for a packed block, all in
 * memory at byte addresses.
 * A (mc×kc) is packed as panels of TILE_ROWS rows, each p-major (TILE_ROWS values per step of
 * k); B (kc×nc) as panels of two vectors' columns, each p-major; C is row-major with rows `ldc`
 * bytes apart. mc and nc are whole tiles, kc ≥ 1. Tiles run from the last columns to the first,
 * so with `ldc` = the bytes of fewer than nc columns (C's own row length) the columns past a row's
 * end land in the next row and are overwritten by the right values later; C then needs room for
 * mc rows of `ldc` bytes and a tile's columns more. Per step of k a tile loads two vectors of B,
 * splats TILE_ROWS values of A, and does 2·TILE_ROWS vector multiply-adds into accumulators
 * that stay in registers; each lane sums its products in order of p, as the JS gemm does.
 */
function gemmBlock(dtype: 'float32' | 'float64'): WasmFunction {
  const v = lanes(dtype);
  const rows = TILE_ROWS;
  const columnBytes = 2 * 16;
  const get = op.localGet;
  const set = op.localSet;
  const addTo = (local: number, bytes: number) => [...get(local), ...op.i32Const(bytes), ...op.i32Add, ...set(local)];
  const addLocal = (local: number, step: number) => [...get(local), ...get(step), ...op.i32Add, ...set(local)];
  const multiplyAdds: number[] = [];
  for (let r = 0; r < rows; r++) {
    multiplyAdds.push(...get(PA), ...v.loadSplat(r * v.bytes), ...set(AV));
    for (const [k, bv] of [B0, B1].entries()) multiplyAdds.push(...get(ACC + 2 * r + k), ...get(AV), ...get(bv), ...v.mul, ...v.add, ...set(ACC + 2 * r + k));
  }
  const stores: number[] = [...get(CROW), ...set(CP)];
  for (let r = 0; r < rows; r++) {
    stores.push(...get(CP), ...get(ACC + 2 * r), ...op.v128Store(0), ...get(CP), ...get(ACC + 2 * r + 1), ...op.v128Store(16));
    stores.push(...addLocal(CP, LDC));
  }
  const body = [
    ...get(KC), ...op.i32Const(rows * v.bytes), ...op.i32Mul, ...set(ASTEP),
    ...get(KC), ...op.i32Const(columnBytes), ...op.i32Mul, ...set(BSTEP),
    // Panels of B from the last: their columns past nc spill into the next row of C, whose first columns come later.
    ...get(B), ...get(NC), ...get(KC), ...op.i32Mul, ...op.i32Const(v.bytes), ...op.i32Mul, ...op.i32Add, ...set(BPANEL),
    ...get(C), ...get(NC), ...op.i32Const(v.bytes), ...op.i32Mul, ...op.i32Add, ...set(CCOL),
    ...get(NC), ...set(JR),
    ...op.loop, // over panels of B (tile columns)
    ...get(BPANEL), ...get(BSTEP), ...op.i32Sub, ...set(BPANEL),
    ...addTo(CCOL, -columnBytes),
    ...addTo(JR, -2 * v.count),
    ...get(A), ...set(APANEL),
    ...get(CCOL), ...set(CROW),
    ...op.i32Const(0), ...set(IR),
    ...op.loop, // over panels of A (tile rows)
    ...Array.from({ length: 2 * rows }, (_, k) => [...v.zero, ...set(ACC + k)]).flat(),
    ...get(APANEL), ...set(PA),
    ...get(BPANEL), ...set(PB),
    ...get(BPANEL), ...get(BSTEP), ...op.i32Add, ...set(END),
    ...op.loop, // over k
    ...get(PB), ...op.v128Load(0), ...set(B0),
    ...get(PB), ...op.v128Load(16), ...set(B1),
    ...multiplyAdds,
    ...addTo(PA, rows * v.bytes),
    ...addTo(PB, columnBytes),
    ...get(PB), ...get(END), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...stores,
    ...get(CP), ...set(CROW),
    ...addLocal(APANEL, ASTEP),
    ...addTo(IR, rows),
    ...get(IR), ...get(MC), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...get(JR), ...op.brIf(0),
    ...op.end,
  ];
  return { export: 'block', params: Array<ValueType>(7).fill('i32'), results: [], locals: [...Array<ValueType>(ACC - 7).fill('i32'), ...Array<ValueType>(2 * rows + 3).fill('v128')], body };
}

/**
 * `pack<tile>(x, rs, cs, rows, kc, o)`: packs rows × kc of a matrix in memory (element (r, p) at
 * byte x + r·rs + p·cs) from byte o on, as panels of `tile` rows, each p-major: what the JS gemm
 * does for its arrays. Lanes past the last row repeat it.
 */
function packFunction(dtype: 'float32' | 'float64', tile: number): WasmFunction {
  const v = lanes(dtype);
  const [X, RS, CS, ROWS, KC, O, R, Y, END, LEFT, S] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const get = op.localGet;
  const set = op.localSet;
  const offsets: number[] = [];
  // S + t - 1 = min(t, rows - r - 1) · rs
  for (let t = 1; t < tile; t++) offsets.push(...op.i32Const(t), ...get(LEFT), ...op.i32Const(t), ...get(LEFT), ...op.i32LtS, ...op.select, ...get(RS), ...op.i32Mul, ...set(S + t - 1));
  const copies: number[] = [];
  for (let t = 0; t < tile; t++) copies.push(...get(O), ...get(Y), ...(t > 0 ? [...get(S + t - 1), ...op.i32Add] : []), ...v.load(), ...v.store(t * v.bytes));
  const vectors: number[] = [];
  for (let b = 0; b < tile * v.bytes; b += 16) vectors.push(...get(O), ...get(Y), ...op.v128Load(b), ...op.v128Store(b));
  const overK = (step: number[]) => [
    ...op.loop,
    ...step,
    ...get(O), ...op.i32Const(tile * v.bytes), ...op.i32Add, ...set(O),
    ...get(Y), ...get(CS), ...op.i32Add, ...set(Y),
    ...get(O), ...get(END), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
  ];
  const body = [
    ...op.loop, // over panels
    ...get(ROWS), ...get(R), ...op.i32Sub, ...op.i32Const(1), ...op.i32Sub, ...set(LEFT),
    ...offsets,
    ...get(X), ...set(Y),
    ...get(O), ...get(KC), ...op.i32Const(tile * v.bytes), ...op.i32Mul, ...op.i32Add, ...set(END),
    // A whole panel of rows next to each other (rs = one element) is copied a vector at a time.
    ...get(RS), ...op.i32Const(v.bytes), ...op.i32Eq, ...get(LEFT), ...op.i32Const(tile - 1), ...op.i32GeS, ...op.i32And,
    ...op.if,
    ...overK(vectors),
    ...op.else,
    ...overK(copies),
    ...op.end,
    ...get(X), ...get(RS), ...op.i32Const(tile), ...op.i32Mul, ...op.i32Add, ...set(X),
    ...get(R), ...op.i32Const(tile), ...op.i32Add, ...set(R),
    ...get(R), ...get(ROWS), ...op.i32LtS, ...op.brIf(0),
    ...op.end,
  ];
  return { export: `pack${tile}`, params: Array<ValueType>(6).fill('i32'), results: [], locals: Array<ValueType>(S + tile - 1 - 6).fill('i32'), body };
}
