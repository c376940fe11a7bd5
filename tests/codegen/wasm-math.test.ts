import { describe, expect, it, vi } from 'vitest';
import { encodeModule, type ValueType } from '../../compiler/codegen/wasm/encode.js';
import { op } from '../../compiler/codegen/wasm/instructions.js';
import { MATH_LOCALS, mathLanes, type MathOp } from '../../compiler/codegen/wasm/math.js';
import { Graph } from '../../compiler/graph.js';
import { add, cosh, elu, exp, expm1, log, log1p, matmul, mul, neg, sigmoid, sinh, softplus, tanh } from '../../compiler/ops/index.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { seededRandom } from '../support/random.js';
import { compileFor, realWasm } from './wasm-support.js';

type Dtype = 'float32' | 'float64';
type Floats = Float32Array | Float64Array;

/** What the JS loops compute (compiler/ops/exp.ts, log.ts, sigmoid.ts, expm1.ts, log1p.ts, tanh.ts, sinh.ts, cosh.ts, softplus.ts and elu.ts, with alpha 1.5). */
const JS: Record<MathOp, (x: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  expm1: Math.expm1,
  log1p: Math.log1p,
  tanh: Math.tanh,
  sinh: Math.sinh,
  cosh: Math.cosh,
  softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  elu: (x) => (x > 0 ? x : 1.5 * Math.expm1(x)),
};

/** The attributes of the ops that have them, as JS above uses them. */
const ATTRS: Partial<Record<MathOp, Readonly<Record<string, unknown>>>> = { elu: { alpha: 1.5 } };

/** `name` over an array in WebAssembly, a vector at a time, in place in the module's memory. */
function lanewise(name: MathOp, dtype: Dtype): (x: Floats) => Floats {
  const [N, P] = [0, 1];
  const body = [
    ...op.loop,
    ...op.localGet(P), ...op.localGet(P), ...op.v128Load(0), ...mathLanes(name, dtype, 2, ATTRS[name]), ...op.v128Store(0),
    ...op.localGet(P), ...op.i32Const(16), ...op.i32Add, ...op.localSet(P),
    ...op.localGet(N), ...op.i32Const(1), ...op.i32Sub, ...op.localSet(N),
    ...op.localGet(N), ...op.brIf(0),
    ...op.end,
  ];
  const bytes = encodeModule({
    functions: [{ export: 'map', params: ['i32', 'i32'], results: [], locals: Array<ValueType>(MATH_LOCALS).fill('v128'), body }],
    memory: { pages: 1, export: 'memory' },
  });
  expect(realWasm.validate(bytes)).toBe(true);
  const wasm = realWasm as unknown as { Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: Record<string, unknown> } };
  const exports = new wasm.Instance(new wasm.Module(bytes), {}).exports as { memory: { buffer: ArrayBuffer; grow(pages: number): number }; map(n: number, p: number): void };
  return (x) => {
    const missing = x.byteLength + 16 - exports.memory.buffer.byteLength;
    if (missing > 0) exports.memory.grow(Math.ceil(missing / 65536));
    const heap = dtype === 'float64' ? new Float64Array(exports.memory.buffer) : new Float32Array(exports.memory.buffer);
    heap.set(x);
    exports.map(Math.ceil(x.byteLength / 16), 0);
    return heap.slice(0, x.length);
  };
}

/**
 * softplus adds two NaNs for a NaN, max(x, 0)'s and log1p's: which one the sum gives is the JIT's
 * choice of operand order (as for the chains of the generated modules below), so its NaNs need only be NaNs.
 */
const ANY_NAN: readonly MathOp[] = ['softplus'];

/** Fails on the first value whose bits differ from the JS result's (NaN payloads included, but for ANY_NAN). */
function expectSameBits(name: MathOp, dtype: Dtype, x: Floats): void {
  const got = lanewise(name, dtype)(x);
  const want = dtype === 'float64' ? new Float64Array(x.length) : new Float32Array(x.length);
  const f = JS[name];
  for (let i = 0; i < x.length; i++) want[i] = f(x[i]!);
  const [g, w] = [new Uint32Array(got.buffer), new Uint32Array(want.buffer)];
  const words = dtype === 'float64' ? 2 : 1;
  for (let i = 0; i < g.length; i++) {
    const k = Math.floor(i / words);
    if (g[i] !== w[i] && !(ANY_NAN.includes(name) && Number.isNaN(got[k]) && Number.isNaN(want[k]))) {
      expect.fail(`${name}(${x[k]}) [${dtype}, index ${k}]: WebAssembly ${got[k]}, JS ${want[k]}`);
    }
  }
}

const F64 = new Float64Array(1);
const BITS = new BigUint64Array(F64.buffer);
const fromBits = (bits: bigint) => ((BITS[0] = bits), F64[0]);
const bitsOf = (x: number) => ((F64[0] = x), BITS[0]);

