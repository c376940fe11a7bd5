import type { Node } from '../../compiler/graph.js';
import { interpret } from '../../compiler/interpret.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { sizeOf } from '../../compiler/shape.js';

export type Feeds = Record<string, Tensor>;

export function tensor(shape: readonly number[], data: readonly number[]): Tensor {
  return { shape, data: Float64Array.from(data) };
}

/** The value of a node, flat. */
export function valueOf(node: Node, feeds: Feeds): number[] {
  return [...interpret([node], feeds)[0].data];
}

/** Central differences of y with respect to the fed input `name`: flat, row-major, y.shape ++ x.shape. */
export function numericJacobian(y: Node, name: string, feeds: Feeds, h = 1e-5): number[] {
  const x = feeds[name];
  const [m, n] = [sizeOf(y.shape), x.data.length];
  const out = new Array<number>(m * n);
  const at = (j: number, step: number) => {
    const data = Float64Array.from(x.data);
    data[j] += step;
    return valueOf(y, { ...feeds, [name]: { shape: x.shape, data } });
  };
  for (let j = 0; j < n; j++) {
    const [plus, minus] = [at(j, h), at(j, -h)];
    for (let i = 0; i < m; i++) out[i * n + j] = (plus[i] - minus[i]) / (2 * h);
  }
  return out;
}

/** Largest |a − b| relative to max(1, |b|). */
export function maxError(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  return Math.max(0, ...a.map((v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))));
}
