import { describe, expect, it } from 'vitest';
import { grad } from '../../compiler/autodiff/grad.js';
import { constant } from '../../compiler/builder.js';
import { Graph, type DType, type Node } from '../../compiler/graph.js';
import { interpret } from '../../compiler/interpret.js';
import * as op from '../../compiler/ops/index.js';

/** Float32 stores 1000 + ln 2 only to within 3e-5 (its spacing at 1000 is 6e-5); derivatives inherit that. */
const tolerance: Record<DType, number> = { float64: 1e-12, float32: 1e-4 };

/** Evaluate what `build` makes of one input x = values, in a graph of the given dtype. */
function run(dtype: DType, values: number[], build: (x: Node) => Node[]): number[][] {
  const g = new Graph(dtype);
  const x = g.input('x', [values.length]);
  const data = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  return interpret(build(x), { x: { shape: [values.length], data } }).map((t) => [...t.data]);
}

/** f(x), f'(x) and f''(x) of an elementwise f, entry by entry. */
function derivatives(f: (x: Node) => Node): (x: Node) => Node[] {
  return (x) => {
    const first = grad(op.sum(f(x)), x);
    return [f(x), first, grad(op.sum(first), x)];
  };
}

function expectClose(actual: number[], expected: number[], dtype: DType): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    expect(Number.isFinite(a), `entry ${i} is ${a}`).toBe(true);
    expect(Math.abs(a - expected[i])).toBeLessThanOrEqual(tolerance[dtype] * Math.max(1, Math.abs(expected[i])));
  });
}

const vector = (x: Node, values: number[]) => constant(x.graph, values, [values.length]);

describe.each(['float64', 'float32'] as const)('stability at ±1000 (%s)', (dtype) => {
  it('softplus(1000) = 1000, softplus(−1000) = +0, with first and second derivatives', () => {
    const [y, d1, d2] = run(dtype, [1000, -1000, 0], derivatives(op.softplus));
    expectClose(y, [1000, 0, Math.LN2], dtype);
    expect(Object.is(y[1], 0)).toBe(true);
    expectClose(d1, [1, 0, 0.5], dtype);
    expectClose(d2, [0, 0, 0.25], dtype);
  });

  it('sigmoid(−1000) = 0 and sigmoid(1000) = 1, derivatives 0', () => {
    const [y, d1, d2] = run(dtype, [-1000, 1000, 0], derivatives(op.sigmoid));
    expectClose(y, [0, 1, 0.5], dtype);
    expectClose(d1, [0, 0, 0.25], dtype);
    expectClose(d2, [0, 0, 0], dtype);
  });

  it('swish and elu stay finite at ±1000', () => {
    const [s, s1, s2] = run(dtype, [-1000, 1000], derivatives(op.swish));
    expectClose(s, [0, 1000], dtype);
    expectClose(s1, [0, 1], dtype);
    expectClose(s2, [0, 0], dtype);
    const [e, e1, e2] = run(dtype, [-1000, 1000], derivatives((x) => op.elu(x)));
    expectClose(e, [-1, 1000], dtype);
    expectClose(e1, [0, 1], dtype);
    expectClose(e2, [0, 0], dtype);
  });

  it('log_softmax([1000, 0, −1000]) = [0, −1000, −2000], gradient and Hessian-vector product finite', () => {
    const [y, d1, d2] = run(dtype, [1000, 0, -1000], (x) => {
      const first = grad(op.sum(op.mul(vector(x, [0, 1, 0]), op.log_softmax(x))), x);
      return [op.log_softmax(x), first, grad(op.sum(op.mul(vector(x, [1, 2, 3]), first)), x)];
    });
    expect(y).toEqual([0, -1000, -2000]);
    expectClose(d1, [-1, 1, 0], dtype);
    expectClose(d2, [0, 0, 0], dtype);
  });

  it('softmax([1000, 0, −1000]) = [1, 0, 0]', () => {
    const [y, d1] = run(dtype, [1000, 0, -1000], (x) => [op.softmax(x), grad(op.sum(op.mul(vector(x, [1, 2, 3]), op.softmax(x))), x)]);
    expectClose(y, [1, 0, 0], dtype);
    expectClose(d1, [0, 0, 0], dtype);
  });

  it('logsumexp([1000, 1000]) = 1000 + ln 2, gradient [1/2, 1/2], Hessian [[1/4, −1/4], [−1/4, 1/4]]', () => {
    const [y, d1, h0, h1] = run(dtype, [1000, 1000], (x) => {
      const first = grad(op.logsumexp(x), x);
      const row = (w: number[]) => grad(op.sum(op.mul(vector(x, w), first)), x);
      return [op.logsumexp(x), first, row([1, 0]), row([0, 1])];
    });
    expectClose(y, [1000 + Math.LN2], dtype);
    expectClose(d1, [0.5, 0.5], dtype);
    expectClose(h0, [0.25, -0.25], dtype);
    expectClose(h1, [-0.25, 0.25], dtype);
    expectClose(run(dtype, [-1000, -1000], (x) => [op.logsumexp(x)])[0], [-1000 + Math.LN2], dtype);
  });

  it('bce_with_logits is finite at z = ±1000, with derivatives', () => {
    const [right, wrong, dz, dzz, dy] = run(dtype, [1000, -1000], (z) => {
      const y = vector(z, [1, 1]);
      const loss = op.bce_with_logits(z, y);
      const first = grad(loss, z);
      return [op.bce_with_logits(z, vector(z, [1, 0])), op.bce_with_logits(z, vector(z, [0, 1])), first, grad(op.sum(first), z), grad(loss, y)];
    });
    expectClose(right, [0], dtype);
    expectClose(wrong, [1000], dtype);
    expectClose(dz, [0, -0.5], dtype);
    expectClose(dzz, [0, 0], dtype);
    expectClose(dy, [-500, 500], dtype);
  });

  it('softmax_cross_entropy of logits [1000, 0, −1000] against the middle class is 1000', () => {
    const [loss, d1, d2] = run(dtype, [1000, 0, -1000], (z) => {
      const first = grad(op.softmax_cross_entropy(z, vector(z, [0, 1, 0])), z);
      return [op.softmax_cross_entropy(z, vector(z, [0, 1, 0])), first, grad(op.sum(op.mul(vector(z, [1, 2, 3]), first)), z)];
    });
    expectClose(loss, [1000], dtype);
    expectClose(d1, [1, -1, 0], dtype);
    expectClose(d2, [0, 0, 0], dtype);
  });
});

