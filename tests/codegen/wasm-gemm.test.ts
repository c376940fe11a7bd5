import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { constant } from '../../compiler/builder.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { abs, matmul, sum, transpose } from '../../compiler/ops/index.js';
import { grad } from '../../compiler/autodiff/index.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { loadModuleSource } from '../../runtime/module.js';
import { seededRandom, uniformArray } from '../support/random.js';
import { cli } from '../cli/run.js';
import { expectAgreement, randomFeeds } from './support.js';
import { compileFor, realWasm, removeWebAssembly, restoreWebAssembly, runFresh } from './wasm-support.js';

const compile = compileFor;
const run = runFresh;

const forms: [string, (a: Node, b: Node) => Node, (m: number, k: number, n: number) => [number[], number[]]][] = [
  ['AB', (a, b) => matmul(a, b), (m, k, n) => [[m, k], [k, n]]],
  ['AᵀB', (a, b) => matmul(transpose(a), b), (m, k, n) => [[k, m], [k, n]]],
  ['ABᵀ', (a, b) => matmul(a, transpose(b)), (m, k, n) => [[m, k], [n, k]]],
];
// (m, k, n): k = 1 and 3, tile and block edges of every dimension (MC 128, KC 512, NC 512; tiles 4 × 4 or 4 × 8), several blocks of k.
const sizes: [number, number, number][] = [[200, 1, 200], [128, 3, 130], [5, 3, 2200], [17, 513, 17], [513, 17, 5], [130, 1030, 70], [513, 513, 513]];

describe.each(['float64', 'float32'] as const)('WebAssembly and JS gemms agree (%s)', (dtype) => {
  const cases = forms.flatMap(([form, product, shapes]) => sizes.map(([m, k, n]) => [`${form} ${m}×${k}·${k}×${n}`, product, shapes(m, k, n), k] as const));
  it.each(cases)('%s', async (_, product, [as, bs], k) => {
    const g = new Graph(dtype);
    const outputs = { y: product(g.input('a', as), g.input('b', bs)) };
    const feeds = randomFeeds(outputs, {}, 3, [-1, 1]);
    const [wasm, js] = [await compile(outputs, 'wasm'), await compile(outputs, 'js')];
    expect(wasm.source).toContain('$gemm(');
    expect(wasm.source).toContain('WebAssembly');
    expect(js.source).not.toContain('WebAssembly');
    const [w, j] = [run(wasm.module, feeds).y, run(js.module, feeds).y];
    expect(w.length).toBe(j.length);
    if (dtype === 'float64') {
      for (let i = 0; i < j.length; i++) if (!(Math.abs(w[i] - j[i]) <= 1e-12 * Math.max(1, Math.abs(j[i])))) expect.fail(`y[${i}]: wasm ${w[i]}, js ${j[i]}`);
    } else {
      // A float32 sum of k products is within (k + 1)·2⁻²⁴·Σ|a·b| of the exact one; JS sums in float64 and rounds once.
      const bound = run(js.module, Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, { shape: t.shape, data: t.data.map(Math.abs) }]))).y;
      for (let i = 0; i < j.length; i++) {
        if (!(Math.abs(w[i] - j[i]) <= (k + 2) * 2 ** -24 * bound[i])) expect.fail(`y[${i}]: wasm ${w[i]}, js ${j[i]}, bound ${bound[i]}`);
      }
    }
  });
});

