import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { specStats } from '../../cli/commands/stats.js';
import { ancestors } from '../../compiler/interpret.js';
import { simplify } from '../../compiler/simplify/index.js';
import { loadSpec } from '../../compiler/spec/load.js';

// Counts, not timings: the cheap-gradient principle for the MLP of issue 4 (784-256-10, batch 128).
const spec = loadSpec(readFileSync('bench/mlp.graph.json', 'utf8'));

it('loss and every parameter gradient cost at most 2.1 × the forward flops', () => {
  const stats = specStats(spec);
  expect(stats.forward.flops).toBe(52_107_777);
  expect(stats.simplified.flops / stats.forward.flops).toBeLessThanOrEqual(2.1);
});

it('never builds the gradient with respect to the data X', () => {
  const nodes = ancestors(simplify(spec.outputs.map((o) => o.node)));
  const dataShaped = nodes.filter((n) => n.op !== 'input' && n.shape.length === 2 && n.shape[0] === 128 && n.shape[1] === 784);
  expect(dataShaped).toEqual([]);
});
