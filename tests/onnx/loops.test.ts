import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { exportOnnx, importOnnx } from '../../compiler/onnx/index.js';
import { decodeModel, type NodeProto } from '../../compiler/onnx/proto.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { loadModuleSource } from '../../runtime/module.js';
import { seededRandom, uniformArray } from '../support/random.js';
import { expectClose, runOnnx } from './support.js';

/** A spec over X [T, 2, B] and h0 [2, B] with the cell tanh(W @ h + x) (and more nodes and outputs). */
function rnn(nodes: Record<string, string>, outputs: string[], dtype = 'float64'): string {
  return JSON.stringify({
    format: 'symgrad/1',
    dtype,
    inputs: { X: { shape: ['T', 2, 'B'] }, h0: { shape: [2, 'B'] } },
    params: { W: { shape: [2, 2], init: [[0.5, -0.3], [0.2, 0.8]] }, u: { shape: [2, 1], init: [[0.1], [-0.2]] } },
    functions: {
      cell: { args: ['h', 'x'], nodes: { n: 'tanh(W @ h + x)' }, return: 'n' },
      decay: { args: ['h'], nodes: { n: 'h * 0.9 + u' }, return: 'n' },
    },
    nodes,
    outputs,
  });
}

function feedsOf(T: number, B: number, dtype = 'float64'): Record<string, Tensor> {
  const random = seededRandom(5 + T);
  const Storage = dtype === 'float32' ? Float32Array : Float64Array;
  return {
    X: { shape: [T, 2, B], data: Storage.from(uniformArray(random, T * 2 * B, [-1, 1])) },
    h0: { shape: [2, B], data: Storage.from(uniformArray(random, 2 * B, [-1, 1])) },
  };
}

/** Every output of `text` on ONNX Runtime equals the generated module's (float64 to 1e-12, float32 to 1e-5); returns ORT's. */
async function expectSame(text: string, feeds: Record<string, Tensor>, model?: Uint8Array): Promise<Record<string, Tensor>> {
  const { spec, source } = compileSpec(text);
  const expected = (await loadModuleSource(source)).run(feeds);
  const actual = await runOnnx(model ?? (await exportOnnx(text)), feeds);
  expect(Object.keys(actual).sort()).toEqual(spec.outputs.map((o) => o.name).sort());
  for (const { name } of spec.outputs) expectClose(actual[name], expected[name], spec.graph.dtype === 'float32' ? 1e-5 : 1e-12, name);
  return actual;
}

/** The Loop nodes of a model's main graph. */
async function loopsOf(model: Uint8Array): Promise<NodeProto[]> {
  return (await decodeModel(model)).graph!.node!.filter((n) => n.op_type === 'Loop');
}

