// W3: 512×512 matmul in the three forms backprop uses (AB, AᵀB, ABᵀ), in float64 and float32,
// the generated module's WebAssembly gemm (the default target) beside its JS gemm (--target js).
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
const gflops = (s) => (2 * n ** 3) / s / 1e9;

/** The module computing `expression` in `dtype`, compiled for `target`, and a kernel of it. */
async function kernelFor(expression, dtype, target) {
  const module = await compileSpecObject({
    format: 'symgrad/1',
    name: 'w3',
    dtype,
    inputs: { A: { shape: [n, n] }, B: { shape: [n, n] } },
    nodes: { C: expression },
    outputs: ['C'],
  }, target);
  return module.createKernel();
}

export async function w3() {
  const A = randomArray(Float64Array, n * n, -1, 1, 3);
  const B = randomArray(Float64Array, n * n, -1, 1, 4);
  const C = new Float64Array(n * n);
  const tuned = createMatmulTuned(n);
  const summary = { float64: [], float32: [] };
  for (const [name, expression, ta, tb] of forms) {
    const [wasm, js] = [await kernelFor(expression, 'float64', 'wasm'), await kernelFor(expression, 'float64', 'js')];
    const feeds = { A, B };
    const times = secondsPerCallEach({ wasm: () => wasm.run(feeds), js: () => js.run(feeds), handTuned: () => tuned(A, B, C, ta, tb) });
    const difference = (kernel) => maxDifference(kernel.run(feeds).C.data, C);
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
    tuned(A, B, C, ta, tb);
    report(`W3 ${name}, ${n}×${n}, float64: GFLOP/s`, [
      { name: 'hand-written tuned', seconds: times.handTuned },
      { name: 'generated, wasm target', seconds: times.wasm, note: `max |difference| ${difference(wasm).toExponential(1)}` },
      { name: 'generated, js target', seconds: times.js, note: `max |difference| ${difference(js).toExponential(1)}` },
      { name: 'hand-written plain loops', seconds: naive },
      await tfRow('cpu'),
      await tfRow('wasm'),
    ], { unit: { name: 'GFLOP/s' }, scale: gflops });
    summary.float64.push(`${name} ${gflops(times.wasm).toFixed(1)} (js ${gflops(times.js).toFixed(1)})`);
  }
  const [A32, B32] = [Float32Array.from(A), Float32Array.from(B)];
  for (const [name, expression, ta, tb] of forms) {
    const [wasm, js] = [await kernelFor(expression, 'float32', 'wasm'), await kernelFor(expression, 'float32', 'js')];
    const feeds = { A: A32, B: B32 };
    const times = secondsPerCallEach({ wasm: () => wasm.run(feeds), js: () => js.run(feeds) });
    const difference = maxDifference(wasm.run(feeds).C.data, js.run(feeds).C.data);
    const tfWasm = await withBackend('wasm', (tf) => {
      const a = tf.tensor2d(A32, [n, n]);
      const b = tf.tensor2d(B32, [n, n]);
      const seconds = secondsPerCall(() => evaluate(tf, () => [tf.matMul(a, b, ta, tb)]));
      tf.dispose([a, b]);
      return { name: 'tfjs-wasm', seconds };
    });
    report(`W3 ${name}, ${n}×${n}, float32: GFLOP/s`, [
      { name: 'generated, wasm target', seconds: times.wasm, note: `max |difference| from the js target ${difference.toExponential(1)}` },
      { name: 'generated, js target', seconds: times.js },
      tfWasm,
    ], { unit: { name: 'GFLOP/s' }, scale: gflops });
    summary.float32.push(`${name} ${gflops(times.wasm).toFixed(1)} (js ${gflops(times.js).toFixed(1)})`);
  }
  return [
    `W3 generated GFLOP/s, wasm target (js target), float64 (target ≥ 15): ${summary.float64.join(', ')}`,
    `W3 generated GFLOP/s, wasm target (js target), float32 (target ≥ 30): ${summary.float32.join(', ')}`,
  ];
}
