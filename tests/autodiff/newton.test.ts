import { describe, expect, it } from 'vitest';
import { grad, hessian } from '../../compiler/autodiff/index.js';
import { constant } from '../../compiler/builder.js';
import { Graph } from '../../compiler/graph.js';
import { interpret } from '../../compiler/interpret.js';
import { add, mul, square, sub, sum } from '../../compiler/ops/index.js';
import { tensor } from './numeric.js';

describe('Newton’s method on Rosenbrock', () => {
  it('reaches (1, 1) to 1e-10 from (−1.2, 1) in at most 30 steps', () => {
    // f(x, y) = (1 − x)² + 100(y − x²)², with p = (x, y).
    const graph = new Graph();
    const p = graph.input('p', [2]);
    const [x, y] = [sum(mul(p, constant(graph, [1, 0], [2]))), sum(mul(p, constant(graph, [0, 1], [2])))];
    const f = add(square(sub(1, x)), mul(100, square(sub(y, square(x)))));
    const [g, h] = [grad(f, p), hessian(f, p)];

    let point = [-1.2, 1];
    let steps = 0;
    while (Math.hypot(point[0] - 1, point[1] - 1) > 1e-10 && steps < 30) {
      const [gv, hv] = interpret([g, h], { p: tensor([2], point) }).map((t) => t.data);
      // Solve H·δ = g by Cramer's rule, then step to p − δ.
      const det = hv[0] * hv[3] - hv[1] * hv[2];
      const delta = [(hv[3] * gv[0] - hv[1] * gv[1]) / det, (hv[0] * gv[1] - hv[2] * gv[0]) / det];
      point = [point[0] - delta[0], point[1] - delta[1]];
      steps++;
    }
    expect(Math.abs(point[0] - 1)).toBeLessThan(1e-10);
    expect(Math.abs(point[1] - 1)).toBeLessThan(1e-10);
    expect(steps).toBeLessThanOrEqual(30);
  });
});
