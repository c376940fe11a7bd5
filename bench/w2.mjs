// W2: one training step of an MLP 784-256-10 (ReLU, softmax cross-entropy), batch 128, float32:
// the loss and the gradients of all four params; the generated module's WebAssembly gemm (the
// default target) beside its JS gemm (--target js).
import { createMlpStep } from './baselines/mlp.mjs';
import { compileSpecObject, maxDifference, randomArray } from './compile.mjs';
import { evaluate, withBackend } from './tf.mjs';
import { report, secondsPerCall, secondsPerCallEach } from './timing.mjs';

const [batch, inputs, hidden, classes] = [128, 784, 256, 10];

export async function w2() {
  const X = randomArray(Float32Array, batch * inputs, 0, 1, 5);
  const Y = new Float32Array(batch * classes);
  for (let i = 0; i < batch; i++) Y[i * classes + (i % classes)] = 1;
  const params = {
    W1: randomArray(Float32Array, inputs * hidden, -0.05, 0.05, 6),
    b1: randomArray(Float32Array, hidden, -0.1, 0.1, 7),
    W2: randomArray(Float32Array, hidden * classes, -0.1, 0.1, 8),
    b2: randomArray(Float32Array, classes, -0.1, 0.1, 9),
  };
  const spec = {
    format: 'symgrad/1',
    name: 'w2',
    dtype: 'float32',
    inputs: { X: { shape: [batch, inputs] }, Y: { shape: [batch, classes] } },
    params: { W1: { shape: [inputs, hidden], init: 'zeros' }, b1: { shape: [hidden], init: 'zeros' }, W2: { shape: [hidden, classes], init: 'zeros' }, b2: { shape: [classes], init: 'zeros' } },
    nodes: {
      H: 'relu(X @ W1 + b1)',
      logits: 'H @ W2 + b2',
      loss: 'softmax_cross_entropy(logits, Y)',
      dW1: 'grad(loss, W1)',
      db1: 'grad(loss, b1)',
      dW2: 'grad(loss, W2)',
      db2: 'grad(loss, b2)',
    },
    outputs: ['loss', 'dW1', 'db1', 'dW2', 'db2'],
  };
  const kernel = (await compileSpecObject(spec, 'wasm')).createKernel();
  const jsKernel = (await compileSpecObject(spec, 'js')).createKernel();
  const feeds = { X, Y, ...params };
  const args = [X, Y, params.W1, params.b1, params.W2, params.b2];
  const naive = createMlpStep(batch, inputs, hidden, classes, false);
  const tuned = createMlpStep(batch, inputs, hidden, classes, true);
  const times = secondsPerCallEach({ generated: () => kernel.run(feeds), js: () => jsKernel.run(feeds), handTuned: () => tuned(...args) });
  const { generated, handTuned } = times;
  const handNaive = secondsPerCall(() => naive(...args));
  const ref = tuned(...args);
  const difference = (k) => {
    const out = k.run(feeds);
    return Math.max(Math.abs(out.loss.data[0] - ref.loss), ...['W1', 'b1', 'W2', 'b2'].map((p) => maxDifference(out[`d${p}`].data, ref.grads[p])));
  };

  const tfRow = (backend) =>
    withBackend(backend, (tf) => {
      const x = tf.tensor2d(X, [batch, inputs]);
      const y = tf.tensor2d(Y, [batch, classes]);
      const p = [tf.tensor2d(params.W1, [inputs, hidden]), tf.tensor1d(params.b1), tf.tensor2d(params.W2, [hidden, classes]), tf.tensor1d(params.b2)];
      const loss = (W1, b1, W2, b2) => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, W1), b1)), W2), b2));
      const seconds = secondsPerCall(() =>
        evaluate(tf, () => {
          const { value, grads } = tf.valueAndGrads(loss)(p);
          return [value, ...grads];
        }),
      );
      tf.dispose([x, y, ...p]);
      return { name: `tfjs-${backend}`, seconds };
    });

  const [cpu, wasm] = [await tfRow('cpu'), await tfRow('wasm')];
  report(`W2 MLP ${inputs}-${hidden}-${classes}, batch ${batch}, float32: loss + all param gradients`, [
    { name: 'hand-written tuned', seconds: handTuned },
    { name: 'generated, wasm target', seconds: generated, note: `max |difference| ${difference(kernel).toExponential(1)}` },
    { name: 'generated, js target', seconds: times.js, note: `max |difference| ${difference(jsKernel).toExponential(1)}` },
    { name: 'hand-written naive', seconds: handNaive },
    cpu,
    wasm,
  ]);
  return [
    `W2: generated (wasm target) ${(generated / handTuned).toFixed(2)} × tuned hand-written (target ≤ 0.2; js target ${(times.js / handTuned).toFixed(2)}), ` +
      `${(cpu.seconds / generated).toFixed(1)}× faster than tfjs-cpu, ${(wasm.seconds / generated).toFixed(1)}× faster than tfjs-wasm (target ≥ 3)`,
  ];
}
