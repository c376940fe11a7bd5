import { describe, expect, it } from 'vitest';
import { grad, jvp } from '../../compiler/autodiff/index.js';
import { scalar } from '../../compiler/builder.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { tanh } from '../../compiler/ops/index.js';
import { tensor, valueOf } from './numeric.js';

/**
 * Coefficients (of t⁰, t¹, …) of P_n with dⁿ tanh(x)/dxⁿ = P_n(tanh x): P_0(t) = t and, since
 * tanh' = 1 − tanh², P_{n+1}(t) = P_n'(t)·(1 − t²).
 */
function tanhDerivative(n: number): number[] {
  let p = [0, 1];
  for (let k = 0; k < n; k++) {
    const dp = p.slice(1).map((c, i) => c * (i + 1));
    p = Array.from({ length: dp.length + 2 }, (_, i) => (dp[i] ?? 0) - (dp[i - 2] ?? 0));
  }
  return p;
}

function closedForm(n: number, x: number): number {
  const t = Math.tanh(x);
  return tanhDerivative(n).reduceRight((acc, c) => acc * t + c, 0);
}

describe('the n-th derivative of tanh at 0.3', () => {
  const nested = {
    'nested grad': (y: Node, x: Node) => grad(y, x),
    'nested jvp': (y: Node, x: Node) => jvp(y, x, scalar(x.graph, 1)),
  };
  describe.each(Object.entries(nested))('by %s', (_, derive) => {
    const graph = new Graph();
    const x = graph.input('x', []);
    const derivatives: Node[] = [];
    let y = tanh(x);
    for (let n = 1; n <= 8; n++) {
      y = derive(y, x);
      derivatives.push(y);
    }

    it.each([1, 2, 3, 4, 5, 6, 7, 8])('n = %i matches the closed form', (n) => {
      const [value] = valueOf(derivatives[n - 1], { x: tensor([], [0.3]) });
      expect(Math.abs(value - closedForm(n, 0.3))).toBeLessThan(1e-12 * Math.max(1, Math.abs(closedForm(n, 0.3))));
    });
  });

  it('the closed form starts as tanh′ = 1 − t², tanh″ = −2t(1 − t²)', () => {
    expect(tanhDerivative(1)).toEqual([1, 0, -1]);
    expect(tanhDerivative(2)).toEqual([0, -2, 0, 2]);
  });
});
