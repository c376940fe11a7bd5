import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import type { Tensor } from '../../compiler/ops/op.js';

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
