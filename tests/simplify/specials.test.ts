import { describe, expect, it } from 'vitest';
import { grad } from '../../compiler/autodiff/grad.js';
import type { Node } from '../../compiler/graph.js';
import { interpret } from '../../compiler/interpret.js';
import { exp, mul, neg, sin, square, sum, tanh } from '../../compiler/ops/index.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { sizeOf, type Shape } from '../../compiler/shape.js';
import { rewrite } from '../../compiler/simplify/engine.js';
import { phases, simplify } from '../../compiler/simplify/index.js';
import { build } from './support.js';

/*
 * Issue 13, item 4: a rewrite holds only where both sides agree for every input, IEEE specials
 * included. Each identity is evaluated by the reference interpreter as written and simplified,
 * at signed zeros, ±1e±300, ±Infinity, NaN and ±800, and the two must agree; a stabilizing
 * rewrite may instead give the exact value (`truth`) where the written form overflows.
 */

/** Inputs where rewrites are most likely to go wrong: signed zeros, extremes, infinities, NaN. */
const SPECIALS = [-1, 0, -0, 1e-300, -1e-300, 1e300, -1e300, Infinity, -Infinity, NaN, 800, -800, 1, 2, 0.5, -2, 3];
/** The other entries of a tensor input, after the special first one. */
const REST = [1, 2, -0.5, 3, 0.25, -4];

/**
 * One identity: an expression over inputs x, y, c (scalars unless `shapes` says). `truth` is the
 * exact value of a stabilizing rewrite (it may be right where the written graph overflows).
 */
interface Row {
  readonly text: string;
  readonly shapes?: Record<string, Shape>;
  readonly truth?: (x: number) => number;
  /** The same for a vector x: the exact output. */
  readonly vectorTruth?: (x: readonly number[]) => number;
  /** The exact value over the inputs in order of appearance (for rows over several inputs). */
  readonly exact?: (...values: number[]) => number;
  /** Canonical sums regroup its product, which may overflow or underflow otherwise at 1e±300. */
  readonly regroups?: boolean;
}