describe('loops exported as ONNX Loop', () => {
  it('scan and fold of one loop are one Loop node with the final carry and the stack as outputs', async () => {
    const text = rnn({ hs: 'scan(cell, h0, X)', hT: 'fold(cell, h0, X)' }, ['hs', 'hT']);
    const model = await exportOnnx(text);
    const loops = await loopsOf(model);
    expect(loops.map((l) => [l.input!.length, l.output!.length])).toEqual([[3, 2]]);
    const out = await expectSame(text, feedsOf(4, 3), model);
    expect(out.hs.shape).toEqual([4, 2, 3]);
  });

  it.each(['float64', 'float32'])('reverse mode (BPTT, a reverse Loop) gives the generated gradients in %s', async (dtype) => {
    const text = rnn(
      { hs: 'scan(cell, h0, X)', loss: 'sum(square(hs)) + sum(fold(cell, h0, X))', dW: 'grad(loss, W)', dX: 'grad(loss, X)', dh0: 'grad(loss, h0)' },
      ['loss', 'dW', 'dX', 'dh0'],
      dtype,
    );
    const model = await exportOnnx(text);
    expect((await loopsOf(model)).length).toBe(2);
    const out = await expectSame(text, feedsOf(5, 2, dtype), model);
    expect(Math.max(...Array.from(out.dX.data, Math.abs))).toBeGreaterThan(0.01);
  });

  it('second order through a loop (hessian and hvp, loops of loops) agrees', async () => {
    const text = rnn(
      { loss: 'sum(square(fold(cell, h0, X)))', H: 'hessian(loss, W)', hv: 'hvp(loss, h0, h0)', jv: 'jvp(loss, W, W)' },
      ['loss', 'H', 'hv', 'jv'],
    );
    await expectSame(text, feedsOf(3, 2));
  });

  it('iterate runs K steps, K = 0 gives init, and its gradient is a Loop too', async () => {
    for (const steps of [3, 0]) {
      const text = rnn({ hK: `iterate(decay, h0, steps=${steps})`, du: 'grad(sum(square(hK)), u)' }, ['hK', 'du']);
      const out = await expectSame(text, feedsOf(1, 2));
      if (steps === 0) {
        expect(Array.from(out.hK.data)).toEqual(Array.from(feedsOf(1, 2).h0.data));
        expect(Array.from(out.du.data)).toEqual([0, 0]);
      }
    }
  });

  it('one exported model runs sequences of different lengths: T = 6, 1 and 0 (empty stack, fold gives init, zero gradients)', async () => {
    const text = rnn(
      { hs: 'scan(cell, h0, X)', hT: 'fold(cell, h0, X)', dW: 'grad(sum(hs) + sum(square(hT)), W)', dX: 'grad(sum(hs), X)' },
      ['hs', 'hT', 'dW', 'dX'],
    );
    const model = await exportOnnx(text);
    for (const T of [6, 1, 0]) {
      const feeds = feedsOf(T, 3);
      const out = await expectSame(text, feeds, model);
      expect(out.hs.shape).toEqual([T, 2, 3]);
      expect(out.dX.shape).toEqual([T, 2, 3]);
      if (T === 0) {
        expect(Array.from(out.hT.data)).toEqual(Array.from(feeds.h0.data));
        expect(Array.from(out.dW.data)).toEqual([0, 0, 0, 0]);
      }
    }
  });

  it('bodies that return a row, an outer value or a constant, or ignore their row, export too', async () => {
    const text = rnn(
      {
        last: 'fold(pick, h0, X)',
        ws: 'scan(start, h0, X)',
        units: 'scan(flat, h0, X)',
        skip: 'fold(decay2, h0, X)',
      },
      ['last', 'ws', 'units', 'skip'],
    );
    const spec = JSON.parse(text);
    spec.functions = {
      ...spec.functions,
      pick: { args: ['h', 'x'], nodes: {}, return: 'x' },
      start: { args: ['h', 'x'], nodes: { k: 'h0 + 0' }, return: 'k' },
      flat: { args: ['h', 'x'], nodes: { one: 'h * 0 + 1' }, return: 'one' },
      decay2: { args: ['h', 'x'], nodes: { n: 'h * 0.5' }, return: 'n' },
    };
    const model = await exportOnnx(JSON.stringify(spec));
    expect((await loopsOf(model)).length).toBe(4);
    await expectSame(JSON.stringify(spec), feedsOf(3, 2), model);
  });

  it('the RNN sample runs on one exported model with T = 4 and T = 0 (its readout W_o @ hs over an empty stack)', async () => {
    const text = readFileSync('samples/rnn.graph.json', 'utf8');
    const model = await exportOnnx(text);
    for (const T of [4, 0]) {
      const random = seededRandom(T);
      const feed = (shape: number[]) => ({ shape, data: uniformArray(random, shape.reduce((p, q) => p * q, 1), [-1, 1]) });
      const out = await expectSame(text, { h0: feed([16, 2]), X: feed([T, 1, 2]), Y: feed([T, 1, 2]) }, model);
      expect(out.pred.shape).toEqual([T, 1, 2]);
    }
  });

  it('matmul over a named batch of size 0 or 2, an operand broadcast or 1-D, with its gradients', async () => {
    const text = JSON.stringify({
      format: 'symgrad/1',
      inputs: { A: { shape: ['N', 2, 3] }, v: { shape: [3] }, u: { shape: [2] }, K: { shape: [1, 4, 2] } },
      nodes: { p: 'K @ A', q: 'A @ v', r: 'u @ A', loss: 'sum(square(p)) + sum(q) + sum(r)', dK: 'grad(loss, K)', du: 'grad(loss, u)', dA: 'grad(loss, A)' },
      outputs: ['p', 'q', 'r', 'dK', 'du', 'dA'],
    });
    const model = await exportOnnx(text);
    for (const N of [2, 0]) {
      const random = seededRandom(N);
      const feed = (shape: number[]) => ({ shape, data: uniformArray(random, shape.reduce((p, q) => p * q, 1), [-1, 1]) });
      const out = await expectSame(text, { A: feed([N, 2, 3]), v: feed([3]), u: feed([2]), K: feed([1, 4, 2]) }, model);
      expect([out.p.shape, out.q.shape, out.r.shape]).toEqual([[N, 4, 3], [N, 2], [N, 3]]);
    }
  });

  it('a loop inside a loop body is a Loop inside the Loop body', async () => {
    const text = JSON.stringify({
      format: 'symgrad/1',
      inputs: { X: { shape: ['T', 2] }, h0: { shape: [2] } },
      functions: {
        wave: { args: ['h', 'x'], nodes: { n: 'sin(h + x)' }, return: 'n' },
        sweep: { args: ['h'], nodes: { n: 'fold(wave, h, X) * 0.5' }, return: 'n' },
      },
      nodes: { y: 'iterate(sweep, h0, steps=3)', dh0: 'grad(sum(y), h0)', dX: 'grad(sum(y), X)' },
      outputs: ['y', 'dh0', 'dX'],
    });
    const model = await exportOnnx(text);
    const nested = (await loopsOf(model)).flatMap((l) => l.attribute![0].g!.node!.filter((n) => n.op_type === 'Loop'));
    expect(nested.length).toBeGreaterThan(0);
    const random = seededRandom(9);
    await expectSame(text, { X: { shape: [4, 2], data: uniformArray(random, 8, [-1, 1]) }, h0: { shape: [2], data: uniformArray(random, 2, [-1, 1]) } }, model);
  });

  it('importing an exported Loop is one clean error naming the node and the operator', async () => {
    const model = await exportOnnx(readFileSync('samples/hypergradient.graph.json', 'utf8'));
    await expect(importOnnx(model)).rejects.toThrow(/ONNX operator 'Loop' is not supported/);
  });
});
