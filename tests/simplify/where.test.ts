import { describe, expect, it } from 'vitest';
import { grad } from '../../compiler/autodiff/grad.js';
import { simplify } from '../../compiler/simplify/index.js';
import { build, evaluate, feeds } from './support.js';

/** y and its first three derivatives, unsimplified and simplified, at x. */
function derivatives(text: string, x: number): { raw: number[]; simplified: number[] } {
  const [y] = build([text]);
  const outputs = [y];
  for (let order = 1; order <= 3; order++) outputs.push(grad(outputs[order - 1], y.graph.leaves('input')[0]));
  const at = feeds({ x });
  return { raw: evaluate(outputs, at).map((v) => v[0]), simplified: evaluate(simplify(outputs), at).map((v) => v[0]) };
}

/** SPEC §2: the branch `where` did not take never leaks into a derivative, simplified or not. */
describe('simplification keeps where NaN-safe', () => {
  const cases: readonly [text: string, untaken: number, taken: number][] = [
    ['sum(where(x > 0, sqrt(x), 0))', -1, 0.7],
    ['where(x != 0, sin(x) / x, 1)', 0, 0.7],
    ['where(x > 0, log(x), 0)', -1, 0.7],
    ['where(x > 0, x ^ 1.5, 0) + where(x < 1, 1 / (1 - x), 2)', 1, 0.7],
    ['where(x > 0, 0, sqrt(-x) * x)', 1, -0.7],
  ];
  for (const [text, untaken, taken] of cases) {
    it(`${text}: finite at x = ${untaken} and unchanged at x = ${taken}, to 3rd order`, () => {
      const excluded = derivatives(text, untaken);
      excluded.simplified.forEach((v, i) => expect(v).toBeCloseTo(excluded.raw[i], 12));
      expect(excluded.simplified.every(Number.isFinite)).toBe(true);
      const included = derivatives(text, taken);
      included.simplified.forEach((v, i) => expect(v).toBeCloseTo(included.raw[i], 9));
    });
  }

  it('gives 0 for every derivative of where(x != 0, sin(x)/x, 1) at 0, where the branch taken is the constant 1', () => {
    expect(derivatives('where(x != 0, sin(x) / x, 1)', 0).simplified.slice(1)).toEqual([0, 0, 0]);
  });
});
