import { describe, expect, it } from 'vitest';
import { grad } from '../../compiler/autodiff/grad.js';
import type { Node } from '../../compiler/graph.js';
import { mul, sum } from '../../compiler/ops/index.js';
import { simplify } from '../../compiler/simplify/index.js';
import { stabilizeForGrad } from '../../compiler/simplify/stabilize.js';
import { build, evaluate, feeds } from './support.js';

/**
 * y and its derivatives to 3rd order, as build_grad will make them once it calls
 * stabilizeForGrad (y rewritten before it is differentiated); for a vector x, each order is
 * the gradient of ⟨u, previous⟩.
 */
function derivatives(text: string, shape: number[] = []): { outputs: Node[]; x: Node } {
  const [y] = build([text], { x: shape, u: shape });
  const leaf = (name: string) => y.graph.leaves('input').find((n) => n.attrs.name === name);
  const x = leaf('x')!;
  const u = shape.length === 0 ? undefined : (leaf('u') ?? y.graph.input('u', shape));
  const outputs = [y];
  for (let order = 1; order <= 3; order++) {
    const previous = outputs[order - 1];
    const scalar = order === 1 || !u ? previous : sum(mul(previous, u));
    outputs.push(grad(stabilizeForGrad(scalar, [x]), x));
  }
  return { outputs, x };
}

function simplified(text: string, x: number | number[], shape: number[] = [], u: number[] = [1, 2, 3]): number[][] {
  const { outputs } = derivatives(text, shape);
  return evaluate(simplify(outputs), feeds(shape.length === 0 ? { x } : { x, u }, { x: shape, u: shape }));
}

function unsimplified(text: string, x: number | number[], shape: number[] = [], u: number[] = [1, 2, 3]): number[][] {
  const { outputs } = derivatives(text, shape);
  return evaluate(outputs, feeds(shape.length === 0 ? { x } : { x, u }, { x: shape, u: shape }));
}

function expectClose(actual: number[][], expected: number[][]): void {
  actual.forEach((values, i) =>
    values.forEach((v, j) => {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeCloseTo(expected[i][j], 9);
    }),
  );
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('stabilizing rewrites at ±1000, with derivatives to 3rd order', () => {
  it('log(sigmoid(x)) → −softplus(−x)', () => {
    expectClose(simplified('log(sigmoid(x))', 1000), [[0], [0], [0], [0]]);
    expectClose(simplified('log(sigmoid(x))', -1000), [[-1000], [1], [0], [0]]);
    expectClose(simplified('log(sigmoid(x))', 0.3), unsimplified('log(sigmoid(x))', 0.3));
  });

  it('log(1 − sigmoid(x)) → −softplus(x)', () => {
    expectClose(simplified('log(1 - sigmoid(x))', 1000), [[-1000], [-1], [0], [0]]);
    expectClose(simplified('log(1 - sigmoid(x))', -1000), [[0], [0], [0], [0]]);
    const s = sigmoid(0.3);
    expectClose(simplified('log(1 - sigmoid(x))', 0.3), [[Math.log(1 - s)], [-s], [-s * (1 - s)], [-s * (1 - s) * (1 - 2 * s)]]);
  });

  it('log(sum(exp(x))) → logsumexp(x), shift-invariant like the reference at moderate x', () => {
    const base = [0.5, -0.25, -1];
    for (const shift of [1000, -1000]) {
      const reference = unsimplified('log(sum(exp(x)))', base, [3]);
      reference[0][0] += shift;
      expectClose(simplified('log(sum(exp(x)))', base.map((v) => v + shift), [3]), reference);
    }
  });

  it('log(softmax(x)) → log_softmax(x)', () => {
    const text = 'sum(u * log(softmax(x)))';
    const base = [0.5, -0.25, -1];
    for (const shift of [1000, -1000]) {
      expectClose(simplified(text, base.map((v) => v + shift), [3]), unsimplified(text, base, [3]));
    }
    // entries 1000 apart: softmax underflows to [1, 0, 0], log_softmax is exactly x − 1000
    expectClose(simplified(text, [1000, 0, -1000], [3]), [[-(2 * 1000 + 3 * 2000)], [-5, 2, 3], [0, 0, 0], [0, 0, 0]]);
  });

  it('log(1 + x) → log1p(x): accurate for tiny x, fine at 1000', () => {
    const [[y], [d1]] = simplified('log(1 + x)', 1e-12);
    expect(y).toBe(Math.log1p(1e-12));
    expect(d1).toBeCloseTo(1 / (1 + 1e-12), 15);
    expectClose(simplified('log(1 + x)', 1000), [[Math.log(1001)], [1 / 1001], [-1 / 1001 ** 2], [2 / 1001 ** 3]]);
  });

  it('exp(x) − 1 → expm1(x): accurate for tiny x, fine at −1000 (exp(1000) overflows in every form)', () => {
    expect(simplified('exp(x) - 1', 1e-12)[0][0]).toBe(Math.expm1(1e-12));
    expectClose(simplified('exp(x) - 1', -1000), [[-1], [0], [0], [0]]);
  });

  it('stabilizeForGrad never looks through a target, and returns y when nothing needs stabilizing', () => {
    const [y, z] = build(['log(sigmoid(x))', 'sin(x) * y']);
    expect(stabilizeForGrad(y, [y.inputs[0]])).toBe(y);
    expect(stabilizeForGrad(y, [y.inputs[0].inputs[0]])).not.toBe(y);
    expect(stabilizeForGrad(z, [z.inputs[0]])).toBe(z);
  });
});
