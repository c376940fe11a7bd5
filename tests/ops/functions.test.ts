import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { grad, hessian } from '../../compiler/autodiff/index.js';
import { constant } from '../../compiler/builder.js';
import { compileSpec } from '../../compiler/compile.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { interpret } from '../../compiler/interpret.js';
import * as op from '../../compiler/ops/index.js';
import type { Shape } from '../../compiler/shape.js';
import { createSession } from '../../runtime/compile.js';
import { loadModuleSource } from '../../runtime/module.js';
import { compileOutputs } from '../codegen/support.js';
import { seededRandom, uniformArray } from '../support/random.js';

/**
 * What `build` makes of x = values (by default of shape [N], a named size, so generated code
 * runs tensor loops), from the interpreter and from generated code, which must agree to the last bits.
 */
async function evaluate(values: number[], build: (x: Node) => Node[], shape: Shape = ['N']): Promise<number[][]> {
  const graph = new Graph();
  const x = graph.input('x', shape);
  const nodes = build(x);
  const outputs = Object.fromEntries(nodes.map((n, i) => [`out${i}`, n]));
  const feeds = { x: { shape: shape.length === 1 ? [values.length] : (shape as number[]), data: Float64Array.from(values) } };
  const reference = interpret(nodes, feeds).map((t) => [...t.data]);
  const { module } = await compileOutputs(outputs);
  const generated = module.run(feeds);
  nodes.forEach((_, i) => {
    const got = [...generated[`out${i}`].data];
    got.forEach((v, j) => expect(v === reference[i][j] || Math.abs(v - reference[i][j]) <= 1e-15 * Math.abs(reference[i][j]) || (v !== v && reference[i][j] !== reference[i][j])).toBe(true));
  });
  return reference;
}