const rows: readonly Row[] = [
  // canonicalize
  { text: '2 * 3 + x' },
  { text: 'x + 0' },
  { text: 'x + -0' },
  { text: 'x - 0' },
  { text: 'x - -0' },
  { text: '0 - x' },
  { text: '-0 - x' },
  { text: 'x * 0' },
  { text: 'x * -0' },
  { text: 'where(c, 1, 2) * 0' },
  { text: 'where(c, -1, -2) * 0' },
  { text: 'where(c, 1, 2) - where(c, 1, 2)' },
  { text: 'where(c, 1, 2) / where(c, 1, 2)' },
  { text: '0 / where(c, 1, 2)' },
  { text: 'exp(x) * 0' },
  { text: 'sigmoid(x) * 0' },
  { text: 'x * 1' },
  { text: 'x / 1' },
  { text: '0 / x' },
  { text: 'x ^ 0' },
  { text: 'x ^ 1' },
  { text: 'where(1, x, y) + where(0, x, y)' },
  { text: 'x @ broadcast_to(0, shape=[3, 2])', shapes: { x: [2, 3] } },
  { text: 'broadcast_to(x, shape=[2])', shapes: { x: [2] } },
  { text: 'broadcast_to(broadcast_to(x, shape=[3]), shape=[2, 3])' },
  { text: 'reshape(x, shape=[2, 3])', shapes: { x: [2, 3] } },
  { text: 'reshape(reshape(x, shape=[6]), shape=[3, 2])', shapes: { x: [2, 3] } },
  { text: 'transpose(x, perm=[0, 1])', shapes: { x: [2, 3] } },
  { text: 'transpose(transpose(x, perm=[1, 2, 0]), perm=[1, 2, 0])', shapes: { x: [2, 3, 4] } },
  { text: 'reshape(broadcast_to(x, shape=[2, 3]), shape=[6])' },
  { text: 'transpose(broadcast_to(x, shape=[2, 3]))' },
  { text: 'sum(broadcast_to(x, shape=[2, 3]), axis=1)' },
  { text: 'sum(x, axis=0)', shapes: { x: [1, 3] } },
  { text: 'mean(x * 0)', shapes: { x: [3] } },
  // stabilize: right where the written form overflows
  { text: 'log(exp(x))', truth: (x) => x },
  { text: 'log(sigmoid(x))', truth: (x) => -softplus(-x) },
  { text: 'log(1 - sigmoid(x))', truth: (x) => -softplus(x) },
  { text: 'log(sum(exp(x), axis=0))', shapes: { x: [3] }, vectorTruth: logsumexp },
  { text: 'log(1 + x)', truth: Math.log1p },
  { text: 'log(1 + exp(x))', truth: softplus },
  { text: 'exp(x) - 1', truth: Math.expm1 },
  { text: 'expm1(x) - (exp(x) - 1)', truth: (x) => (Number.isFinite(Math.exp(x)) ? 0 : NaN) },
  // simplify
  { text: 'x - x' },
  { text: 'x + -y' },
  { text: 'x - -y' },
  { text: '--x' },
  { text: '-(x - y)' },
  { text: 'x * -1' },
  { text: 'x * x' },
  { text: 'x / x' },
  { text: 'tanh(x) / tanh(x)' },
  { text: 'x ^ 2' },
  { text: 'x ^ 0.5' },
  { text: 'x ^ -1' },
  { text: 'exp(log(x))' },
  { text: 'exp(log(square(x)))', truth: (x) => x * x },
  { text: 'square(-x)' },
  { text: 'abs(-x)' },
  { text: 'sqrt(square(x))', truth: Math.abs },
  { text: 'where(c, x, x)' },
  { text: 'where(c, x, 0) + where(c, 0, y)' },
  { text: 'where(c, where(c, x, y), z)' },
  { text: 'where(c, z, where(c, x, y))' },
  { text: 'reshape(sum(x, axis=0, keepdims=true), shape=[3])', shapes: { x: [2, 3] } },
  // canonical sums
  { text: 'x + x + x' },
  { text: '2 * (3 * x)' },
  { text: 'x * y * x', regroups: true },
  { text: 'x * y + y * x' },
  { text: 'x * y - y * x' },
  { text: '(x + y) - (y + x)' },
  { text: 'x + y - x' },
  { text: 'x ^ 3 / x' },
  { text: 'x * y / x' },
  { text: 'sqrt(x) * sqrt(x)' },
  { text: 'square(sqrt(x))' },
  { text: '(x ^ 2) ^ 0.5', truth: Math.abs },
  { text: '(x + 1) * (x - 1)' },
  { text: 'x * (y + 1) - x * y' },
  { text: 'where(c, x, 0) * y + where(c, x, 0) * z' },
  { text: '1e300 * (1e300 * x)' },
  { text: '1e-300 * (1e300 * x)', truth: (x) => x },
  { text: 'x * 1e300 * y * 1e-300', exact: (x, y) => x * y },
  { text: 'exp(-square(x)) * 4 * exp(-square(y)) * 0.25' },
  // cleanup
  { text: 'broadcast_to(x, shape=[3]) * y', shapes: { y: [3] } },
];

const str = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

