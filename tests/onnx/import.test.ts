import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDerivatives } from '../../compiler/check/check.js';
import { compileSpec } from '../../compiler/compile.js';
import { SymgradError } from '../../compiler/errors.js';
import { exportOnnx, importOnnx } from '../../compiler/onnx/index.js';
import { DataType, decodeModel, encodeModel, tensorProto } from '../../compiler/onnx/proto.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { sizeOf } from '../../compiler/shape.js';
import { loadSpec } from '../../compiler/spec/load.js';
import { loadModuleSource } from '../../runtime/module.js';
import { seededRandom, uniformArray } from '../support/random.js';
import { expectClose, runOnnx } from './support.js';

const fixture = join('tests', 'fixtures', 'onnx', 'mlp-tanh-logsoftmax');
const model = new Uint8Array(readFileSync(`${fixture}.onnx`));
const io = JSON.parse(readFileSync(`${fixture}.io.json`, 'utf8')) as { x: number[][]; y: number[][] };
const x = { shape: [2, 4], data: Float32Array.from(io.x.flat()) };
const pytorchY = { shape: [2, 3], data: Float32Array.from(io.y.flat()) };

/** Runs a spec's generated module. */
async function run(specText: string, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  return (await loadModuleSource(compileSpec(specText).source)).run(feeds);
}

/** The spec with more nodes and outputs appended. */
function extend(specText: string, nodes: Record<string, string>, outputs: string[]): string {
  const spec = JSON.parse(specText) as { nodes: Record<string, string>; outputs: string[] };
  return JSON.stringify({ ...spec, nodes: { ...spec.nodes, ...nodes }, outputs: [...spec.outputs, ...outputs] });
}

describe('the PyTorch MLP fixture (Gemm, Tanh, LogSoftmax)', () => {
  it('imports as a float32 spec with params named after the initializers', async () => {
    const spec = JSON.parse(await importOnnx(model));
    expect(spec.dtype).toBe('float32');
    expect(Object.keys(spec.inputs)).toEqual(['x']);
    expect(spec.inputs.x.shape).toEqual([2, 4]);
    expect(Object.keys(spec.params)).toEqual(['l1_weight', 'l1_bias', 'l2_weight', 'l2_bias']);
    expect(spec.params.l1_weight.shape).toEqual([8, 4]);
    expect(spec.name).toContain('l1_weight = l1.weight');
    expect(spec.nodes).toEqual({
      l1_Gemm_output_0: 'x @ transpose(l1_weight) + l1_bias',
      Tanh_output_0: 'tanh(l1_Gemm_output_0)',
      l2_Gemm_output_0: 'Tanh_output_0 @ transpose(l2_weight) + l2_bias',
      y: 'log_softmax(l2_Gemm_output_0, axis=-1)',
    });
    expect(spec.outputs).toEqual(['y']);
  });

  it("gives PyTorch's output", async () => {
    const out = await run(await importOnnx(model), { x });
    expectClose(out.y, pytorchY, 2e-6, 'y');
  });

  it('differentiates: grad and hessian of a loss agree with central differences', async () => {
    const text = extend(
      await importOnnx(model, { dtype: 'float64' }),
      {
        loss: '-sum(y * softmax(x @ ones(shape=[4, 3])))',
        g_w1: 'grad(loss, l1_weight)',
        g_x: 'grad(loss, x)',
        h_b2: 'hessian(loss, l2_bias)',
        h_x: 'hessian(loss, x)',
        hv_w2: 'hvp(loss, l2_weight, l2_weight)',
      },
      ['loss', 'g_w1', 'g_x', 'h_b2', 'h_x', 'hv_w2'],
    );
    const result = checkDerivatives(loadSpec(text), { x: { shape: x.shape, data: Float64Array.from(x.data) } });
    expect(result.rows.map((r) => r.name)).toEqual(['g_w1', 'g_x', 'h_b2', 'h_x', 'hv_w2']);
    for (const row of result.rows) expect(row.ok, `${row.name}: relative error ${row.relError}`).toBe(true);
    // The Hessian is not zero, and symmetric.
    const h = (await run(text, { x: { shape: x.shape, data: Float64Array.from(x.data) } })).h_x.data;
    expect(Math.max(...h.map(Math.abs))).toBeGreaterThan(1e-3);
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) expect(h[i * 8 + j]).toBeCloseTo(h[j * 8 + i], 12);
  });

  it('exports again and runs on ONNX Runtime with PyTorch\'s output', async () => {
    const exported = await exportOnnx(await importOnnx(model));
    expectClose((await runOnnx(exported, { x })).y, pytorchY, 2e-6, 'y');
  });

  it('round-trips: importing the export gives the same values (float64, to 1e-12)', async () => {
    const once = await importOnnx(model, { dtype: 'float64' });
    const twice = await importOnnx(await exportOnnx(once));
    const x64 = { shape: x.shape, data: Float64Array.from(x.data) };
    expectClose((await run(twice, { x: x64 })).y, (await run(once, { x: x64 })).y, 1e-12, 'y');
  });
});

