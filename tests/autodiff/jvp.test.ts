import { describe, expect, it } from 'vitest';
import { jvp } from '../../compiler/autodiff/index.js';
import { interpret } from '../../compiler/interpret.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { sizeOf } from '../../compiler/shape.js';
import { opCases } from '../support/op-cases.js';
import { buildCase, type OpCase } from '../support/derivatives.js';
import { seededRandom, uniformArray } from '../support/random.js';
import { maxError } from './numeric.js';

/** For each differentiable input x_i: jvp(y, x_i, v) = (y(x_i + hv) − y(x_i − hv)) / 2h, entry by entry. */
function checkJvpAgainstDifferences(c: OpCase, seed = 4): void {
  const { graph, xs, y, feeds } = buildCase(c, seed);
  const random = seededRandom(seed + 100);
  const h = 1e-5;
  xs.forEach((x, i) => {
    if (c.constantInputs?.includes(i)) return;
    const name = x.attrs.name as string;
    const direction = uniformArray(random, sizeOf(x.shape), [-1, 1]);
    const v = graph.input(`v${i}`, x.shape);
    const tangent = jvp(y, x, v);
    expect(tangent.shape).toEqual(y.shape);
    const [analytic] = interpret([tangent], { ...feeds, [`v${i}`]: { shape: x.shape as number[], data: direction } });
    const shifted = (sign: number): Tensor => {
      const data = feeds[name].data.map((value, j) => value + sign * h * direction[j]);
      return interpret([y], { ...feeds, [name]: { shape: feeds[name].shape, data } })[0];
    };
    const [plus, minus] = [shifted(1), shifted(-1)];
    const numeric = [...plus.data].map((p, j) => (p - minus.data[j]) / (2 * h));
    expect(maxError([...analytic.data], numeric)).toBeLessThan(1e-7);
  });
}

describe('jvp', () => {
  describe.each(opCases)('$name $shapes', (c) => {
    it('matches central differences', () => checkJvpAgainstDifferences(c));
  });
});
