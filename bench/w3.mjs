// W3: 512×512 matmul in float64, in the three forms backprop uses: AB, AᵀB, ABᵀ.
import { createMatmulTuned, matmulNaive } from './baselines/matmul.mjs';
import { compileSpecObject, maxDifference, randomArray } from './compile.mjs';
import { evaluate, withBackend } from './tf.mjs';
import { options, report, secondsPerCall, secondsPerCallEach } from './timing.mjs';

const n = 512;
const forms = [
  ['AB', 'A @ B', false, false],
  ['AᵀB', 'transpose(A) @ B', true, false],
  ['ABᵀ', 'A @ transpose(B)', false, true],
];

export async function w3() {
  const A = randomArray(Float64Array, n * n, -1, 1, 3);
  const B = randomArray(Float64Array, n * n, -1, 1, 4);
  const C = new Float64Array(n * n);
  const tuned = createMatmulTuned(n);
  const gflops = (s) => (2 * n ** 3) / s / 1e9;
  const summary = [];
  for (const [name, expression, ta, tb] of forms) {
    const module = await compileSpecObject({
      format: 'symgrad/1',
      name: 'w3',
      inputs: { A: { shape: [n, n] }, B: { shape: [n, n] } },
      nodes: { C: expression },
      outputs: ['C'],
    });
    const kernel = module.createKernel();
    const feeds = { A, B };
    const { generated, handTuned } = secondsPerCallEach({ generated: () => kernel.run(feeds), handTuned: () => tuned(A, B, C, ta, tb) });
    const difference = maxDifference(kernel.run(feeds).C.data, C);
    const rounds = options.rounds;
    options.rounds = 1;
    const naive = secondsPerCall(() => matmulNaive(n, A, B, C, ta, tb));
    options.rounds = rounds;
    const tfRow = (backend) =>
      withBackend(backend, (tf) => {
        const a = tf.tensor2d(Float32Array.from(A), [n, n]);
        const b = tf.tensor2d(Float32Array.from(B), [n, n]);
        const seconds = secondsPerCall(() => evaluate(tf, () => [tf.matMul(a, b, ta, tb)]));
        tf.dispose([a, b]);
        return { name: `tfjs-${backend} (float32)`, seconds };
      });
    report(`W3 ${name}, ${n}×${n}, float64: GFLOP/s`, [
      { name: 'hand-written tuned', seconds: handTuned },
      { name: 'generated', seconds: generated, note: `max |difference| ${difference.toExponential(1)}` },
      { name: 'hand-written plain loops', seconds: naive },
      await tfRow('cpu'),
      await tfRow('wasm'),
    ], { unit: { name: 'GFLOP/s' }, scale: gflops });
    summary.push(`${name} ${gflops(generated).toFixed(2)}`);
  }
  return [`W3 generated GFLOP/s (target ≥ 5): ${summary.join(', ')}`];
}
