import { describe, expect, it } from 'vitest';
import { grad, vjp } from '../../compiler/autodiff/grad.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { interpret } from '../../compiler/interpret.js';
import { add, cos, div, exp, greater, log, mul, not_equal, sin, sqrt, stop_gradient, sub, sum, tanh, where } from '../../compiler/ops/index.js';

const scalar = (v: number) => ({ shape: [], data: Float64Array.of(v) });

describe('build_grad', () => {
  it('gives the lecture values for f(x1, x2) = ln x1 + x1·x2 − sin x2 at (2, 5), to second order', () => {
    const g = new Graph();
    const [x1, x2] = [g.input('x1', []), g.input('x2', [])];
    const y = sub(add(log(x1), mul(x1, x2)), sin(x2));
    const [d1, d2] = [grad(y, x1), grad(y, x2)];
    const outputs = [y, d1, d2, grad(d1, x1), grad(d1, x2), grad(d2, x1), grad(d2, x2)];
    const values = interpret(outputs, { x1: scalar(2), x2: scalar(5) }).map((t) => t.data[0]);
    const expected = [11.652071455223084, 5.5, 1.7163378145367738, -0.25, 1, 1, Math.sin(5)];
    values.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
  });

  it('appends gradient nodes to the same graph and nests to third order', () => {
    const g = new Graph();
    const x = g.input('x', []);
    const y = tanh(x);
    const before = g.nodes.length;
    const third = grad(grad(grad(y, x), x), x);
    expect(g.nodes.length).toBeGreaterThan(before);
    expect(third.graph).toBe(g);
    const t = Math.tanh(0.3);
    const closedForm = -2 * (1 - t * t) * (1 - 3 * t * t);
    expect(interpret([third], { x: scalar(0.3) })[0].data[0]).toBeCloseTo(closedForm, 12);
  });

  it('sums the contributions of several consumers', () => {
    const g = new Graph();
    const x = g.input('x', []);
    const y = add(mul(x, x), add(sin(x), exp(x)));
    const [value] = interpret([grad(y, x)], { x: scalar(0.7) });
    expect(value.data[0]).toBeCloseTo(2 * 0.7 + Math.cos(0.7) + Math.exp(0.7), 12);
  });

  it('gives zeros of x’s shape when y does not depend on x', () => {
    const g = new Graph();
    const [x, z] = [g.input('x', [2, 3]), g.input('z', [])];
    const dx = grad(sin(z), x);
    expect(dx.shape).toEqual([2, 3]);
    const [value] = interpret([dx], { x: { shape: [2, 3], data: new Float64Array(6).fill(1) }, z: scalar(1) });
    expect([...value.data]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('stops at stop_gradient, which finite differences would not', () => {
    const g = new Graph();
    const x = g.input('x', []);
    const y = mul(stop_gradient(x), sin(x));
    const [value] = interpret([grad(y, x)], { x: scalar(0.4) });
    expect(value.data[0]).toBeCloseTo(0.4 * Math.cos(0.4), 12);
  });

  it('reduces a broadcast gradient to the input’s shape', () => {
    const g = new Graph();
    const [a, b] = [g.input('a', [2, 3]), g.input('b', [3])];
    const db = grad(sum(mul(a, b)), b);
    expect(db.shape).toEqual([3]);
    const [value] = interpret([db], { a: { shape: [2, 3], data: Float64Array.of(1, 2, 3, 4, 5, 6) }, b: { shape: [3], data: new Float64Array(3) } });
    expect([...value.data]).toEqual([5, 7, 9]);
  });

  it('computes vjp with a cotangent of y’s shape', () => {
    const g = new Graph();
    const [x, d] = [g.input('x', [3]), g.input('d', [3])];
    const [value] = interpret([vjp(cos(x), x, d)], {
      x: { shape: [3], data: Float64Array.of(0.1, 0.2, 0.3) },
      d: { shape: [3], data: Float64Array.of(1, 2, 3) },
    });
    [0.1, 0.2, 0.3].forEach((v, i) => expect(value.data[i]).toBeCloseTo(-(i + 1) * Math.sin(v), 12));
  });
});

describe('where keeps the branch not taken out of every derivative', () => {
  const orders = [1, 2, 3];
  const nthGrad = (y: Node, x: Node, n: number): Node => (n === 0 ? y : nthGrad(grad(sum(y), x), x, n - 1));

  it.each(orders)('sum(where(x > 0, sqrt(x), 0)) at x = −1, order %i, is 0', (n) => {
    const g = new Graph();
    const x = g.input('x', []);
    const y = sum(where(greater(x, 0), sqrt(x), 0));
    const [value] = interpret([nthGrad(y, x, n)], { x: scalar(-1) });
    expect(value.data[0]).toBe(0);
  });

  it.each(orders)('where(x != 0, sin(x)/x, 1) at x = 0, order %i, is finite and correct', (n) => {
    const g = new Graph();
    const x = g.input('x', []);
    const y = where(not_equal(x, 0), div(sin(x), x), 1);
    const [atZero] = interpret([nthGrad(y, x, n)], { x: scalar(0) });
    expect(atZero.data[0]).toBe(0);
    // Away from 0 the masked gradient is still the true derivative of sin(x)/x.
    const h = 1e-4;
    const f = (v: number) => interpret([nthGrad(y, x, n - 1)], { x: scalar(v) })[0].data[0];
    const [at] = interpret([nthGrad(y, x, n)], { x: scalar(0.7) });
    expect(at.data[0]).toBeCloseTo((f(0.7 + h) - f(0.7 - h)) / (2 * h), 6);
  });
});