function logsumexp(x: readonly number[]): number {
  const max = Math.max(...x);
  return max + Math.log(x.reduce((acc, v) => acc + Math.exp(v - max), 0));
}

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Equal as IEEE values: NaN equals NaN, finite values agree to rounding, −0 differs from 0 unless `zeros` is false. */
function same(a: number, b: number, zeros = true, tolerance = 1e-14): boolean {
  if (a === 0 && b === 0) return !zeros || Object.is(a, b);
  if (Number.isNaN(a) || Number.isNaN(b) || a === 0 || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return Object.is(a, b);
  return Math.abs(a - b) <= tolerance * Math.abs(a);
}

/** Each input fed with a special first (the other elements from REST), over every combination. */
function* feedings(outputs: readonly Node[], specials: readonly number[]): Generator<{ feeds: Record<string, Tensor>; at: string }> {
  const inputs = outputs[0].graph.leaves('input');
  const choices = inputs.length <= 2 ? specials : [-1, 0, -0, Infinity, NaN, 2];
  for (let i = 0; i < choices.length ** inputs.length; i++) {
    const feeds: Record<string, Tensor> = {};
    const at: string[] = [];
    inputs.forEach((input, j) => {
      const value = choices[Math.floor(i / choices.length ** j) % choices.length];
      const shape = input.shape as number[];
      const data = Float64Array.from({ length: sizeOf(shape) }, (_, e) => (e === 0 ? value : REST[(e - 1) % REST.length]));
      feeds[input.attrs.name as string] = { shape, data };
      at.push(`${input.attrs.name as string}=${str(value)}`);
    });
    yield { feeds, at: at.join(' ') };
  }
}

/** The rules alone (no canonical sums), every phase in turn to a fixed point. */
function rulesOnly(outputs: readonly Node[]): Node[] {
  let current = [...outputs];
  for (let round = 0; round < 8; round++) {
    const next = phases.reduce((nodes, phase) => rewrite(nodes, phase.rules, []), current);
    if (next.every((n, i) => n === current[i])) break;
    current = next;
  }
  return current;
}

interface Check {
  readonly zeros?: boolean;
  readonly specials?: readonly number[];
  readonly tolerance?: number;
  readonly truth?: (feeds: Record<string, Tensor>, j: number) => number;
}

/** Where `after` differs from `outputs` (and from the truth, if known): 'at: before → after'. */
function differences(outputs: readonly Node[], after: readonly Node[], check: Check = {}): string[] {
  const found: string[] = [];
  for (const { feeds, at } of feedings(outputs, check.specials ?? SPECIALS)) {
    const [a, b] = [interpret(outputs, feeds), interpret(after, feeds)];
    a.forEach((t, i) =>
      t.data.forEach((v, j) => {
        const w = b[i].data[j];
        if (same(v, w, check.zeros, check.tolerance) || (check.truth && same(check.truth(feeds, j), w, check.zeros))) return;
        found.push(`${at}: ${str(v)} → ${str(w)}`);
      }),
    );
  }
  return found;
}

/** The exact value of a row, where it has one, for the inputs fed. */
function truthOf(row: Row): Check['truth'] {
  if (row.truth) return (feeds, j) => row.truth!(feeds.x.data[j]);
  if (row.vectorTruth) return (feeds) => row.vectorTruth!([...feeds.x.data]);
  if (row.exact) return (feeds, j) => row.exact!(...Object.values(feeds).map((t) => t.data[j]));
  return undefined;
}

describe('the rules keep IEEE values exactly (NaN, ±Infinity, −0)', () => {
  for (const row of rows) {
    it(row.text, () => {
      const [y] = build([row.text], row.shapes);
      expect(differences([y], rulesOnly([y]), { truth: truthOf(row) })).toEqual([]);
    });
  }
});

/**
 * With canonical sums, which regroup sums and products: NaN and ±Infinity as written, finite
 * values to rounding, but not the sign of a zero result; and where a regrouped product overflows
 * or underflows in one order but not the other (x·y·x at x = 1e300, y = 0), not at 1e±300.
 */
describe('simplifying keeps NaN, ±Infinity and finite values', () => {
  for (const row of rows) {
    it(row.text, () => {
      const [y] = build([row.text], row.shapes);
      const specials = row.regroups ? SPECIALS.filter((v) => Math.abs(v) !== 1e300 && Math.abs(v) !== 1e-300) : SPECIALS;
      expect(differences([y], simplify([y]), { zeros: false, specials, truth: truthOf(row) })).toEqual([]);
    });
  }
});

describe('simplified derivatives keep NaN, ±Infinity and finite values', () => {
  const cases: readonly [name: string, f: (x: Node) => Node][] = [
    ['tanh', tanh],
    ['exp(sin x)·x', (x) => mul(exp(sin(x)), x)],
    ['exp(−x²)', (x) => exp(neg(square(x)))],
    ['x·x·x', (x) => mul(mul(x, x), x)],
  ];
  for (const [name, f] of cases) {
    it(`${name}, orders 1 to 4`, () => {
      const [x] = build(['x']);
      const outputs: Node[] = [f(x)];
      for (let n = 1; n <= 4; n++) outputs.push(grad(sum(outputs[n - 1]), x));
      const specials = [-1, 0, -0, Infinity, -Infinity, NaN, 800, -800, 2, 0.5, 30];
      expect(differences(outputs, simplify(outputs), { zeros: false, specials, tolerance: 1e-12 })).toEqual([]);
    });
  }
});

describe('products are not regrouped so that they underflow (issue 13, 4b)', () => {
  it('the derivative of a chain of 3,000 ops sin, ·0.9, exp(−v²) keeps its 1e-246', () => {
    const [x] = build(['x']);
    let v = x;
    for (let i = 0; i < 3000; i++) v = i % 3 === 0 ? sin(v) : i % 3 === 1 ? mul(v, 0.9) : exp(neg(square(v)));
    const outputs = [v, grad(v, x)];
    const feeds = { x: { shape: [], data: Float64Array.of(0.3) } };
    const [[, written], [, simplified]] = [outputs, simplify(outputs)].map((o) => interpret(o, feeds).map((t) => t.data[0]));
    expect(written).toBeCloseTo(1.010796507178888e-246, 258);
    expect(Math.abs(simplified - written)).toBeLessThanOrEqual(1e-12 * written);
  });
});
