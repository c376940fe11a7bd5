import { describe, expect, it } from 'vitest';
import { grad, hessian, jacobian } from '../../compiler/autodiff/index.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { interpret } from '../../compiler/interpret.js';
import * as op from '../../compiler/ops/index.js';
import { compileOutputs } from '../codegen/support.js';

/** ∂ᵏ prod(x) / ∂x_i∂x_j… for distinct indices: the product of the entries not among them (else 0). */
function exactDerivative(x: readonly number[], indices: readonly number[]): number {
  if (new Set(indices).size < indices.length) return 0;
  return x.reduce((p, v, l) => (indices.includes(l) ? p : p * v), 1);
}

/** Values with −0 read as 0 (which zero a product of zeros gives depends on the order of its factors). */
const unsigned = (values: readonly number[]) => values.map((v) => (v === 0 ? 0 : v));

/** Every entry of the order-k derivative tensor, row-major. */
function exactTensor(x: readonly number[], order: number): number[] {
  const n = x.length;
  return unsigned(Array.from({ length: n ** order }, (_, flat) => exactDerivative(x, Array.from({ length: order }, (_, a) => Math.floor(flat / n ** (order - 1 - a)) % n))));
}

/** prod of x (shape [N] named, or [n]) with its derivatives of orders 1–3, from the interpreter and generated code. */
async function derivatives(values: readonly number[]): Promise<number[][]> {
  const graph = new Graph();
  const x = graph.input('x', [values.length]);
  const y = op.prod(x);
  const g = grad(y, x);
  const h = hessian(y, x);
  const t = jacobian(h, x);
  const outputs = { y, g, h, t };
  const feeds = { x: { shape: [values.length], data: Float64Array.from(values) } };
  const reference = interpret(Object.values(outputs), feeds).map((r) => unsigned([...r.data]));
  const { module } = await compileOutputs(outputs);
  const generated = module.run(feeds);
  Object.keys(outputs).forEach((name, i) => expect(unsigned([...generated[name].data]), name).toEqual(reference[i]));
  return reference;
}

/** Central differences of an order-(k−1) derivative f (flat) at x, step h: the order-k tensor, f's entries outer. */
function centralDifferences(f: (x: number[]) => number[], x: readonly number[], h = 1e-3): number[] {
  const columns = x.map((_, j) => {
    const at = (s: number) => f(x.map((v, l) => (l === j ? v + s * h : v)));
    const [plus, minus] = [at(1), at(-1)];
    return plus.map((p, i) => (p - minus[i]) / (2 * h));
  });
  return columns[0].flatMap((_, i) => columns.map((c) => c[i]));
}

describe('prod: derivatives exact at every order with any number of zeros (issue 17)', () => {
  const rows: [string, number[]][] = [
    ['no zero', [2, -1.5, 3, 0.5, 1.25]],
    ['one zero', [2, 0, 3, 0.5, -1.25]],
    ['two zeros', [2, 0, 0, 0.5, -1.25]],
    ['three zeros', [0, 2, 0, 0, -1.25]],
    ['four zeros', [0, 0, 3, 0, 0]],
  ];
  it.each(rows)('%s: orders 0–3 are the products of the other entries, in the interpreter and generated code', async (_, x) => {
    const [y, g, h, t] = await derivatives(x);
    expect(y).toEqual(unsigned([exactDerivative(x, [])]));
    expect(g).toEqual(exactTensor(x, 1));
    expect(h).toEqual(exactTensor(x, 2));
    // Was 0 with three zeros where the third derivative is the product of the two nonzero entries.
    expect(t).toEqual(exactTensor(x, 3));
  });

  it.each(rows)('%s: orders 1–3 agree with central differences of the order below', async (_, x) => {
    const graph = new Graph();
    const input = graph.input('x', [x.length]);
    const y = op.prod(input);
    const g = grad(y, input);
    const h = hessian(y, input);
    const chain = [y, g, h, jacobian(h, input)];
    const at = (node: Node) => (values: number[]) => [...interpret([node], { x: { shape: [x.length], data: Float64Array.from(values) } })[0].data];
    for (let order = 1; order <= 3; order++) {
      const expected = centralDifferences(at(chain[order - 1]), x);
      const got = at(chain[order])(x);
      got.forEach((v, i) => expect(Math.abs(v - expected[i]), `order ${order}, entry ${i}`).toBeLessThan(1e-8));
    }
  });

  it('along one axis of several, and over two axes, with zeros: the gradient and third derivatives hold per row', async () => {
    const graph = new Graph();
    const x = graph.input('x', [2, 4]);
    const rows = op.prod(x, { axis: 1 });
    const all = op.prod(x, { axis: [0, 1] });
    const values = [0, 2, 0, 0, 1.5, 0, -2, 3];
    const third = (y: Node) => jacobian(hessian(y, x), x);
    const outputs = { g: grad(op.sum(rows), x), t: third(op.sum(rows)), ga: grad(all, x), ta: third(all) };
    const feeds = { x: { shape: [2, 4], data: Float64Array.from(values) } };
    const [g, t, ga, ta] = interpret(Object.values(outputs), feeds).map((r) => unsigned([...r.data]));
    const { module } = await compileOutputs(outputs);
    const generated = module.run(feeds);
    expect(unsigned([...generated.t.data])).toEqual(t);
    expect(unsigned([...generated.ta.data])).toEqual(ta);
    const row = (r: number) => values.slice(4 * r, 4 * r + 4);
    expect(g).toEqual([...exactTensor(row(0), 1), ...exactTensor(row(1), 1)]);
    expect(ga).toEqual(exactTensor(values, 1));
    expect(ta).toEqual(exactTensor(values, 3));
    // Third derivatives of the sum of row products: nonzero only within one row.
    const flat = (i: number, j: number, k: number) => t[i * 64 + j * 8 + k];
    expect(flat(0, 2, 3)).toBe(2);
    expect(flat(5, 6, 7)).toBe(1.5);
    expect(flat(0, 2, 4)).toBe(0);
  });
});
