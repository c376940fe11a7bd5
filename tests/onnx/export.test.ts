import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { exportOnnx } from '../../compiler/onnx/index.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { sizeOf } from '../../compiler/shape.js';
import { loadModuleSource } from '../../runtime/module.js';
import { seededRandom, uniformArray } from '../support/random.js';
import { expectClose, runOnnx } from './support.js';

const samples = readdirSync('samples').filter((f) => f.endsWith('.graph.json'));

/** Random feeds for every input (named dims bound to 3), in [0.5, 2] so log and sqrt stay real. */
function randomFeeds(text: string): Record<string, Tensor> {
  const { spec } = compileSpec(text);
  const random = seededRandom(11);
  const Storage = spec.graph.dtype === 'float32' ? Float32Array : Float64Array;
  const feeds: Record<string, Tensor> = {};
  for (const leaf of spec.graph.leaves('input')) {
    const shape = leaf.shape.map((d) => (typeof d === 'number' ? d : 3));
    feeds[leaf.attrs.name as string] = { shape, data: Storage.from(uniformArray(random, sizeOf(shape), [0.5, 2])) };
  }
  return feeds;
}

/** float64 to 1e-12 relative; float32 to a few roundings (ONNX Runtime rounds each intermediate to float32). */
const toleranceOf = (dtype: string) => (dtype === 'float32' ? 1e-5 : 1e-12);

describe.each(samples)('%s exported to ONNX', (file) => {
  it.each(['float64', 'float32'])('gives the generated module\'s values on ONNX Runtime in %s', async (dtype) => {
    const text = JSON.stringify({ ...JSON.parse(readFileSync(join('samples', file), 'utf8')), dtype });
    const { spec, source } = compileSpec(text);
    const feeds = randomFeeds(text);
    const expected = (await loadModuleSource(source)).run(feeds);
    const actual = await runOnnx(await exportOnnx(text), feeds);
    expect(Object.keys(actual).sort()).toEqual(spec.outputs.map((o) => o.name).sort());
    for (const { name } of spec.outputs) expectClose(actual[name], expected[name], toleranceOf(spec.graph.dtype), name);
  });
});

it('outputs may be inputs, params, consts, or one node under two names', async () => {
  const text = JSON.stringify({
    format: 'symgrad/1',
    inputs: { x: { shape: [2] } },
    params: { w: { shape: [2], init: [3, 4] } },
    consts: { c: [5, 6] },
    nodes: { y: 'x * w', z: 'y', dw: 'grad(sum(y), w)' },
    outputs: ['x', 'w', 'c', 'y', 'z', 'dw'],
  });
  const x = { shape: [2], data: Float64Array.of(1, 2) };
  const out = await runOnnx(await exportOnnx(text), { x });
  expect(Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Array.from(t.data)]))).toEqual({
    x: [1, 2],
    w: [3, 4],
    c: [5, 6],
    y: [3, 8],
    z: [3, 8],
    dw: [1, 2],
  });
  // onnxruntime-node drops a feed for an initializer; without initializers params are plain inputs.
  const fed = await runOnnx(await exportOnnx(text, { initializers: false }), { x, w: { shape: [2], data: Float64Array.of(-1, 1) } });
  expect(Array.from(fed.y.data)).toEqual([-1, 2]);
  await expect(runOnnx(await exportOnnx(text, { initializers: false }), { x })).rejects.toThrow(/w/);
});

it('an op without an ONNX form is an error naming the spec node', async () => {
  const { emitters } = await import('../../compiler/onnx/emitters.js');
  const saved = emitters.sin;
  delete emitters.sin;
  try {
    const text = JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [] } }, nodes: { y: 'sin(x) + 1' }, outputs: ['y'] });
    await expect(exportOnnx(text)).rejects.toMatchObject({ place: 'nodes.y', message: "'sin' has no ONNX form yet" });
  } finally {
    emitters.sin = saved;
  }
});
