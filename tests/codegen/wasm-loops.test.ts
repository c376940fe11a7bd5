import { describe, expect, it, vi } from 'vitest';
import { Graph } from '../../compiler/graph.js';
import { abs, add, div, equal, greater, less_equal, matmul, maximum, minimum, mul, neg, not_equal, relu, sin, sqrt, sub } from '../../compiler/ops/index.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { seededRandom } from '../support/random.js';
import { compileFor, realWasm, removeWebAssembly, runFresh } from './wasm-support.js';

const compile = compileFor;
const run = runFresh;

/** Values with NaN, ±0 and ±∞ among random ones (x and y meet NaN–number, −0–+0 and ∞–∞ pairs). */
function values(size: number, seed: number, special: readonly number[]): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: size }, (_, i) => (i < special.length ? special[i]! : 4 * random() - 2));
}

/** Fused loops over R × N (a gemm's result, same-shape inputs, a bias row and a scalar) with every op the WebAssembly loops take. */
function graph(dtype: 'float32' | 'float64') {
  const g = new Graph(dtype);
  const [x, y, bias, s] = [g.input('x', ['R', 'N']), g.input('y', ['R', 'N']), g.input('bias', ['N']), g.input('s', [])];
  const z = matmul(g.input('a', ['R', 32]), g.input('b', [32, 'N']));
  const outputs = {
    arithmetic: sub(mul(sqrt(abs(x)), y), add(div(x, y), neg(mul(x, s)))),
    extrema: add(maximum(x, y), minimum(y, x)),
    max: maximum(x, y),
    min: minimum(x, y),
    compared: add(add(greater(x, y), equal(x, y)), add(not_equal(x, y), less_equal(y, x))),
    layer: relu(add(z, bias)),
  };
  return outputs;
}

function feeds(rows: number, n: number): Record<string, Tensor> {
  const tensor = (data: number[], shape: number[]): Tensor => ({ data: Float64Array.from(data), shape });
  return {
    x: tensor(values(rows * n, 1, [NaN, 1, -0, 0, Infinity, -Infinity, 2, -0]), [rows, n]),
    y: tensor(values(rows * n, 2, [1, NaN, 0, -0, Infinity, 3, -Infinity, -0]), [rows, n]),
    bias: tensor(values(n, 3, []), [n]),
    s: tensor([1.5], []),
    a: tensor(values(rows * 32, 4, []), [rows, 32]),
    b: tensor(values(32 * n, 5, []), [32, n]),
  };
}

describe.each(['float64', 'float32'] as const)('fused loops in WebAssembly agree with the JS target (%s)', (dtype) => {
  const outputs = graph(dtype);
  const modules = Promise.all([compile(outputs, 'wasm'), compile(outputs, 'js')]);
  it.each([[1, 1], [3, 3], [2, 17], [1, 513], [513, 3], [17, 513]])('%i × %i', async (rows, n) => {
    const [wasm, js] = await modules;
    expect(wasm.source).toMatch(/wasm\.loop\d+\(/);
    expect(js.source).not.toContain('WebAssembly');
    const [w, j] = [run(wasm.module, feeds(rows, n)), run(js.module, feeds(rows, n))];
    for (const name of Object.keys(outputs)) {
      expect(w[name]!.length, name).toBe(j[name]!.length);
      // float64: every op is IEEE-exact in both, so the bits agree; float32: JS keeps a chain's
      // intermediates in float64, so a chain agrees to a few float32 roundings, single ops to the
      // bit; \`layer\` adds to a gemm's product, which the WebAssembly gemm sums in float32.
      const exact = dtype === 'float64' || name === 'max' || name === 'min' || name === 'compared';
      const tolerance = name === 'layer' ? 1e-5 : 2 ** -20;
      j[name]!.forEach((v, i) => {
        const u = w[name]![i]!;
        const same = exact ? Object.is(u, v) : Object.is(u, v) || Math.abs(u - v) <= tolerance * Math.max(1, Math.abs(v));
        if (!same) expect.fail(`${name}[${i}]: wasm ${u}, js ${v}`);
      });
    }
  });
});

describe('fused loops in WebAssembly', () => {
  it('take only ops whose WebAssembly result is the JS one (sin stays in JS)', async () => {
    const g = new Graph();
    const x = g.input('x', [40, 40]);
    const z = matmul(x, x);
    expect((await compile({ y: add(z, x) }, 'wasm')).source).toMatch(/wasm\.loop\d+\(/);
    expect((await compile({ y: sin(add(z, x)) }, 'wasm')).source).not.toMatch(/wasm\.loop\d+\(/);
  });

  it('grow the memory on the first run only, over many runs', async () => {
    const grow = vi.spyOn(realWasm.Memory.prototype, 'grow');
    const { module } = await compile(graph('float64'), 'wasm');
    const kernel = module.createKernel();
    const first = Object.fromEntries(Object.entries(kernel.run(feeds(40, 513))).map(([k, v]) => [k, Array.from(v.data)]));
    const grown = grow.mock.calls.length;
    expect(grown).toBeGreaterThan(0);
    for (let i = 0; i < 50; i++) kernel.run(feeds(40, 513));
    expect(Object.fromEntries(Object.entries(kernel.run(feeds(40, 513))).map(([k, v]) => [k, Array.from(v.data)]))).toEqual(first);
    expect(grow).toHaveBeenCalledTimes(grown);
  });

  describe('fall back to the JS loops', () => {
    const outputs = graph('float32');
    it.each([
      ['where WebAssembly is missing', () => void (removeWebAssembly())],
      ['where the memory cannot grow', () => void vi.spyOn(realWasm.Memory.prototype, 'grow').mockImplementation(() => { throw new RangeError('Maximum memory size exceeded'); })],
    ])('%s', async (_, breakWasm) => {
      const js = run((await compile(outputs, 'js')).module, feeds(5, 19));
      const { module, source } = await compile(outputs, 'wasm');
      expect(source).toMatch(/wasm\.loop\d+\(/);
      breakWasm();
      expect(run(module, feeds(5, 19))).toEqual(js);
    });
  });
});
