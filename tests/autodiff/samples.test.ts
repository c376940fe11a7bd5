import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { specStats } from '../../cli/commands/stats.js';
import { loadSpec } from '../../compiler/spec/load.js';
import { compileModule } from '../../runtime/compile.js';

// The double-differentiation samples of issue 6, run through generated code as a user would.
const read = (name: string) => readFileSync(`samples/${name}.graph.json`, 'utf8');
const first = (data: ArrayLike<number>) => data[0];

describe('samples/tanh-derivatives.graph.json', () => {
  it('gives the 1st to 8th derivatives of tanh at 0.3 of the closed form via tanh′ = 1 − tanh²', async () => {
    const outputs = (await compileModule(read('tanh-derivatives'))).run({});
    // d^n tanh = P_n(t), t = tanh x: P_0 = t, P_{n+1} = P_n′(t)·(1 − t²); polynomials as coefficient lists.
    let p = [0, 1];
    const t = Math.tanh(0.3);
    for (let n = 1; n <= 8; n++) {
      const derivative = p.slice(1).map((c, k) => c * (k + 1));
      p = Array.from({ length: derivative.length + 2 }, (_, k) => (derivative[k] ?? 0) - (derivative[k - 2] ?? 0));
      const closedForm = p.reduce((sum, c, k) => sum + c * t ** k, 0);
      expect(first(outputs[`d${n}`].data)).toBeCloseTo(closedForm, 9);
    }
  });
});

describe('samples/newton.graph.json', () => {
  it('reaches the Rosenbrock minimum (1, 1) to 1e-10 from (−1.2, 1) in at most 30 Newton steps', async () => {
    const kernel = (await compileModule(read('newton'))).createKernel();
    let p = Float64Array.of(-1.2, 1);
    let steps = 0;
    while (Math.hypot(p[0] - 1, p[1] - 1) > 1e-10 && steps < 30) {
      p = Float64Array.from(kernel.run({ p }).p_next.data);
      steps++;
    }
    expect(steps).toBeLessThanOrEqual(30);
    expect(Math.abs(p[0] - 1)).toBeLessThan(1e-10);
    expect(Math.abs(p[1] - 1)).toBeLessThan(1e-10);
  });
});

describe('samples/gradient-penalty.graph.json', () => {
  it('gives parameter gradients of the input-gradient penalty that match central differences', async () => {
    const module = await compileModule(read('gradient-penalty'));
    const X = JSON.parse(readFileSync('samples/data/gradient-penalty.json', 'utf8')).X;
    const outputs = module.run({ X });
    const penaltyAt = (name: string, k: number, h: number) => {
      const value = Float64Array.from(module.initialParams[name]);
      value[k] += h;
      return first(module.run({ X, [name]: value }).penalty.data);
    };
    for (const name of ['W1', 'b1', 'w2']) {
      const analytic = outputs[`dpenalty_d${name}`].data;
      analytic.forEach((g, k) => {
        const numeric = (penaltyAt(name, k, 1e-5) - penaltyAt(name, k, -1e-5)) / 2e-5;
        expect(Math.abs(g - numeric)).toBeLessThan(1e-7 * Math.max(1, Math.abs(numeric)));
      });
    }
  });
});

describe('samples/hessian-xor.graph.json', () => {
  it('gives a symmetric Hessian of the XOR loss over all 9 parameters, matching differences of the gradient', async () => {
    const module = await compileModule(read('hessian-xor'));
    const theta = module.initialParams.theta;
    const H = module.run({}).H.data;
    for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) expect(H[i * 9 + j]).toBeCloseTo(H[j * 9 + i], 14);
    const gradientAt = (k: number, h: number) => {
      const moved = Float64Array.from(theta);
      moved[k] += h;
      return Float64Array.from(module.run({ theta: moved }).gradient.data);
    };
    for (let k = 0; k < 9; k++) {
      const [plus, minus] = [gradientAt(k, 1e-5), gradientAt(k, -1e-5)];
      for (let i = 0; i < 9; i++) expect(H[i * 9 + k]).toBeCloseTo((plus[i] - minus[i]) / 2e-5, 7);
    }
    const block = module.run({}).H_c_w;
    expect([...block.data]).toEqual([H[4 * 9 + 6], H[4 * 9 + 7], H[5 * 9 + 6], H[5 * 9 + 7]]);
  });

  it('costs, as hvp, within 4× the flops of the gradient, far less than the Hessian', () => {
    const spec = JSON.parse(read('hessian-xor'));
    const flops = (nodes: Record<string, string>) => {
      const text = JSON.stringify({ ...spec, inputs: { v: { shape: [9] } }, nodes: { ...spec.nodes, ...nodes }, outputs: ['result'] });
      return specStats(loadSpec(text)).simplified.flops;
    };
    const gradient = flops({ result: 'grad(loss, theta)' });
    const hvp = flops({ result: 'hvp(loss, theta, v)' });
    const hessian = flops({ result: 'hessian(loss, theta)' });
    expect(hvp).toBeLessThanOrEqual(4 * gradient);
    expect(hessian).toBeGreaterThan(2 * hvp);
  });
});
