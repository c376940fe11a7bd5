// Issue 4's compile-time target: build_grad + simplify + codegen of a 10,000-op and a 100,000-op
// chain (sin, ·0.9, exp(−v²)), each step timed; the two totals should be in ratio ≤ 12 and the
// 100,000-op chain under 5 s. Run alone: `node bench/run.mjs chain`.
import { emitModule, exp, grad, Graph, mul, neg, programFromGraph, sin, square } from '../dist/compiler/index.js';
import { simplify } from '../dist/compiler/simplify/index.js';

/** The chain of n ops cycling sin(v), 0.9·v, exp(−v²) from x, and its derivative (W6 uses it too). */
export function chainGraph(n) {
  const g = new Graph();
  const x = g.input('x', []);
  let v = x;
  for (let i = 0; i < n; i++) v = i % 3 === 0 ? sin(v) : i % 3 === 1 ? mul(v, 0.9) : exp(neg(square(v)));
  return { g, v, dv: grad(v, x) };
}

export async function chain() {
  const totals = {};
  for (const n of [10_000, 100_000]) {
    const t0 = performance.now();
    const { g, v, dv } = chainGraph(n);
    const t1 = performance.now();
    const [y, dy] = simplify([v, dv]);
    const t2 = performance.now();
    emitModule(programFromGraph(g, { y, dy }, 'chain'), 'js');
    const t3 = performance.now();
    totals[n] = t3 - t0;
    const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`\nCompile a chain of ${n} ops: ${s(t3 - t0)} (graph + build_grad ${s(t1 - t0)}, simplify ${s(t2 - t1)}, codegen ${s(t3 - t2)})`);
  }
  const ratio = totals[100_000] / totals[10_000];
  return [`compile chain 100,000 / 10,000 ops: ratio ${ratio.toFixed(1)} (target ≤ 12), 100,000 ops in ${(totals[100_000] / 1000).toFixed(2)} s (target < 5 s)`];
}
