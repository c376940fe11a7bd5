import { expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
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
