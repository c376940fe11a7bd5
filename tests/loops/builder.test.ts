import { describe, expect, it } from 'vitest';
import { add, fold, grad, Graph, interpret, iterate, matmul, mul, scan, square, sum, tanh } from '../../compiler/index.js';
import { compileOutputs } from '../codegen/support.js';
import { maxError, numericJacobian, tensor, valueOf } from '../autodiff/numeric.js';

/** The RNN cell in the builder API: the outer values a body uses are passed in as closures. */
function rnn() {
  const graph = new Graph();
  const X = graph.input('X', ['T', 2]);
  const h0 = graph.input('h0', [3]);
  const W = graph.input('W', [3, 3]);
  const U = graph.input('U', [3, 2]);
  const hs = scan((h, [x], [w, u]) => tanh(add(matmul(w, h), matmul(u, x))), h0, [X], [W, U], 'cell');
  return { graph, X, h0, W, U, hs };
}

const feeds = {
  X: tensor([4, 2], [0.5, -1, 0.3, 0.8, -0.2, 0.1, 0.9, -0.4]),
  h0: tensor([3], [0.1, -0.3, 0.2]),
  W: tensor([3, 3], [0.4, -0.2, 0.1, 0.3, 0.5, -0.6, -0.1, 0.2, 0.3]),
  U: tensor([3, 2], [0.7, -0.3, 0.2, 0.4, -0.5, 0.6]),
};

describe('loops in the builder API', () => {
  it('scan, and its gradients by BPTT against central differences, the generated module agreeing', async () => {
    const { W, X, h0, hs } = rnn();
    const loss = sum(square(hs));
    const grads = [W, X, h0].map((x) => grad(loss, x));
    for (const [i, name] of ['W', 'X', 'h0'].entries()) expect(maxError(valueOf(grads[i], feeds), numericJacobian(loss, name, feeds))).toBeLessThan(1e-8);
    const { module } = await compileOutputs({ loss, gW: grads[0] });
    const out = module.run(feeds);
    const [loss0, gW0] = interpret([loss, grads[0]], feeds);
    expect(out.loss.data[0]).toBeCloseTo(loss0.data[0], 12);
    out.gW.data.forEach((v, j) => expect(v).toBeCloseTo(gW0.data[j], 12));
  });

  it('fold gives the last row of scan, iterate applies f K times', () => {
    const { graph, X, h0, W, U, hs } = rnn();
    const last = fold((h, [x], [w, u]) => tanh(add(matmul(w, h), matmul(u, x))), h0, [X], [W, U], 'cell');
    const [stack, final] = interpret([hs, last], feeds);
    expect([...final.data]).toEqual([...stack.data.slice(9, 12)]);
    const halved = iterate((h) => mul(h, 0.5), h0, 3);
    expect(valueOf(halved, feeds)).toEqual([0.1 / 8, -0.3 / 8, 0.2 / 8]);
    expect(graph.nodes.filter((n) => n.op === 'loop')).toHaveLength(3);
  });
});
