import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { exportOnnx } from '../../compiler/onnx/index.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { emitters } from '../../compiler/onnx/emitters.js';
import { programToOnnx } from '../../compiler/onnx/export.js';
import { encodeModel } from '../../compiler/onnx/proto.js';
import { emitModule } from '../../compiler/codegen/emit.js';
import { programFromGraph } from '../../compiler/codegen/program.js';
import { Graph } from '../../compiler/graph.js';
import { log_softmax } from '../../compiler/ops/log_softmax.js';
import { liveNodes } from '../../compiler/nodes.js';
import { simplify } from '../../compiler/simplify/index.js';
import { loadModuleSource } from '../../runtime/module.js';
import { seededRandom, uniformArray } from '../support/random.js';
import { expectClose, runOnnx } from './support.js';

/**
 * Ops whose ONNX operators ONNX Runtime 1.30 (CPU) runs in float32 only: the standard defines them
 * for double too, so they are exported as they are, and checked in float32.
 */
const float32Only = { atan: 'Atan', asin: 'Asin', acos: 'Acos', sinh: 'Sinh', cosh: 'Cosh', asinh: 'Asinh', acosh: 'Acosh', atanh: 'Atanh', erf: 'Erf', det: 'Det' };

/** A spec that uses every primitive op (and the composites built of them), with a named dimension and derivatives. */
const spec = (dtype: string) =>
  JSON.stringify({
    format: 'symgrad/1',
    dtype,
    inputs: { x: { shape: ['N', 3] }, v: { shape: [3] } },
    params: { W: { shape: [3, 2], init: [[0.5, -0.25], [0.75, 0.1], [-0.3, 0.2]] }, a: { shape: [3], init: [0.1, 0.2, 0.3] } },
    consts: { k: [1.5, -2, 0.25], cols: [2, 0, 2, 1], rows: [[2, 0], [1, 1]], eye: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] },
    nodes: {
      z: 'x - 1.25',
      e1: 'abs(z) + sign(z) + step(z) + relu(z) + leaky_relu(z, alpha=0.2) + elu(z, alpha=0.7) + prelu(z, a)',
      e2: 'exp(z) + log(x) + log1p(z) + expm1(z) + sin(z) + cos(z) + tan(z) + tanh(z) + sqrt(x) + reciprocal(x) + square(z)',
      e3: 'sigmoid(z * 30) + softplus(z * 40) + hard_tanh(z * 3) + swish(z) + maximum(z, 0.1) + minimum(z, v) + x ^ v + k',
      e4: 'where(z > 0, sqrt(z), 0) + (z < v) + (z <= 0) + (z >= 0) + (z == v) + (z != 0) + stop_gradient(z)',
      tiny: 'log1p(z * 1e-9) + expm1(z * 1e-9) + softplus(-z * 50) + sigmoid(-z * 800)',
      m: '(e1 + e2 + e3 + e4 + tiny) @ W',
      r: 'reshape(m, shape=[-1, 2, 1])',
      t: 'transpose(m)',
      s: 'sum(m, axis=0) + mean(m, axis=0) + max(m, axis=0) + min(m, axis=0) + logsumexp(m, axis=0) + logsumexp(m * 1000, axis=0)',
      sk: 'sum(m, axis=1, keepdims=true) + max(m, keepdims=true) + logsumexp(m, axis=-1, keepdims=true)',
      p: 'pad(slice(concat(v, k, axis=0), start=[1], stop=[4]), before=[2], after=[1])',
      sm: 'softmax(m, axis=-1) + log_softmax(m, axis=0)',
      b: 'broadcast_to(v, shape=[2, 3]) + slice(outer(a, v), start=[0, 0], stop=[1, 3])',
      mo: 'maxout(x, pieces=3) + mean(x) + gelu(z) + erfc(z * 3)',
      G: 'transpose(x) @ x / 4 + eye',
      la: 'solve(G, v) + sum(inv(G), axis=0) + logdet(G) + sum(cholesky(G), axis=1)',
      ...(dtype === 'float32'
        ? { f32: 'atan(z) + asin(z / 4) + acos(z / 4) + sinh(z) + cosh(z) + asinh(z) + acosh(x + 1) + atanh(z / 4) + erf(z * 2) + det(transpose(x) @ x / 4 + eye)' }
        : {}),
      // Scalings by powers of 2 are exact in float32 too, so round, floor and ceil see the same numbers.
      steps: 'round(z * 4) + floor(z * 2) + ceil(z * 2) + clip(z, lo=-0.2) + clip(z, hi=0.1) + clip(z, lo=-0.3, hi=0.4) + clip(z, lo=0.5, hi=-0.5)',
      runs: 'cumsum(z, axis=0) + cumsum(z * v, axis=1, reverse=true) + prod(z, axis=1, keepdims=true) + prod(x)',
      picks: 'argmax(m, axis=1, keepdims=true) + argmin(z, axis=0, keepdims=true) + argmax(z, axis=0)',
      gathered: 'gather(z, cols, axis=1)',
      rowsOfW: 'gather(W, rows)',
      hot: 'one_hot(round(clip(z * 2, lo=-1, hi=1)) + 1, depth=3)',
      loss: 'sum(gathered) + sum(rowsOfW * rowsOfW) + sum(la) + sum(runs) + sum(steps) + sum(sm) + sum(s) + sum(sk) + sum(p) + sum(b) + sum(mo) + mse(e1, e2) + bce_with_logits(z, step(z)) + softmax_cross_entropy(m, sm) + l1(z) + l2(z)',
      g: 'grad(loss, W)',
      gx: 'grad(loss, x)',
      h: 'hessian(sum(tanh(m / 20)), W)',
      hv: 'hvp(loss, a, v)',
    },
    outputs: [...(dtype === 'float32' ? ['f32'] : []), 'steps', 'runs', 'picks', 'gathered', 'rowsOfW', 'hot', 'la', 'z', 'e1', 'e2', 'e3', 'e4', 'tiny', 'm', 'r', 't', 's', 'sk', 'p', 'sm', 'b', 'mo', 'loss', 'g', 'gx', 'h', 'hv'],
  });