describe('the WebAssembly gemm in modules', () => {
  it('runs batched products and their gradients, broadcast batch axes (stride 0) included, as the JS gemm and the interpreter do', async () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const g = new Graph(dtype);
      const a = g.input('a', [2, 3, 37, 29]);
      const b = g.input('b', [3, 44, 29]);
      const x = g.input('x', ['N', 37, 29]);
      const w = g.input('w', [29, 44]);
      const y = matmul(a, transpose(b, [0, 2, 1]));
      const outputs = { y, da: grad(sum(y), a), db: grad(sum(y), b), z: matmul(x, w), dw: grad(sum(abs(matmul(x, w))), w) };
      const feeds = randomFeeds(outputs, { N: 3 });
      const [wasm, js] = [await compile(outputs, 'wasm'), await compile(outputs, 'js')];
      expect(wasm.source).toContain('$gemm(37, 44, 29, x, $i0 * 1073, 29, 1, w, 0, 44, 1, ');
      expectAgreement(wasm.module, outputs, feeds);
      const [rw, rj] = [run(wasm.module, feeds), run(js.module, feeds)];
      for (const name of Object.keys(outputs)) {
        rj[name].forEach((v, i) => {
          if (!(Math.abs(rw[name][i] - v) <= (dtype === 'float64' ? 1e-12 : 1e-5) * Math.max(1, Math.abs(v)))) expect.fail(`${dtype} ${name}[${i}]: wasm ${rw[name][i]}, js ${v}`);
        });
      }
    }
  });

  it('keeps the kernel\'s buffers in its memory, grown once to them and the blocks it packs, and never again over many runs', async () => {
    const grow = vi.spyOn(realWasm.Memory.prototype, 'grow');
    const g = new Graph();
    const [a, b, c] = [g.input('a', [2000, 20]), g.input('b', [20, 1100]), g.input('c', [1100, 4])];
    const ab = matmul(a, b);
    const outputs = { y: matmul(ab, c), ab };
    const feeds = randomFeeds(outputs);
    const { module } = await compile(outputs, 'wasm');
    const kernel = module.createKernel();
    const result = kernel.run(feeds);
    const first = Array.from(result.y.data);
    expect(grow).toHaveBeenCalledTimes(1);
    const bytes = grow.mock.calls[0][0] * 65536;
    // Outputs are views of the memory; it holds them (y, ab), the staged feeds (a, b, c) and packed
    // blocks of at most 128×512 of A, 512×512 of B and 128×512 of C (3 MB in float64).
    expect(result.y.data.buffer).toBe(result.ab.data.buffer);
    expect(result.ab.data.buffer.byteLength).toBe(bytes);
    const held = (2000 * 4 + 2000 * 1100 + 2000 * 20 + 20 * 1100 + 1100 * 4) * 8;
    expect(bytes).toBeGreaterThanOrEqual(held);
    expect(bytes).toBeLessThan(held + 3.2 * 2 ** 20);
    for (let i = 0; i < 50; i++) kernel.run(feeds);
    expect(Array.from(module.createKernel().run(feeds).y.data)).toEqual(first);
    expect(Array.from(kernel.run(feeds).y.data)).toEqual(first);
    expect(grow).toHaveBeenCalledTimes(2);
  });

  it('copies a constant matrix (outside its memory) in per call: the bits of the same matrix fed, which are not the JS gemm\'s', async () => {
    // float32 sums of 64 products: the WebAssembly gemm sums in float32, the JS one in float64.
    const values = uniformArray(seededRandom(3), 64 * 48, [-1, 1]);
    const layer = (weights: (g: Graph) => Node) => {
      const g = new Graph('float32');
      const [x, w] = [g.input('x', ['N', 64]), weights(g)];
      return { y: matmul(x, w), z: matmul(abs(matmul(x, w)), transpose(w)) };
    };
    const constantWeights = layer((g) => constant(g, Array.from(values), [64, 48]));
    const fedWeights = layer((g) => g.input('w', [64, 48]));
    const feeds = randomFeeds(constantWeights, { N: 700 });
    const [fed, js] = [run((await compile(fedWeights, 'wasm')).module, { ...feeds, w: { data: Float64Array.from(values), shape: [64, 48] } }), run((await compile(constantWeights, 'js')).module, feeds)];
    const copied = await compile(constantWeights, 'wasm');
    expect(copied.source).toContain('$gemm(');
    expect(run(copied.module, feeds)).toEqual(fed);
    expect(fed.y).not.toEqual(js.y);
  });

  describe('falls back to the JS gemm', () => {
    // float32 products of k = 600 terms: the WebAssembly gemm sums in float32, the JS one in float64, so their bits tell which ran.
    const g = new Graph('float32');
    const outputs = { y: matmul(g.input('a', [40, 600]), g.input('b', [600, 40])) };
    const feeds = randomFeeds(outputs);
    const expected = async () => [run((await compile(outputs, 'js')).module, feeds).y, run((await compile(outputs, 'wasm')).module, feeds).y];

    it.each([
      ['where WebAssembly is missing', () => void (removeWebAssembly())],
      ['where WebAssembly has no SIMD (validate fails)', () => void vi.spyOn(realWasm, 'validate').mockReturnValue(false)],
      ['where instantiation throws', () => void vi.spyOn(realWasm, 'Instance').mockImplementation(() => { throw new RangeError('out of memory'); })],
    ])('%s', async (_, breakWasm) => {
      const [js, wasm] = await expected();
      expect(wasm).not.toEqual(js);
      const { module } = await compile(outputs, 'wasm');
      breakWasm();
      const kernel = module.createKernel();
      expect(Array.from(kernel.run(feeds).y.data)).toEqual(js);
      restoreWebAssembly();
      vi.restoreAllMocks();
      // The module stays on the JS gemm (it decides once).
      expect(Array.from(kernel.run(feeds).y.data)).toEqual(js);
    });

    it('for a kernel whose memory cannot grow (its buffers are JS arrays then); a kernel made once it can uses WebAssembly', async () => {
      const [js, wasm] = await expected();
      const { module } = await compile(outputs, 'wasm');
      vi.spyOn(realWasm.Memory.prototype, 'grow').mockImplementation(() => {
        throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
      });
      const kernel = module.createKernel();
      expect(Array.from(kernel.run(feeds).y.data)).toEqual(js);
      vi.restoreAllMocks();
      expect(Array.from(kernel.run(feeds).y.data)).toEqual(js);
      expect(Array.from(module.createKernel().run(feeds).y.data)).toEqual(wasm);
    });

    it('but createKernelAsync() compiles the WebAssembly asynchronously, and kernels then use it', async () => {
      const [, wasm] = await expected();
      const { module } = await compile(outputs, 'wasm');
      const kernel = await module.createKernelAsync!();
      expect(Array.from(kernel.run(feeds).y.data)).toEqual(wasm);
      expect(Array.from(module.createKernel().run(feeds).y.data)).toEqual(wasm);
    });
  });
});

