import { expect } from 'vitest';
import { gradients } from '../../compiler/autodiff/grad.js';
import { jvp } from '../../compiler/autodiff/jvp.js';
import { Graph, type DType, type Node } from '../../compiler/graph.js';
import { interpret } from '../../compiler/interpret.js';
import { mul, sum } from '../../compiler/ops/index.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { sizeOf } from '../../compiler/shape.js';
import { seededRandom, uniformArray } from './random.js';

/** One row of an op table: how to build the op from fresh inputs of these shapes, and where to sample. */
export interface OpCase {
  readonly name: string;
  readonly shapes: readonly (readonly number[])[];
  readonly build: (...xs: Node[]) => Node;
  /** Sampling interval per input (default [-2, 2]); keep away from kinks. */
  readonly domain?: readonly (readonly [number, number])[];
  /** Inputs that are not differentiated (e.g. a condition): indices. */
  readonly constantInputs?: readonly number[];
}

export interface BuiltCase {
  readonly graph: Graph;
  readonly xs: Node[];
  readonly y: Node;
  readonly feeds: Record<string, Tensor>;
}

export function buildCase(c: OpCase, seed = 1, dtype: DType = 'float64'): BuiltCase {
  const random = seededRandom(seed);
  const graph = new Graph(dtype);
  const xs = c.shapes.map((shape, i) => graph.input(`x${i}`, shape));
  const feeds: Record<string, Tensor> = {};
  c.shapes.forEach((shape, i) => {
    feeds[`x${i}`] = { shape, data: uniformArray(random, sizeOf(shape), c.domain?.[i] ?? [-2, 2]) };
  });
  return { graph, xs, y: c.build(...xs), feeds };
}

/**
 * Check order-`order` derivatives of f(x) = ⟨u, y(x)⟩ (u random) against central differences
 * of order-(order−1) derivatives along a random direction: order 1 checks the vjp, order 2
 * differentiates the gradient again.
 */
export function checkDerivatives(c: OpCase, order: 1 | 2, seed = 2, tolerance = 1e-6): void {
  const { graph, xs, y, feeds } = buildCase(c, seed);
  const random = seededRandom(seed + 100);
  const wrt = xs.filter((_, i) => !c.constantInputs?.includes(i));
  const u = graph.input('u', y.shape);
  feeds.u = { shape: y.shape as number[], data: uniformArray(random, sizeOf(y.shape), [-1, 1]) };
  let f = sum(mul(u, y));
  if (order === 2) {
    // f2(x) = Σ_i ⟨w_i, ∂f/∂x_i⟩: its gradient holds the second derivatives.
    const firsts = gradients(f, wrt);
    const ws = firsts.map((g, i) => {
      const w = graph.input(`w${i}`, g.shape);
      feeds[`w${i}`] = { shape: g.shape as number[], data: uniformArray(random, sizeOf(g.shape), [-1, 1]) };
      return sum(mul(w, g));
    });
    f = ws.reduce((a, b) => a.graph.apply('add', [a, b]));
  }
  const analytic = gradients(f, wrt);
  const values = interpret([f, ...analytic], feeds);
  const directions = wrt.map((x) => uniformArray(random, sizeOf(x.shape), [-1, 1]));
  const predicted = values.slice(1).reduce((acc, g, i) => acc + dot(g.data, directions[i]), 0);
  const h = 1e-5;
  const shifted = (sign: number) => {
    const moved: Record<string, Tensor> = { ...feeds };
    wrt.forEach((x, i) => {
      const name = x.attrs.name as string;
      moved[name] = { shape: feeds[name].shape, data: feeds[name].data.map((v, j) => v + sign * h * directions[i][j]) };
    });
    return interpret([f], moved)[0].data[0];
  };
  const numeric = (shifted(1) - shifted(-1)) / (2 * h);
  expect(Math.abs(predicted - numeric)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(numeric)));
}

/** ⟨jvp(x; v), u⟩ = ⟨v, vjp(x; u)⟩ for each differentiable input. */
export function checkJvpAgainstVjp(c: OpCase, seed = 3): void {
  const { graph, xs, y, feeds } = buildCase(c, seed);
  const random = seededRandom(seed + 100);
  xs.forEach((x, i) => {
    if (c.constantInputs?.includes(i)) return;
    const v = graph.input(`v${i}`, x.shape);
    const u = graph.input(`u${i}`, y.shape);
    feeds[`v${i}`] = { shape: x.shape as number[], data: uniformArray(random, sizeOf(x.shape), [-1, 1]) };
    feeds[`u${i}`] = { shape: y.shape as number[], data: uniformArray(random, sizeOf(y.shape), [-1, 1]) };
    const forward = sum(mul(jvp(y, x, v), u));
    const reverse = sum(mul(gradients(sum(mul(y, u)), [x])[0], v));
    const [a, b] = interpret([forward, reverse], feeds);
    expect(a.data[0]).toBeCloseTo(b.data[0], 10);
  });
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
