import { Session } from 'node:inspector/promises';
import { describe, expect, it } from 'vitest';
import { memoryPlan } from '../../compiler/codegen/plan.js';
import { programFromGraph } from '../../compiler/codegen/program.js';
import { constant } from '../../compiler/builder.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { add, broadcast_to, exp, matmul, max, mul, relu, sigmoid, sin, softmax, sub, sum, tanh, transpose } from '../../compiler/ops/index.js';
import { grad } from '../../compiler/autodiff/index.js';
import { compileOutputs, expectAgreement, randomFeeds } from './support.js';

/**
 * Bytes allocated by code of generated modules (loaded from data: URLs) while fn runs, sampled by
 * V8. Until V8 has optimized a kernel (on a background thread) its interpreted code boxes numbers,
 * so this takes the least of a few attempts with pauses between them.
 */
async function bytesAllocatedByModule(fn: () => void): Promise<number> {
  const session = new Session();
  session.connect();
  let least = Infinity;
  for (let attempt = 0; attempt < 6 && least > 0; attempt++) {
    fn();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
    fn();
    const { profile } = await session.post('HeapProfiler.stopSampling');
    let bytes = 0;
    const visit = (node: typeof profile.head): void => {
      if (node.callFrame.url.startsWith('data:')) bytes += node.selfSize;
      node.children.forEach(visit);
    };
    visit(profile.head);
    least = Math.min(least, bytes);
  }
  session.disconnect();
  return least;
}

