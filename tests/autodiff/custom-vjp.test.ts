import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  abs,
  checkDerivatives,
  compileSpec,
  cos,
  customVjp,
  grad,
  Graph,
  hessian,
  interpret,
  jacobian,
  jvp,
  less_equal,
  loadSpec,
  matmul,
  mul,
  outer,
  simplify,
  sin,
  step,
  sum,
  transpose,
  type Node,
} from '../../compiler/index.js';
import { compileModule } from '../../runtime/compile.js';
import { loadModuleSource } from '../../runtime/module.js';
import { cli } from '../cli/run.js';
import { maxError, numericJacobian, tensor, valueOf } from './numeric.js';

/** sin with its true derivative as a custom vjp. */
const mySin = customVjp(
  (x: Node) => sin(x),
  (x, _y, dy) => [mul(dy, cos(x))],
  'my_sin',
);
/** A straight-through binarize: step forward, the gradient of the identity on [−1, 1] backward. */
const binarize = customVjp(
  (x: Node) => step(x),
  (x, _y, dy) => [mul(dy, less_equal(abs(x), 1))],
  'binarize',
);
/** A·b with its vjp written out (outer(dy, b) and Aᵀ·dy): a Jacobian that is not diagonal. */
const product = customVjp(
  (A: Node, b: Node) => matmul(A, b),
  (A, b, _y, dy) => [outer(dy, b), matmul(transpose(A), dy)],
  'product',
);

const xs = [-2, -0.7, 0.3, 0.9, 1.6];
const feeds = { x: tensor([5], xs) };

describe('custom vjp in the builder', () => {
  it('build_grad uses the custom vjp instead of the body’s derivative (straight-through)', () => {
    const x = new Graph().input('x', [5]);
    const y = binarize(x);
    expect(valueOf(y, feeds)).toEqual([0, 0, 1, 1, 1]);
    expect(valueOf(grad(sum(y), x), feeds)).toEqual([0, 1, 1, 1, 0]);
    // The body alone has derivative 0 everywhere.
    expect(valueOf(grad(sum(step(x)), x), feeds)).toEqual([0, 0, 0, 0, 0]);
  });

  it('differentiates through the vjp at orders 1 to 3, matching central differences and the closed forms', () => {
    const x = new Graph().input('x', [5]);
    const y = sum(mul(mySin(x), x)); // Σ x·sin x
    const g1 = grad(y, x); // sin x + x cos x
    const g2 = grad(sum(g1), x); // 2 cos x − x sin x
    const g3 = grad(sum(g2), x); // −3 sin x − x cos x
    const closed = [
      (v: number) => Math.sin(v) + v * Math.cos(v),
      (v: number) => 2 * Math.cos(v) - v * Math.sin(v),
      (v: number) => -3 * Math.sin(v) - v * Math.cos(v),
    ];
    [g1, g2, g3].forEach((g, k) => {
      const value = valueOf(g, feeds);
      expect(maxError(value, xs.map(closed[k]))).toBeLessThan(1e-12);
      const below = k === 0 ? y : sum([g1, g2][k - 1]);
      expect(maxError(value, numericJacobian(below, 'x', feeds))).toBeLessThan(1e-7);
    });
  });

  it('differentiates through the straight-through vjp again, where the value is binarize itself', () => {
    const x = new Graph().input('x', [5]);
    const g1 = grad(sum(mul(binarize(x), x)), x); // x·(|x| ≤ 1) + binarize(x)
    expect(valueOf(g1, feeds)).toEqual([0, -0.7, 1.3, 1.9, 1]);
    // (|x| ≤ 1) from the first term, and binarize's own vjp again from the second.
    expect(valueOf(grad(sum(g1), x), feeds)).toEqual([0, 2, 2, 2, 0]);
  });

  it('gives forward mode from the vjp: jvp equals the Jacobian’s rows times the tangent', () => {
    const graph = new Graph();
    const [A, b, v, V] = [graph.input('A', [2, 3]), graph.input('b', [3]), graph.input('v', [3]), graph.input('V', [2, 3])];
    const y = mul(product(A, b), sin(product(A, b)));
    const values = {
      A: tensor([2, 3], [0.5, -1, 2, 0.3, 0.8, -0.4]),
      b: tensor([3], [1.5, -0.5, 0.7]),
      v: tensor([3], [0.2, 1, -0.3]),
      V: tensor([2, 3], [1, 0, -1, 0.5, 2, 0.1]),
    };
    const J = valueOf(jacobian(y, b, 'reverse'), values);
    expect(maxError(valueOf(jacobian(y, b, 'forward'), values), J)).toBeLessThan(1e-14);
    const rowsTimesV = [0, 1].map((i) => [0, 1, 2].reduce((s, j) => s + J[i * 3 + j] * values.v.data[j], 0));
    expect(maxError(valueOf(jvp(y, b, v), values), rowsTimesV)).toBeLessThan(1e-14);
    const JA = valueOf(jacobian(y, A, 'reverse'), values);
    const alongV = [0, 1].map((i) => JA.slice(i * 6, i * 6 + 6).reduce((s, a, j) => s + a * values.V.data[j], 0));
    expect(maxError(valueOf(jvp(y, A, V), values), alongV)).toBeLessThan(1e-14);
    expect(maxError(J, numericJacobian(y, 'b', values))).toBeLessThan(1e-8);
  });

  it('takes the Hessian through the vjp (reverse over reverse and forward over reverse agree)', () => {
    const x = new Graph().input('x', [5]);
    const H = valueOf(hessian(sum(mySin(mySin(x))), x), feeds);
    const d2 = (v: number) => -Math.sin(Math.sin(v)) * Math.cos(v) ** 2 - Math.cos(Math.sin(v)) * Math.sin(v);
    expect(maxError(H, xs.flatMap((v, i) => xs.map((_, j) => (i === j ? d2(v) : 0))))).toBeLessThan(1e-12);
    const g = grad(sum(mySin(mySin(x))), x);
    expect(maxError(valueOf(jacobian(g, x, 'forward'), feeds), H)).toBeLessThan(1e-12);
  });

  it('names two functions of one name apart in one graph, and the simplifier drops the wrapper', () => {
    const other = customVjp((x: Node) => sin(x), (_x, _y, dy) => [mul(dy, 2)], 'my_sin');
    const x = new Graph().input('x', [5]);
    const [a, b] = [mySin(x), other(x)];
    expect(a).not.toBe(b);
    expect([a.attrs.fn, b.attrs.fn]).toEqual(['my_sin', 'my_sin_2']);
    expect(valueOf(grad(sum(b), x), feeds)).toEqual([2, 2, 2, 2, 2]);
    const [simple] = simplify([grad(sum(mul(a, x)), x)]);
    const ops = new Set(interpretOrder(simple).map((n) => n.op));
    expect(ops.has('custom_vjp')).toBe(false);
  });
});