function feeds(dtype: string, n: number): Record<string, Tensor> {
  const random = seededRandom(5);
  const Storage = dtype === 'float32' ? Float32Array : Float64Array;
  return {
    x: { shape: [n, 3], data: Storage.from(uniformArray(random, n * 3, [0.5, 2])) },
    v: { shape: [3], data: Storage.from(uniformArray(random, 3, [-1, 1])) },
  };
}

// float64 runs without ONNX Runtime's extended fusions (see runOnnx): `tanh(m / 20)` after a matmul
// would otherwise be scaled by a float32 alpha. float32 outputs are compared to a few roundings:
// ONNX Runtime rounds every intermediate, the generated code only what it stores.
describe.each([
  ['float64', 1e-12, 'basic'],
  ['float32', 2e-5, 'all'],
] as const)('a spec of every op in %s', (dtype, tolerance, level) => {
  it('uses every op that has an ONNX form (in float64 all but those ONNX Runtime runs in float32 only)', () => {
    const loaded = compileSpec(spec(dtype)).spec;
    const used = new Set(liveNodes(simplify(loaded.outputs.map((o) => o.node))).map((n) => n.op));
    const missing = Object.keys(emitters).filter((op) => !used.has(op as never) && !['variable', 'count', 'equal'].includes(op));
    expect(missing.sort()).toEqual(dtype === 'float64' ? Object.keys(float32Only).sort() : []);
  });

  it.each([1, 4])('gives the generated module\'s values on ONNX Runtime with N = %i', async (n) => {
    const text = spec(dtype);
    const { spec: loaded, source } = compileSpec(text);
    const expected = (await loadModuleSource(source)).run(feeds(dtype, n));
    const actual = await runOnnx(await exportOnnx(text), feeds(dtype, n), level);
    for (const { name } of loaded.outputs) expectClose(actual[name], expected[name], tolerance, name);
  });
});