/** The loops of the compute functions (the prelude has loops of its own). */
function computeLoops(source: string): number {
  const compute = source.slice(source.indexOf('function $compute'), source.indexOf('function run('));
  return (compute.match(/\bfor \(/g) ?? []).length;
}

describe('elementwise fusion', () => {
  it('runs a chain over a batch as one loop with no buffer for its intermediates', async () => {
    const g = new Graph();
    const x = g.input('x', ['N']);
    const y = sub(exp(add(mul(sin(x), 2), x)), x);
    const { module, source } = await compileOutputs({ y });
    expect(computeLoops(source)).toBe(1);
    const plan = memoryPlan(programFromGraph(g, { y }), { N: 10 });
    expect(plan.workspaceBytes).toBe(10 * 8);
    expect(plan.intermediateBytes).toBe(5 * 10 * 8);
    expectAgreement(module, { y }, randomFeeds({ y }, { N: 10 }));
  });

  it('computes a value and its gradient in one loop (W1)', async () => {
    const g = new Graph();
    const [x1, x2] = [g.input('x1', ['N']), g.input('x2', ['N'])];
    const y = sub(add(mul(x1, x2), exp(x1)), sin(x2));
    const outputs = { y, dy_dx1: grad(sum(y), x1), dy_dx2: grad(sum(y), x2) };
    const { module, source } = await compileOutputs(outputs);
    expect(computeLoops(source)).toBe(1);
    expectAgreement(module, outputs, randomFeeds(outputs, { N: 7 }));
  });

  it('broadcasts by index arithmetic: no copy of a broadcast operand', async () => {
    const g = new Graph();
    const x = g.input('x', ['N', 3]);
    const b = g.input('b', [3]);
    const u = g.input('u', ['N', 1]);
    const y = mul(add(x, broadcast_to(b, ['N', 3])), u);
    const { module } = await compileOutputs({ y });
    expect(memoryPlan(programFromGraph(g, { y }), { N: 4 }, 'js').workspaceBytes).toBe(4 * 3 * 8);
    // The wasm target's loop reads x, b and u staged in its memory, each padded to whole vectors and one to spare: 14 + 14 + 6 + 6 float64s.
    expect(memoryPlan(programFromGraph(g, { y }), { N: 4 }).workspaceBytes).toBe((14 + 14 + 6 + 6) * 8);
    expectAgreement(module, { y }, randomFeeds({ y }, { N: 4 }));
  });

  it('ends loops with full and partial reductions, and reads reduced values in later loops', async () => {
    const g = new Graph();
    const x = g.input('x', ['N', 5]);
    const t = tanh(x);
    const outputs = {
      total: sum(mul(t, t)),
      columns: sum(t, { axis: 0 }),
      rows: max(t, { axis: 1, keepdims: true }),
      centred: sub(t, max(t, { axis: 1, keepdims: true })),
      probabilities: softmax(x),
    };
    const { module } = await compileOutputs(outputs);
    expectAgreement(module, outputs, randomFeeds(outputs, { N: 6 }));
  });

  it('reads transposed operands in place', async () => {
    const g = new Graph();
    const a = g.input('a', ['N', 3]);
    const y = add(transpose(a), 1);
    const { module } = await compileOutputs({ y });
    expect(memoryPlan(programFromGraph(g, { y }), { N: 2 }).workspaceBytes).toBe(2 * 3 * 8);
    expectAgreement(module, { y }, randomFeeds({ y }, { N: 2 }));
  });
});

describe('outputs', () => {
  it('returns leaves, views, constants and broadcast literals as outputs', async () => {
    for (const shape of [['N', 3], [2, 3]] as const) {
      const g = new Graph();
      const x = g.input('x', [...shape]);
      const outputs = {
        same: x,
        flipped: transpose(x),
        table: constant(g, [1, 2, 3, 4, 5, 6], [2, 3]),
        zeros: broadcast_to(constant(g, [0], []), [2, 3]),
        seven: constant(g, [7], []),
        sum: sum(transpose(x), { axis: 1 }),
      };
      const { module } = await compileOutputs(outputs);
      expectAgreement(module, outputs, randomFeeds(outputs, { N: 2 }));
    }
  });
});

describe('memory planning', () => {
  /** A chain of gemms: each product is freed once the next is computed, so later ones reuse its buffer. */
  function gemmChain(n: number): { g: Graph; outputs: Record<string, Node> } {
    const g = new Graph();
    const a = g.input('a', [n, n]);
    let t = a;
    for (let i = 0; i < 6; i++) t = matmul(t, a);
    return { g, outputs: { y: sum(t) } };
  }

  it('reuses the buffer of a dead intermediate for a later node', async () => {
    const { g, outputs } = gemmChain(40);
    const { module, source } = await compileOutputs(outputs);
    // The JS target's plan: the wasm target's adds a fixed scratch area for packed blocks and staged feeds, as large as these small products.
    const plan = memoryPlan(programFromGraph(g, outputs), {}, 'js');
    expect(plan.workspaceBytes).toBeLessThan(plan.intermediateBytes);
    const assigned = [...source.matchAll(/^\s*(\S+) = (\$buffer\d+);$/gm)].map((m) => m[2]);
    expect(new Set(assigned).size).toBeLessThan(assigned.length);
    expectAgreement(module, outputs, randomFeeds(outputs, {}, 3, [-0.1, 0.1]));
  });

  it('reuses buffers whose size depends on a named dimension, across different bindings', async () => {
    const g = new Graph();
    const x = g.input('x', ['N', 8]);
    const w = g.input('w', [8, 8]);
    let h = x;
    for (let i = 0; i < 4; i++) h = tanh(matmul(h, w));
    const outputs = { y: sum(h, { axis: 1 }) };
    const { module } = await compileOutputs(outputs);
    const plan = memoryPlan(programFromGraph(g, outputs), { N: 100 });
    expect(plan.workspaceBytes).toBeLessThan(plan.intermediateBytes);
    for (const n of [5, 300, 7]) expectAgreement(module, outputs, randomFeeds(outputs, { N: n }, n));
  });

  it('gives two kernel instances their own buffers', async () => {
    const { outputs } = gemmChain(16);
    const { module } = await compileOutputs(outputs);
    const [k1, k2] = [module.createKernel(), module.createKernel()];
    const [f1, f2] = [randomFeeds(outputs, {}, 1, [-0.5, 0.5]), randomFeeds(outputs, {}, 2, [-0.5, 0.5])];
    const r1 = k1.run(f1);
    const before = Array.from(r1.y.data);
    const r2 = k2.run(f2);
    expect(r2.y.data).not.toBe(r1.y.data);
    expect(Array.from(r1.y.data)).toEqual(before);
    expect(Array.from(r2.y.data)).not.toEqual(before);
  });

  it('reuses its output objects and buffers from run to run', async () => {
    const { outputs } = gemmChain(8);
    const { module } = await compileOutputs(outputs);
    const kernel = module.createKernel();
    const feeds = randomFeeds(outputs);
    const first = kernel.run(feeds);
    const data = first.y.data;
    expect(kernel.run(feeds)).toBe(first);
    expect(kernel.run(feeds).y.data).toBe(data);
  });

  it('allocates nothing per run in the steady state, in every kind of kernel', async () => {
    const g = new Graph();
    const x = g.input('x', ['N', 40]);
    const w = g.input('w', [40, 40]);
    const h = tanh(matmul(x, w));
    const tensors = { y: sum(mul(h, h)), dw: grad(sum(mul(h, h)), w), top: max(h, { axis: 1 }) };
    const s = new Graph();
    const [a, b] = [s.input('a', []), s.input('b', [])];
    let v = mul(a, b);
    for (let i = 0; i < 7_000; i++) v = i % 2 === 0 ? sin(v) : mul(v, b);
    const [short, long] = [{ y: exp(mul(a, b)), d: grad(exp(mul(a, b)), a) }, { y: v, d: grad(v, a) }];
    for (const [outputs, feeds] of [
      [tensors, randomFeeds(tensors, { N: 30 })],
      [short, randomFeeds(short)],
      [long, randomFeeds(long)],
    ] as const) {
      const { module, source } = await compileOutputs(outputs);
      const kernel = module.createKernel();
      expect(await bytesAllocatedByModule(() => {
        for (let i = 0; i < 500; i++) kernel.run(feeds);
      }), source.match(/Plan: .*/)![0]).toBe(0);
    }
    const f = (await compileOutputs(short)).module as unknown as { createScalarKernel(): (a: number, b: number) => Float64Array };
    const point = f.createScalarKernel();
    expect(await bytesAllocatedByModule(() => {
      for (let i = 0; i < 5_000; i++) point(i, 0.5);
    })).toBe(0);
  });

  it('rejects a wrong-length typed array before any work, leaving outputs untouched', async () => {
    const g = new Graph();
    const x = g.input('x', [4]);
    const z = g.input('z', [4]);
    const outputs = { y: add(sigmoid(x), z) };
    const { module } = await compileOutputs(outputs);
    const kernel = module.createKernel();
    const good = kernel.run({ x: new Float64Array([1, 2, 3, 4]), z: new Float64Array(4) });
    const before = Array.from(good.y.data);
    expect(() => kernel.run({ x: new Float64Array([9, 9, 9, 9]), z: new Float64Array(5) })).toThrow(/feeds\.z: expected shape \[4\] \(4 values\), got 5 values/);
    expect(() => kernel.run({ x: new Float64Array(3), z: new Float64Array(4) })).toThrow(/feeds\.x/);
    expect(Array.from(good.y.data)).toEqual(before);
  });
});

describe('matmul kernels', () => {
  const forms: [string, (a: Node, b: Node) => Node, [number, number], [number, number]][] = [
    ['AB', (a, b) => matmul(a, b), [37, 29], [29, 45]],
    ['AᵀB', (a, b) => matmul(transpose(a), b), [29, 37], [29, 45]],
    ['ABᵀ', (a, b) => matmul(a, transpose(b)), [37, 29], [45, 29]],
    ['AᵀBᵀ', (a, b) => matmul(transpose(a), transpose(b)), [29, 37], [45, 29]],
  ];
  for (const dtype of ['float64', 'float32'] as const) {
    it.each(forms)(`%s as a blocked gemm with a bias and relu epilogue (${dtype})`, async (_, form, as, bs) => {
      const g = new Graph(dtype);
      const a = g.input('a', as);
      const b = g.input('b', bs);
      const c = g.input('c', [45]);
      const outputs = { y: relu(add(form(a, b), c)) };
      const { module, source } = await compileOutputs(outputs);
      expect(source).toMatch(/\$gemm\(37, 45, 29, a, .*, b, /);
      expect(memoryPlan(programFromGraph(g, outputs)).workspaceBytes).toBeLessThan((37 * 45 * 2 + 37 * 29 + 29 * 45) * (dtype === 'float32' ? 4 : 8) + 100_000);
      expectAgreement(module, outputs, randomFeeds(outputs));
    });
  }

  it('runs batched products and their gradients as one gemm per matrix, broadcasting batch axes and reading transposes in place', async () => {
    const g = new Graph();
    const a = g.input('a', [2, 3, 37, 29]);
    const b = g.input('b', [3, 44, 29]);
    const x = g.input('x', ['N', 37, 29]);
    const w = g.input('w', [29, 44]);
    const y = matmul(a, transpose(b, [0, 2, 1]));
    const outputs = { y, da: grad(sum(y), a), db: grad(sum(y), b), z: matmul(x, w) };
    const { module, source } = await compileOutputs(outputs);
    expect(source).toContain('$gemm(37, 44, 29, a, $i0 * 3219 + $i1 * 1073, 29, 1, b, $i1 * 1276, 1, 29, y, $i0 * 4884 + $i1 * 1628);');
    expect(source).toContain('$gemm(37, 44, 29, x, $i0 * 1073, 29, 1, w, 0, 44, 1, ');
    expect(source).not.toContain('$acc');
    expectAgreement(module, outputs, randomFeeds(outputs, { N: 3 }));
  });

  it('agrees with the interpreter across the block and tile edges of m, k and n', async () => {
    const g = new Graph();
    const a = g.input('a', [259, 67]);
    const b = g.input('b', [517, 259]);
    const outputs = { y: matmul(transpose(a), transpose(b)) };
    const { module, source } = await compileOutputs(outputs);
    expect(source).toContain('$gemm(67, 517, 259, a, 0, 1, 67, b, 0, 1, 259, y, 0);');
    expectAgreement(module, outputs, randomFeeds(outputs));
  });

  it('computes small and vector products as dot products inside the loop that uses them', async () => {
    const g = new Graph();
    const x = g.input('x', ['N', 3]);
    const w = g.input('w', [3, 2]);
    const v = g.input('v', [2]);
    const outputs = { y: sigmoid(matmul(relu(matmul(x, w)), v)), z: matmul(v, transpose(w)) };
    const { module, source } = await compileOutputs(outputs);
    expect(source).not.toContain('$gemm(');
    expectAgreement(module, outputs, randomFeeds(outputs, { N: 5 }));
  });
});

describe('kernels per dtype', () => {
  it('runs float32 kernels on Float32Array feeds and converts other arrays', async () => {
    const g = new Graph('float32');
    const x = g.input('x', ['N']);
    const outputs = { y: mul(tanh(x), 3) };
    const { module } = await compileOutputs(outputs);
    const result = module.createKernel().run({ x: Float32Array.of(0.5, -1) });
    expect(result.y.data).toBeInstanceOf(Float32Array);
    expect(Array.from(module.createKernel().run({ x: [0.5, -1] }).y.data)).toEqual(Array.from(result.y.data));
    expectAgreement(module, outputs, randomFeeds(outputs, { N: 9 }));
  });

  it('offers a scalar calling convention when every leaf is a scalar', async () => {
    const g = new Graph();
    const [x1, x2] = [g.input('x1', []), g.input('x2', [])];
    const y = sub(add(mul(x1, x2), exp(x1)), sin(x2));
    const outputs = { y, dy_dx1: grad(y, x1), dy_dx2: grad(y, x2) };
    const { module } = await compileOutputs(outputs);
    const f = (module as unknown as { createScalarKernel(): (a: number, b: number) => Float64Array }).createScalarKernel();
    const out = f(0.3, -1.2);
    const expected = module.run({ x1: 0.3, x2: -1.2 });
    expect(Array.from(out)).toEqual([expected.y.data[0], expected.dy_dx1.data[0], expected.dy_dx2.data[0]]);
    expect(f(1, 2)).toBe(out);
  });
});
