import { describe, expect, it } from 'vitest';
import { cli } from './run.js';

async function evalSample(file: string): Promise<Record<string, any>> {
  const { code, stdout, stderr } = await cli('eval', `samples/${file}`);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout);
}

const z = [-2, -0.5, -0.1, 0.3, 1.2, 2.5];
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const close = (actual: number[], expected: number[]) => expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 12));

describe('samples/activations.graph.json', () => {
  it('evaluates every activation of the lecture and its derivative', async () => {
    const out = await evalSample('activations.graph.json');
    close(out.relu_z, z.map((v) => Math.max(v, 0)));
    close(out.abs_relu_z, z.map(Math.abs));
    close(out.d_abs_relu, z.map(Math.sign));
    close(out.prelu_z, z.map((v) => (v > 0 ? v : 0.25 * v)));
    expect(out.d_prelu_dalpha).toBeCloseTo(-2 - 0.5 - 0.1, 12);
    expect(out.maxout_z).toEqual([-0.5, 0.3, 2.5]);
    expect(out.d_maxout).toEqual([0, 1, 0, 1, 0, 1]);
    close(out.d_sigmoid, z.map((v) => sigmoid(v) * (1 - sigmoid(v))));
    close(out.d_tanh, z.map((v) => 1 - Math.tanh(v) ** 2));
    close(out.d2_tanh, z.map((v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)));
    close(out.hard_tanh_z, z.map((v) => Math.max(-1, Math.min(1, v))));
    expect(out.d_hard_tanh).toEqual([0, 1, 1, 1, 0, 0]);
    close(out.softplus_z, z.map((v) => Math.log1p(Math.exp(v))));
    close(out.d_softplus, z.map(sigmoid));
    close(out.d2_softplus, z.map((v) => sigmoid(v) * (1 - sigmoid(v))));
    close(out.d_swish, z.map((v) => sigmoid(v) + v * sigmoid(v) * (1 - sigmoid(v))));
    close(out.d_elu, z.map((v) => (v > 0 ? 1 : Math.exp(v))));
    // RBF unit h_i = exp(-|x - W_i|² / σ_i²) at x = (0.5, -1).
    close(out.rbf_x, [Math.exp(-1.25), Math.exp(-0.25 / 0.25), Math.exp(-6.25 / 4)]);
  });
});

describe('samples/losses.graph.json', () => {
  it('gives MSE, the Bernoulli loss in both forms and softmax cross-entropy, finite at ±1000', async () => {
    const out = await evalSample('losses.graph.json');
    expect(out.mse_loss).toBeCloseTo((0.04 + 0.01 + 0.16 + 0.25) / 4, 12);
    expect(out.bernoulli_nll).toBeCloseTo(out.bce_loss, 12);
    close(out.d_bernoulli, out.d_bce);
    const row0 = [1, 2, 3].map(Math.exp);
    const total = row0.reduce((a, b) => a + b);
    expect(out.cross_entropy).toBeCloseTo((-Math.log(row0[2] / total) + 1000) / 2, 9);
    close(out.d_cross_entropy[1], [0.5, -0.5, 0]);
    expect(out.d2_bce[3][3]).toBe(0);
  });
});
