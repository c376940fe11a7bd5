import { describe, expect, it } from 'vitest';
import { grad } from '../../compiler/autodiff/grad.js';
import { constant } from '../../compiler/builder.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { interpret } from '../../compiler/interpret.js';
import { staticSize } from '../../compiler/shape.js';
import * as op from '../../compiler/ops/index.js';
import { seededRandom, uniformArray } from '../support/random.js';
import { expectSpec, runSpec } from './spec.js';

// Issue 13, items 7 and 8: softmax, log_softmax and logsumexp are shifted by the max, not formed
// as exp(x − logsumexp(x)), which loses the digits of logsumexp(x) in proportion to |x|; and
// their derivatives are built from the stable softmax, so every order keeps that accuracy.

const vector = (data: number[]) => ({ x: { shape: [data.length], data } });
const LN3 = Math.log(3);

describe('values at large |x|, interpreted and generated', () => {
  it('softmax([1e16, 1e16]) = [0.5, 0.5] (was [1, 1]); log_softmax −ln 2; logsumexp′ ½', async () => {
    await expectSpec(
      { s: 'softmax(x)', l: 'log_softmax(x)', g: 'grad(logsumexp(x), x)', y: 'logsumexp(x)' },
      vector([1e16, 1e16]),
      { s: [0.5, 0.5], l: [-Math.LN2, -Math.LN2], g: [0.5, 0.5], y: [1e16] },
      1e-16,
    );
  });

  it('softmax([1e12, 1e12]) sums to 1 (was 1.00003)', async () => {
    await expectSpec({ total: 'sum(softmax(x))' }, vector([1e12, 1e12]), { total: [1] }, 2.3e-16);
  });

  it('softmax([1000, 1000, 1000]) is 1/3 in float32 too (was 2e-5 off)', async () => {
    await expectSpec({ s: 'softmax(x)' }, vector([1000, 1000, 1000]), { s: [1 / 3, 1 / 3, 1 / 3] }, 1e-7, { dtype: 'float32' });
  });

  it('softmax_cross_entropy of [1e308, 1e308, 1e308] is ln 3 (was 0), its gradient softmax − labels', async () => {
    await expectSpec(
      { loss: 'softmax_cross_entropy(x, labels)', g: 'grad(softmax_cross_entropy(x, labels), x)' },
      vector([1e308, 1e308, 1e308]),
      { loss: [LN3], g: [1 / 3 - 1, 1 / 3, 1 / 3] },
      1e-15,
      { consts: { labels: [1, 0, 0] } },
    );
  });

  it('entries 1e16 and ±1000 apart: exact to the last digits, derivatives to 3rd order', async () => {
    // Spacing at 1e16 is 2, so these differences are exact; the results must equal those at the base.
    const nodes = {
      s: 'softmax(x)',
      l: 'log_softmax(x)',
      d1: 'grad(sum(u * softmax(x)), x)',
      d2: 'grad(sum(w * grad(sum(u * log_softmax(x)), x)), x)',
      d3: 'grad(sum(v * grad(sum(w * grad(logsumexp(x), x)), x)), x)',
    };
    const consts = { u: [1, -2, 0.5], w: [0.3, 1, -1], v: [-0.7, 0.2, 1.1] };
    for (const [base, shift] of [
      [[2, 0, -2], 1e16],
      [[0.5, -0.25, -1], 1000],
      [[0.5, -0.25, -1], -1000],
    ] as const) {
      const { interpreted: at } = await runSpec(nodes, vector([...base]), { consts });
      await expectSpec(nodes, vector(base.map((b) => b + shift)), at, 1e-13, { consts });
    }
  });

  it('±Infinity: −∞ entries get 0; a row whose max is ±∞ gives NaN (PyTorch), logsumexp the max', async () => {
    await expectSpec(
      { s: 'softmax(x)', l: 'log_softmax(x)', y: 'logsumexp(x)' },
      vector([-Infinity, 1, 0]),
      { s: [0, 1 / (1 + Math.exp(-1)), Math.exp(-1) / (1 + Math.exp(-1))], l: [-Infinity, -Math.log1p(Math.exp(-1)), -1 - Math.log1p(Math.exp(-1))], y: [1 + Math.log1p(Math.exp(-1))] },
      1e-15,
    );
    await expectSpec({ s: 'softmax(x)', y: 'logsumexp(x)' }, vector([-Infinity, -Infinity]), { s: [NaN, NaN], y: [-Infinity] }, 0);
    await expectSpec({ s: 'log_softmax(x)', y: 'logsumexp(x)' }, vector([Infinity, 0]), { s: [NaN, NaN], y: [Infinity] }, 0);
  });
});

