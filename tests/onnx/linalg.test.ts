import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { SymgradError } from '../../compiler/errors.js';
import { exportOnnx } from '../../compiler/onnx/index.js';
import { MAX_UNROLLED } from '../../compiler/onnx/linalg.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { loadModuleSource } from '../../runtime/module.js';
import { seededRandom, uniformArray } from '../support/random.js';
import { expectClose, runOnnx } from './support.js';

// solve, inv, logdet and cholesky have no ONNX operator: export unrolls Gaussian elimination with
// partial pivoting and the Cholesky recurrence (compiler/onnx/linalg.ts), doing the generated code's
// operations in the same order.

/** The generated module's outputs and ONNX Runtime's, for the same feeds. */
async function bothWays(text: string, feeds: Record<string, Tensor>) {
  const { spec, source } = compileSpec(text);
  const expected = (await loadModuleSource(source)).run(feeds);
  const actual = await runOnnx(await exportOnnx(text), feeds);
  return { names: spec.outputs.map((o) => o.name), expected, actual };
}

/** A·x − b for one n×n matrix and a vector (flat row-major), to check the solutions themselves. */
function residual(a: ArrayLike<number>, x: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let s = -b[i];
    for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
    worst = Math.max(worst, Math.abs(s));
  }
  return worst;
}

/**
 * `count` random n×n matrices, diagonally dominant (well conditioned); in the first, rows 0 and 1
 * are swapped after zeroing the entry that moves to the top left, so its first pivot needs a swap.
 */
function matrices(count: number, n: number, seed: number): Float64Array {
  const data = uniformArray(seededRandom(seed), count * n * n, [-1, 1]);
  for (let s = 0; s < count; s++) for (let i = 0; i < n; i++) data[s * n * n + i * n + i] += n * (i % 2 === 0 ? 1 : -1);
  if (n > 1) {
    data[n] = 0;
    for (let j = 0; j < n; j++) [data[j], data[n + j]] = [data[n + j], data[j]];
  }
  return data;
}

it('newton-in-graph (five Newton steps written with solve) runs on ONNX Runtime to the generated module\'s values', async () => {
  const text = readFileSync('samples/newton-in-graph.graph.json', 'utf8');
  const random = seededRandom(4);
  const n = 7;
  const X = uniformArray(random, n * 2, [-2, 2]);
  const y = Float64Array.from({ length: n }, (_, i) => (X[2 * i] + 0.5 * X[2 * i + 1] > 0 ? 1 : -1));
  const { names, expected, actual } = await bothWays(text, { X: { shape: [n, 2], data: X }, y: { shape: [n], data: y } });
  expect(names).toEqual(['loss0', 'loss1', 'loss2', 'loss3', 'loss4', 'loss5', 'w5', 'gradient5']);
  // The steps converge: the last gradient is tiny, and ONNX Runtime agrees on every value.
  expect(Math.max(...Array.from(expected.gradient5.data, Math.abs))).toBeLessThan(1e-8);
  for (const name of names) expectClose(actual[name], expected[name], 1e-12, name);
});

describe.each([0, 1, 2, 3, 5, 8, MAX_UNROLLED])('n = %i', (n) => {
  const spec = JSON.stringify({
    format: 'symgrad/1',
    inputs: { A: { shape: [3, n, n] }, b: { shape: [3, n] }, B: { shape: [3, n, 2] }, S: { shape: [3, n, n] } },
    nodes: { x: 'solve(A, b)', X: 'solve(A, B)', Ainv: 'inv(A)', ld: 'logdet(A)', L: 'cholesky(S)' },
    outputs: ['x', 'X', 'Ainv', 'ld', 'L'],
  });
  const A = matrices(3, n, 10 + n);
  const random = seededRandom(20 + n);
  // S = A·Aᵀ, symmetric positive definite.
  const S = Float64Array.from({ length: 3 * n * n }, (_, e) => {
    const [s, i, j] = [Math.floor(e / (n * n)), Math.floor(e / n) % n, e % n];
    return Array.from({ length: n }, (_, k) => A[s * n * n + i * n + k] * A[s * n * n + j * n + k]).reduce((p, q) => p + q, 0);
  });
  const feeds = {
    A: { shape: [3, n, n], data: A },
    b: { shape: [3, n], data: uniformArray(random, 3 * n, [-1, 1]) },
    B: { shape: [3, n, 2], data: uniformArray(random, 6 * n, [-1, 1]) },
    S: { shape: [3, n, n], data: S },
  };

  it('solve, inv, logdet and cholesky of a batch (the first matrix needs a row swap) equal the generated module\'s, bit for bit, and are right', async () => {
    const { names, expected, actual } = await bothWays(spec, feeds);
    for (const name of names) expectClose(actual[name], expected[name], 0, name);
    for (let s = 0; s < 3; s++) {
      const a = A.subarray(s * n * n, (s + 1) * n * n);
      expect(residual(a, actual.x.data.subarray(s * n, (s + 1) * n), feeds.b.data.subarray(s * n, (s + 1) * n), n)).toBeLessThanOrEqual(1e-12 * n);
      for (let j = 0; j < n; j++) {
        const column = (data: ArrayLike<number>, k: number) => Array.from({ length: n }, (_, i) => data[s * n * k + i * k + j]);
        const unit = Array.from({ length: n }, (_, i) => (i === j ? 1 : 0));
        expect(residual(a, column(actual.Ainv.data, n), unit, n)).toBeLessThanOrEqual(1e-12 * n);
        if (j < 2) expect(residual(a, column(actual.X.data, 2), column(feeds.B.data, 2), n)).toBeLessThanOrEqual(1e-12 * n);
        // L is lower triangular and L·Lᵀ = S (S's entries are up to about n²).
        for (let i = 0; i < n; i++) {
          const l = (r: number, c: number) => actual.L.data[s * n * n + r * n + c];
          if (j > i) expect(l(i, j)).toBe(0);
          const product = Array.from({ length: n }, (_, k) => l(i, k) * l(j, k)).reduce((p, q) => p + q, 0);
          expect(Math.abs(product - S[s * n * n + i * n + j])).toBeLessThanOrEqual(1e-14 * n ** 3);
        }
      }
    }
  });
});