const samples = readdirSync('samples').filter((f) => f.endsWith('.graph.json'));

describe.each(samples)('%s through export and import', (file) => {
  it('keeps every output\'s value', async () => {
    const text = readFileSync(join('samples', file), 'utf8');
    const { spec } = compileSpec(text);
    const random = seededRandom(3);
    const feeds: Record<string, Tensor> = {};
    for (const leaf of spec.graph.leaves('input')) {
      const shape = leaf.shape.map((d) => (typeof d === 'number' ? d : 3));
      feeds[leaf.attrs.name as string] = { shape, data: uniformArray(random, sizeOf(shape), [0.5, 2]) };
    }
    const exported = await exportOnnx(text);
    if ((await decodeModel(exported)).graph!.node!.some((n) => n.op_type === 'Loop')) {
      // A loop exports as ONNX Loop, which import does not read (docs/onnx.md).
      await expect(importOnnx(exported)).rejects.toThrow(/ONNX operator 'Loop' is not supported/);
      return;
    }
    if (spec.graph.leaves('input').some((leaf) => leaf.shape.some((d) => typeof d === 'string'))) {
      // A broadcast to a named dimension (Expand to a Shape) has no spec form: the keyword takes numbers.
      await expect(importOnnx(exported)).rejects.toThrow(/holds the size N, known only at run time/);
      return;
    }
    const imported = await importOnnx(exported);
    const [before, after] = [await run(text, feeds), await run(imported, feeds)];
    for (const { name } of spec.outputs) expectClose(after[name], before[name], 1e-12, name);
  });
});

it('the operators of the newer ops import back to the same values (float64, to 1e-12)', async () => {
  const text = JSON.stringify({
    format: 'symgrad/1',
    inputs: { x: { shape: [4, 3] } },
    consts: { cols: [2, 0, 2, 1], rows: [[3, 0], [1, 1]], eye: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] },
    nodes: {
      z: 'x - 1.25',
      trig: 'atan(z) + asin(z / 4) + acos(z / 4) + sinh(z) + cosh(z) + asinh(z) + acosh(x + 1) + atanh(z / 4) + erf(z * 2)',
      steps: 'round(z * 4) + floor(z * 2) + ceil(z * 2) + clip(z, lo=-0.2) + clip(z, hi=0.1) + clip(z, lo=-0.3, hi=0.4)',
      runs: 'cumsum(z, axis=0) + cumsum(z, axis=1, reverse=true) + prod(z, axis=1, keepdims=true) + prod(x) + log_softmax(z, axis=0)',
      picks: 'argmax(z, axis=1, keepdims=true) + argmin(z, axis=0, keepdims=true)',
      gathered: 'gather(z, cols, axis=1)',
      rowsOf: 'gather(x, rows)',
      hot: 'one_hot(round(clip(z * 2, lo=-1, hi=1)) + 1, depth=3)',
      d: 'det(transpose(x) @ x / 4 + eye)',
    },
    outputs: ['trig', 'steps', 'runs', 'picks', 'gathered', 'rowsOf', 'hot', 'd'],
  });
  const imported = await importOnnx(await exportOnnx(text));
  for (const op of ['atan', 'erf', 'round', 'cumsum', 'prod', 'argmax', 'argmin', 'gather', 'det', 'log_softmax']) expect(imported).toContain(`${op}(`);
  const feeds = { x: { shape: [4, 3], data: uniformArray(seededRandom(8), 12, [0.5, 2]) } };
  const [before, after] = [await run(text, feeds), await run(imported, feeds)];
  for (const name of ['trig', 'steps', 'runs', 'picks', 'gathered', 'rowsOf', 'hot', 'd']) expectClose(after[name], before[name], 1e-12, name);
});

