// W1: value and gradient of y = ln x1 + x1·x2 − sin x2, per point, for a batch of 1e6 points (float64).
import { pointwise, pointwiseBatch } from './baselines/pointwise.mjs';
import { compileSpecObject, maxDifference, randomArray } from './compile.mjs';
import { evaluate, withBackend } from './tf.mjs';
import { report, secondsPerCall, secondsPerCallEach } from './timing.mjs';

const N = 1_000_000;
const nodes = {
  y: 'log(x1) + x1 * x2 - sin(x2)',
  dy_dx1: 'grad(sum(y), x1)',
  dy_dx2: 'grad(sum(y), x2)',
};

export async function w1() {
  const x1 = randomArray(Float64Array, N, 0.5, 2, 1);
  const x2 = randomArray(Float64Array, N, -2, 2, 2);
  const batch = await compileSpecObject({
    format: 'symgrad/1',
    name: 'w1',
    inputs: { x1: { shape: ['N'] }, x2: { shape: ['N'] } },
    nodes,
    outputs: ['y', 'dy_dx1', 'dy_dx2'],
  });
  const perPoint = await compileSpecObject({
    format: 'symgrad/1',
    name: 'w1_point',
    inputs: { x1: { shape: [] }, x2: { shape: [] } },
    nodes: { y: nodes.y, dy_dx1: 'grad(y, x1)', dy_dx2: 'grad(y, x2)' },
    outputs: ['y', 'dy_dx1', 'dy_dx2'],
  });

  const kernel = batch.createKernel();
  const feeds = { x1, x2 };
  const [y, d1, d2] = [new Float64Array(N), new Float64Array(N), new Float64Array(N)];
  const { generated, hand } = secondsPerCallEach({ generated: () => kernel.run(feeds), hand: () => pointwiseBatch(x1, x2, y, d1, d2) });
  const out = kernel.run(feeds);
  const difference = Math.max(maxDifference(out.y.data, y), maxDifference(out.dy_dx1.data, d1), maxDifference(out.dy_dx2.data, d2));

  const f = perPoint.createScalarKernel();
  const point = new Float64Array(3);
  let sink = 0;
  const perPointTimes = secondsPerCallEach({
    generated: () => {
      for (let i = 0; i < N; i++) sink += f(x1[i], x2[i])[1];
    },
    hand: () => {
      for (let i = 0; i < N; i++) sink += pointwise(x1[i], x2[i], point)[1];
    },
  });
  const [scalarGenerated, scalarHand] = [perPointTimes.generated, perPointTimes.hand];

  const tfRow = (backend) =>
    withBackend(backend, (tf) => {
      const a = tf.tensor1d(Float32Array.from(x1));
      const b = tf.tensor1d(Float32Array.from(x2));
      const f = (p, q) => tf.sub(tf.add(tf.log(p), tf.mul(p, q)), tf.sin(q));
      const seconds = secondsPerCall(() => evaluate(tf, () => [f(a, b), ...tf.grads((p, q) => tf.sum(f(p, q)))([a, b])]));
      tf.dispose([a, b]);
      return { name: `tfjs-${backend} (float32)`, seconds };
    });

  const perPointNs = (s) => (s / N) * 1e9;
  report(`W1 batch of ${N} points, value + gradient (float64): ns/point`, [
    { name: 'hand-written loop', seconds: hand },
    { name: 'generated run(feeds)', seconds: generated, note: `max |difference| ${difference.toExponential(1)}` },
    await tfRow('cpu'),
    await tfRow('wasm'),
  ], { unit: { name: 'ns/point', digits: 1 }, scale: perPointNs });
  report('W1 per point, numbers in (float64): ns/point', [
    { name: 'hand-written function', seconds: scalarHand },
    { name: 'generated createScalarKernel()', seconds: scalarGenerated },
  ], { unit: { name: 'ns/point', digits: 1 }, scale: perPointNs });
  if (!Number.isFinite(sink)) throw new Error('W1: per-point results are not finite');
  return [`W1 batched: generated ${(generated / hand).toFixed(2)} × hand-written (target ≤ 1.15); per point ${(scalarGenerated / scalarHand).toFixed(2)} ×`];
}
