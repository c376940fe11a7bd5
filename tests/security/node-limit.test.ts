import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simplify } from '../../compiler/simplify/index.js';
import { loadSpec } from '../../compiler/spec/load.js';
import { expectErrorLine, scratch, writeSpec } from './support.js';

// --max-nodes counts the user's graph: every node the spec and its derivatives build, and what
// each pass of the simplifier builds while it runs; not the nodes a finished pass left dead.
const dir = scratch('node-limit');
const tanhDerivatives = readFileSync('samples/tanh-derivatives.graph.json', 'utf8');
/** A sum of six bounded atoms to the fourth power: canonical sums expand it into 126 terms (then keep the written form, which is smaller). */
const expanding = {
  inputs: Object.fromEntries([...'abcdef'].map((name) => [name, { shape: [] }])),
  nodes: { s: 'sin(a) + sin(b) + sin(c) + sin(d) + sin(e) + sin(f)', y: 's * s * s * s' },
  outputs: ['y'],
};

describe('--max-nodes', () => {
  it('does not count the dead intermediates of finished rewrite passes', () => {
    const built = loadSpec(tanhDerivatives).graph.nodes.length;
    const spec = loadSpec(tanhDerivatives, { maxNodes: 800 });
    const simplified = simplify(spec.outputs.map((o) => o.node));
    expect(built).toBeLessThan(800);
    // Counting every node ever built, this graph would be past the limit.
    expect(spec.graph.nodes.length).toBeGreaterThan(800);
    expect(simplified.length).toBe(spec.outputs.length);
  });

  it('still stops a pass of the simplifier that builds past the limit', () => {
    const spec = loadSpec(JSON.stringify({ format: 'symgrad/1', ...expanding }), { maxNodes: 100 });
    expect(spec.graph.nodes.length).toBeLessThan(25);
    expect(() => simplify(spec.outputs.map((o) => o.node))).toThrow('the graph grows past 100 nodes (--max-nodes)');
  });

  it('stops such a compile with one error line', async () => {
    const path = writeSpec(dir, 'expanding', expanding);
    await expectErrorLine(['compile', path, '-o', path.replace('.graph.json', '.js'), '--max-nodes', '100'], `${path}: the graph grows past 100 nodes (--max-nodes)`);
  });
});
