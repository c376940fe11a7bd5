import { describe, expect, it } from 'vitest';
import { Graph } from '../../compiler/graph.js';
import { add, exp, matmul, mul, sum } from '../../compiler/ops/index.js';
import { graphStats } from '../../compiler/stats.js';
import { fold, scan } from '../../compiler/loops/build.js';

describe('graphStats', () => {
  it('counts op nodes reachable from the outputs, not inputs, params or constants', () => {
    const g = new Graph();
    const [x, w] = [g.input('x', [2, 3]), g.param('w', [3])];
    const y = sum(exp(mul(x, w)));
    mul(y, 2); // not reachable from y
    expect(graphStats([y]).nodes).toBe(3);
    expect(graphStats([y, y]).nodes).toBe(3);
    expect(graphStats([x]).nodes).toBe(0);
  });

  it('estimates flops: one per output element, a sum one per input element, a matmul 2·m·k·n', () => {
    const g = new Graph();
    const [a, b] = [g.input('a', [4, 5]), g.input('b', [5, 6])];
    expect(graphStats([exp(a)]).flops).toBe(20);
    expect(graphStats([sum(a, { axis: 0 })]).flops).toBe(20);
    expect(graphStats([matmul(a, b)]).flops).toBe(2 * 4 * 5 * 6);
  });

  it('counts named dimensions as given, or 1', () => {
    const g = new Graph();
    const x = g.input('x', ['N', 3]);
    expect(graphStats([exp(x)], { N: 128 }).flops).toBe(384);
    expect(graphStats([exp(x)]).flops).toBe(3);
  });

  it('counts a loop once however many of its results are used: one node, T times the body\'s flops', () => {
    const g = new Graph();
    const [h0, X] = [g.input('h0', [3]), g.input('X', ['T', 3])];
    const cell = (h: Parameters<typeof exp>[0], [x]: readonly Parameters<typeof exp>[0][]) => exp(add(h, x));
    const hs = scan(cell, h0, [X], [], 'cell');
    const hT = fold(cell, h0, [X], [], 'cell');
    // The loop (body: add and exp, 3 each per step), sum over [T, 3], sum over [3].
    expect(graphStats([sum(hs), sum(hT)], { T: 5 })).toEqual({ nodes: 3, flops: 5 * 6 + 15 + 3 });
    expect(graphStats([sum(hs), sum(hT)])).toEqual({ nodes: 3, flops: 6 + 3 + 3 });
    expect(graphStats([sum(hT)], { T: 5 })).toEqual({ nodes: 2, flops: 5 * 6 + 3 });
  });
});
