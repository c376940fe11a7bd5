import { describe, expect, it } from 'vitest';
import { grad } from '../compiler/autodiff/grad.js';
import { apply, constant, scalar } from '../compiler/builder.js';
import { Graph } from '../compiler/graph.js';
import { add, cos, mul, sin, sum } from '../compiler/ops/index.js';
import { loadSpec } from '../compiler/spec/load.js';

describe('hash-consing', () => {
  it('gives the same node for the same op, inputs and attributes, and a new one when any differs', () => {
    const g = new Graph();
    const [x, y] = [g.input('x', [3]), g.input('y', [3])];
    expect(add(x, y)).toBe(add(y, x));
    expect(add(x, y)).not.toBe(add(x, x));
    expect(sum(x, { axis: [0] })).toBe(sum(x, { axis: [0] }));
    expect(sum(x, { axis: [0] })).not.toBe(sum(x, { axis: [0], keepdims: true }));
    expect(scalar(g, 0)).not.toBe(scalar(g, -0));
    expect(scalar(g, NaN)).toBe(scalar(g, NaN));
    expect(constant(g, [1, 2], [2])).not.toBe(constant(g, [1, 2], [1, 2]));
  });

  it('finds a node by its attributes as given and as normalised', () => {
    const g = new Graph();
    const x = g.input('x', [2, 3]);
    const byNegativeAxis = sum(x, { axis: [-1] });
    expect(sum(x, { axis: [1] })).toBe(byNegativeAxis);
    expect(sum(x, { axis: [-1] })).toBe(byNegativeAxis);
    expect(g.nodes.filter((n) => n.op === 'sum')).toHaveLength(1);
  });

  it('keeps every node findable as the table grows far past its first size', () => {
    const g = new Graph();
    const x = g.input('x', []);
    const chain = [x];
    for (let i = 0; i < 5000; i++) chain.push(sin(chain[i]));
    const size = g.nodes.length;
    for (let i = 0; i < 5000; i++) expect(sin(chain[i])).toBe(chain[i + 1]);
    expect(g.nodes.length).toBe(size);
  });

  it('lists each consumer once, in creation order, however many times it reads the node', () => {
    const g = new Graph();
    const x = g.input('x', []);
    const [square, s, t] = [mul(x, x), sin(x), add(x, 2)];
    expect(g.getConsumers(x)).toEqual([square, s, t]);
    expect(g.getConsumers(t)).toEqual([]);
  });
});

describe('the mul builder', () => {
  it('gives the other operand for an exact scalar 1, so gradient seeds build no node', () => {
    const g = new Graph();
    const [x, v] = [g.input('x', []), g.input('v', [3])];
    expect(mul(x, 1)).toBe(x);
    expect(mul(1, v)).toBe(v);
    expect(mul(v, scalar(g, 1))).toBe(v);
    expect(grad(sin(x), x)).toBe(cos(x));
  });

  it('still multiplies by ones that would change the shape, and by anything but exactly 1', () => {
    const g = new Graph();
    const x = g.input('x', []);
    expect(mul(x, constant(g, [1, 1], [2])).shape).toEqual([2]);
    expect(mul(x, 1 + 1e-16 * 2).op).toBe('mul');
    // The graph folds x·1 itself, so a spec's `x * 1` and the builder's mul(x, 1) are the same graph.
    expect(apply('mul', [x, 1])).toBe(x);
  });

  it('builds for a spec what it builds for the builder: x * 1 and mul(x, 1) are x', () => {
    const spec = loadSpec(JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [2] } }, nodes: { a: 'x * 1', b: 'mul(1, x)', c: 'x * 1.5' }, outputs: ['a', 'b', 'c'] }));
    const x = spec.names.get('x');
    expect([spec.names.get('a'), spec.names.get('b')]).toEqual([x, x]);
    expect(spec.names.get('c')!.op).toBe('mul');
  });
});
