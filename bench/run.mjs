// The benchmark suite: `npm run bench` (builds dist/ first), or `node bench/run.mjs [w1 w2 w3 w6 hessian chain residual rnn]`.
import { availableParallelism, cpus } from 'node:os';
import { chain } from './chain.mjs';
import { hessian } from './hessian.mjs';
import { residual } from './residual.mjs';
import { rnn } from './rnn.mjs';
import { w1 } from './w1.mjs';
import { w2 } from './w2.mjs';
import { w3 } from './w3.mjs';
import { w6 } from './w6.mjs';

// Order matters: once tfjs-wasm has run (W2, and most of all W1's 1e6 points), memory-bound code
// anywhere in the process (gemms, generated or hand-written, and the compiler itself) runs up to
// 40% slower. So W3 runs before any tfjs, and W1 last (docs/benchmarks.md).
const workloads = { hessian, w3, rnn, w2, w6, chain, residual, w1 };
const chosen = process.argv.slice(2).filter((a) => a in workloads);
const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`symgrad kernels benchmark: node ${process.version}, ${availableParallelism()} cores, ${cpu}`);
console.log('Each figure is the fastest of 9 rounds after warm-up; ratios are time / the first row of each table.');
const summary = [];
for (const name of chosen.length > 0 ? chosen : Object.keys(workloads)) summary.push(...(await workloads[name]()));
console.log('\nTargets');
for (const line of summary) console.log(`  ${line}`);
