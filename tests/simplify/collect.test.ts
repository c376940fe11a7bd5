import { describe, expect, it } from 'vitest';
import { grad } from '../../compiler/autodiff/grad.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { add, exp, mul, neg, sin, square, tanh } from '../../compiler/ops/index.js';
import { simplify } from '../../compiler/simplify/index.js';
import { graphStats } from '../../compiler/stats.js';
import { evaluate, expectRewrite, feeds } from './support.js';

describe('canonical sums and products', () => {
  // Where a rewrite would change NaN or ±Infinity (x − x at ∞, x³/x at 0, √x·√x at −1,
  // ∞·(y + 1) distributed), the written form stays; bounded atoms (sin, cos, exp(sin x)) collect.
  const rows: readonly [before: string, after: string, shapes?: Record<string, number[]>][] = [
    ['x + x + x', '3 * x'],
    ['2 * (3 * x)', 'x * 6'],
    ['x * y * x', 'square(x) * y'],
    ['x * y + y * x', '2 * x * y'],
    ['(x + y) - (y + x)', '(x + y) - (x + y)'],
    ['(sin(x) + cos(x)) - (cos(x) + sin(x) * 2)', '-sin(x)'],
    ['x ^ 3 / x', 'x ^ 3 / x'],
    ['exp(sin(x)) ^ 3 / exp(sin(x))', 'square(exp(sin(x)))'],
    ['sqrt(x) * sqrt(x)', 'square(sqrt(x))'],
    ['sqrt(exp(x)) * sqrt(exp(x))', 'exp(x)'],
    ['(x ^ 2) ^ 0.5', 'abs(x)'],
    ['(x + 1) * (x - 1)', '(x + 1) * (x - 1)'],
    ['(sin(x) + 1) * (sin(x) - 1)', 'square(sin(x)) - 1'],
    ['sin(x) * (cos(x) + 1) - sin(x) * cos(x)', 'sin(x)'],
    ['(a + b) * (c + d)', '(a + b) * (c + d)'],
    ['where(c, x * y, 0) + where(c, x * z, 0)', 'where(c, x * y + x * z, 0)'],
    ['where(c, x, 0) * y + where(c, x, 0) * z', 'where(c, x, 0) * y + where(c, x, 0) * z'],
    ['where(d, 1, 2) + y - where(d, 1, 2)', 'broadcast_to(y, shape=[3])', { d: [3] }],
  ];
  for (const [before, after, shapes] of rows) it(`${before} → ${after}`, () => expectRewrite(before, after, { shapes }));
});

/** The n-th derivative of f, by nesting grad n times, before simplification. */
function nthDerivative(f: (x: Node) => Node, n: number): { x: Node; y: Node } {
  const x = new Graph().input('x', []);
  let y = f(x);
  for (let i = 0; i < n; i++) y = grad(y, x);
  return { x, y };
}

describe('expression swell of nested grads (issue 4 targets at n = 10)', () => {
  const cases: readonly [name: string, f: (x: Node) => Node, target: number][] = [
    ['tanh(x)', tanh, 60],
    ['exp(sin x)·x', (x) => mul(exp(sin(x)), x), 300],
  ];
  for (const [name, f, target] of cases) {
    it(`${name}: the 10th derivative needs at most ${target} nodes`, () => {
      const { y } = nthDerivative(f, 10);
      expect(graphStats(simplify([y])).nodes).toBeLessThanOrEqual(target);
    });

    it(`${name}: simplified derivatives to order 8 keep their values`, () => {
      for (let n = 1; n <= 8; n++) {
        const { y } = nthDerivative(f, n);
        for (const x of [-1.3, 0.37, 2]) {
          const [[expected], [actual]] = evaluate([y, ...simplify([y])], feeds({ x }));
          expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
        }
      }
    });
  }
});

describe('where expanding does not pay', () => {
  it('gives up on the gradient of a chain whose expansion doubles at every step, and stays no larger', () => {
    const x = new Graph().input('x', []);
    let v = x;
    for (let i = 0; i < 2000; i++) v = add(mul(v, 1.0001), sin(v));
    const outputs = [v, grad(v, x)];
    expect(graphStats(simplify(outputs)).nodes).toBeLessThanOrEqual(graphStats(outputs).nodes);
  });

  /** The residual chain v ← exp(−v²) + v with sin and ·1.0001 in turn, cut at `nodes` nodes, and its derivative. */
  function residualChain(nodes: number): { outputs: Node[]; built: () => number } {
    const g = new Graph();
    const x = g.input('x', []);
    let v = x;
    for (let i = 0; g.nodes.length < nodes; i++) v = i % 3 === 0 ? sin(v) : i % 3 === 1 ? mul(v, 1.0001) : add(exp(neg(square(v))), v);
    const outputs = [v, grad(v, x)];
    const start = g.nodes.length;
    return { outputs, built: () => g.nodes.length - start };
  }

  it('keeps the simplified residual chain linear in its length', () => {
    const [half, full] = [2_500, 5_000].map((n) => residualChain(n).outputs);
    const [a, b] = [graphStats(simplify(half)).nodes, graphStats(simplify(full)).nodes];
    expect(b / a).toBeGreaterThan(1.9);
    expect(b / a).toBeLessThan(2.1);
    expect(b).toBeLessThanOrEqual(graphStats(full).nodes);
  });

  it('stops expanding the sums of a fan-out within a stretch of the graph, not at its end', () => {
    // The adjoint of v is read twice at every residual step, so copied into both readers its sum doubles.
    const { outputs, built } = residualChain(20_000);
    simplify(outputs);
    expect(built()).toBeLessThan(graphStats(outputs).nodes);
  });
});
