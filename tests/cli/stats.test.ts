import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from './run.js';

describe('symgrad stats', () => {
  it('counts the seed function: 5 forward ops, more once derivatives expand, fewer after simplifying', async () => {
    const { code, stdout } = await cli('stats', 'samples/seed-function.graph.json', '--json');
    expect(code).toBe(0);
    const stats = JSON.parse(stdout);
    expect(Object.keys(stats)).toEqual(['forward', 'expanded', 'simplified']);
    expect(stats.forward).toEqual({ nodes: 5, flops: 5 });
    expect(stats.expanded.nodes).toBeGreaterThan(stats.forward.nodes);
    expect(stats.simplified.nodes).toBeLessThan(stats.expanded.nodes);
  });

  it('prints three columns and says which mode each jacobian chose', async () => {
    const { code, stdout } = await cli('stats', 'samples/activations.graph.json');
    expect(code).toBe(0);
    expect(stdout.split('\n')[0].trim().split(/\s+/)).toEqual(['forward', 'expanded', 'simplified']);
    expect(stdout).toContain('d_rbf_dx: jacobian in forward mode');
    const [, workspace, intermediates] = /workspace ([\d,]+) bytes for ([\d,]+) bytes of intermediate tensors/.exec(stdout)!.map((s) => Number(s.replace(/,/g, '')));
    expect(workspace).toBeGreaterThan(0);
    expect(workspace).toBeLessThanOrEqual(intermediates);
  });

  it('counts flops with named dimensions given by --dim (a matmul is 2·m·k·n)', async () => {
    const one = JSON.parse((await cli('stats', 'samples/iris-mlp.graph.json', '--json')).stdout);
    const many = JSON.parse((await cli('stats', 'samples/iris-mlp.graph.json', '--json', '--dim', 'N=100')).stdout);
    expect(many.forward.nodes).toBe(one.forward.nodes);
    expect(many.forward.flops).toBeGreaterThan(50 * one.forward.flops);
  });

  it.each(readdirSync('samples').filter((f) => f.endsWith('.graph.json')))('never grows a graph by simplifying: %s', async (file) => {
    const stats = JSON.parse((await cli('stats', `samples/${file}`, '--json')).stdout);
    expect(stats.simplified.nodes).toBeLessThanOrEqual(stats.expanded.nodes);
    expect(stats.expanded.nodes).toBeGreaterThanOrEqual(stats.forward.nodes);
  });
});