/** Arrays of float64 points, seeded. */
const random = seededRandom(19);
function many(count: number, point: () => number): Float64Array {
  const points = new Float64Array(count);
  for (let i = 0; i < count; i++) points[i] = point();
  return points;
}
const uniform = (lo: number, hi: number) => lo + (hi - lo) * random();
const word = () => Math.floor(random() * 2 ** 32);
/** Doubles of random bits, the high word's bits limited to `high`. */
function randomBits(count: number, high = 0xffffffff): Float64Array {
  const words = new Uint32Array(2 * count);
  for (let i = 0; i < words.length; i++) words[i] = i % 2 ? word() & high : word();
  return new Float64Array(words.buffer);
}
/** ±2^e·(1 + u), e uniform over [lo, hi). */
const logUniform = (lo: number, hi: number) => (random() < 0.5 ? -1 : 1) * 2 ** Math.floor(uniform(lo, hi)) * (1 + random());
/** `count` doubles on each side of each of `centers`, those included. */
const neighbors = (centers: readonly number[], count: number) =>
  Float64Array.from(centers.flatMap((c) => Array.from({ length: 2 * count + 1 }, (_, i) => fromBits(bitsOf(c) + BigInt(i - count)))));
/** Doubles of random exponents (biased, in [lo, hi)) whose high word's fraction bits are within 2 of one of `fractions` (low words random). */
function nearHighWords(count: number, fractions: readonly number[], lo = 1, hi = 2047): Float64Array {
  const words = new Uint32Array(2 * count);
  for (let i = 0; i < words.length; i++) {
    words[i] = i % 2 ? (Math.floor(uniform(lo, hi)) << 20) | (fractions[Math.floor(random() * fractions.length)]! + Math.floor(uniform(-2, 3))) : word();
  }
  return new Float64Array(words.buffer);
}

const SPECIALS = [
  0, -0, 1, -1, 2, 0.5, Math.E, NaN, Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE,
  2.2250738585072014e-308, 2.225073858507201e-308, -2.2250738585072014e-308, 2 ** -28, -(2 ** -28), 2 ** -29, 1e-300, -1e-300,
  709.782712893384, 709.7827128933841, 709.78, 710, -745.1332191019411, -745.1332191019412, -745.2, -744, -708.3964185322641, -708.4,
  Math.LN2, -Math.LN2, 0.5 * Math.LN2, 1.5 * Math.LN2, -0.5 * Math.LN2, Math.SQRT2, Math.SQRT1_2, 1 + 2 ** -52, 1 - 2 ** -53, 1e300, 40, -40,
  // NaNs with payloads, signaling, negative
  fromBits(0x7ff0000000000001n), fromBits(0x7ff4000000000000n), fromBits(0xfff8000000000000n), fromBits(0xfff0000000000123n), fromBits(0x7ff8000000000abcn),
];

