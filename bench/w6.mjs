// W6: a chain of n scalar ops cycling sin(v), 0.9·v, exp(−v²), value and derivative; and the time to
// compile (build the graph, differentiate, emit) and load the 100,000-op module.
import { emitModule, programFromGraph } from '../dist/compiler/index.js';
import { chainGraph } from './chain.mjs';
import { loadModuleSource } from '../dist/runtime/index.js';
import { chainForward, createChainTape } from './baselines/chain.mjs';
import { format, report, secondsPerCallEach } from './timing.mjs';

export async function w6() {
  const summary = [];
  for (const n of [10_000, 100_000]) {
    const t0 = performance.now();
    const { g, v, dv } = chainGraph(n);
    const t1 = performance.now();
    const source = emitModule(programFromGraph(g, { y: v, dy: dv }, 'w6'), 'js');
    const t2 = performance.now();
    const module = await loadModuleSource(source);
    const kernel = module.createKernel();
    const feeds = { x: 0.3 };
    const first = kernel.run(feeds);
    const t3 = performance.now();
    const tape = createChainTape(n);
    const { generated, handTape, handForward } = secondsPerCallEach({
      generated: () => kernel.run(feeds),
      handTape: () => tape(0.3, 0.9),
      handForward: () => chainForward(0.3, n, 0.9),
    });
    const [y, dy] = chainForward(0.3, n, 0.9);
    const agree = first.y.data[0] === y && Math.abs(first.dy.data[0] - dy) <= 1e-12 * Math.abs(dy) + 1e-300;
    const seconds = (ms) => format(ms / 1000);
    report(`W6 chain of ${n} scalar ops, value + derivative (float64)`, [
      { name: 'hand-written reverse tape loop', seconds: handTape },
      { name: 'generated', seconds: generated, note: agree ? 'same value and derivative' : 'DIFFERS from the hand-written chain' },
      { name: 'hand-written forward loop', seconds: handForward },
    ]);
    console.log(`  compile + load: ${seconds(t3 - t0)} (graph + grad ${seconds(t1 - t0)}, emit ${seconds(t2 - t1)} for ${(source.length / 1e6).toFixed(1)} MB, load + first run ${seconds(t3 - t2)})`);
    summary.push(`W6 ${n} ops: generated ${(generated / handTape).toFixed(2)} × hand-written tape loop (target ≤ 2), compile + load ${seconds(t3 - t0)}${n === 100_000 ? ' (target < 5 s)' : ''}`);
  }
  return summary;
}