function expectRelative(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]), `entry ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance * Math.abs(expected[i])));
}

const slopes = (f: (x: Node) => Node) => (x: Node) => [f(x), grad(op.sum(f(x)), x)];

describe('more math', () => {
  it('erf and erfc match 20-digit values, far into the tail', async () => {
    const [erf] = await evaluate([0.1, 0.3, 0.5, 1, 2, 3, -1.5, 0], (x) => [op.erf(x)]);
    expectRelative(erf, [0.1124629160182848984, 0.32862675945912741619, 0.52049987781304653768, 0.84270079294971486934, 0.99532226501895273416, 0.99997790950300141456, -0.96610514647531072707, 0], 2e-16);
    const [erfc] = await evaluate([-1, 0.2, 3, 4.5, 5, 10, 20, 26, 30], (x) => [op.erfc(x)]);
    expectRelative(erfc, [1.8427007929497148693, 0.77729741078952153382, 2.2090496998585441373e-5, 1.9661604415428874763e-10, 1.5374597944280348502e-12, 2.088487583762544757e-45, 5.3958656116079009289e-176, 5.6631924088561428465e-296, 0], 1e-14);
  });

  it('erf of ±Infinity and NaN', async () => {
    const [erf, erfc] = await evaluate([Infinity, -Infinity, NaN], (x) => [op.erf(x), op.erfc(x)]);
    expect(erf.slice(0, 2)).toEqual([1, -1]);
    expect(erfc.slice(0, 2)).toEqual([0, 2]);
    expect(erf[2]).toBeNaN();
    expect(erfc[2]).toBeNaN();
  });

  it("gelu is x·Φ(x) exactly, with gelu' = Φ(x) + x·φ(x)", async () => {
    const xs = [-10, -3, -1, 0.5, 2];
    const [y, slope] = await evaluate(xs, slopes(op.gelu));
    expectRelative(y, [-7.619853024160526066e-23, -0.00404969409489028358, -0.15865525393145705141, 0.34573123063700655182, 1.9544997361036415856], 1e-14);
    const phi = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
    expectRelative(slope, xs.map((x, i) => y[i] / x + x * phi(x)), 1e-13);
  });

  it('round takes halves to the even neighbour; floor and ceil; all have derivative 0', async () => {
    const xs = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 2.6, -2.6, 4503599627370497];
    const [round, floor, ceil, d] = await evaluate(xs, (x) => [op.round(x), op.floor(x), op.ceil(x), grad(op.sum(op.add(op.add(op.round(x), op.floor(x)), op.ceil(x))), x)]);
    expect(round).toEqual([0, 2, 2, -0, -2, -2, 0, 3, -3, 4503599627370497]);
    expect(Object.is(round[3], -0)).toBe(true);
    expect(floor.slice(0, 6)).toEqual([0, 1, 2, -1, -2, -3]);
    expect(ceil.slice(0, 6)).toEqual([1, 2, 3, -0, -1, -2]);
    expect(d).toEqual(xs.map(() => 0));
  });

  it('clip passes the gradient on [lo, hi], ends included, and 0 outside', async () => {
    const [y, slope] = await evaluate([-2, -1, 0, 0.5, 0.7], slopes((x) => op.clip(x, { lo: -1, hi: 0.5 })));
    expect(y).toEqual([-1, -1, 0, 0.5, 0.5]);
    expect(slope).toEqual([0, 1, 1, 1, 0]);
    const [low] = await evaluate([-2, 3], (x) => [op.clip(x, { lo: 0 })]);
    expect(low).toEqual([0, 3]);
  });

  it('inverse trigonometric and hyperbolic functions, with their slopes', async () => {
    const xs = [-0.6, 0.2, 0.9];
    const cases: [(x: Node) => Node, (x: number) => number, (x: number) => number][] = [
      [op.atan, Math.atan, (x) => 1 / (1 + x * x)],
      [op.asin, Math.asin, (x) => 1 / Math.sqrt(1 - x * x)],
      [op.acos, Math.acos, (x) => -1 / Math.sqrt(1 - x * x)],
      [op.sinh, Math.sinh, Math.cosh],
      [op.cosh, Math.cosh, Math.sinh],
      [op.asinh, Math.asinh, (x) => 1 / Math.sqrt(x * x + 1)],
      [op.atanh, Math.atanh, (x) => 1 / (1 - x * x)],
    ];
    for (const [f, value, slope] of cases) {
      const [y, d] = await evaluate(xs, slopes(f));
      expectRelative(y, xs.map(value), 1e-15);
      expectRelative(d, xs.map(slope), 1e-14);
    }
    const [y, d] = await evaluate([1.5, 3], slopes(op.acosh));
    expectRelative(y, [Math.acosh(1.5), Math.acosh(3)], 1e-15);
    expectRelative(d, [1 / Math.sqrt(1.25), 1 / Math.sqrt(8)], 1e-14);
  });
});

describe('more reductions and shape', () => {
  it('prod: where an entry is 0 its gradient is the product of the others, and the Hessian is exact with one and two zeros', async () => {
    // Row 0 has one zero, row 1 two zeros side by side, row 2 three.
    const x = [2, 0, 3, 4, 2, 0, 0, 5, 0, 0, 1, 0];
    const [y, g] = await evaluate(x, (v) => [op.prod(v, { axis: 1 }), grad(op.sum(op.prod(v, { axis: 1 })), v)], [3, 4]);
    expect(y).toEqual([0, 0, 0]);
    expect(g).toEqual([0, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const rowHessian = async (row: number[]) => (await evaluate(row, (v) => [hessian(op.prod(v), v)], [4]))[0];
    expect(await rowHessian([2, 0, 3, 4])).toEqual([0, 12, 0, 0, 12, 0, 8, 6, 0, 8, 0, 0, 0, 6, 0, 0]);
    expect(await rowHessian([2, 0, 0, 5])).toEqual([0, 0, 0, 0, 0, 0, 10, 0, 0, 10, 0, 0, 0, 0, 0, 0]);
    expect(await rowHessian([0, 0, 1, 0])).toEqual(new Array(16).fill(0));
    expect(await rowHessian([2, 3, 4, 5])).toEqual([0, 20, 15, 12, 20, 0, 10, 8, 15, 10, 0, 6, 12, 8, 6, 0]);
  });

  it('var and std with ddof; cumsum both ways', async () => {
    const [v0, v1, s1, c, r] = await evaluate([1, 2, 3, 4], (x) => [
      op.var(x),
      op.var(x, { ddof: 1 }),
      op.std(x, { ddof: 1 }),
      op.cumsum(x, { axis: 0 }),
      op.cumsum(x, { axis: -1, reverse: true }),
    ]);
    expect(v0).toEqual([1.25]);
    expectRelative(v1, [5 / 3], 1e-15);
    expectRelative(s1, [Math.sqrt(5 / 3)], 1e-15);
    expect(c).toEqual([1, 3, 6, 10]);
    expect(r).toEqual([10, 9, 7, 4]);
    const [rows] = await evaluate([1, 2, 3, 4, 5, 6], (x) => [op.cumsum(x, { axis: 0 })], [2, 3]);
    expect(rows).toEqual([1, 2, 3, 5, 7, 9]);
  });

  it('stack adds an axis; tile repeats as NumPy', async () => {
    const [s0, s1, t] = await evaluate([1, 2, 3, 4], (x) => [
      op.stack([x, op.neg(x)]),
      op.stack([x, op.neg(x)], { axis: -1 }),
      op.tile(x, { reps: [2, 2] }),
    ], [2, 2]);
    expect(s0).toEqual([1, 2, 3, 4, -1, -2, -3, -4]);
    expect(s1).toEqual([1, -1, 2, -2, 3, -3, 4, -4]);
    expect(t).toEqual([1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4]);
    const graph = new Graph();
    expect(op.tile(graph.input('v', [3]), { reps: [2, 1, 2] }).shape).toEqual([2, 1, 6]);
  });
});

describe('labels and indexing', () => {
  /** x [4, 2] and positions i (by default of shape [N]), both fed; outputs built from them. */
  async function indexing(build: (x: Node, i: Node) => Record<string, Node>, positions: Shape = ['N']) {
    const graph = new Graph();
    graph.label = 'picked';
    const outputs = build(graph.input('x', [4, 2]), graph.input('i', positions));
    const { module } = await compileOutputs(outputs);
    const feeds = (positions: number[]) => ({
      x: { shape: [4, 2], data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]) },
      i: { shape: [positions.length], data: Float64Array.from(positions) },
    });
    return {
      interpreted: (positions: number[]) => interpret(Object.values(outputs), feeds(positions)).map((t) => [...t.data]),
      generated: (positions: number[]) => Object.values(module.run(feeds(positions))).map((t) => [...t.data]),
    };
  }

  it('gather picks rows; its gradient adds into x at repeated positions', async () => {
    const run = await indexing((x, i) => {
      const picked = op.gather(x, i);
      return { picked, slope: grad(op.sum(op.mul(picked, op.gather(x, i, 0))), x) };
    });
    const positions = [2, 0, 2, 2];
    for (const [picked, slope] of [run.interpreted(positions), run.generated(positions)]) {
      expect(picked).toEqual([5, 6, 1, 2, 5, 6, 5, 6]);
      // d/dx Σ gather(x)² = 2·(number of times each row is picked)·x.
      expect(slope).toEqual([2, 4, 0, 0, 30, 36, 0, 0]);
    }
    expect(() => run.interpreted([1, 0])).not.toThrow();
  });

  it('a position out of range or not whole is a RangeError naming the node, from the interpreter and generated code', async () => {
    const run = await indexing((x, i) => ({ picked: op.gather(x, i) }));
    for (const bad of [[0, 4], [-1], [1.5], [NaN]]) {
      const message = `nodes.picked: gather: position ${bad.at(-1)} is not a whole number in [0, 4)`;
      expect(() => run.interpreted(bad)).toThrow(new RangeError(message));
      expect(() => run.generated(bad)).toThrow(new RangeError(message));
    }
    const scatter = await indexing((x, i) => ({ s: op.scatter_add(x, i, 0, 3) }), [4]);
    expect(scatter.generated([0, 2, 2, 1])).toEqual([[1, 2, 7, 8, 8, 10]]);
    expect(scatter.interpreted([0, 2, 2, 1])).toEqual([[1, 2, 7, 8, 8, 10]]);
    expect(() => scatter.generated([0, 3, 1, 1])).toThrow(/nodes\.picked: scatter_add: position 3 is not a whole number in \[0, 3\)/);
    expect(() => scatter.interpreted([0, 3, 1, 1])).toThrow(/nodes\.picked: scatter_add: position 3 is not a whole number in \[0, 3\)/);
    const labels = await indexing((_, i) => ({ h: op.one_hot(i, 3) }));
    expect(labels.generated([2, 0])).toEqual([[0, 0, 1, 1, 0, 0]]);
    expect(labels.interpreted([2, 0])).toEqual([[0, 0, 1, 1, 0, 0]]);
    expect(() => labels.interpreted([3])).toThrow(/nodes\.picked: one_hot: position 3/);
    expect(() => labels.generated([3])).toThrow(/nodes\.picked: one_hot: position 3/);
  });

  it('argmax and argmin give the first position on ties, as numbers, and have derivative 0', async () => {
    const values = [1, 3, 3, -2, 0, -2, 5, 5];
    const [max, min, maxRows, slope] = await evaluate(
      values,
      (x) => [op.argmax(x), op.argmin(x), op.argmax(x, { axis: 0, keepdims: true }), grad(op.sum(op.mul(op.argmax(x), op.sum(x, { axis: -1 }))), x)],
      [2, 4],
    );
    expect(max).toEqual([1, 2]);
    expect(min).toEqual([3, 1]);
    expect(maxRows).toEqual([0, 0, 1, 1]);
    expect(slope).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    const [withNaN] = await evaluate([1, NaN, 7, NaN], (x) => [op.argmax(x)], [4]);
    expect(withNaN).toEqual([1]);
  });
});

describe('linear algebra', () => {
  const a = [4, 1, -2, 1, 3, 0.5, -2, 0.5, 5];
  /** A [3, 3] (named size n in one variant, so generated code binds it at run time) and b [3, 2]. */
  async function matrices(build: (a: Node, b: Node) => Node[], named = false): Promise<number[][]> {
    const graph = new Graph();
    const n = named ? 'n' : 3;
    const nodes = build(graph.input('a', [n, n]), graph.input('b', [n, 2]));
    const feeds = { a: { shape: [3, 3], data: Float64Array.from(a) }, b: { shape: [3, 2], data: Float64Array.from([1, -1, 2, 0.5, 3, 2]) } };
    const reference = interpret(nodes, feeds).map((t) => [...t.data]);
    const { module } = await compileOutputs(Object.fromEntries(nodes.map((node, i) => [`out${i}`, node])));
    const generated = Object.values(module.run(feeds)).map((t) => [...t.data]);
    expect(generated).toEqual(reference);
    return reference;
  }

  it.each([false, true])('A·solve(A, b) = b, det(A)·det(A⁻¹) = 1, logdet = log|det|, A·A⁻¹ = I (named size: %s)', async (named) => {
    const [x, column, back, product, det, logdet, identity] = await matrices(
      (m, b) => {
        const x = op.solve(m, b);
        const column = op.solve(m, op.reshape(op.gather(b, constant(m.graph, [0], [1]), 1), [m.shape[0]]));
        return [x, column, op.matmul(m, x), op.mul(op.det(m), op.det(op.inv(m))), op.det(m), op.logdet(m), op.matmul(m, op.inv(m))];
      },
      named,
    );
    expectRelative(back, [1, -1, 2, 0.5, 3, 2], 1e-15 * 10);
    expect(column).toEqual([x[0], x[2], x[4]]);
    expectRelative(product, [1], 1e-15);
    expectRelative(det, [4 * (15 - 0.25) - 1 * (5 + 1) - 2 * (0.5 + 6)], 1e-15);
    expectRelative(logdet, [Math.log(Math.abs(det[0]))], 1e-15);
    identity.forEach((v, e) => expect(Math.abs(v - (e % 4 === 0 ? 1 : 0))).toBeLessThan(1e-15));
  });

  it('cholesky of a random symmetric positive-definite matrix reproduces it; its factor is lower triangular', async () => {
    const graph = new Graph();
    const m = graph.input('m', [5, 5]);
    const spd = op.add(op.matmul(m, op.transpose(m)), constant(graph, Array.from({ length: 25 }, (_, e) => (e % 6 === 0 ? 1 : 0)), [5, 5]));
    const l = op.cholesky(spd);
    const random = seededRandom(7);
    const feeds = { m: { shape: [5, 5], data: uniformArray(random, 25, [-1, 1]) } };
    const [factor, back, original] = interpret([l, op.matmul(l, op.transpose(l)), spd], feeds).map((t) => [...t.data]);
    factor.forEach((v, e) => (e % 5 > Math.floor(e / 5) ? expect(v).toBe(0) : undefined));
    back.forEach((v, e) => expect(Math.abs(v - original[e])).toBeLessThan(1e-14 * 10));
  });

  it('derivatives agree with each other: d logdet = A⁻ᵀ, d det = det·A⁻ᵀ, the vjp of solve is a solve with Aᵀ', async () => {
    const [gLogdet, gDet, det, inverse, gb, x] = await matrices((m, b) => {
      const x = op.solve(m, b);
      return [grad(op.logdet(m), m), grad(op.det(m), m), op.det(m), op.inv(m), grad(op.sum(x), b), x];
    });
    const inverseT = [0, 3, 6, 1, 4, 7, 2, 5, 8].map((e) => inverse[e]);
    expectRelative(gLogdet, inverseT, 1e-14);
    expectRelative(gDet, inverseT.map((v) => v * det[0]), 1e-14);
    // Σx = 1ᵀA⁻¹b, so ∂/∂b = A⁻ᵀ·1 in each column.
    const rowSums = [0, 1, 2].map((i) => inverse[i] + inverse[3 + i] + inverse[6 + i]);
    expectRelative(gb, [rowSums[0], rowSums[0], rowSums[1], rowSums[1], rowSums[2], rowSums[2]], 1e-14);
    expect(x).toHaveLength(6);
  });

  it("Newton's method in the graph: one step w − solve(hessian(L, w), grad(L, w)) solves a quadratic", async () => {
    const graph = new Graph();
    const w = graph.input('w', [3]);
    const m = constant(graph, a, [3, 3]);
    const b = constant(graph, [1, 2, 3], [3]);
    const loss = op.sub(op.mul(0.5, op.sum(op.mul(w, op.matmul(m, w)))), op.sum(op.mul(b, w)));
    const step = op.sub(w, op.solve(hessian(loss, w), grad(loss, w)));
    const feeds = { w: { shape: [3], data: Float64Array.from([5, -7, 2]) } };
    const [stepped, exact] = interpret([step, op.solve(m, b)], feeds).map((t) => [...t.data]);
    expectRelative(stepped, exact, 1e-13);
    const { module } = await compileOutputs({ step });
    expectRelative([...module.run(feeds).step.data], exact, 1e-13);
  });

  it('a singular matrix gives det 0, logdet −∞ and non-finite solve and inv entries, never a hang', async () => {
    const graph = new Graph();
    const m = graph.input('m', [3, 3]);
    const nodes = [op.det(m), op.logdet(m), op.inv(m), op.solve(m, constant(graph, [1, 2, 3], [3]))];
    const feeds = { m: { shape: [3, 3], data: Float64Array.from([1, 2, 3, 2, 4, 6, 0, 1, 1]) } };
    const { module } = await compileOutputs(Object.fromEntries(nodes.map((node, i) => [`out${i}`, node])));
    for (const [det, logdet, inverse, x] of [interpret(nodes, feeds).map((t) => [...t.data]), Object.values(module.run(feeds)).map((t) => [...t.data])]) {
      expect(Math.abs(det[0])).toBe(0);
      expect(logdet).toEqual([-Infinity]);
      expect(inverse.some((v) => !Number.isFinite(v))).toBe(true);
      expect(x.some((v) => !Number.isFinite(v))).toBe(true);
    }
  });
});

describe('samples', () => {
  const read = (path: string) => readFileSync(path, 'utf8');
  const json = (path: string) => JSON.parse(read(path));

  it("newton-in-graph: five Newton steps written with solve and hessian reach logistic regression's optimum", async () => {
    const data = json('samples/data/logistic-regression.json');
    const { program, source } = compileSpec(read('samples/newton-in-graph.graph.json'));
    const out = (await loadModuleSource(source)).run(data);
    const losses = [0, 1, 2, 3, 4, 5].map((k) => out[`loss${k}`].data[0]);
    losses.slice(1).forEach((loss, k) => expect(loss).toBeLessThan(losses[k]));
    out.gradient5.data.forEach((g) => expect(Math.abs(g)).toBeLessThan(1e-10));
    // The stationary point of ½‖w‖² + λ·mean(softplus(−y wᵀx)): w = λ·mean(σ(−y wᵀx)·y·x).
    const w = Array.from(out.w5.data);
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    [0, 1].forEach((j) => {
      const terms = data.X.map((x: number[], i: number) => sigmoid(-data.y[i] * (x[0] * w[0] + x[1] * w[1])) * data.y[i] * x[j]);
      expect(w[j]).toBeCloseTo((10 * terms.reduce((a: number, b: number) => a + b, 0)) / data.X.length, 10);
    });
    const reference = interpret(program.outputs.map((o) => o.node), Object.fromEntries(Object.entries(data).map(([k, v]) => [k, tensorOf(v as number[] | number[][])])));
    expect(reference[6].data[0]).toBeCloseTo(w[0], 12);
  });

  it('classifier: trained from whole-number labels through one_hot, 90% or more of the held-out flowers are classified right by argmax', async () => {
    const session = await createSession(read('samples/classifier.graph.json'), { loss: 'loss', optimizer: 'adam', lr: 0.01 });
    session.fit(json('samples/data/iris-labels-train.json'), { epochs: 300 });
    const test = json('samples/data/iris-labels-test.json');
    const out = session.run(test);
    expect(out.accuracy.data[0]).toBeGreaterThanOrEqual(0.9);
    const right = Array.from(out.predicted.data).filter((p, i) => p === test.label[i]).length;
    expect(out.accuracy.data[0]).toBe(right / test.label.length);
  });
});

function tensorOf(value: number[] | number[][]): { shape: number[]; data: Float64Array } {
  return Array.isArray(value[0]) ? { shape: [value.length, (value[0] as number[]).length], data: Float64Array.from((value as number[][]).flat()) } : { shape: [value.length], data: Float64Array.from(value as number[]) };
}