/** Points for each function: random bit patterns, its ranges, and the edges of fdlibm's branches. */
const POINTS: Record<MathOp, () => Float64Array[]> = {
  exp: () => [
    many(1 << 20, () => uniform(-750, 750)),
    many(1 << 20, () => logUniform(-1080, 10)),
    many(1 << 18, () => uniform(-745.2, -708)), // subnormal results
    // thresholds of overflow, underflow, the first subnormal, |x| ≤ ln2/2, |x| < 1.5·ln2 and 2^−28
    neighbors([709.782712893384, -745.1332191019411, -708.3964185322641, 0.3465735912322998, -0.3465735912322998, 1.0397205352783203, -1.0397205352783203, 2 ** -28, -(2 ** -28), 1, -1], 4096),
    // where k = round(x/ln2) changes: (j + ½)·ln2
    neighbors(Array.from({ length: 2106 }, (_, j) => (j - 1080 + 0.5) * Math.LN2), 32),
  ],
  log: () => [
    many(1 << 20, () => Math.abs(logUniform(-1075, 1024))),
    randomBits(1 << 18, 0xfffff), // subnormals
    many(1 << 20, () => 1 + uniform(-(2 ** -18), 2 ** -18)), // |f| < 2^−20, k = 0 and ±1
    many(1 << 18, () => 2 ** Math.floor(uniform(-1074, 1024)) * (1 + uniform(-(2 ** -18), 2 ** -18))),
    // fdlibm's high-word bounds of the middle range (0x6147A, 0x6B851) and of √2 (0x6A09E), over exponents
    nearHighWords(1 << 18, [0x6147a, 0x6b851, 0x6a09e, 0xffffd, 2]),
    neighbors([1, 2, 0.5, Math.SQRT2, Math.SQRT1_2, 2.2250738585072014e-308, Number.MAX_VALUE], 4096),
  ],
  sigmoid: () => [many(1 << 20, () => uniform(-800, 800)), many(1 << 20, () => uniform(-40, 40)), many(1 << 18, () => logUniform(-1080, 10))],
  expm1: () => [
    many(1 << 20, () => uniform(-750, 750)),
    many(1 << 20, () => uniform(-40, 40)),
    many(1 << 20, () => logUniform(-1080, 10)),
    // thresholds of overflow, of −1 (−56·ln2 on the high word), |x| ≤ ln2/2, |x| < 1.5·ln2, 2^−54, and r < −0.25 where k = 1
    neighbors([709.782712893384, -38.81622314453125, 0.3465735912322998, -0.3465735912322998, 1.0397205352783203, -1.0397205352783203, 2 ** -54, -(2 ** -54), 0.25 + Math.LN2, 1, -1], 4096),
    // where k = round(x/ln2) changes (k = 2, 20 and 56 pick their own forms)
    neighbors(Array.from({ length: 1082 }, (_, j) => (j - 57 + 0.5) * Math.LN2), 64),
  ],
  log1p: () => [
    many(1 << 20, () => Math.abs(logUniform(-1075, 1024))),
    many(1 << 20, () => logUniform(-60, 0)), // both sides of 0, down to −1
    many(1 << 18, () => -1 + 2 ** -Math.floor(uniform(0, 54)) * random()), // just above −1
    randomBits(1 << 18, 0x3fffffff), // positive, 2^−1074 to 2
    // 1 + x = u of fraction's high words around fdlibm's bounds: √2 (0x6A09E), |f| < 2^−20 (0, 0xFFFFD); x from 2^53 itself
    nearHighWords(1 << 18, [0x6a09e, 0xffffd, 0xffffc, 0, 2], 1022, 1023 + 53).map((u) => u - 1),
    nearHighWords(1 << 16, [0x6a09e, 0xffffd, 0, 2], 1075, 2047),
    // the k = 0 form's bounds, 2^−29, 2^−54, 2^53, −1 and around √2 − 1 and √2/2 − 1
    neighbors([-0.292893648147583, 0.4142136573791504, 2 ** -29, -(2 ** -29), 2 ** -54, -(2 ** -54), 2 ** 53, -1, 1, Math.SQRT2 - 1, Math.SQRT1_2 - 1], 4096),
  ],
  tanh: () => [
    many(1 << 20, () => uniform(-30, 30)),
    many(1 << 20, () => logUniform(-1080, 10)),
    neighbors([22, -22, 1, -1, 2 ** -28, -(2 ** -28), 0.5, -0.5], 4096),
  ],
  // the thresholds of V8's forms: 2^−28 (sinh), 2^−55 and 0x3FD62E43_00000000 (cosh), 1, 22, e^(|x|/2)² and overflow
  sinh: () => [
    many(1 << 20, () => uniform(-720, 720)),
    many(1 << 20, () => uniform(-25, 25)),
    many(1 << 18, () => logUniform(-1080, 10)),
    neighbors([2 ** -28, 1, 22, 709.7822265625, 710.4758600739439].flatMap((b) => [b, -b]), 4096),
  ],
  cosh: () => [
    many(1 << 20, () => uniform(-720, 720)),
    many(1 << 20, () => uniform(-25, 25)),
    many(1 << 18, () => logUniform(-1080, 10)),
    neighbors([2 ** -55, 0.3465735912322998, 22, 709.7822265625, 710.4758600739439].flatMap((b) => [b, -b]), 4096),
  ],
  softplus: () => [many(1 << 20, () => uniform(-800, 800)), many(1 << 20, () => uniform(-40, 40)), many(1 << 18, () => logUniform(-1080, 10))],
  elu: () => [many(1 << 20, () => uniform(-60, 60)), many(1 << 18, () => logUniform(-1080, 10)), neighbors([0, 2 ** -54, 0.3465735912322998, 56 * Math.LN2].flatMap((b) => [b, -b]), 4096)],
};

describe.each(['exp', 'log', 'sigmoid', 'expm1', 'log1p', 'tanh', 'sinh', 'cosh', 'softplus', 'elu'] as const)('%s in WebAssembly lanes is V8\'s to the bit', (name) => {
  it('float64: special values, random bit patterns, wide ranges and the edges of its branches', () => {
    expectSameBits(name, 'float64', Float64Array.from(SPECIALS));
    expectSameBits(name, 'float64', randomBits(1 << 21));
    for (const points of POINTS[name]()) expectSameBits(name, 'float64', points);
  });

  it('float32: every 997th float32 bit pattern and the special values, rounded once', () => {
    const sweep = new Uint32Array(Math.ceil(2 ** 32 / 997));
    for (let i = 0; i < sweep.length; i++) sweep[i] = i * 997;
    expectSameBits(name, 'float32', new Float32Array(sweep.buffer));
    expectSameBits(name, 'float32', Float32Array.from(SPECIALS));
  });
});