describe('targets', () => {
  const samples = readdirSync('samples').filter((f) => f.endsWith('.graph.json'));
  const text = (file: string) => readFileSync(join('samples', file), 'utf8');
  const withGemm = samples.filter((file) => compileSpec(text(file), { target: 'js' }).source.includes('$gemm('));

  it('modules without a gemm or a loop WebAssembly takes are the same bytes for both targets; with one, only wasm embeds WebAssembly and offers createKernelAsync', () => {
    expect(withGemm).toEqual(['classifier.graph.json', 'iris-mlp.graph.json', 'rnn.graph.json', 'vanishing-gradients.graph.json']);
    // Loops of run-time size (named dimensions) of the ops WebAssembly takes; loops of fewer than 1,024 fixed elements stay in JS.
    const withLoops = ['gradient-penalty.graph.json', 'logistic-regression.graph.json', 'newton-in-graph.graph.json', 'straight-through.graph.json'];
    for (const file of samples) {
      for (const language of ['js', 'ts'] as const) {
        const [js, wasm] = [compileSpec(text(file), { language, target: 'js' }).source, compileSpec(text(file), { language }).source];
        if (withLoops.includes(file)) expect(wasm, file).toMatch(/wasm\.loop\d+\(/);
        if (!withGemm.includes(file) && !withLoops.includes(file)) expect(wasm, file).toBe(js);
        else {
          expect(js).not.toMatch(/WebAssembly|createKernelAsync|\$gemmJs/);
          expect(wasm).toMatch(/WebAssembly/);
          expect(wasm).toContain('export async function createKernelAsync(');
        }
      }
    }
    expect(compileSpec(text(withGemm[0])).declarations).toContain('export declare function createKernelAsync(');
    expect(compileSpec(text(withGemm[0]), { target: 'js' }).declarations).not.toContain('createKernelAsync');
  });

  it('--target js writes the bytes the compiler wrote before the WebAssembly back end', async () => {
    // sha256 (first 16 hex digits) of the js modules of commit 36447b2, before the wasm target existed, and
    // of the ts modules of cabf675 (36447b2's with `!` on indexed reads). Update them only when the JS code
    // generation changes on purpose.
    const before: Record<string, [string, string]> = {
      'classifier.graph.json': ['02257a767a9d989b', '358cdae6277d99a2'],
      'iris-mlp.graph.json': ['11acebda726bb118', 'd1e8ef5df2385449'],
      'vanishing-gradients.graph.json': ['1c5a8c387f0c6dc5', 'bd0aa9b16c359aa7'],
    };
    const hash = (source: string) => createHash('sha256').update(source).digest('hex').slice(0, 16);
    for (const file of Object.keys(before)) {
      expect([hash(compileSpec(text(file), { language: 'js', target: 'js' }).source), hash(compileSpec(text(file), { language: 'ts', target: 'js' }).source)], file).toEqual(before[file]);
    }
    const { code, stdout } = await cli('compile', 'samples/iris-mlp.graph.json', '-o', '-', '--target', 'js');
    expect(code).toBe(0);
    expect(hash(stdout)).toBe(before['iris-mlp.graph.json'][0]);
    const wasm = await cli('compile', 'samples/iris-mlp.graph.json', '-o', '-');
    expect(wasm.stdout).toBe(compileSpec(text('iris-mlp.graph.json')).source);
    const bad = await cli('compile', 'samples/iris-mlp.graph.json', '-o', '-', '--target', 'gpu');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--target.*expected js or wasm, got 'gpu'/);
  });

  it.each(['classifier.graph.json', 'iris-mlp.graph.json', 'vanishing-gradients.graph.json', '../bench/mlp.graph.json'])('%s gives the same outputs for both targets', async (file) => {
    const spec = text(file);
    const [wasm, js] = await Promise.all([compileSpec(spec).source, compileSpec(spec, { target: 'js' }).source].map(loadModuleSource));
    const random = seededRandom(5);
    const feeds: Record<string, Tensor> = {};
    for (const leaf of compileSpec(spec).spec.graph.leaves('input')) {
      const shape = leaf.shape.map((d) => (typeof d === 'number' ? d : 300));
      const data = uniformArray(random, shape.reduce((p, d) => p * d, 1), [0, 1]);
      feeds[leaf.attrs.name as string] = { shape, data: leaf.attrs.name === 'label' ? data.map((v) => Math.floor(3 * v)) : data };
    }
    const [w, j] = [run(wasm, feeds), run(js, feeds)];
    const tolerance = wasm.signature.dtype === 'float32' ? 1e-5 : 1e-12;
    for (const name of Object.keys(j)) {
      j[name].forEach((v, i) => {
        if (!(Math.abs(w[name][i] - v) <= tolerance * Math.max(1, Math.abs(v)))) expect.fail(`${name}[${i}]: wasm ${w[name][i]}, js ${v}`);
      });
    }
  });
});
