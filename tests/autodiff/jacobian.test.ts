import { describe, expect, it } from 'vitest';
import { jacobian, jacobianMode, type JacobianMode } from '../../compiler/autodiff/index.js';
import { constant } from '../../compiler/builder.js';
import { Graph, type Node } from '../../compiler/graph.js';
import * as op from '../../compiler/ops/index.js';
import { maxError, numericJacobian, tensor, valueOf } from './numeric.js';

interface JacobianCase {
  readonly name: string;
  readonly x: number[];
  readonly mode: JacobianMode;
  readonly build: (x: Node) => Node;
}

const cases: JacobianCase[] = [
  {
    name: 'vector to matrix',
    x: [3],
    mode: 'forward',
    build: (x) => op.mul(op.reshape(op.sin(x), [3, 1]), op.reshape(op.exp(x), [1, 3])),
  },
  {
    name: 'matrix to vector',
    x: [2, 3],
    mode: 'reverse',
    build: (x) => op.tanh(op.matmul(x, constant(x.graph, [0.5, -1, 2], [3]))),
  },
  { name: 'scalar to vector', x: [], mode: 'forward', build: (x) => op.mul(op.sin(x), constant(x.graph, [1, 2, 3], [3])) },
  { name: 'matrix to scalar', x: [2, 2], mode: 'reverse', build: (x) => op.sum(op.square(op.tanh(x))) },
  { name: 'matrix to matrix of the same size', x: [2, 2], mode: 'reverse', build: (x) => op.matmul(x, op.exp(x)) },
];

/** A graph with input x of the given shape, fed with fixed values in [-1, 1]. */
function setup(shape: number[]) {
  const graph = new Graph();
  const x = graph.input('x', shape);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: size }, (_, i) => Math.sin(1.7 * i + 0.4));
  return { graph, x, feeds: { x: tensor(shape, data) } };
}

describe('jacobian', () => {
  describe.each(cases)('$name', (c) => {
    const { x, feeds } = setup(c.x);
    const y = c.build(x);

    it(`chooses ${c.mode} mode`, () => expect(jacobianMode(y, x)).toBe(c.mode));

    it('agrees between both modes and with central differences', () => {
      const [forward, reverse] = [jacobian(y, x, 'forward'), jacobian(y, x, 'reverse')];
      expect(forward.shape).toEqual([...y.shape, ...x.shape]);
      expect(reverse.shape).toEqual(forward.shape);
      const [f, r] = [valueOf(forward, feeds), valueOf(reverse, feeds)];
      expect(maxError(f, r)).toBeLessThan(1e-12);
      expect(maxError(valueOf(jacobian(y, x), feeds), f)).toBe(0);
      expect(maxError(f, numericJacobian(y, 'x', feeds))).toBeLessThan(1e-8);
    });

    it('nests: the Jacobian of the Jacobian agrees between modes and with central differences', () => {
      const outer = jacobian(y, x);
      const [forward, reverse] = [jacobian(outer, x, 'forward'), jacobian(outer, x, 'reverse')];
      expect(forward.shape).toEqual([...y.shape, ...x.shape, ...x.shape]);
      const f = valueOf(forward, feeds);
      expect(maxError(f, valueOf(reverse, feeds))).toBeLessThan(1e-12);
      expect(maxError(f, numericJacobian(outer, 'x', feeds))).toBeLessThan(1e-8);
    });
  });

  it('gives zeros when y does not depend on x', () => {
    const { graph, x, feeds } = setup([2]);
    const z = graph.input('z', [3]);
    const j = jacobian(op.sin(z), x);
    expect(j.shape).toEqual([3, 2]);
    expect(valueOf(j, { ...feeds, z: tensor([3], [1, 2, 3]) })).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('works when one side has a named dimension: that side is not unrolled', () => {
    const graph = new Graph();
    const x = graph.input('x', ['N']);
    const w = graph.input('w', [2]);
    const feeds = { x: tensor([3], [0.5, -1, 2]), w: tensor([2], [0.3, -0.7]) };
    // y [N, 2] of w [2]: forward mode, one jvp per entry of w. J[n, i, j] = x[n]·cos(x[n]·w[i]) if i = j.
    const y = op.sin(op.mul(op.reshape(x, ['N', 1]), w));
    const forward = jacobian(y, w);
    expect(jacobianMode(y, w)).toBe('forward');
    expect(forward.shape).toEqual(['N', 2, 2]);
    const expected = [0.5, -1, 2].flatMap((xn) => [0.3, -0.7].flatMap((wi, i) => [0, 1].map((j) => (i === j ? xn * Math.cos(xn * wi) : 0))));
    expect(maxError(valueOf(forward, feeds), expected)).toBeLessThan(1e-15);
    // s [2] of x [N]: reverse mode, one vjp per entry of s. J[i, n] = w[i]·cos(x[n]·w[i]).
    const s = op.sum(y, { axis: 0 });
    const reverse = jacobian(s, x);
    expect(jacobianMode(s, x)).toBe('reverse');
    expect(reverse.shape).toEqual([2, 'N']);
    expect(maxError(valueOf(reverse, feeds), [0.3, -0.7].flatMap((wi) => [0.5, -1, 2].map((xn) => wi * Math.cos(xn * wi))))).toBeLessThan(1e-15);
  });

  it('named dimensions on both sides (was refused): a loop over the entries, in either mode', () => {
    const graph = new Graph();
    const x = graph.input('x', ['N', 2]);
    const feeds = { x: tensor([2, 2], [0.5, -1, 2, 0.25]) };
    const j = jacobian(op.sin(x), x);
    expect(j.shape).toEqual(['N', 2, 'N', 2]);
    const diagonal = [0.5, -1, 2, 0.25].flatMap((v, i) => [0, 1, 2, 3].map((k) => (i === k ? Math.cos(v) : 0)));
    expect(maxError(valueOf(j, feeds), diagonal)).toBeLessThan(1e-15);
    const forward = jacobian(op.sum(x, { axis: 0 }), x, 'forward');
    expect(forward.shape).toEqual([2, 'N', 2]);
    expect(valueOf(forward, feeds)).toEqual([1, 0, 1, 0, 0, 1, 0, 1]);
  });
});
