import type { Node } from '../graph.js';
import { ancestors, interpret } from '../interpret.js';
import type { Tensor } from '../ops/op.js';

/** cbrt(machine epsilon): the central-difference step that balances truncation and rounding. */
const STEP = Math.cbrt(Number.EPSILON);

/**
 * Values of a graph at one point, and again with one node's value replaced: only the nodes
 * downstream of the replaced node are recomputed, with the interpreter's op definitions.
 * The graph must be float64 (the check loads float32 specs as float64).
 */
export class Evaluation {
  private readonly order: readonly Node[];
  private readonly base = new Map<Node, Tensor>();

  /** `step` is told after each finite difference (a column of a Jacobian, or a direction). */
  constructor(
    nodes: readonly Node[],
    feeds: Readonly<Record<string, Tensor>>,
    private readonly step: () => void = () => {},
  ) {
    this.order = ancestors(nodes);
    const values = interpret(this.order, feeds);
    this.order.forEach((node, i) => this.base.set(node, values[i]));
  }

  value(node: Node): Tensor {
    const value = this.base.get(node);
    if (!value) throw new Error(`${node} was not evaluated`);
    return value;
  }

  /** The values of `outputs` with x set to `data`. */
  with(x: Node, data: Float64Array, outputs: readonly Node[]): Float64Array[] {
    const changed = new Map<Node, Tensor>([[x, { shape: this.value(x).shape, data }]]);
    for (const node of this.order) {
      if (changed.has(node) || !node.inputs.some((input) => changed.has(input))) continue;
      const shape = this.value(node).shape;
      const out = new Float64Array(this.value(node).data.length);
      node.def.evaluate(out, node.inputs.map((input) => changed.get(input) ?? this.value(input)), node.attrs, shape);
      changed.set(node, { shape, data: out });
    }
    return outputs.map((node) => Float64Array.from((changed.get(node) ?? this.value(node)).data));
  }

  /**
   * ∂f/∂x by central differences, row-major with shape f.shape ++ x.shape; a step per entry of x.
   * With `columns` (entries of x), only those: shape f.shape ++ [columns.length].
   */
  jacobian(f: Node, x: Node, columns?: readonly number[]): Float64Array {
    const x0 = this.value(x).data;
    const size = this.value(f).data.length;
    const entries = columns ?? Array.from(x0, (_, j) => j);
    const result = new Float64Array(size * entries.length);
    entries.forEach((j, c) => {
      const moved = Float64Array.from(x0);
      moved[j] = x0[j] + STEP * Math.max(1, Math.abs(x0[j]));
      const h = moved[j] - x0[j]; // exactly representable, so the two points are exactly 2h apart
      const [plus] = this.with(x, moved, [f]);
      moved[j] = x0[j] - h;
      const [minus] = this.with(x, moved, [f]);
      for (let k = 0; k < size; k++) result[k * entries.length + c] = (plus[k] - minus[k]) / (2 * h);
      this.step();
    });
    return result;
  }

  /** The derivative of f along v at x, by central differences, with f's shape. */
  directional(f: Node, x: Node, v: ArrayLike<number>): Float64Array {
    const x0 = this.value(x).data;
    const scale = Math.max(1, ...Array.from(x0, Math.abs));
    const length = Math.max(0, ...Array.from(v, Math.abs));
    const t = length > 0 ? (STEP * scale) / length : 1;
    const point = (sign: number) => Float64Array.from(x0, (xi, i) => xi + sign * t * v[i]);
    const [plus] = this.with(x, point(1), [f]);
    const [minus] = this.with(x, point(-1), [f]);
    this.step();
    return plus.map((p, k) => (p - minus[k]) / (2 * t));
  }
}

export interface Agreement {
  readonly absError: number;
  readonly relError: number;
  readonly ok: boolean;
}

/**
 * Largest absolute and relative (to the larger magnitude) differences; an entry agrees when
 * |actual − expected| ≤ tolerance·max(1, |expected|). The same NaN or infinity on both sides agrees.
 */
export function agreement(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): Agreement {
  let [absError, relError, ok] = [0, 0, true];
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const abs = Number.isFinite(a - e) ? Math.abs(a - e) : Infinity;
    absError = Math.max(absError, abs);
    relError = Math.max(relError, Number.isFinite(abs) ? abs / Math.max(Math.abs(a), Math.abs(e)) : Infinity);
    if (!(abs <= tolerance * Math.max(1, Math.abs(e)))) ok = false;
  }
  return { absError, relError, ok };
}

/** Combine the agreements of several comparisons. */
export function worst(...all: readonly Agreement[]): Agreement {
  return {
    absError: Math.max(...all.map((a) => a.absError)),
    relError: Math.max(...all.map((a) => a.relError)),
    ok: all.every((a) => a.ok),
  };
}
