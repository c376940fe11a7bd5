// The RNN cell h_t = tanh(W_h·h_{t−1} + W_x·x_t + b) over T = 1,000 steps (hidden 64, batch 16,
// inputs 8): the loss ½·Σ h_t² and its BPTT gradients, one call, against a hand-written BPTT loop.
import { createRnnBptt } from './baselines/rnn.mjs';
import { compileSpecObject, maxDifference, randomArray } from './compile.mjs';
import { report, secondsPerCallEach } from './timing.mjs';

const [T, H, I, B] = [1000, 64, 8, 16];

export async function rnn() {
  const module = await compileSpecObject({
    format: 'symgrad/1',
    name: 'rnn_bptt',
    inputs: { X: { shape: ['T', I, B] }, h0: { shape: [H, B] } },
    params: {
      W_h: { shape: [H, H], init: { uniform: [-0.15, 0.15], seed: 1 } },
      W_x: { shape: [H, I], init: { uniform: [-0.3, 0.3], seed: 2 } },
      b: { shape: [H, 1], init: { uniform: [-0.1, 0.1], seed: 3 } },
    },
    functions: { cell: { args: ['h', 'x'], nodes: { h_next: 'tanh(W_h @ h + W_x @ x + b)' }, return: 'h_next' } },
    nodes: { hs: 'scan(cell, h0, X)', loss: '0.5 * sum(square(hs))', dW_h: 'grad(loss, W_h)', dW_x: 'grad(loss, W_x)', db: 'grad(loss, b)' },
    outputs: ['loss', 'dW_h', 'dW_x', 'db'],
  });
  const kernel = module.createKernel();
  const X = randomArray(Float64Array, T * I * B, -1, 1, 4);
  const h0 = randomArray(Float64Array, H * B, -0.5, 0.5, 5);
  const { W_h, W_x, b } = module.initialParams;
  const feeds = { X: { data: X, shape: [T, I, B] }, h0 };
  const byHand = createRnnBptt(T, H, I, B);
  const { generated, hand } = secondsPerCallEach({ generated: () => kernel.run(feeds), hand: () => byHand(W_h, W_x, b, X, h0) });
  const ours = kernel.run(feeds);
  const theirs = byHand(W_h, W_x, b, X, h0);
  const difference = Math.max(maxDifference(ours.dW_h.data, theirs.dW_h), maxDifference(ours.dW_x.data, theirs.dW_x), maxDifference(ours.db.data, theirs.db));
  report(`RNN value + BPTT gradients, T = ${T}, hidden ${H}, batch ${B}, inputs ${I}, one call (float64)`, [
    { name: 'hand-written BPTT loop', seconds: hand },
    { name: 'generated', seconds: generated, note: `max |difference| ${difference.toExponential(1)}, loss ${Math.abs(ours.loss.data[0] - theirs.loss).toExponential(1)}` },
  ]);
  return [`RNN BPTT: generated ${(generated / hand).toFixed(2)}× the hand-written loop (target ≤ 1.5×)`];
}
