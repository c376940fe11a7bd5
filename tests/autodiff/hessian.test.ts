import { describe, expect, it } from 'vitest';
import { grad, hessian, hvp, jacobian } from '../../compiler/autodiff/index.js';
import { constant } from '../../compiler/builder.js';
import { Graph, type Node } from '../../compiler/graph.js';
import * as op from '../../compiler/ops/index.js';
import { maxError, numericJacobian, tensor, valueOf } from './numeric.js';

/** A non-separable scalar function of x ([n]): Σ sin(A·x) ⊙ exp(0.3x) + (Σx)³. */
function build(n: number) {
  const graph = new Graph();
  const x = graph.input('x', [n]);
  const v = graph.input('v', [n]);
  const a = constant(graph, Array.from({ length: n * n }, (_, i) => Math.cos(i)), [n, n]);
  const f = op.add(op.sum(op.mul(op.sin(op.matmul(a, x)), op.exp(op.mul(x, 0.3)))), op.pow(op.sum(x), 3));
  const at = (scale: number) => Array.from({ length: n }, (_, i) => Math.sin(scale * (i + 1)));
  const feeds = { x: tensor([n], at(0.9)), v: tensor([n], at(2.3)) };
  return { graph, x, v, f, feeds };
}

describe('hessian', () => {
  const { x, v, f, feeds } = build(3);
  const h = hessian(f, x);
  const values = valueOf(h, feeds);

  it('has x’s shape twice and is symmetric', () => {
    expect(h.shape).toEqual([3, 3]);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(values[i * 3 + j]).toBeCloseTo(values[j * 3 + i], 12);
  });

  it('matches central differences of grad', () => {
    expect(maxError(values, numericJacobian(grad(f, x), 'x', feeds))).toBeLessThan(1e-8);
  });

  it('works for a matrix x', () => {
    const graph = new Graph();
    const w = graph.input('w', [2, 2]);
    const g = op.sum(op.tanh(op.matmul(w, op.sin(w))));
    const feedsW = { w: tensor([2, 2], [0.3, -0.7, 1.1, 0.2]) };
    const hw = hessian(g, w);
    expect(hw.shape).toEqual([2, 2, 2, 2]);
    expect(maxError(valueOf(hw, feedsW), numericJacobian(grad(g, w), 'w', feedsW))).toBeLessThan(1e-8);
  });

  it('is grad of grad for a scalar x (the same node)', () => {
    const graph = new Graph();
    const s = graph.input('s', []);
    const y = op.tanh(op.mul(s, s));
    expect(hessian(y, s)).toBe(grad(grad(y, s), s));
  });

  it('needs a scalar y', () => {
    expect(() => hessian(op.sin(x), x)).toThrow('hessian needs a scalar y');
    expect(() => hvp(op.sin(x), x, v)).toThrow('hvp needs a scalar y');
  });

  it('x with a named dimension (was refused): a loop over the entries, agreeing with hvp', () => {
    const graph = new Graph();
    const xs = graph.input('xs', ['N']);
    const y = op.sum(op.sin(xs));
    const h = hessian(y, xs);
    expect(h.shape).toEqual(['N', 'N']);
    expect(maxError(valueOf(h, { xs: tensor([2], [0.5, -1]) }), [-Math.sin(0.5), 0, 0, -Math.sin(-1)])).toBe(0);
    const product = hvp(y, xs, op.cos(xs));
    expect(valueOf(product, { xs: tensor([2], [0.5, -1]) })).toEqual([-Math.sin(0.5) * Math.cos(0.5), -Math.sin(-1) * Math.cos(-1)]);
  });
});

describe('hvp', () => {
  it('equals hessian times v', () => {
    const { x, v, f, feeds } = build(4);
    const product = hvp(f, x, v);
    expect(product.shape).toEqual([4]);
    expect(maxError(valueOf(product, feeds), valueOf(op.matmul(hessian(f, x), v), feeds))).toBeLessThan(1e-12);
  });

  it('never forms the Hessian: its node count does not grow with x', () => {
    const added = (n: number, derive: (f: Node, x: Node, v: Node) => Node) => {
      const { graph, x, v, f } = build(n);
      const before = graph.nodes.length;
      derive(f, x, v);
      return graph.nodes.length - before;
    };
    expect(added(20, hvp)).toBe(added(4, hvp));
    expect(added(20, (f, x) => hessian(f, x))).toBeGreaterThan(4 * added(4, (f, x) => hessian(f, x)));
  });

  it('nests: grad of ⟨w, hvp⟩ contracts the third-derivative tensor', () => {
    const { graph, x, v, f, feeds } = build(3);
    const w = graph.input('w', [3]);
    const all = { ...feeds, w: tensor([3], [0.4, -1.3, 0.8]) };
    const third = valueOf(jacobian(hessian(f, x), x), all);
    const nested = valueOf(grad(op.sum(op.mul(w, hvp(f, x, v))), x), all);
    const [wv, vv] = [all.w.data, all.v.data];
    const expected = [0, 1, 2].map((k) => {
      let s = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += wv[i] * vv[j] * third[(i * 3 + j) * 3 + k];
      return s;
    });
    expect(maxError(nested, expected)).toBeLessThan(1e-12);
    expect(maxError(third, numericJacobian(hessian(f, x), 'x', all))).toBeLessThan(1e-7);
  });
});
