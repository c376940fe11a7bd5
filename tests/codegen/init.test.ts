import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../common/random.js';
import { compileSpec } from '../../compiler/compile.js';
import { initValues } from '../../compiler/init.js';
import { staticSize } from '../../compiler/shape.js';
import { loadModuleSource } from '../../runtime/module.js';

it('writes uniform param inits as fills, so 720,000 zeros and ones stay a few bytes', async () => {
  const text = `{
    "format": "symgrad/1",
    "inputs": { "x": { "shape": [600] } },
    "params": {
      "W": { "shape": [600, 600], "init": "zeros" },
      "V": { "shape": [600, 600], "init": "ones" },
      "m": { "shape": [3], "init": [-0, -0, -0] }
    },
    "nodes": { "y": "sum(W @ x + V @ x) + sum(m)" },
    "outputs": ["y", "m"]
  }`;
  const { source } = compileSpec(text);
  expect(source.length).toBeLessThan(50_000);
  const module = await loadModuleSource(source);
  expect(module.initialParams.W).toEqual(new Float64Array(360_000));
  expect(module.initialParams.V.every((v) => v === 1)).toBe(true);
  expect([...module.initialParams.m].every((v) => Object.is(v, -0))).toBe(true);
  expect(module.run({ x: new Float64Array(600).fill(2) }).y.data[0]).toBe(720_000);
});

describe('seeded inits are written as the generator and its seed', () => {
  const mlp = (dtype: string, init: object) => `{
    "format": "symgrad/1", "dtype": "${dtype}",
    "inputs": { "x": { "shape": ["N", 784] } },
    "params": {
      "W1": { "shape": [784, 256], "init": ${JSON.stringify(init)} },
      "W2": { "shape": [256, 10], "init": { "uniform": [-0.1, 0.1], "seed": 7 } }
    },
    "nodes": { "y": "tanh(x @ W1) @ W2" },
    "outputs": ["y"]
  }`;

  it.each([
    ['float64', { normal: [0, 0.05], seed: 1 }],
    ['float32', { normal: [0.5, 2], seed: 123456789 }],
    ['float64', { uniform: [-3, 3], seed: -4 }],
  ])('a 784-256-10 %s MLP module stays under 100 KB and starts from the values symgrad computes', async (dtype, init) => {
    const text = mlp(dtype, init);
    const { source, spec } = compileSpec(text);
    expect(source.length).toBeLessThan(100_000);
    const module = await loadModuleSource(source);
    const Storage = dtype === 'float32' ? Float32Array : Float64Array;
    for (const name of ['W1', 'W2']) {
      const param = spec.graph.leaves('param').find((p) => p.attrs.name === name)!;
      const expected = Storage.from(initValues(spec.graph.paramInits.get(name)!, staticSize(param.shape)!));
      expect(module.initialParams[name]).toEqual(expected);
    }
  });

  it('are the generator of common/random.ts: mulberry32 and Box–Muller, seed by seed', () => {
    const random = seededRandom(5);
    const first = 1 + 2 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    expect(initValues({ kind: 'normal', a: 1, b: 2, seed: 5 }, 3)[0]).toBe(first);
  });
});

it('compiles a [10000, 10000] param of each init kind without making its 10⁸ values', () => {
  for (const init of ['"zeros"', '"ones"', '{ "normal": [0, 1], "seed": 1 }', '{ "uniform": [0, 1], "seed": 2 }']) {
    const text = `{ "format": "symgrad/1", "params": { "W": { "shape": [10000, 10000], "init": ${init} } }, "nodes": { "y": "sum(W)" }, "outputs": ["y"] }`;
    expect(compileSpec(text).source.length).toBeLessThan(20_000);
  }
});