it.each(Object.entries(float32Only))('ONNX Runtime has no float64 kernel for %s (%s), so the ops test checks it in float32', async (op, type) => {
  const text = JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [2, 2] } }, nodes: { y: `${op}(x / 4)` }, outputs: ['y'] });
  const x = { shape: [2, 2], data: Float64Array.of(0.5, 1, 1.5, 2) };
  await expect(runOnnx(await exportOnnx(text), { x })).rejects.toThrow(`Could not find an implementation for ${type}(`);
});

it('log_softmax over several axes (built in code) gives the generated module\'s values', async () => {
  const g = new Graph('float64');
  const x = g.input('x', [2, 3, 4]);
  const program = programFromGraph(g, { y: log_softmax(x, { axis: [0, 2] }), z: log_softmax(x, { axis: 1 }) });
  const feeds = { x: { shape: [2, 3, 4], data: Float64Array.from(uniformArray(seededRandom(2), 24, [-30, 30])) } };
  const expected = (await loadModuleSource(emitModule(program, 'js'))).run(feeds);
  const actual = await runOnnx(await encodeModel(programToOnnx(program)), feeds);
  for (const name of ['y', 'z']) expectClose(actual[name], expected[name], 1e-12, name);
});

it('scatter_add (the gradient of gather) adds repeated positions in the generated code\'s order', async () => {
  // At position 2: ((1e16 + 1) + 1) + 0.5 is 1e16 in this order, 1e16 + 2 in the reverse one.
  const text = JSON.stringify({
    format: 'symgrad/1',
    inputs: { W: { shape: [4] }, x: { shape: [2, 4, 3] } },
    consts: { rows: [2, 2, 2, 0, 2], c: [1e16, 1, 1, 0.7, 0.5], cols: [[1, 1], [0, 3]] },
    nodes: { loss: 'sum(gather(W, rows) * c) + sum(gather(x, cols, axis=1) * 1.5)', gW: 'grad(loss, W)', gx: 'grad(loss, x)' },
    outputs: ['gW', 'gx'],
  });
  const feeds = { W: { shape: [4], data: Float64Array.of(1, 2, 3, 4) }, x: { shape: [2, 4, 3], data: uniformArray(seededRandom(8), 24, [-1, 1]) } };
  const expected = (await loadModuleSource(compileSpec(text).source)).run(feeds);
  const actual = await runOnnx(await exportOnnx(text), feeds);
  expect(Array.from(actual.gW.data)).toEqual([0.7, 0, 1e16, 0]);
  expectClose(actual.gx, expected.gx, 0, 'gx');
  expect(Array.from(actual.gx.data.subarray(0, 12))).toEqual([1.5, 1.5, 1.5, 3, 3, 3, 0, 0, 0, 1.5, 1.5, 1.5]);
});

it('erfc and gelu follow the generated module to 1e-14 relative, far into the tail, with NaN, ±∞ and ±0', async () => {
  const text = JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [1000] } }, nodes: { y: 'erfc(x)', g: 'gelu(x)' }, outputs: ['y', 'g'] });
  const x = Float64Array.from({ length: 1000 }, (_, k) => -30 + (60 * k) / 999);
  x.set([NaN, Infinity, -Infinity, 0, -0, 0.46875, -0.46875, 4, 26.543, 26.5], 0);
  const feeds = { x: { shape: [1000], data: x } };
  const expected = (await loadModuleSource(compileSpec(text).source)).run(feeds);
  const actual = await runOnnx(await exportOnnx(text), feeds);
  expect(actual.y.data[499]).toBeGreaterThan(0.5);
  expect(actual.y.data[9]).toBeGreaterThan(0);
  expect(actual.y.data[9]).toBeLessThan(1e-300);
  for (const name of ['y', 'g']) {
    expected[name].data.forEach((v, j) => {
      const a = actual[name].data[j];
      if (!(Object.is(a, v) || Math.abs(a - v) <= 1e-14 * Math.abs(v))) expect.fail(`${name}[${j}] at x = ${x[j]}: ${a}, expected ${v}`);
    });
  }
});
