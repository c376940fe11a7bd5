// Issue 4's compile-time target: build_grad + simplify + codegen of a 10,000-node and a 100,000-node
// chain, each step timed; the two totals should be in ratio ≤ 12 and the 100,000-node chain under
// 5 s. The chain cycles sin(v), 0.9·v, exp(−v²) from x; a node chain counts each node built (exp(−v²)
// is three), W6's op chain counts each of the three steps as one op (100,000 ops are 166,667 nodes)
// and is timed too, for reference. Run alone: `node bench/run.mjs chain`.
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

/** The same chain cut after n nodes (sin, ·0.9, square, neg, exp, sin, ...), and its derivative. */
function nodeChainGraph(n) {
  const steps = [sin, (v) => mul(v, 0.9), square, neg, exp];
  const g = new Graph();
  const x = g.input('x', []);
  let v = x;
  for (let i = 0; i < n; i++) v = steps[i % steps.length](v);
  return { g, v, dv: grad(v, x) };
}

/** build_grad + simplify + codegen of one chain, each step timed, in ms. */
function compileChain(build) {
  const t0 = performance.now();
  const { g, v, dv } = build();
  const t1 = performance.now();
  const [y, dy] = simplify([v, dv]);
  const t2 = performance.now();
  emitModule(programFromGraph(g, { y, dy }, 'chain'), 'js');
  const t3 = performance.now();
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  return { total: t3 - t0, text: `${s(t3 - t0)} (graph + build_grad ${s(t1 - t0)}, simplify ${s(t2 - t1)}, codegen ${s(t3 - t2)})` };
}

export async function chain() {
  const totals = {};
  compileChain(() => nodeChainGraph(2_000)); // warm-up, so the ratio measures growth rather than the JIT
  for (const n of [10_000, 100_000]) {
    const { total, text } = compileChain(() => nodeChainGraph(n));
    totals[n] = total;
    console.log(`\nCompile a chain of ${n} nodes: ${text}`);
  }
  console.log(`\nCompile W6's chain of 100000 ops (166,667 nodes): ${compileChain(() => chainGraph(100_000)).text}`);
  const ratio = totals[100_000] / totals[10_000];
  return [`compile chain 100,000 / 10,000 nodes: ratio ${ratio.toFixed(1)} (target ≤ 12), 100,000 nodes in ${(totals[100_000] / 1000).toFixed(2)} s (target < 5 s)`];
}
