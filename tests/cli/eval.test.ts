import { describe, expect, it } from 'vitest';
import { cli } from './run.js';

const seed = 'samples/seed-function.graph.json';

describe.each([[], ['--interpret']])('symgrad eval %s', (...mode) => {
  it('gives the lecture values for the seed function at (2, 5)', async () => {
    const { code, stdout, stderr } = await cli('eval', seed, '--set', 'x1=2', '--set', 'x2=5', ...mode);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    const expected: Record<string, number> = {
      y: 11.652071455223084,
      dy_dx1: 5.5,
      dy_dx2: 1.7163378145367738,
      d2y_dx1dx1: -0.25,
      d2y_dx1dx2: 1,
      d2y_dx2dx1: 1,
      d2y_dx2dx2: Math.sin(5),
    };
    for (const [name, value] of Object.entries(expected)) expect(out[name]).toBeCloseTo(value, 12);
    expect(Math.abs(out.d2y_dx2dx2 - -0.9589242746631385)).toBeLessThan(1e-12);
  });

  it('runs the XOR network of the lecture to exactly [0, 1, 1, 0] with loss 0', async () => {
    const { code, stdout } = await cli('eval', 'samples/xor.graph.json', ...mode);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.f).toEqual([0, 1, 1, 0]);
    expect(out.loss).toBe(0);
    expect(out.hidden).toEqual([[0, 0], [1, 0], [1, 0], [2, 1]]);
    expect(out.dloss_dW).toEqual([[0, 0], [0, 0]]);
  });

  it('gives the sigmoid neuron’s value and weight gradient', async () => {
    const { code, stdout } = await cli('eval', 'samples/sigmoid-neuron.graph.json', ...mode);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.f).toBeCloseTo(0.7310585786300049, 15);
    [-0.19661193, -0.39322387, 0.19661193].forEach((v, i) => expect(out.df_dw[i]).toBeCloseTo(v, 8));
  });
});
