import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { interpret } from '../../compiler/interpret.js';
import { loadSpec } from '../../compiler/spec/load.js';
import type { Derivative, GraphCase, Kind } from './graphs.js';
import { checkCase, derivativeVerdict, expectedDerivative, unstable } from './oracle.js';

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

describe('the simplify check at points that are singular only up to rounding', () => {
  const spec = (nodes: Record<string, string>) => JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [] } }, nodes, outputs: Object.keys(nodes) });
  const at = (v: number) => ({ x: { shape: [], data: Float64Array.from([v]) } });
  // The derivative of std at equal entries is NaN only where the mean rounds back to the entries;
  // the simplifier's x / 3 → x · ⅓ rounds the other way at some of these points (fuzz:long found it).
  const stdOfEqual = { s: 'std(broadcast_to(x, shape=[3]))', g: 'grad(s, x)', above: '(mean(broadcast_to(x, shape=[3])) > x) * 5' };
  // acosh′(1 + x⁴) = 1/√((1 + x⁴)² − 1) cancels: the written derivative is 1.5% off at 2e-4 (and ∞
  // where 1 + x⁴ rounds to 1); the simplified one, with 1 + x⁴ − 1 collected to x⁴, is right.
  const cancelling = { a: 'grad(acosh(1 + square(square(x))), x)' };
  const points: [Record<string, string>, number[]][] = [[stdOfEqual, [0.72, 0.3, 0.83, 0.1]], [cancelling, [2e-4, 3e-4]]];

  it.each(points)('the written and simplified graphs of %j differ there (so the check has something to excuse)', (nodes, values) => {
    const compiled = compileSpec(spec(nodes));
    const differs = values.some((v) => {
      const [a, b] = [compiled.spec.outputs, compiled.program.outputs].map((list) => interpret(list.map((o) => o.node), at(v)).map((t) => t.data[0]));
      return a.some((x, k) => !Object.is(x, b[k]) && !(Math.abs(x - b[k]) < 1e-12));
    });
    expect(differs).toBe(true);
  });

  it.each(points)('entries of %j are excused: ops rounding a few ulps differently change them', async (nodes, values) => {
    for (const v of values) {
      const c = { spec: JSON.parse(spec(nodes)), feeds: { x: v }, special: { x: v }, large: { x: v }, derivatives: [], guards: [] } as GraphCase;
      expect(await checkCase(c, ['simplify'])).toEqual([]);
    }
  });

  it('a wrong value at an exact special point is not excused: 0, ±∞ and NaN do not move', () => {
    const nodes = { q: 'x / x', r: 'sqrt(x) * sqrt(x)' };
    const outputs = loadSpec(spec(nodes)).outputs.map((o) => o.node);
    for (const v of [0, Infinity, -1, NaN]) {
      const feeds = at(v);
      const written = interpret(outputs, feeds).map((t) => t.data);
      outputs.forEach((_, k) => expect(unstable(outputs, feeds, written, k, 0), `${Object.keys(nodes)[k]} at ${v}`).toBe(false));
    }
  });
});