it('a singular matrix gives the generated module\'s non-finite values; a batch of named size works', async () => {
  const text = JSON.stringify({
    format: 'symgrad/1',
    inputs: { A: { shape: ['N', 2, 2] }, b: { shape: ['N', 2] } },
    nodes: { x: 'solve(A, b)', Ainv: 'inv(A)', ld: 'logdet(A)' },
    outputs: ['x', 'Ainv', 'ld'],
  });
  const feeds = { A: { shape: [2, 2, 2], data: Float64Array.of(1, 2, 2, 4, 0, 1, 1, 0) }, b: { shape: [2, 2], data: Float64Array.of(1, 1, 3, 4) } };
  const { names, expected, actual } = await bothWays(text, feeds);
  for (const name of names) expectClose(actual[name], expected[name], 0, name);
  expect(Array.from(actual.x.data.subarray(2))).toEqual([4, 3]);
  expect(actual.ld.data[0]).toBe(-Infinity);
});

it('gradients through solve, inv, logdet and cholesky export too (the vjps are solves and inverses)', async () => {
  const text = JSON.stringify({
    format: 'symgrad/1',
    inputs: { A: { shape: [3, 3] }, b: { shape: [3] } },
    nodes: { loss: 'sum(solve(A, b) ^ 2) + logdet(A) + sum(inv(A)) + sum(cholesky(A @ transpose(A)) * b)', gA: 'grad(loss, A)', gb: 'grad(loss, b)' },
    outputs: ['loss', 'gA', 'gb'],
  });
  const feeds = { A: { shape: [3, 3], data: matrices(1, 3, 7) }, b: { shape: [3], data: Float64Array.of(1, -2, 0.5) } };
  const { names, expected, actual } = await bothWays(text, feeds);
  for (const name of names) expectClose(actual[name], expected[name], 1e-12, name);
});

describe('sizes that are not unrolled are one error naming the spec node', () => {
  it.each([
    ['a named size', ['N', 'N'], "A of shape [N, N]"],
    [`a size above ${MAX_UNROLLED}`, [MAX_UNROLLED + 1, MAX_UNROLLED + 1], `A of shape [${MAX_UNROLLED + 1}, ${MAX_UNROLLED + 1}]`],
  ])('%s', async (_, shape, shown) => {
    for (const [call, rhs] of [['solve(A, b)', true], ['inv(A)', false], ['logdet(A)', false], ['cholesky(A)', false]] as const) {
      const text = JSON.stringify({
        format: 'symgrad/1',
        inputs: { A: { shape }, ...(rhs ? { b: { shape: [shape[0]] } } : {}) },
        nodes: { y: `${call} * 2` },
        outputs: ['y'],
      });
      const error = await exportOnnx(text).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SymgradError);
      const op = call.slice(0, call.indexOf('('));
      expect({ place: (error as SymgradError).place, message: (error as SymgradError).message }).toEqual({
        place: 'nodes.y',
        message: `'${op}' has an ONNX form only for matrices of a fixed size up to ${MAX_UNROLLED}×${MAX_UNROLLED} (unrolled into ONNX operators), got ${shown}`,
      });
    }
  });
});
