import { describe, expect, it } from 'vitest';
import type { Derivative, GraphCase, Kind } from './graphs.js';
import { derivativeVerdict, expectedDerivative } from './oracle.js';

/** A one-derivative case: inputs by their feeds, consts, forward nodes, and `d = kind(y, x)` last. */
function repro(feeds: Record<string, unknown>, consts: Record<string, unknown>, nodes: Record<string, string>, kind: Kind, y: string, x: string): GraphCase {
  const shapeOf = (v: unknown): number[] => (Array.isArray(v) ? [v.length, ...shapeOf(v[0])] : []);
  const inputs = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, { shape: shapeOf(v) }]));
  const derivative: Derivative = { name: 'd', kind, y, x };
  const all = { ...nodes, d: `${kind}(${y}, ${x})` };
  return {
    spec: { format: 'symgrad/1', inputs, params: {}, consts, nodes: all, outputs: Object.keys(all) },
    feeds,
    special: feeds,
    large: feeds,
    derivatives: [derivative],
    guards: [],
  };
}

const x = [0.3, 1.1];
/** The repros of issue 13 with the values it gives as right. */
const REPROS: [string, GraphCase, number[]][] = [
  ['where over a matmul branch', repro({ x: [[1, 2], [3, 4]] }, { c: [[1], [0]] }, {}, 'grad', 'sum(where(c, x @ x, 0))', 'x'), [4, 8, 2, 2]],
  ['where over a branch broadcast by the condition', repro({ x: 0.5 }, { c: [1, 1, 0] }, {}, 'grad', 'sum(where(c, sin(x), 0))', 'x'), [2 * Math.cos(0.5)]],
  ['where under logsumexp', repro({ x1: [[-1]] }, { c2: [[1, 1], [1, 1.9]] }, {}, 'grad', 'logsumexp(where(x1 >= c2, c2, sum(x1)))', 'x1'), [1]],
  ['where over a slice', repro({ x: [0.3, -0.7, 1.2] }, { c: [0, 1] }, {}, 'grad', 'sum(where(c, slice(x, start=[1], stop=[3]), 0))', 'x'), [0, 0, 1]],
  ['hessian through leaky_relu', repro({ x: [[1, 1]] }, {}, {}, 'hessian', 'logsumexp(leaky_relu(x))', 'x'), [0.25, -0.25, -0.25, 0.25]],
  ['a named node with a twin', repro({ x }, {}, { a: 'sin(x)', b: 'sin(x)' }, 'grad', 'sum(a * b)', 'a'), x.map(Math.sin)],
  ['a named node over the variable', repro({ x: 0.7 }, {}, { h: 'fill(x, shape=[2])' }, 'grad', 'sum(x)', 'h'), [0, 0]],
  ['a const equal to a literal', repro({ x: [1.5, -0.5] }, { c: 2 }, {}, 'grad', 'sum(x^2 * c)', 'c'), [2.5]],
  ['a literal differentiated by a const', repro({ x: 1 }, { c: 2 }, {}, 'grad', '2', 'c'), [0]],
];

describe('the oracle of the derivative fuzzer on the repros of issue 13', () => {
  for (const [name, c, right] of REPROS) {
    it(`${name}: central differences give the right value, and so does the derivative`, () => {
      const expected = expectedDerivative(c, c.derivatives[0]);
      expect(expected).not.toBe('undecided');
      (expected as number[]).forEach((v, i) => expect(v, `entry ${i}`).toBeCloseTo(right[i], 6));
      expect(derivativeVerdict(c, c.derivatives[0])).toBeUndefined();
    });
  }
});