describe('bad models', () => {
  const error = async (bytes: Uint8Array) => {
    try {
      await importOnnx(bytes);
    } catch (e) {
      return e;
    }
    return undefined;
  };

  it('a truncated file is one SymgradError', async () => {
    const e = await error(model.slice(0, model.length >> 1));
    expect(e).toBeInstanceOf(SymgradError);
    expect((e as SymgradError).message).toMatch(/^not an ONNX model/);
  });

  it('garbage is one SymgradError', async () => {
    for (const bytes of [new TextEncoder().encode('{"format": "symgrad/1"}'), new Uint8Array(64).fill(0xff), new Uint8Array(0)]) {
      const e = await error(bytes);
      expect(e).toBeInstanceOf(SymgradError);
    }
  });

  it('a value used before it is defined, and an expression that does not build, name the node', async () => {
    const tanhOf = (input: string, shape: number[]) =>
      encodeModel({
        ir_version: 8,
        opset_import: [{ version: 18 }],
        graph: {
          node: [{ op_type: 'MatMul', input: ['x', input], output: ['y'], name: 'mm' }],
          input: [{ name: 'x', type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [{ dim_value: 2 }] } } } }],
          initializer: [tensorProto('w', new Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape, DataType.FLOAT)],
          output: [{ name: 'y' }],
        },
      });
    await expect(importOnnx(await tanhOf('nope', [2]))).rejects.toMatchObject({ place: "node 'mm': input 'nope'", message: "'nope' is not defined before it is used" });
    await expect(importOnnx(await tanhOf('w', [3]))).rejects.toMatchObject({ place: "node 'mm': column 3", message: expect.stringMatching(/do not align/) });
  });

  it('an unsupported operator names the node and the operator', async () => {
    const spec = JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [3] } }, nodes: { y: 'sin(x)' }, outputs: ['y'] });
    const bytes = await exportOnnx(spec);
    // Rename the op type in place: 'Sin' → 'Mod' keeps the message's length.
    const text = Buffer.from(bytes);
    const at = text.lastIndexOf('Sin'); // the op_type, after the node's name
    text.write('Mod', at);
    const e = (await error(new Uint8Array(text))) as SymgradError;
    expect(e).toBeInstanceOf(SymgradError);
    expect(e.place).toMatch(/^node 'y.*:Sin'$/);
    expect(e.message).toMatch(/^ONNX operator 'Mod' is not supported/);
  });
});

describe('damaged models', () => {
  it.each(['the fixture', 'hessian-xor exported'])('every one of 300 randomly damaged copies of %s imports or is one SymgradError', async (which) => {
    const original = which === 'the fixture' ? model : await exportOnnx(readFileSync('samples/hessian-xor.graph.json', 'utf8'));
    const random = seededRandom(17);
    const outcomes = { imported: 0, refused: 0 };
    for (let k = 0; k < 300; k++) {
      const bytes = original.slice(0, random() < 0.8 ? original.length : Math.floor(random() * original.length));
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        loadSpec(await importOnnx(bytes));
        outcomes.imported++;
      } catch (error) {
        if (!(error instanceof SymgradError)) throw error;
        outcomes.refused++;
      }
    }
    expect(outcomes.imported + outcomes.refused).toBe(300);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
