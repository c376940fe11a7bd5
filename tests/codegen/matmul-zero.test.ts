import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { interpret } from '../../compiler/interpret.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { loadModuleSource } from '../../runtime/module.js';

// A matmul sums its products from +0 on every path (as BLAS does, and as the interpreter does):
// products that are all −0 give +0, so 1 / (A @ b) is +Infinity, never −Infinity on one path
// (the derivative fuzzer found the straight-line path summing from the first product).
describe('the sign of a matmul of −0 products', () => {
  // [path, m, k, n]: the sizes pick the path.
  const cases: [string, number, number, number][] = [
    ['straight-line scalars', 2, 2, 1],
    ['a dot product unrolled in a fused loop (k ≤ 8)', 40, 3, 20],
    ['a dot product looped in a fused loop (k > 8)', 40, 12, 20],
    ['the gemm', 64, 64, 64],
  ];
  for (const [what, m, k, n] of cases) {
    it(`${what}: ${m}×${k} · ${k}×${n}`, async () => {
      const spec = JSON.stringify({ format: 'symgrad/1', inputs: { A: { shape: [m, k] }, B: { shape: [k, n] } }, nodes: { r: '1 / (A @ B)' }, outputs: ['r'] });
      const feeds: Record<string, Tensor> = {
        A: { shape: [m, k], data: Float64Array.from({ length: m * k }, (_, i) => (i % 2 ? -0.5 : -0)) },
        B: { shape: [k, n], data: new Float64Array(k * n) },
      };
      const compiled = compileSpec(spec);
      const [interpreted] = interpret(compiled.program.outputs.map((o) => o.node), feeds);
      expect(interpreted.data.every((v) => v === Infinity)).toBe(true);
      for (const target of ['wasm', 'js'] as const) {
        const module = await loadModuleSource(compileSpec(spec, { target }).source);
        expect(Array.from(module.run(feeds).r.data), target).toEqual(Array.from(interpreted.data));
      }
    });
  }
});