/** The nodes a value is computed from. */
function interpretOrder(node: Node): Node[] {
  const seen = new Set<Node>();
  const visit = (n: Node): void => {
    if (seen.has(n)) return;
    seen.add(n);
    n.inputs.forEach(visit);
  };
  visit(node);
  return [...seen];
}

const specText = JSON.stringify({
  format: 'symgrad/1',
  inputs: { x: { shape: [5] }, W: { shape: [2, 5] } },
  functions: {
    my_sin: { args: ['u'], nodes: { s: 'sin(u)' }, return: 's', vjp: { u: 'dy * cos(u)' } },
    binarize: { args: ['u'], nodes: { s: 'step(u)' }, return: 's', vjp: { u: 'dy * (abs(u) <= 1)' } },
    layer: { args: ['A', 'h'], nodes: { z: 'A @ h', o: 'my_sin(z)' }, return: 'o', vjp: { A: 'outer(dy * cos(z), h)', h: '0' } },
  },
  nodes: {
    y: 'sum(my_sin(x) * x)',
    g1: 'grad(y, x)',
    g2: 'grad(sum(g1), x)',
    g3: 'grad(sum(g2), x)',
    t: 'jvp(my_sin(x) * x, x, cos(x))',
    codes: 'binarize(x)',
    ste: 'grad(sum(binarize(x) * x), x)',
    dW: 'grad(sum(layer(W, x)), W)',
    dx_none: 'grad(sum(layer(W, x)), x)',
    hv: 'hvp(y, x, x)',
    J: 'jacobian(my_sin(x), x)',
  },
  outputs: ['y', 'g1', 'g2', 'g3', 't', 'codes', 'ste', 'dW', 'dx_none', 'hv', 'J'],
});
const specFeeds = { x: tensor([5], xs), W: tensor([2, 5], [0.1, 0.2, -0.3, 0.4, 0.5, -1, 0.5, 0.25, 2, 0.1]) };

