import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import type { Tensor } from '../../compiler/ops/op.js';
import { SymgradError } from '../../compiler/errors.js';

/**
 * Runs an ONNX model on ONNX Runtime (CPU) with the given feeds; every graph output, by name.
 * `level` 'basic' leaves out ONNX Runtime 1.30's MatMulScaleFusion, which folds a float64 scalar
 * next to a MatMul into FusedMatMul's float32 `alpha` (a relative error near 1e-8).
 */
export async function runOnnx(
  model: Uint8Array,
  feeds: Readonly<Record<string, Tensor>>,
  level: 'basic' | 'all' = 'all',
): Promise<Record<string, Tensor>> {
  const session = await ort.InferenceSession.create(model, { logSeverityLevel: 3, graphOptimizationLevel: level });
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      inputs[name] = new ort.Tensor(t.data instanceof Float32Array ? 'float32' : 'float64', t.data, [...t.shape]);
    }
    const results = await session.run(inputs);
    return Object.fromEntries(
      Object.entries(results).map(([name, t]) => [name, { shape: [...t.dims], data: t.data as Float64Array | Float32Array }]),
    );
  } finally {
    await session.release();
  }
}

/** Every entry agrees: |a − b| ≤ tolerance·max(1, |b|). */
export function expectClose(actual: Tensor, expected: Tensor, tolerance: number, label: string): void {
  expect(actual.shape, label).toEqual(expected.shape);
  expect(actual.data.length, label).toBe(expected.data.length);
  expected.data.forEach((v, j) => {
    const a = actual.data[j];
    const ok = Number.isNaN(v) ? Number.isNaN(a) : a === v || Math.abs(a - v) <= tolerance * Math.max(1, Math.abs(v));
    if (!ok) expect.fail(`${label}[${j}]: ${a}, expected ${v}`);
  });
}

/**
 * Samples that use an op ONNX cannot express: exporting them is one SymgradError naming the spec
 * node and the op, which the export and import tests check instead of the values.
 */
export const noOnnxForm: Readonly<Record<string, { readonly place: string; readonly message: string }>> = {
  // loop: ONNX's Scan and Loop are not emitted yet.
  'rnn.graph.json': { place: 'nodes.hs', message: "'loop' has no ONNX form yet" },
  'hypergradient.graph.json': { place: 'nodes.w', message: "'loop' has no ONNX form yet" },
};

/** Exporting `text` fails with exactly the error listed for `file` in noOnnxForm. */
export async function expectNoOnnxForm(file: string, text: string, exportOnnx: (text: string) => Promise<Uint8Array>): Promise<void> {
  const error = await exportOnnx(text).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SymgradError);
  expect({ place: (error as SymgradError).place, message: (error as SymgradError).message }).toEqual(noOnnxForm[file]);
}