describe.each(['float64', 'float32'] as const)('generated modules: loops with exp, log, sigmoid, expm1, log1p, tanh, sinh, cosh, softplus and elu in WebAssembly (%s)', (dtype) => {
  const g = new Graph(dtype);
  const [x, y, bias] = [g.input('x', ['R', 'N']), g.input('y', ['R', 'N']), g.input('bias', ['N'])];
  const z = matmul(g.input('a', ['R', 32]), g.input('b', [32, 'N']));
  const outputs = {
    e: exp(x), l: log(x), s: sigmoid(y), m: expm1(x), p: log1p(x), t: tanh(y), sh: sinh(x), ch: cosh(y), sp: softplus(y), el: elu(x, 1.5),
    layer: sigmoid(add(z, bias)), chain: log(add(exp(neg(mul(x, x))), y)), nested: exp(sigmoid(log(y))), hyperbolic: tanh(add(z, bias)), inverse: log1p(expm1(softplus(x))),
  };
  // The ops on loaded values give the js target's bytes, NaN payloads and all. So do float64
  // chains, but for NaNs: an op on two NaNs may give either one (WebAssembly and JS may order
  // add's operands differently). float32 chains are left to wasm-loops.test.ts: JS keeps their
  // intermediates in float64 (and the float32 gemm sums in float32 in WebAssembly). softplus adds two
  // NaNs for a NaN: its NaNs need only be NaNs.
  const exact = ['e', 'l', 's', 'm', 'p', 't', 'sh', 'ch', 'el'];
  const chains = ['sp', ...(dtype === 'float64' ? ['layer', 'chain', 'nested', 'hyperbolic', 'inverse'] : [])];
  const modules = Promise.all([compileFor(outputs, 'wasm'), compileFor(outputs, 'js')]);
  const special = [NaN, 0, -0, Infinity, -Infinity, 1, -1, 709.79, -745.2, -720, 1e-300, 5e-324, 2 ** -30, 1e300, -1e300];
  const feeds = (rows: number, n: number, seed: number): Record<string, Tensor> => {
    const r = seededRandom(seed);
    const values = (size: number) => Float64Array.from({ length: size }, (_, i) => (i < special.length ? special[(i + seed) % special.length]! : r() < 0.5 ? 8 * r() - 4 : 1600 * r() - 800));
    return {
      x: { data: values(rows * n), shape: [rows, n] }, y: { data: values(rows * n), shape: [rows, n] }, bias: { data: values(n), shape: [n] },
      a: { data: Float64Array.from({ length: rows * 32 }, () => r() - 0.5), shape: [rows, 32] }, b: { data: Float64Array.from({ length: 32 * n }, () => r() - 0.5), shape: [32, n] },
    };
  };

  it.each([[1, 1], [3, 5], [17, 33], [64, 512]])('%i × %i: the js target\'s bytes, with no Math.exp, log, expm1, log1p, tanh, sinh or cosh called', async (rows, n) => {
    const [wasm, js] = await modules;
    expect(wasm.source).toMatch(/wasm\.loop\d+\(/);
    const base64 = /\$wasmCode = '([^']*)'/.exec(wasm.source)![1]!;
    expect(realWasm.validate(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)))).toBe(true);
    const want = js.module.createKernel().run(feeds(rows, n, rows + n));
    // The JS loops call these (sigmoid and softplus too): here they must not run.
    for (const f of ['exp', 'log', 'expm1', 'log1p', 'tanh', 'sinh', 'cosh'] as const) vi.spyOn(Math, f).mockImplementation(() => expect.fail(`Math.${f} called: a JS loop ran`));
    const got = wasm.module.createKernel().run(feeds(rows, n, rows + n));
    vi.restoreAllMocks();
    for (const key of [...exact, ...chains]) {
      const [u, v] = [got[key]!.data, want[key]!.data];
      const [ub, vb] = [new Uint8Array(u.buffer, u.byteOffset, u.byteLength), new Uint8Array(v.buffer, v.byteOffset, v.byteLength)];
      expect(u.length, key).toBe(v.length);
      for (let i = 0; i < u.length; i++) {
        const bytes = (a: Uint8Array) => a.subarray(i * u.BYTES_PER_ELEMENT, (i + 1) * u.BYTES_PER_ELEMENT).join();
        const same = bytes(ub) === bytes(vb) || (!exact.includes(key) && Number.isNaN(u[i]) && Number.isNaN(v[i]));
        if (!same) expect.fail(`${key}[${i}]: wasm ${u[i]} (${bytes(ub)}), js ${v[i]} (${bytes(vb)})`);
      }
    }
  });
});
