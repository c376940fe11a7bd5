import { describe, expect, it } from 'vitest';
import { base64, encodeModule, signed, unsigned, type ValueType, type WasmFunction } from '../../compiler/codegen/wasm/encode.js';
import { op } from '../../compiler/codegen/wasm/instructions.js';
import { wasmModule, TILE_ROWS, tileColumns } from '../../compiler/codegen/wasm/kernel.js';

/** The part of the WebAssembly API the tests use (the project's lib has no WebAssembly types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
type Memory = { buffer: ArrayBuffer; grow(pages: number): number };

function instantiate(functions: WasmFunction[], pages = 1): Record<string, unknown> & { memory: Memory } {
  const bytes = encodeModule({ functions, memory: { pages, export: 'memory' } });
  expect(wasm.validate(bytes)).toBe(true);
  return new wasm.Instance(new wasm.Module(bytes), {}).exports as Record<string, unknown> & { memory: Memory };
}

const fn = (name: string, params: ValueType[], results: ValueType[], body: (readonly number[])[], locals: ValueType[] = []): WasmFunction => ({
  export: name,
  params,
  results,
  locals,
  body: body.flat(),
});

describe('LEB128', () => {
  it.each([
    [0, [0x00]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [624485, [0xe5, 0x8e, 0x26]],
    [2 ** 32 - 1, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('unsigned %d', (value, bytes) => expect(unsigned(value)).toEqual(bytes));

  it.each([
    [0, [0x00]],
    [63, [0x3f]],
    [64, [0xc0, 0x00]],
    [-1, [0x7f]],
    [-64, [0x40]],
    [-65, [0xbf, 0x7f]],
    [-123456, [0xc0, 0xbb, 0x78]],
    [2 ** 31 - 1, [0xff, 0xff, 0xff, 0xff, 0x07]],
    [-(2 ** 31), [0x80, 0x80, 0x80, 0x80, 0x78]],
  ])('signed %d', (value, bytes) => expect(signed(value)).toEqual(bytes));

  it('refuses what it cannot encode', () => {
    expect(() => unsigned(-1)).toThrow();
    expect(() => unsigned(1.5)).toThrow();
    expect(() => signed(0.5)).toThrow();
  });
});

describe('encoded modules validate and compute', () => {
  it('integer arithmetic, comparisons and constants', () => {
    const { f, lt, big } = instantiate([
      fn('f', ['i32', 'i32'], ['i32'], [op.localGet(0), op.localGet(1), op.i32Add, op.i32Const(-3), op.i32Mul, op.i32Const(5), op.i32Sub, op.i32Const(2), op.i32Shl]),
      fn('lt', ['i32', 'i32'], ['i32'], [op.localGet(0), op.localGet(1), op.i32LtS, op.localGet(0), op.localGet(1), op.i32LtU, op.i32Const(2), op.i32Mul, op.i32Add]),
      fn('big', [], ['i32'], [op.i32Const(-123456789)]),
    ]) as Record<string, (...a: number[]) => number>;
    expect(f(4, 6)).toBe(((4 + 6) * -3 - 5) * 4);
    expect(lt(-1, 1)).toBe(1); // signed only: -1 is 0xffffffff unsigned
    expect(lt(1, 2)).toBe(3);
    expect(big()).toBe(-123456789);
  });

  it('if/else, select and the logic of comparisons', () => {
    const { pick, clamp } = instantiate([
      // a == 2 && b >= -1 ? 10 : 20
      fn('pick', ['i32', 'i32'], ['i32'], [
        op.localGet(0), op.i32Const(2), op.i32Eq, op.localGet(1), op.i32Const(-1), op.i32GeS, op.i32And,
        op.if, op.i32Const(10), op.localSet(2), op.else, op.i32Const(20), op.localSet(2), op.end, op.localGet(2),
      ], ['i32']),
      // min(a, b) by select
      fn('clamp', ['i32', 'i32'], ['i32'], [op.localGet(0), op.localGet(1), op.localGet(0), op.localGet(1), op.i32LtS, op.select]),
    ]) as Record<string, (a: number, b: number) => number>;
    expect([pick(2, -1), pick(2, -2), pick(3, 5)]).toEqual([10, 20, 20]);
    expect([clamp(3, 7), clamp(7, 3), clamp(-4, 2)]).toEqual([3, 3, -4]);
  });

  it('a loop with block, br_if and locals: the sum of 1..n', () => {
    const body = [
      op.block,
      op.loop,
      op.localGet(0), op.i32Eqz, op.brIf(1),
      op.localGet(1), op.localGet(0), op.i32Add, op.localSet(1),
      op.localGet(0), op.i32Const(1), op.i32Sub, op.localSet(0),
      op.br(0),
      op.end,
      op.end,
      op.localGet(1),
    ];
    const { sum } = instantiate([fn('sum', ['i32'], ['i32'], body, ['i32'])]) as Record<string, (n: number) => number>;
    expect(sum(100)).toBe(5050);
    expect(sum(0)).toBe(0);
  });

  it('float loads, stores and arithmetic in the exported memory', () => {
    const { axpy, memory } = instantiate([
      fn('axpy', ['f64'], [], [
        op.i32Const(16), op.localGet(0), op.i32Const(0), op.f64Load(), op.f64Mul, op.i32Const(0), op.f64Load(8), op.f64Add, op.f64Store(),
        op.i32Const(24), op.f32Const(0.5), op.i32Const(28), op.f32Load(), op.f32Mul, op.f32Const(1.25), op.f32Add, op.f32Store(),
      ]),
    ]);
    new Float64Array(memory.buffer, 0, 2).set([3, 0.25]);
    new Float32Array(memory.buffer, 28, 1)[0] = 6;
    (axpy as (a: number) => void)(2);
    expect(new Float64Array(memory.buffer, 16, 1)[0]).toBe(6.25);
    expect(new Float32Array(memory.buffer, 24, 1)[0]).toBe(4.25);
  });

  it('the memory is exported and grows, from JS and by memory.grow', () => {
    const { grow, size, memory } = instantiate([
      fn('grow', ['i32'], ['i32'], [op.localGet(0), op.memoryGrow]),
      fn('size', [], ['i32'], [op.memorySize]),
    ], 0);
    expect(memory.buffer.byteLength).toBe(0);
    expect(memory.grow(2)).toBe(0);
    expect((grow as (p: number) => number)(3)).toBe(2);
    expect((size as () => number)()).toBe(5);
    expect(memory.buffer.byteLength).toBe(5 * 65536);
  });

  it('f64x2 and f32x4: splat, add, mul, extract lane, v128 load/store and constants', () => {
    const { f64, f32, vectors, memory } = instantiate([
      fn('f64', ['f64', 'f64'], ['f64'], [op.localGet(0), op.f64x2Splat, op.f64x2Const([1, 2]), op.f64x2Mul, op.localGet(1), op.f64x2Splat, op.f64x2Add, op.f64x2ExtractLane(1)]),
      fn('f32', ['f32'], ['f32'], [op.localGet(0), op.f32x4Splat, op.f32x4Const([1, 2, 3, 4]), op.f32x4Add, op.f32x4Const([1, 1, 1, 0.5]), op.f32x4Mul, op.f32x4ExtractLane(3)]),
      // memory[32..48) = memory[0..16) * memory[16..32) (f64x2), memory[48..64) = memory[0..16) + splat(memory[16]) (f32x4)
      fn('vectors', [], [], [
        op.i32Const(32), op.i32Const(0), op.v128Load(), op.i32Const(0), op.v128Load(16), op.f64x2Mul, op.v128Store(),
        op.i32Const(48), op.i32Const(0), op.v128Load(), op.i32Const(16), op.v128Load32Splat(), op.f32x4Add, op.v128Store(),
      ]),
    ]);
    expect((f64 as (a: number, b: number) => number)(3, 0.5)).toBe(6.5);
    expect((f32 as (a: number) => number)(2)).toBe(3);
    const bytes = new Uint8Array(memory.buffer);
    const x = Float64Array.of(1.5, -2);
    const y = Float64Array.of(4, 0.25);
    bytes.set(new Uint8Array(x.buffer), 0);
    bytes.set(new Uint8Array(y.buffer), 16);
    (vectors as () => void)();
    expect([...new Float64Array(memory.buffer, 32, 2)]).toEqual([6, -0.5]);
    const lanes = new Float32Array(memory.buffer, 0, 4);
    const splat = new Float32Array(memory.buffer, 16, 1)[0];
    expect([...new Float32Array(memory.buffer, 48, 4)]).toEqual([...lanes].map((v) => Math.fround(v + splat)));
  });

  it('load splat, load lane and store lane', () => {
    const { lanes64, lanes32, memory } = instantiate([
      // memory[16] = lane 1 of (splat(memory[0]) with lane 1 replaced by memory[8]) + lane 0 of splat(memory[0])
      fn('lanes64', [], [], [
        op.i32Const(16),
        op.i32Const(0), op.v128Load64Splat(), op.localSet(0),
        op.i32Const(8), op.localGet(0), op.v128Load64Lane(0, 1), op.f64x2ExtractLane(1),
        op.localGet(0), op.f64x2ExtractLane(0), op.f64Add, op.f64Store(),
      ], ['v128']),
      // memory[36] (f32) = lane 2 of splat(memory[32]) with lane 2 replaced by memory[40]; memory[56] (f64) = lane 1 of splat(memory[0])
      fn('lanes32', [], [], [
        op.i32Const(36), op.i32Const(40), op.i32Const(32), op.v128Load32Splat(), op.v128Load32Lane(0, 2), op.v128Store32Lane(0, 2),
        op.i32Const(56), op.i32Const(0), op.v128Load64Splat(), op.v128Store64Lane(0, 1),
      ]),
    ]);
    const f64 = new Float64Array(memory.buffer, 0, 8);
    f64.set([7, 0.5]);
    (lanes64 as () => void)();
    expect(f64[2]).toBe(7.5);
    const f32 = new Float32Array(memory.buffer, 32, 3);
    f32.set([1, 0, 9]);
    (lanes32 as () => void)();
    expect(f32[1]).toBe(9);
    expect(f64[7]).toBe(7);
  });

  it('a corrupt module does not validate', () => {
    const bytes = encodeModule({ functions: [fn('f', [], ['i32'], [op.i32Const(1)])] });
    expect(wasm.validate(bytes)).toBe(true);
    expect(wasm.validate(bytes.slice(0, -2))).toBe(false);
    expect(wasm.validate(encodeModule({ functions: [fn('f', [], ['i32'], [op.f64Const(1)])] }))).toBe(false);
  });

  it('base64 of a module of megabytes (more bytes than a call takes arguments) is Node\'s', () => {
    const bytes = Uint8Array.from({ length: 3_000_001 }, (_, i) => (i * 7919) % 256);
    expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('base64 is what atob decodes back to the bytes', () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 97) % 256);
    expect(Uint8Array.from(atob(base64(bytes)), (c) => c.charCodeAt(0))).toEqual(bytes);
  });
});

describe.each(['float64', 'float32'] as const)('the gemm block kernel (%s)', (dtype) => {
  it.each([['rows next to each other (a vector at a time)', 1, 7], ['strided rows', 9, 1]])('packs %s as the JS gemm does, the last panel repeating its last row', (_, rs, cs) => {
    const { memory, ...exports } = new wasm.Instance(new wasm.Module(wasmModule(dtype, { gemm: true, loops: [] })), {}).exports as { memory: Memory } & Record<string, (...a: number[]) => void>;
    memory.grow(1);
    const heap = new (dtype === 'float32' ? Float32Array : Float64Array)(memory.buffer);
    const size = dtype === 'float32' ? 4 : 8;
    const [rows, kc] = [11, 5];
    heap.set(Array.from({ length: 100 }, (_, i) => i + 1));
    for (const tile of new Set([TILE_ROWS, tileColumns(dtype)])) {
      const o = 200;
      exports[`pack${tile}`](0, rs * size, cs * size, rows, kc, o * size);
      const expected: number[] = [];
      for (let r = 0; r < rows; r += tile) for (let p = 0; p < kc; p++) for (let t = 0; t < tile; t++) expected.push(heap[Math.min(r + t, rows - 1) * rs + p * cs]);
      expect(Array.from(heap.subarray(o, o + expected.length)), `pack${tile}`).toEqual(expected);
    }
  });

  it('validates and computes C = A·B of packed panels exactly (small integers)', () => {
    const bytes = wasmModule(dtype, { gemm: true, loops: [] });
    expect(wasm.validate(bytes)).toBe(true);
    const { block, memory } = new wasm.Instance(new wasm.Module(bytes), {}).exports as { block(...a: number[]): void; memory: Memory };
    const [mr, nr] = [TILE_ROWS, tileColumns(dtype)];
    const [m, n, k] = [2 * mr, 3 * nr, 5];
    const size = dtype === 'float32' ? 4 : 8;
    memory.grow(1);
    const Heap = dtype === 'float32' ? Float32Array : Float64Array;
    const heap = new Heap(memory.buffer);
    const a = (i: number, p: number) => ((i * 7 + p * 3) % 11) - 5;
    const b = (p: number, j: number) => ((p * 5 + j * 2) % 9) - 4;
    let o = 0;
    for (let r = 0; r < m; r += mr) for (let p = 0; p < k; p++) for (let i = 0; i < mr; i++) heap[o++] = a(r + i, p);
    const b0 = o;
    for (let c = 0; c < n; c += nr) for (let p = 0; p < k; p++) for (let j = 0; j < nr; j++) heap[o++] = b(p, c + j);
    const c0 = o + 3; // C rows 2 elements apart past their end: ldc > n
    const ldc = n + 2;
    block(m, n, k, 0, b0 * size, c0 * size, ldc * size);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let expected = 0;
        for (let p = 0; p < k; p++) expected += a(i, p) * b(p, j);
        expect(heap[c0 + i * ldc + j], `C[${i}, ${j}]`).toBe(expected);
      }
    }
  });
});
