import { describe, expect, it } from 'vitest';
import { SymgradError } from '../../compiler/errors.js';
import { loadSpec } from '../../compiler/spec/load.js';
import { expectSpec } from './spec.js';

// Issue 13, items 5 and 6: PyTorch's conventions where SPEC §2 says "as in PyTorch", at every
// derivative order, in the interpreter and in generated code; losses that refuse to broadcast;
// slice bounds that clamp.

const E1 = Math.exp(-1);

describe('elu at 0: elu′(0) = alpha, elu″(0) = 0 (PyTorch)', () => {
  it('first, second and third derivatives at −1, 0, 1 (elu″(0) was alpha)', async () => {
    await expectSpec(
      {
        d1: 'grad(sum(elu(x, alpha=0.5)), x)',
        d2: 'grad(sum(grad(sum(elu(x, alpha=0.5)), x)), x)',
        d3: 'grad(sum(grad(sum(grad(sum(elu(x, alpha=0.5)), x)), x)), x)',
      },
      { x: { shape: [3], data: [-1, 0, 1] } },
      { d1: [0.5 * E1, 0.5, 1], d2: [0.5 * E1, 0, 0], d3: [0.5 * E1, 0, 0] },
      1e-15,
    );
  });
});

describe('pow at base 0: the derivatives PyTorch gives', () => {
  const LN2 = Math.LN2;
  const LN3 = Math.log(3);

  it('grad(sum(relu(x) ^ p), p) at x = [−1, 2, 3], p = 2 is 12.660099320252769 (was NaN), to 3rd order', async () => {
    await expectSpec(
      {
        dp: 'grad(sum(relu(x) ^ p), p)',
        dx: 'grad(sum(relu(x) ^ p), x)',
        dpp: 'grad(grad(sum(relu(x) ^ p), p), p)',
        dppp: 'grad(grad(grad(sum(relu(x) ^ p), p), p), p)',
        dxp: 'grad(grad(sum(relu(x) ^ p), p), x)',
      },
      { x: { shape: [3], data: [-1, 2, 3] }, p: { shape: [], data: [2] } },
      {
        dp: [12.660099320252769],
        dx: [0, 4, 6],
        dpp: [4 * LN2 ** 2 + 9 * LN3 ** 2],
        dppp: [4 * LN2 ** 3 + 9 * LN3 ** 3],
        // ∂²/∂x∂p of a^p = a^(p−1)·(1 + p·log a), 0 at a = 0
        dxp: [0, 2 * (1 + 2 * LN2), 3 * (1 + 2 * LN3)],
      },
      1e-14,
    );
  });

  it('a = 0: ∂/∂a is 0 where b = 0, ∂/∂b is 0 where b ≥ 0; ∂²/∂a² of a² is 2', async () => {
    const fed = { a: { shape: [4], data: [0, 0, 0, 0] }, b: { shape: [4], data: [0, 1, 2, 0.5] } };
    await expectSpec(
      { y: 'a ^ b', da: 'grad(sum(a ^ b), a)', db: 'grad(sum(a ^ b), b)', daa: 'grad(sum(grad(sum(a ^ b), a)), a)' },
      fed,
      { y: [1, 0, 0, 0], da: [0, 1, 0, Infinity], db: [0, 0, 0, 0], daa: [0, 0, 2, -Infinity] },
      0,
    );
  });

  it('a = 0, b < 0: as PyTorch, y = ∞, ∂/∂a = −∞, ∂/∂b = −∞', async () => {
    await expectSpec(
      { y: 'a ^ b', da: 'grad(sum(a ^ b), a)', db: 'grad(sum(a ^ b), b)' },
      { a: { shape: [], data: [0] }, b: { shape: [], data: [-1] } },
      { y: [Infinity], da: [-Infinity], db: [-Infinity] },
      0,
    );
  });
});

describe('slice clamps its bounds like NumPy and PyTorch', () => {
  it('bounds past either end are cut to the axis; an empty range gives an empty tensor', async () => {
    await expectSpec(
      {
        over: 'slice(x, start=[1], stop=[10])',
        under: 'slice(x, start=[-10], stop=[2])',
        both: 'slice(m, start=[-5, 1], stop=[5, 99])',
        empty: 'slice(x, start=[5], stop=[7])',
        reversed: 'slice(x, start=[2], stop=[1])',
        g: 'grad(sum(slice(x, start=[1], stop=[10]) * slice(x, start=[-10], stop=[2])), x)',
      },
      { x: { shape: [3], data: [1, 2, 3] }, m: { shape: [2, 3], data: [1, 2, 3, 4, 5, 6] } },
      { over: [2, 3], under: [1, 2], both: [2, 3, 5, 6], empty: [], reversed: [], g: [2, 4, 2] },
      0,
    );
  });
});

describe('jacobian with a named dimension on one side', () => {
  it('y [N, 2] of w [2] (forward) and s [2] of x [N] (reverse), N fed as 3 (was refused: "needs static shapes")', async () => {
    const xs = [0.5, -1, 2];
    const ws = [0.3, -0.7];
    await expectSpec(
      { jw: 'jacobian(sin(x * w), w)', jx: 'jacobian(sum(sin(x * w), axis=0), x)' },
      { x: { shape: [3, 1], data: xs }, w: { shape: [2], data: ws } },
      {
        jw: xs.flatMap((x) => ws.flatMap((w, i) => ws.map((_, j) => (i === j ? x * Math.cos(x * w) : 0)))),
        jx: ws.flatMap((w) => xs.flatMap((x) => [w * Math.cos(x * w)])),
      },
      1e-15,
      { declared: { x: ['N', 1] } },
    );
  });
});

describe('the losses need operands of the same shape', () => {
  const spec = (expression: string, shapes: Record<string, (number | string)[]>) =>
    JSON.stringify({
      format: 'symgrad/1',
      inputs: Object.fromEntries(Object.entries(shapes).map(([name, shape]) => [name, { shape }])),
      nodes: { loss: expression },
      outputs: ['loss'],
    });

  it.each([
    ['mse(pred, y)', { pred: ['N', 1], y: ['N'] }, 'mse: pred and target need the same shape, got [N, 1] and [N]'],
    ['softmax_cross_entropy(logits, labels)', { logits: ['N', 2], labels: ['N', 1] }, 'softmax_cross_entropy: logits and labels need the same shape, got [N, 2] and [N, 1]'],
    ['bce_with_logits(z, y)', { z: [3], y: [] }, 'bce_with_logits: logits and targets need the same shape, got [3] and []'],
  ])('%s with shapes %j is an error naming both (was a silent broadcast)', (expression, shapes, message) => {
    const error = (() => {
      try {
        loadSpec(spec(expression, shapes));
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(SymgradError);
    expect((error as SymgradError).message).toContain(message);
    expect((error as SymgradError).place).toMatch(/^nodes\.loss/);
  });
});
