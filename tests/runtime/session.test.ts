import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { grad, Graph, mul, sum } from '../../compiler/index.js';
import { compileGraph, compileModule, createSession, gradName, Session, trainerSource } from '../../runtime/index.js';
import { loadModuleSource } from '../../runtime/module.js';

const xorSpec = readFileSync('samples/xor-train.graph.json', 'utf8');
const xorData = JSON.parse(readFileSync('samples/data/xor.json', 'utf8'));

describe('XOR from the seeded random start', () => {
  it.each([
    ['sgd', 0.1, 500],
    ['adam', 0.05, 300],
    ['momentum', 0.05, 300],
  ] as const)('%s (lr %s, %s epochs) reaches [0, 1, 1, 0] within 0.1', async (optimizer, lr, epochs) => {
    const session = await createSession(xorSpec, { loss: 'loss', optimizer, lr });
    const result = session.fit(xorData, { epochs });
    expect(result).toMatchObject({ outcome: 'done', steps: epochs });
    Array.from(session.run(xorData).f.data).forEach((f, i) => expect(Math.abs(f - [0, 1, 1, 0][i])).toBeLessThan(0.1));
    expect(result.losses[0]).toBeCloseTo(0.4753583619144598, 12);
    expect(session.evaluate(xorData)).toBeLessThan(1e-6);
  });
});

describe('Session', () => {
  it('starts from initialParams, and step() returns the loss before the step', async () => {
    const session = await createSession(xorSpec, { loss: 'loss', lr: 0.1 });
    expect(Array.from(session.params.W)).toEqual(Array.from(session.model.initialParams.W));
    const before = session.evaluate(xorData);
    expect(session.step(xorData)).toBe(before);
    expect(session.evaluate(xorData)).toBeLessThan(before);
  });

  it('takes one gradient step per param from one trainer run: θ ← θ − α·∂loss/∂θ', async () => {
    const session = await createSession(xorSpec, { loss: 'loss', lr: 0.1 });
    const grads = session.trainer.run({ ...xorData, ...session.params });
    const expected = Object.fromEntries(
      Object.entries(session.params).map(([name, p]) => [name, Array.from(p, (v, i) => v - 0.1 * grads[gradName('loss', name)].data[i])]),
    );
    session.step(xorData);
    for (const [name, values] of Object.entries(expected)) expect(Array.from(session.params[name])).toEqual(values);
  });

  it('is deterministic for a seed, with mini-batches and a smaller last batch', async () => {
    const train = async (seed: number) => {
      const session = await createSession(xorSpec, { loss: 'loss', optimizer: 'adam', lr: 0.05 });
      const { losses, steps } = session.fit(xorData, { epochs: 20, batch: 3, seed });
      return { losses, steps, W: Array.from(session.params.W) };
    };
    const first = await train(1);
    expect(first.steps).toBe(40);
    expect(await train(1)).toEqual(first);
    expect((await train(2)).W).not.toEqual(first.W);
  });

  it('sets and exports params; a fed param overrides the session’s for one run', async () => {
    const session = await createSession(xorSpec, { loss: 'loss' });
    const lecture = { W: [[1, 1], [1, 1]], c: [0, -1], w: [1, -2], b: 0 };
    session.setParams(lecture);
    expect(Array.from(session.run(xorData).f.data)).toEqual([0, 1, 1, 0]);
    expect(session.paramValues().W).toEqual({ data: Float64Array.of(1, 1, 1, 1), shape: [2, 2] });
    expect(session.run({ ...xorData, b: 1 }).loss.data[0]).toBe(1);
    expect(() => session.setParams({ W: [1, 2, 3] })).toThrow('feeds.W: a flat array of 3 values does not fit [2, 2]');
    expect(() => session.setParams({ V: 1 })).toThrow('feeds.V: not a param (params: W, c, w, b)');
  });

  it('trains from precompiled modules without the compiler at run time', async () => {
    const model = await compileModule(xorSpec);
    const trainer = await loadModuleSource(await trainerSource(xorSpec, 'loss'));
    expect(trainer.signature.outputs.map((o) => o.name)).toEqual(['loss', 'grad(loss, W)', 'grad(loss, c)', 'grad(loss, w)', 'grad(loss, b)']);
    const session = new Session(model, trainer, { loss: 'loss', lr: 0.1 });
    session.fit(xorData, { epochs: 500 });
    expect(session.evaluate(xorData)).toBeLessThan(1e-6);
  });

  it.each([
    ['los', "loss: unknown name 'los' (did you mean 'loss'?)"],
    ['f', "loss: 'f' has shape [N]; the loss must be a scalar"],
  ])('rejects the loss %s', async (loss, message) => {
    await expect(createSession(xorSpec, { loss })).rejects.toThrow(message.replace(/^loss: /, ''));
  });

  it('keeps float32 params for a float32 spec', async () => {
    const spec = JSON.stringify({ ...JSON.parse(xorSpec), dtype: 'float32' });
    const session = await createSession(spec, { loss: 'loss', lr: 0.1 });
    session.fit(xorData, { epochs: 500, batch: 3 });
    expect(session.params.W).toBeInstanceOf(Float32Array);
    expect(session.evaluate(xorData)).toBeLessThan(1e-6);
  });

  it('trains a spec without named dimensions as one row', async () => {
    const spec = JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [] } }, params: { a: { shape: [] } }, nodes: { loss: '(a - x) ^ 2' } });
    const session = await createSession(spec, { loss: 'loss', lr: 0.5 });
    expect(session.fit({ x: 3 }, { epochs: 1 }).losses).toEqual([9]);
    expect(session.params.a[0]).toBe(3);
    expect(session.fit({ x: 3 }, { batch: 1 }).steps).toBe(1);
  });

  it('compiles a graph built in code', async () => {
    const graph = new Graph('float64');
    const x = graph.input('x', [3]);
    const y = sum(mul(x, x));
    const module = await compileGraph(graph, { y, dy_dx: grad(y, x) });
    const out = module.run({ x: [1, 2, 3] });
    expect(out.y.data[0]).toBe(14);
    expect(Array.from(out.dy_dx.data)).toEqual([2, 4, 6]);
  });

  it('imports the compiler only dynamically, so generated code runs without it', () => {
    for (const file of readdirSync('runtime')) {
      expect(readFileSync(`runtime/${file}`, 'utf8'), file).not.toMatch(/^import (?!type )[^;]*'\.\.\/compiler\//m);
    }
  });
});
