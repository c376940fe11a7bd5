import { describe, expect, it, vi } from 'vitest';
import { Graph, type Node } from '../../compiler/graph.js';
import { abs, add, div, equal, greater, less_equal, matmul, max, maximum, min, minimum, mul, neg, not_equal, relu, sin, sqrt, sub, sum } from '../../compiler/ops/index.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { seededRandom } from '../support/random.js';
import { compileFor, realWasm, removeWebAssembly, runFresh } from './wasm-support.js';
import { compileSpec } from '../../compiler/compile.js';
import { loadModuleSource } from '../../runtime/module.js';

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

describe.each(['float64', 'float32'] as const)('reductions over the leading axes and values per row in WebAssembly agree with the JS target (%s)', (dtype) => {
  const g = new Graph(dtype);
  const [x, y, column] = [g.input('x', ['R', 'N']), g.input('y', ['R', 'N']), g.input('column', ['R', 1])];
  const outputs = {
    sums: sum(mul(x, y), { axis: 0 }),
    kept: sum(sub(x, column), { axis: 0, keepdims: true }),
    maxima: max(add(x, column), { axis: 0 }),
    minima: min(mul(y, column), { axis: 0 }),
    scaled: div(x, column),
  };
  const modules = Promise.all([compile(outputs, 'wasm'), compile(outputs, 'js')]);
  it.each([[1, 1], [3, 3], [2, 17], [1, 513], [513, 3], [17, 513]])('%i × %i', async (rows, n) => {
    const [wasm, js] = await modules;
    // One loop of the five results, in WebAssembly.
    expect(wasm.source.match(/wasm\.loop\d+\(/g)).toHaveLength(1);
    const input: Record<string, Tensor> = { ...feeds(rows, n), column: { data: Float64Array.from(values(rows, 6, [2, -0, NaN])), shape: [rows, 1] } };
    const [w, j] = [run(wasm.module, input), run(js.module, input)];
    // A float32 sum may round differently at each of its rows (JS adds float64 products to it): within rows·2⁻²³·Σ|x·y|.
    const absolute = (t: Tensor): Tensor => ({ data: Float64Array.from(t.data, Math.abs), shape: t.shape });
    const magnitude = run(js.module, { ...input, x: absolute(input.x!), y: absolute(input.y!) }).sums!;
    for (const name of Object.keys(outputs)) {
      expect(w[name]!.length, name).toBe(j[name]!.length);
      j[name]!.forEach((v, i) => {
        const u = w[name]![i]!;
        const exact = dtype === 'float64' || name === 'maxima' || name === 'minima' || name === 'scaled';
        const bound = name === 'sums' ? (rows + 2) * 2 ** -23 * magnitude[i]! : 2 ** -20 * rows * Math.max(1, Math.abs(v));
        if (!(Object.is(u, v) || (!exact && Math.abs(u - v) <= bound))) expect.fail(`${name}[${i}]: wasm ${u}, js ${v}`);
      });
    }
  });
});

describe.each(['float64', 'float32'] as const)('reductions over the last axis and over every axis in WebAssembly agree with the JS target (%s)', (dtype) => {
  const g = new Graph(dtype);
  const [x, y, column] = [g.input('x', ['R', 'N']), g.input('y', ['R', 'N']), g.input('column', ['R', 1])];
  // Each a loop of its own; `magnitude` bounds a float32 sum's rounding (JS adds float64 values to float32 rows, and totals in float64).
  const cases: [string, Node, Node | undefined][] = [
    ['row sums', sum(mul(x, y), { axis: 1 }), sum(mul(abs(x), abs(y)), { axis: 1 })],
    ['row maxima', max(sub(x, y), { axis: 1, keepdims: true }), undefined],
    ['row minima', min(mul(x, column), { axis: 1 }), undefined],
    ['total', sum(mul(x, y)), sum(mul(abs(x), abs(y)))],
    ['total maximum', max(abs(sub(x, column))), undefined],
  ];
  it.each(cases)('%s', async (_, reduced, magnitude) => {
    const outputs = { reduced, ...(magnitude ? { magnitude } : {}) };
    const [wasm, js] = [await compile({ reduced }, 'wasm'), await compile(outputs, 'js')];
    expect(wasm.source.match(/wasm\.loop\d+\(/g)).toHaveLength(1);
    for (const [rows, n] of [[1, 1], [3, 3], [2, 17], [1, 513], [513, 3], [17, 513]] as const) {
      const input: Record<string, Tensor> = { ...feeds(rows, n), column: { data: Float64Array.from(values(rows, 6, [2, -0, NaN])), shape: [rows, 1] } };
      const [w, j] = [run(wasm.module, input).reduced!, run(js.module, input)];
      j.reduced!.forEach((v, i) => {
        const u = w[i]!;
        const bound = dtype === 'float64' || !magnitude ? 0 : (n + 2) * 2 ** -23 * j.magnitude![i]!;
        if (!(Object.is(u, v) || Math.abs(u - v) <= bound)) expect.fail(`${rows} × ${n}, [${i}]: wasm ${u}, js ${v}`);
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

  it('share one WebAssembly function among loops of the same code (layers alike), each with its own buffers', async () => {
    const g = new Graph();
    let h = g.input('x', ['R', 'N']);
    for (let layer = 0; layer < 4; layer++) h = relu(add(matmul(h, g.input(`w${layer}`, ['N', 'N'])), g.input(`b${layer}`, ['N'])));
    const outputs = { y: sum(h, { axis: 0 }) };
    const [wasm, js] = [await compile(outputs, 'wasm'), await compile(outputs, 'js')];
    const loops = (wasm.source.match(/if \(!\$loop\d+\(/g) ?? []).length;
    expect(loops).toBeGreaterThanOrEqual(2);
    expect(wasm.source.match(/^function \$loop\d+\(/gm)!.length).toBeLessThan(loops);
    const random = seededRandom(8);
    const input: Record<string, Tensor> = { x: { data: Float64Array.from({ length: 40 * 30 }, () => random() - 0.5), shape: [40, 30] } };
    for (let layer = 0; layer < 4; layer++) {
      input[`w${layer}`] = { data: Float64Array.from({ length: 30 * 30 }, () => random() - 0.5), shape: [30, 30] };
      input[`b${layer}`] = { data: Float64Array.from({ length: 30 }, () => random() - 0.5), shape: [30] };
    }
    expect(run(wasm.module, input)).toEqual(run(js.module, input));
  });

  it('run inside loop bodies too (scan and its backward loop), on buffers and carries in the kernel\'s memory, with the JS target\'s bits', async () => {
    const spec = JSON.stringify({
      format: 'symgrad/1',
      inputs: { h0: { shape: ['B', 'N'] }, X: { shape: ['T', 'B', 'N'] }, w: { shape: ['N'] } },
      functions: { cell: { args: ['h', 'x'], nodes: { h_next: 'relu(h * w + x) - sigmoid(x) * h' }, return: 'h_next' } },
      nodes: { hs: 'scan(cell, h0, X)', loss: 'sum(hs * hs)', dw: 'grad(loss, w)', dh0: 'grad(loss, h0)' },
      outputs: ['hs', 'loss', 'dw', 'dh0'],
    });
    const [wasm, js] = [compileSpec(spec).source, compileSpec(spec, { target: 'js' }).source];
    const bodies = wasm.match(/function \$L\d+_step\d*\(\) \{[\s\S]*?\n {2}\}/g)!;
    expect(bodies.filter((body) => /if \(!\$loop\d+\(/.test(body)).length).toBeGreaterThanOrEqual(2);
    expect(wasm).toMatch(/\$L\d+_a0 = \$alloc\(/);
    const [w, j] = await Promise.all([loadModuleSource(wasm), loadModuleSource(js)]);
    const random = seededRandom(12);
    for (const [t, b, n] of [[1, 1, 1], [5, 3, 40], [3, 17, 64]] as const) {
      const feeds = {
        h0: { data: Float64Array.from({ length: b * n }, () => random() - 0.5), shape: [b, n] },
        X: { data: Float64Array.from({ length: t * b * n }, () => 2 * random() - 1), shape: [t, b, n] },
        w: { data: Float64Array.from({ length: n }, () => 0.5 + random()), shape: [n] },
      };
      expect(runFresh(w, feeds)).toEqual(runFresh(j, feeds));
    }
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
