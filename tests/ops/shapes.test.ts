import { describe, expect, it } from 'vitest';
import { grad, vjp } from '../../compiler/autodiff/grad.js';
import { constant } from '../../compiler/builder.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { interpret } from '../../compiler/interpret.js';
import * as op from '../../compiler/ops/index.js';
import type { Tensor } from '../../compiler/ops/op.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const tensor = (shape: number[], values = range(shape.reduce((a, b) => a * b, 1))): Tensor => ({ shape, data: Float64Array.from(values) });
const values = (nodes: Node[], feeds: Record<string, Tensor>) => interpret(nodes, feeds).map((t) => [...t.data]);

describe('slice and pad', () => {
  it('slice counts negative start and stop from the end', () => {
    const g = new Graph();
    const x = g.input('x', [4, 5]);
    const y = op.slice(x, [1, -4], [-1, 5]);
    expect(y.shape).toEqual([2, 4]);
    expect(values([y], { x: tensor([4, 5]) })[0]).toEqual([6, 7, 8, 9, 11, 12, 13, 14]);
  });

  it('the vjp of slice is pad, and the vjp of pad is slice (adjoint pairs, negative indices)', () => {
    const g = new Graph();
    const x = g.input('x', [4, 5]);
    const u = g.input('u', [2, 4]);
    const sliced = op.slice(x, [1, -4], [-1, 5]);
    const padded = op.pad(x, [1, 0], [2, 3]);
    const v = g.input('v', [7, 8]);
    const feeds = { x: tensor([4, 5]), u: tensor([2, 4], range(8).map((i) => i + 1)), v: tensor([7, 8], range(56).map((i) => 100 + i)) };
    const [sliceVjp, padOfU, padVjp, sliceOfV, lhs, rhs] = values(
      [
        vjp(sliced, x, u),
        op.pad(u, [1, 1], [1, 0]),
        vjp(padded, x, v),
        op.slice(v, [-6, 0], [-2, -3]),
        op.sum(op.mul(sliced, u)),
        op.sum(op.mul(x, op.pad(u, [1, 1], [1, 0]))),
      ],
      feeds,
    );
    expect(sliceVjp).toEqual(padOfU);
    expect(sliceVjp).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0, 5, 6, 7, 8, 0, 0, 0, 0, 0]);
    expect(padVjp).toEqual(sliceOfV);
    expect(padVjp.slice(0, 5)).toEqual([108, 109, 110, 111, 112]);
    expect(lhs).toEqual(rhs);
  });

  it('clamps out-of-range bounds (NumPy); rejects part of a named axis and padding one, naming the axis', () => {
    const g = new Graph();
    const x = g.input('x', ['N', 3]);
    expect(op.slice(x, [0, 1], ['N', 4]).shape).toEqual(['N', 2]);
    expect(() => op.slice(x, [1, 0], ['N', 3])).toThrow(/named size N/);
    expect(() => op.pad(x, [1, 0], [0, 0])).toThrow(/axis 0 has the named size N/);
    expect(op.slice(x, [0, -2], ['N', 3]).shape).toEqual(['N', 2]);
  });
});

describe('concat', () => {
  it('joins along an axis and slices the gradient apart', () => {
    const g = new Graph();
    const [a, b] = [g.input('a', [2, 2]), g.input('b', [2, 1])];
    const y = op.concat([a, b], -1);
    const w = constant(g, range(6), [2, 3]);
    const loss = op.sum(op.mul(w, y));
    const feeds = { a: tensor([2, 2], [1, 2, 3, 4]), b: tensor([2, 1], [5, 6]) };
    expect(y.shape).toEqual([2, 3]);
    expect(values([y, grad(loss, a), grad(loss, b)], feeds)).toEqual([[1, 2, 5, 3, 4, 6], [0, 1, 3, 4], [2, 5]]);
  });

  it('names the mismatch', () => {
    const g = new Graph();
    expect(() => op.concat([g.input('a', [2, 2]), g.input('b', [3, 1])], 1)).toThrow(/concat: shapes \[2, 2\], \[3, 1\] differ off axis 1/);
  });
});

describe('matmul and outer', () => {
  it('broadcasts batch axes as NumPy', () => {
    const g = new Graph();
    const [a, b] = [g.input('a', [2, 1, 2]), g.input('b', [3, 2, 2])];
    const y = op.matmul(op.reshape(a, [2, 1, 1, 2]), b);
    expect(y.shape).toEqual([2, 3, 1, 2]);
    const feeds = { a: tensor([2, 1, 2], [1, 0, 0, 1]), b: tensor([3, 2, 2]) };
    expect(values([y], feeds)[0]).toEqual([0, 1, 4, 5, 8, 9, 2, 3, 6, 7, 10, 11]);
  });

  it('sums the gradient of a broadcast operand over the batch', () => {
    const g = new Graph();
    const [a, b] = [g.input('a', [2, 2, 3]), g.input('b', [3])];
    const loss = op.sum(op.matmul(a, b));
    const feeds = { a: tensor([2, 2, 3]), b: tensor([3], [1, 1, 1]) };
    expect(values([grad(loss, b)], feeds)[0]).toEqual([18, 22, 26]);
  });

  it('outer gives a[i]·b[j]', () => {
    const g = new Graph();
    const y = op.outer(g.input('a', [2]), g.input('b', [3]));
    expect(values([y], { a: tensor([2], [1, 2]), b: tensor([3], [3, 4, 5]) })[0]).toEqual([3, 4, 5, 6, 8, 10]);
  });
});

describe('creation and grouping', () => {
  it('zeros, ones and fill', () => {
    const g = new Graph();
    const v = g.input('v', []);
    const filled = op.fill(v, { shape: [2, 2] });
    const feeds = { v: tensor([], [7]) };
    expect(values([op.zeros(g, { shape: [3] }), op.ones(g, { shape: [2, 1] }), filled, grad(op.sum(filled), v)], feeds)).toEqual([
      [0, 0, 0],
      [1, 1],
      [7, 7, 7, 7],
      [4],
    ]);
    expect(() => op.zeros(g, { shape: [-1] })).toThrow(/bad shape \[-1\]/);
  });

  it('maxout groups consecutive entries of the last axis, and says when pieces do not divide it', () => {
    const g = new Graph();
    const x = g.input('x', [2, 4]);
    expect(values([op.maxout(x, { pieces: 2 })], { x: tensor([2, 4], [1, 5, 2, 0, -1, -3, 4, 4]) })[0]).toEqual([5, 2, -1, 4]);
    expect(() => op.maxout(x, { pieces: 3 })).toThrow(/pieces=3 does not divide the last axis \(size 4\)/);
  });

  it('logsumexp of infinities is the infinity itself', () => {
    const g = new Graph();
    const x = g.input('x', [2]);
    const at = (a: number, b: number) => values([op.logsumexp(x)], { x: tensor([2], [a, b]) })[0][0];
    expect([at(-Infinity, -Infinity), at(Infinity, 0), at(-Infinity, 1)]).toEqual([-Infinity, Infinity, 1]);
  });
});
