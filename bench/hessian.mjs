// The Hessian of the XOR network's loss (9 params, 4 points, tanh, MSE): one call.
import { createXorHessianByDifferences, X, Y } from './baselines/xor.mjs';
import { compileSpecObject, maxDifference } from './compile.mjs';
import { report, secondsPerCallEach } from './timing.mjs';

const theta = Float64Array.from([0.5, -0.4, 0.3, 0.8, 0.1, -0.1, 0.7, -0.6, 0.05]);

export async function hessian() {
  const module = await compileSpecObject({
    format: 'symgrad/1',
    name: 'xor_hessian',
    consts: { X: [X.slice(0, 2), X.slice(2, 4), X.slice(4, 6), X.slice(6, 8)], Y },
    params: { theta: { shape: [9], init: Array.from(theta) } },
    nodes: {
      W: 'reshape(slice(theta, start=[0], stop=[4]), shape=[2, 2])',
      c: 'slice(theta, start=[4], stop=[6])',
      w: 'slice(theta, start=[6], stop=[8])',
      b: 'reshape(slice(theta, start=[8], stop=[9]), shape=[])',
      f: 'tanh(X @ W + c) @ w + b',
      loss: 'mean((f - Y) ^ 2)',
      H: 'hessian(loss, theta)',
    },
    outputs: ['loss', 'H'],
  });
  const kernel = module.createKernel();
  const feeds = { theta };
  const byDifferences = createXorHessianByDifferences();
  const H = new Float64Array(81);
  const { generated, differences } = secondsPerCallEach({ generated: () => kernel.run(feeds), differences: () => byDifferences(theta, H) });
  const difference = maxDifference(kernel.run(feeds).H.data, H);
  report('Hessian of the XOR loss (9 params, 4 points, tanh, MSE), one call (float64)', [
    { name: 'generated', seconds: generated },
    { name: 'hand-written gradient, central differences', seconds: differences, note: `approximate: max |difference| ${difference.toExponential(1)}` },
  ]);
  return [`Hessian: one call ${(generated * 1e6).toFixed(2)} µs (target < 8 µs)`];
}
