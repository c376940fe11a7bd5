import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grad } from '../compiler/autodiff/grad.js';
import { Graph, Node } from '../compiler/graph.js';
import { sin, sum } from '../compiler/ops/index.js';
import { loadSpec } from '../compiler/spec/load.js';
import { verifyGraph } from '../compiler/verify.js';

describe('verifyGraph', () => {
  it.each(readdirSync('samples').filter((f) => f.endsWith('.graph.json')))('accepts %s after loading and expanding derivatives', (file) => {
    const spec = loadSpec(readFileSync(join('samples', file), 'utf8'));
    expect(() => verifyGraph(spec.graph, spec.outputs.map((o) => o.node))).not.toThrow();
  });

  it('accepts a graph after build_grad to third order', () => {
    const g = new Graph();
    const x = g.input('x', [3]);
    const first = grad(sum(sin(x)), x);
    const y = grad(sum(grad(sum(first), x)), x);
    expect(() => verifyGraph(g, [y])).not.toThrow();
  });

  it('rejects a node whose shape disagrees with its rule', () => {
    const g = new Graph();
    const x = g.input('x', [3]);
    const bad = new Node(g, g.nodes.length, 'sin', [x], {}, [4], '');
    g.nodes.push(bad);
    expect(() => verifyGraph(g)).toThrow(/has shape \[4\] but its rule gives \[3\]/);
  });

  it('rejects a cycle (an input that does not exist yet)', () => {
    const g = new Graph();
    const x = g.input('x', []);
    const later = new Node(g, 5, 'sin', [x], {}, [], '');
    g.nodes.push(new Node(g, g.nodes.length, 'cos', [later], {}, [], ''));
    expect(() => verifyGraph(g)).toThrow(/before it exists/);
  });
});