describe.each(['float64', 'float32'] as const)('kinks and ties (%s)', (dtype) => {
  const firstDerivative = (values: number[], f: (x: Node) => Node) => run(dtype, values, (x) => [grad(op.sum(f(x)), x)])[0];

  it('relu′(0) = 0, abs′(0) = sign(0) = 0, step′ = 0', () => {
    expect(firstDerivative([-1, 0, 1], op.relu)).toEqual([0, 0, 1]);
    expect(firstDerivative([-1, 0, 1], op.abs)).toEqual([-1, 0, 1]);
    expect(firstDerivative([-1, 0, 1], op.step)).toEqual([0, 0, 0]);
    expect(run(dtype, [-0, 0], (x) => [op.sign(x)])[0]).toEqual([0, 0]);
  });

  it('hard_tanh′ is 0 at ±1 and beyond, 1 strictly inside', () => {
    expect(firstDerivative([-2, -1, 0.5, 1, 2], op.hard_tanh)).toEqual([0, 0, 1, 0, 0]);
  });

  it('leaky_relu, prelu and elu take the x ≤ 0 slope at 0 (PyTorch)', () => {
    expectClose(firstDerivative([-1, 0, 1], (x) => op.leaky_relu(x)), [0.01, 0.01, 1], dtype);
    expectClose(firstDerivative([-1, 0, 1], (x) => op.leaky_relu(x, -1)), [-1, -1, 1], dtype);
    expectClose(firstDerivative([-1, 0, 1], (x) => op.elu(x, 0.5)), [0.5 * Math.exp(-1), 0.5, 1], dtype);
    const [dx, dalpha] = run(dtype, [-2, 0, 3], (x) => {
      const alpha = vector(x, [0.25]);
      const y = op.sum(op.prelu(x, alpha));
      return [grad(y, x), grad(y, alpha)];
    });
    expectClose(dx, [0.25, 0.25, 1], dtype);
    expectClose(dalpha, [-2], dtype);
  });

  it('maximum and minimum share the gradient equally at a tie', () => {
    const [dMaxA, dMaxB, dMinA, dMinB] = run(dtype, [2, 1, 3], (a) => {
      const b = vector(a, [2, 2, 2]);
      return [grad(op.sum(op.maximum(a, b)), a), grad(op.sum(op.maximum(a, b)), b), grad(op.sum(op.minimum(a, b)), a), grad(op.sum(op.minimum(a, b)), b)];
    });
    expect(dMaxA).toEqual([0.5, 0, 1]);
    expect(dMaxB).toEqual([0.5, 1, 0]);
    expect(dMinA).toEqual([0.5, 1, 0]);
    expect(dMinB).toEqual([0.5, 0, 1]);
  });

  it('max and min reductions share the gradient equally among ties', () => {
    expect(firstDerivative([1, 3, 3, 2], (x) => op.max(x))).toEqual([0, 0.5, 0.5, 0]);
    expectClose(firstDerivative([2, 1, 1, 1], (x) => op.min(x)), [0, 1 / 3, 1 / 3, 1 / 3], dtype);
    const rows = (x: Node) => op.max(op.reshape(x, [2, 2]), { axis: 1, keepdims: true });
    expect(firstDerivative([1, 1, 2, 0], rows)).toEqual([0.5, 0.5, 1, 0]);
  });

  it('maxout routes the gradient like max, ties shared', () => {
    const [y, d] = run(dtype, [1, 1, 0, 2], (x) => [op.maxout(x, { pieces: 2 }), grad(op.sum(op.maxout(x, { pieces: 2 })), x)]);
    expect(y).toEqual([1, 2]);
    expect(d).toEqual([0.5, 0.5, 0, 1]);
  });
});
