import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpret } from '../../compiler/interpret.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { sizeOf } from '../../compiler/shape.js';
import { simplify } from '../../compiler/simplify/index.js';
import { loadSpec } from '../../compiler/spec/load.js';
import { graphStats } from '../../compiler/stats.js';
import { seededRandom, uniformArray } from '../support/random.js';

const samples = readdirSync('samples').filter((f) => f.endsWith('.graph.json'));

describe.each(samples)('simplifying %s', (file) => {
  const spec = loadSpec(readFileSync(join('samples', file), 'utf8'));
  const outputs = spec.outputs.map((o) => o.node);

  it('keeps every output to 1e-12 and never gains nodes or flops', () => {
    const random = seededRandom(11);
    const feeds: Record<string, Tensor> = {};
    for (const leaf of spec.graph.leaves('input')) {
      const shape = leaf.shape.map((d) => (typeof d === 'number' ? d : 3));
      feeds[leaf.attrs.name as string] = { shape, data: uniformArray(random, sizeOf(shape), [0.5, 2]) };
    }
    const simplified = simplify(outputs);
    const [before, after] = [interpret(outputs, feeds), interpret(simplified, feeds)];
    before.forEach((t, i) => t.data.forEach((v, j) => expect(Math.abs(after[i].data[j] - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)))));
    const [a, b] = [graphStats(outputs), graphStats(simplified)];
    expect(b.nodes).toBeLessThanOrEqual(a.nodes);
    expect(b.flops).toBeLessThanOrEqual(a.flops);
  });
});