/** f0 = ⟨u, F(x)⟩, then f_n = ⟨w_n, grad f_(n−1)⟩ with fresh random u, w_n: the scalars f0 … f2, a point and a direction. */
function orders(F: (x: Node) => Node, shape: number[], seed: number) {
  const g = new Graph();
  const x = g.input('x', shape);
  const random = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const y = F(x);
  const u = constant(g, [...uniformArray(random, staticSize(y.shape)!, [-1, 1])], y.shape);
  const scalars = [op.sum(op.mul(u, y))];
  for (let order = 1; order <= 2; order++) {
    const w = constant(g, [...uniformArray(random, size, [-1, 1])], shape);
    scalars.push(op.sum(op.mul(w, grad(scalars[order - 1], x))));
  }
  return { x, scalars, at: [...uniformArray(random, size, [-2, 2])], direction: [...uniformArray(random, size, [-1, 1])] };
}

describe.each([
  { name: 'softmax', shape: [2, 3], F: (x: Node) => op.softmax(x) },
  { name: 'softmax axis 0', shape: [3, 2], F: (x: Node) => op.softmax(x, { axis: 0 }) },
  { name: 'log_softmax', shape: [2, 3], F: (x: Node) => op.log_softmax(x) },
  { name: 'log_softmax axis 1 of 3', shape: [2, 3, 2], F: (x: Node) => op.log_softmax(x, { axis: 1 }) },
  { name: 'logsumexp', shape: [2, 3], F: (x: Node) => op.logsumexp(x, { axis: 1 }) },
  { name: 'logsumexp over two axes', shape: [2, 2, 3], F: (x: Node) => op.logsumexp(x, { axis: [0, 2] }) },
  { name: 'softmax_cross_entropy', shape: [2, 3], F: (x: Node) => op.softmax_cross_entropy(x, constant(x.graph, [0.2, 0.3, 0.5, 1, 0, 0], [2, 3])) },
])('$name: derivatives of orders 1–3 match central differences', ({ shape, F }) => {
  it.each([1, 2, 3])('order %i', (order) => {
    const { x, scalars, at, direction } = orders(F, shape, 7 + order);
    // d/dh f_{order−1}(x + h·dir) at 0 is ⟨grad f_{order−1}, dir⟩ = f_order with w = dir.
    const previous = scalars[order - 1];
    const analytic = op.sum(op.mul(constant(x.graph, direction, shape), grad(previous, x)));
    const value = (data: number[], node: Node) => interpret([node], { x: { shape, data: Float64Array.from(data) } })[0].data[0];
    const h = 1e-4;
    const numeric = (value(at.map((v, i) => v + h * direction[i]), previous) - value(at.map((v, i) => v - h * direction[i]), previous)) / (2 * h);
    expect(Math.abs(value(at, analytic) - numeric)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(numeric)));
  });
});

describe('higher derivatives are built from the stable softmax', () => {
  it('the third derivative of Σ v·log_softmax(800·tanh(x)) matches 150-digit mpmath entry by entry', async () => {
    // x = [0.9, 0.95, 1.0], v = [1, 2, 3]: T[i, j, k], flat. Before: entry [2, 2, 2] was 6.9e-9 off.
    const expected = [
      420.11067598971897, 1.5887908748759516e-15, 5.577155390817625e-8, 1.5887908748759516e-15, 1.4766054650109123e-15, -2.750833952819703e-15,
      5.577155390817625e-8, -2.750833952819703e-15, -4.850034572475998e-8, 1.5887908748759516e-15, 1.4766054650109123e-15, -2.750833952819703e-15,
      1.4766054650109123e-15, 922.3931950736221, 6.959427798875227, -2.750833952819703e-15, 6.959427798875227, -6.511902484097176,
      5.577155390817625e-8, -2.750833952819703e-15, -4.850034572475998e-8, -2.750833952819703e-15, 6.959427798875227, -6.511902484097176,
      -4.850034572475998e-8, -6.511902484097176, -1485.8085519243452,
    ];
    await expectSpec({ t: 'jacobian(hessian(sum(v * log_softmax(800 * tanh(x))), x), x)' }, vector([0.9, 0.95, 1.0]), { t: expected }, 1e-10, {
      consts: { v: [1, 2, 3] },
      floor: 0,
    });
  });
});
