// Issue 19's compile-time target: build_grad + simplify + codegen of a residual chain
// v ← exp(−v²) + v, with sin(v) and v·1.0001 interleaved, cut after 100,000 nodes, in under 5 s.
// Every residual step reads v twice, so the adjoint of v fans out there: the gradient's sums
// double at each step when the canonical-sums pass copies them into both readers. Also timed:
// the chain of 100,000 steps (233,333 nodes), as a spec of 100,000 named nodes would build it.
// Run alone: `node bench/run.mjs residual` (after `npm run build`).
import { add, emitModule, exp, grad, Graph, mul, neg, programFromGraph, sin, square } from '../dist/compiler/index.js';
import { simplify } from '../dist/compiler/simplify/index.js';

/** One step of the residual chain: sin, ·1.0001, then exp(−v²) + v, in turn. */
export function residualStep(v, i) {
  return i % 3 === 0 ? sin(v) : i % 3 === 1 ? mul(v, 1.0001) : add(exp(neg(square(v))), v);
}

/** The residual chain of `steps` steps, or cut once it has `nodes` nodes, and its derivative. */
export function residualGraph({ steps = Infinity, nodes = Infinity }) {
  const g = new Graph();
  const x = g.input('x', []);
  let v = x;
  for (let i = 0; i < steps && g.nodes.length < nodes; i++) v = residualStep(v, i);
  return { g, v, dv: grad(v, x) };
}

/** build_grad + simplify + codegen, each step timed (wall clock), and the process's CPU time in all. */
function compileResidual(shape) {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const { g, v, dv } = residualGraph(shape);
  const t1 = performance.now();
  const built = g.nodes.length;
  const [y, dy] = simplify([v, dv]);
  const t2 = performance.now();
  emitModule(programFromGraph(g, { y, dy }, 'residual'), 'js');
  const t3 = performance.now();
  const used = process.cpuUsage(cpu);
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const text = `${s(t3 - t0)} (graph + build_grad ${s(t1 - t0)}, simplify ${s(t2 - t1)}, codegen ${s(t3 - t2)}; CPU ${s((used.user + used.system) / 1000)}; ${built} nodes built, ${g.nodes.length} after simplify)`;
  return { total: t3 - t0, text };
}

export async function residual() {
  compileResidual({ nodes: 5_000 }); // warm-up
  const totals = {};
  for (const n of [10_000, 100_000]) {
    const { total, text } = compileResidual({ nodes: n });
    totals[n] = total;
    console.log(`\nCompile a residual chain of ${n} nodes: ${text}`);
  }
  console.log(`\nCompile a residual chain of 100000 steps: ${compileResidual({ steps: 100_000 }).text}`);
  const ratio = totals[100_000] / totals[10_000];
  return [`compile residual chain 100,000 / 10,000 nodes: ratio ${ratio.toFixed(1)}, 100,000 nodes in ${(totals[100_000] / 1000).toFixed(2)} s (target < 5 s)`];
}
