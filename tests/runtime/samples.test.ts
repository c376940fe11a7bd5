import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lineChart } from '../../cli/plot.js';
import { compileModule, createSession } from '../../runtime/index.js';

const read = (path: string) => readFileSync(path, 'utf8');
const json = (path: string) => JSON.parse(read(path));

describe('iris-mlp: a 4-16-3 softmax MLP on Iris', () => {
  const spec = read('samples/iris-mlp.graph.json');
  const train = json('samples/data/iris-train.json');
  const test = json('samples/data/iris-test.json');

  it('splits the classic CSV deterministically: every fifth row is held out (10 per species)', () => {
    const species = ['setosa', 'versicolor', 'virginica'];
    const rows = read('samples/data/iris.csv').trim().split('\n').slice(1).map((line) => line.split(','));
    expect(rows).toHaveLength(150);
    const split = (held: boolean) => rows.filter((_, i) => (i % 5 === 4) === held);
    for (const [data, part] of [[train, split(false)], [test, split(true)]] as const) {
      expect(data.X).toEqual(part.map((r) => r.slice(0, 4).map(Number)));
      expect(data.Y).toEqual(part.map((r) => species.map((s) => (s === r[4] ? 1 : 0))));
    }
  });

  it('reaches ≥ 95% train and ≥ 90% held-out accuracy with Adam, the same bits every time', async () => {
    const run = async () => {
      const session = await createSession(spec, { loss: 'loss', optimizer: 'adam', lr: 0.01 });
      const { losses } = session.fit(train, { epochs: 100, batch: 16, seed: 1 });
      return { losses, train: session.run(train).accuracy.data[0], test: session.run(test).accuracy.data[0], W1: Array.from(session.params.W1) };
    };
    const first = await run();
    expect(first.train).toBeGreaterThanOrEqual(0.95);
    expect(first.test).toBeGreaterThanOrEqual(0.9);
    // Measured: 118/120 train, 28/30 held out.
    expect([first.train, first.test]).toEqual([118 / 120, 28 / 30]);
    expect(await run()).toEqual(first);
  });
});

describe('vanishing-gradients: 10 sigmoid layers vs 10 ReLU layers, the same weights', () => {
  it('the first sigmoid layer gets < 1e-3 of the last one’s gradient norm; ReLU keeps it', async () => {
    const module = await compileModule(read('samples/vanishing-gradients.graph.json'));
    const out = module.run(json('samples/data/vanishing-gradients.json'));
    const norms = (net: string) => Array.from({ length: 10 }, (_, k) => out[`norm_${net}${k + 1}`].data[0]);
    const [sigmoid, relu] = [norms('s'), norms('r')];
    const sigmoidRatio = sigmoid[0] / sigmoid[9];
    const reluRatio = relu[0] / relu[9];
    expect(sigmoidRatio).toBeLessThan(1e-3);
    expect(reluRatio).toBeGreaterThan(0.1);
    // Measured: 8.9e-6 for sigmoid (each layer passes on about a third), 0.48 for ReLU.
    expect(sigmoidRatio).toBeCloseTo(8.855e-6, 8);
    expect(reluRatio).toBeCloseTo(0.4773, 4);
    for (let k = 0; k < 9; k++) expect(sigmoid[k]).toBeLessThan(sigmoid[k + 1]);

    const chart = lineChart({
      title: 'Gradient norm per layer at initialisation (10 layers, same weights)',
      xLabel: 'layer (1 = nearest the input)',
      yLabel: '‖∂loss/∂W‖',
      series: [
        { name: 'sigmoid', points: sigmoid.map((v, k) => [k + 1, v] as const) },
        { name: 'ReLU', points: relu.map((v, k) => [k + 1, v] as const) },
      ],
      logY: true,
      markers: true,
    });
    await expect(chart).toMatchFileSnapshot('../../docs/vanishing-gradients.svg');
  });
});

describe('xor-train: learning rates', () => {
  it('too small crawls, right converges, too large kills the units or diverges', async () => {
    const spec = read('samples/xor-train.graph.json');
    const data = json('samples/data/xor.json');
    const rates = [0.01, 0.1, 1, 1.5];
    const curves: number[][] = [];
    for (const lr of rates) {
      const session = await createSession(spec, { loss: 'loss', lr });
      curves.push([...session.fit(data, { epochs: 500 }).losses]);
    }
    const last = curves.map((c) => c[c.length - 1]);
    expect(last[0]).toBeGreaterThan(0.05);
    expect(last[1]).toBeLessThan(1e-10);
    // lr 1: every ReLU dies and the bias bounces between b and 1 − b, so the loss stays put.
    expect(curves[2].slice(-10).every((v) => Math.abs(v - last[2]) < 1e-9 && v > 2)).toBe(true);
    expect(last[3]).toBeGreaterThan(1e100);

    const chart = lineChart({
      title: 'XOR, plain gradient descent: the loss for four learning rates',
      xLabel: 'epoch',
      yLabel: 'loss (mean squared error)',
      series: rates.map((lr, k) => ({ name: `lr ${lr}`, points: curves[k].map((v, e) => [e + 1, v] as const) })),
      logY: true,
      yRange: [1e-14, 1e6],
    });
    await expect(chart).toMatchFileSnapshot('../../docs/xor-learning-rates.svg');
  });
});

describe('logistic-regression: L = ½‖w‖² − λ·mean(log σ(y wᵀx))', () => {
  it('converges to the stationary point w = λ·mean(σ(−y wᵀx)·y·x) and separates 94% of the points', async () => {
    const data = json('samples/data/logistic-regression.json');
    const session = await createSession(read('samples/logistic-regression.graph.json'), { loss: 'loss', lr: 0.1 });
    session.fit(data, { epochs: 100 });
    const out = session.run(data);
    const w = Array.from(session.params.w);
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    const expected = [0, 1].map((j) => {
      const terms = data.X.map((x: number[], i: number) => sigmoid(-data.y[i] * (x[0] * w[0] + x[1] * w[1])) * data.y[i] * x[j]);
      return (10 * terms.reduce((a: number, b: number) => a + b, 0)) / data.X.length;
    });
    w.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 8));
    out.dloss_dw.data.forEach((g) => expect(Math.abs(g)).toBeLessThan(1e-8));
    expect(out.accuracy.data[0]).toBe(0.94);
  });
});
