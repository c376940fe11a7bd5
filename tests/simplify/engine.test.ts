import { describe, expect, it } from 'vitest';
import { grad } from '../../compiler/autodiff/grad.js';
import { apply } from '../../compiler/builder.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { add, neg, sin, tanh } from '../../compiler/ops/index.js';
import { rewrite, type Firing } from '../../compiler/simplify/engine.js';
import { simplify } from '../../compiler/simplify/index.js';
import { P, rule, v } from '../../compiler/simplify/pattern.js';
import { graphStats } from '../../compiler/stats.js';
import { build, show, simplifyLogged } from './support.js';

const x = v('x');

describe('rewrite engine', () => {
  it('stops on rules that undo each other', () => {
    const rules = [rule('to-mul', P.neg(x), P.mul(x, -1)), rule('to-neg', P.mul(x, -1), P.neg(x))];
    const [y] = build(['-(-(-(-sin(x))))']);
    const log: Firing[] = [];
    const [result] = rewrite([y], rules, log);
    expect(['neg', 'mul', 'sin']).toContain(result.op);
    expect(log.length).toBeLessThan(100);
  });

  it('stops a rule that grows forever after a bounded number of firings', () => {
    const grow = rule('grow', P.sin(x), (m) => sin(add(m.x, 0)));
    const g = new Graph();
    const inputs = Array.from({ length: 200 }, (_, i) => sin(g.input(`x${i}`, [])));
    const log: Firing[] = [];
    const outputs = rewrite(inputs, [grow], log);
    expect(log.length).toBeLessThanOrEqual(1024 + 16 * graphStats(outputs).nodes);
  });

  it('reports each firing with the rule name and the nodes before and after', () => {
    const [y] = build(['exp(x / 1) + 0']);
    const { result, fired } = simplifyLogged([y]);
    expect(show(result[0])).toBe('exp(x)');
    expect(fired).toEqual(expect.arrayContaining(['div-one', 'add-zero']));
    const seen: [string, string, string][] = [];
    simplify([y], { explain: (r, before, after) => seen.push([r, show(before), show(after)]) });
    expect(seen).toContainEqual(['div-one', 'div(x, 1)', 'x']);
  });

  it('rewrites a chain of 100,000 nodes without recursion', () => {
    const x0 = new Graph().input('x', []);
    let y: Node = x0;
    for (let i = 0; i < 50_000; i++) y = add(apply('mul', [y, 1]), 0);
    expect(simplify([y])[0]).toBe(x0);
  });

  it('simplifies the gradient of a 20,000-node tanh chain and never gains nodes', () => {
    const x0 = new Graph().input('x', []);
    let y: Node = x0;
    for (let i = 0; i < 20_000; i++) y = tanh(y);
    const outputs = [y, grad(y, x0)];
    expect(graphStats(simplify(outputs)).nodes).toBeLessThanOrEqual(graphStats(outputs).nodes);
  });

  it('keeps outputs that are already simple, and the same nodes when run again', () => {
    const [a, b] = build(['y * sin(x)', 'neg(y)']);
    const [sa, sb] = simplify([a, b]);
    expect(sa).toBe(a);
    expect(sb).toBe(b);
    const [c] = build(['x * 2 + x * 3 - neg(neg(y))']);
    const once = simplify([c]);
    expect(simplify(once)[0]).toBe(once[0]);
  });

  it('bounds the rounds of phases with maxIterations', () => {
    const [y] = build(['exp(log(exp(x * 1) + 0)) - exp(x)']);
    expect(show(simplify([y], { maxIterations: 1 })[0])).toBe('sub(exp(x), exp(x))');
  });

  it('shares results between outputs (hash-consing is the CSE)', () => {
    const [a, b] = build(['sin(x + 0) * 2', 'sin(x * 1) * 2']);
    const [sa, sb] = simplify([a, b]);
    expect(sa).toBe(sb);
    expect(neg(sa).inputs[0]).toBe(sb);
  });
});