describe('custom vjp in a spec', () => {
  it('gives orders 1 to 3, the jvp, the straight-through gradient and a "0" entry', () => {
    const spec = loadSpec(specText);
    const values = interpret(spec.outputs.map((o) => o.node), specFeeds);
    const out = Object.fromEntries(spec.outputs.map((o, i) => [o.name, [...values[i].data]]));
    expect(maxError(out.g1, xs.map((v) => Math.sin(v) + v * Math.cos(v)))).toBeLessThan(1e-12);
    expect(maxError(out.g2, xs.map((v) => 2 * Math.cos(v) - v * Math.sin(v)))).toBeLessThan(1e-12);
    expect(maxError(out.g3, xs.map((v) => -3 * Math.sin(v) - v * Math.cos(v)))).toBeLessThan(1e-12);
    expect(maxError(out.t, xs.map((v) => (Math.sin(v) + v * Math.cos(v)) * Math.cos(v)))).toBeLessThan(1e-12);
    expect(out.codes).toEqual([0, 0, 1, 1, 1]);
    expect(out.ste).toEqual([0, -0.7 + 0, 0.3 + 1, 0.9 + 1, 1]);
    expect(out.dx_none).toEqual([0, 0, 0, 0, 0]);
    expect(maxError(out.hv, xs.map((v) => (2 * Math.cos(v) - v * Math.sin(v)) * v))).toBeLessThan(1e-12);
    expect(maxError(out.J, xs.flatMap((v, i) => xs.map((_, j) => (i === j ? Math.cos(v) : 0))))).toBeLessThan(1e-14);
    const W = specFeeds.W.data;
    const z = [0, 1].map((i) => xs.reduce((s, v, j) => s + W[i * 5 + j] * v, 0));
    expect(maxError(out.dW, [0, 1].flatMap((i) => xs.map((v) => Math.cos(z[i]) * v)))).toBeLessThan(1e-12);
  });

  it('compiles to code that equals the interpreter, simplified or not, with no custom_vjp left when simplified', async () => {
    for (const simplifyOutputs of [true, false]) {
      const { spec, program, source } = compileSpec(specText, { simplify: simplifyOutputs });
      const module = await loadModuleSource(source);
      const generated = module.run({ x: xs, W: [...specFeeds.W.data] });
      const reference = interpret(spec.outputs.map((o) => o.node), specFeeds);
      spec.outputs.forEach(({ name }, i) => expect(maxError([...generated[name].data], [...reference[i].data])).toBeLessThan(1e-12));
      const ops = program.outputs.flatMap((o) => interpretOrder(o.node)).map((n) => n.op);
      expect(ops.includes('custom_vjp')).toBe(!simplifyOutputs);
    }
    expect(compileSpec(specText, { language: 'ts' }).source).toBe(compileSpec(specText, { language: 'ts' }).source);
  });
});

describe('custom vjp samples and check', () => {
  it('samples/straight-through.graph.json: the straight-through gradient, and check leaves it out', async () => {
    const { code, stdout } = await cli('eval', 'samples/straight-through.graph.json', '--set', 'x=[[1,0,-1,0.5]]', '--set', 'target=[[1,0,1]]');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.codes_z).toEqual([0, 0, 0, 1, 1]);
    expect(out.d_codes_z).toEqual([0, 1, 1, 1, 0]);
    const spec = loadSpec(readFileSync('samples/straight-through.graph.json', 'utf8'));
    expect(checkDerivatives(spec, {}).rows).toEqual([]);
  });

  it('samples/my-relu.graph.json: the gradients of the loss match central differences', async () => {
    const text = readFileSync('samples/my-relu.graph.json', 'utf8');
    const module = await compileModule(text);
    const x = Array.from({ length: 15 }, (_, i) => Math.sin(i + 1));
    const y = Array.from({ length: 10 }, (_, i) => Math.cos(i));
    const outputs = module.run({ x, y });
    for (const name of ['w1', 'w2']) {
      const lossAt = (k: number, h: number) => {
        const value = Float64Array.from(module.initialParams[name]);
        value[k] += h;
        return module.run({ x, y, [name]: value }).loss.data[0];
      };
      outputs[`d_${name}`].data.forEach((g, k) => expect(Math.abs(g - (lossAt(k, 1e-6) - lossAt(k, -1e-6)) / 2e-6)).toBeLessThan(1e-5 * Math.max(1, Math.abs(g))));
    }
  });

  it('check still compares a derivative taken through a function without a vjp', () => {
    const text = JSON.stringify({
      format: 'symgrad/1',
      inputs: { x: { shape: [3] } },
      functions: { cube: { args: ['a'], nodes: { c: 'a ^ 3' }, return: 'c' } },
      nodes: { y: 'sum(cube(x))', g: 'grad(y, x)', h: 'hessian(y, x)' },
      outputs: ['g', 'h'],
    });
    const rows = checkDerivatives(loadSpec(text), {}).rows;
    expect(rows.map((r) => [r.name, r.call.fn, r.ok])).toEqual([
      ['g', 'grad', true],
      ['h', 'hessian', true],
    ]);
  });
});
