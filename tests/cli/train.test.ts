import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { cli } from './run.js';

// A write fails half way when `failing.on` is set (a full disk, a crash). The writer calls writeSync(fd, bytes, offset, length).
const failing = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((fd: number, buffer: Uint8Array, offset: number, length: number) => {
    if (failing.on) {
      real.writeSync(fd, buffer, offset, length >> 1);
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }
    return real.writeSync(fd, buffer, offset, length);
  }) as typeof real.writeSync;
  return { ...real, default: { ...real, writeSync }, writeSync };
});

const dir = join('tests', '.tmp', 'train');
fs.mkdirSync(dir, { recursive: true });
const xor = ['samples/xor-train.graph.json', '--loss', 'loss', '--feed', 'samples/data/xor.json'];
const iris = ['samples/iris-mlp.graph.json', '--loss', 'loss', '--feed', 'samples/data/iris-train.json'];

describe('symgrad train', () => {
  it('trains XOR, with progress and a curve on stderr and a JSON summary on stdout', async () => {
    const { code, stdout, stderr } = await cli('train', ...xor, '--lr', '0.1', '--epochs', '500');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ loss: 'loss', epochs: 500, steps: 500, initial: 0.4753583619144598 });
    expect(summary.final).toBeLessThan(1e-10);
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('training loss on 4 rows: sgd, lr 0.1, 500 epochs, batch all');
    expect(lines[1]).toMatch(/^epoch {3}1\/500 {2}loss 0\.475358 {2}[\d.]+k? rows\/s$/);
    expect(lines.filter((l) => l.startsWith('epoch'))).toHaveLength(21);
    expect(lines.at(-2)).toMatch(/^trained in [\d.]+ s \(500 steps\): loss 0\.475358 -> \d\.\d{3}e-1\d on all 4 rows$/);
    expect(lines.at(-1)).toMatch(/^loss [▁▂▃▄▅▆▇█]{48}$/);
  });

  it('--save writes params that eval --feed accepts, reproducing the final loss; --plot writes an SVG', async () => {
    const params = join(dir, 'iris-params.json');
    const plot = join(dir, 'iris-loss.svg');
    const args = ['--optimizer', 'adam', '--lr', '0.01', '--epochs', '100', '--batch', '16', '--seed', '1', '--save', params, '--plot', plot];
    const trained = await cli('train', ...iris, ...args);
    expect(trained.code).toBe(0);
    const { final } = JSON.parse(trained.stdout);
    const saved = JSON.parse(fs.readFileSync(params, 'utf8'));
    expect(Object.keys(saved)).toEqual(['W1', 'b1', 'W2', 'b2']);
    expect(saved.W1).toHaveLength(4);
    expect(saved.W1[0]).toHaveLength(16);

    const onTrain = await cli('eval', 'samples/iris-mlp.graph.json', '--feed', 'samples/data/iris-train.json', '--feed', params);
    expect(onTrain.code).toBe(0);
    expect(Math.abs(JSON.parse(onTrain.stdout).loss - final)).toBeLessThanOrEqual(1e-12 * final);
    const onTest = await cli('eval', 'samples/iris-mlp.graph.json', '--feed', 'samples/data/iris-test.json', '--feed', params);
    expect(JSON.parse(onTest.stdout).accuracy).toBeGreaterThanOrEqual(0.9);

    const svg = fs.readFileSync(plot, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('<title>iris-mlp.graph.json: loss (adam, lr 0.01, batch 16)</title>');
    expect((await cli('train', ...iris, ...args)).stdout).toBe(trained.stdout);
    expect(fs.readFileSync(plot, 'utf8')).toBe(svg);
  });

  it('starts from params fed in a file (resuming a run)', async () => {
    const start = join(dir, 'xor-lecture.json');
    fs.writeFileSync(start, JSON.stringify({ W: [[1, 1], [1, 1]], c: [0, -1], w: [1, -2], b: 0 }));
    const { code, stdout } = await cli('train', ...xor, '--feed', start, '--epochs', '3');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ initial: 0, final: 0 });
  });

  it('an interrupted --save leaves the old file whole and no half file behind', async () => {
    const params = join(dir, 'interrupted.json');
    fs.writeFileSync(params, '{ "old": true }\n');
    failing.on = true;
    try {
      const { code, stderr } = await cli('train', ...xor, '--epochs', '2', '--save', params);
      expect(code).toBe(2);
      expect(stderr).toMatch(new RegExp(`^error: ${params}: cannot write ${params} \\(ENOSPC\\)$`, 'm'));
    } finally {
      failing.on = false;
    }
    expect(fs.readFileSync(params, 'utf8')).toBe('{ "old": true }\n');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.each([
    ['--save', join('no-such-folder', 'p.json'), 'ENOENT'],
    ['--plot', join('no-such-folder', 'loss.svg'), 'ENOENT'],
    ['--save', '.', 'EISDIR'],
  ])('%s %s fails before training: exit 2, one error line naming the file', async (flag, name, code) => {
    const out = name === '.' ? dir : join(dir, name);
    const result = await cli('train', ...xor, '--epochs', '100000', flag, out);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: ${out}: cannot write ${out} (${code})\n`);
  });

  it('--validation holds rows out and reports loss and accuracy on both parts; --json adds the history', async () => {
    const { code, stdout, stderr } = await cli('train', ...iris, '--optimizer', 'adam', '--lr', '0.01', '--epochs', '30', '--batch', '16', '--seed', '1', '--validation', '0.2', '--json');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.validation.rows).toBe(24);
    expect(summary.history).toHaveLength(30);
    expect(summary.history.map((h: { epoch: number }) => h.epoch)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (const h of summary.history) {
      expect(Object.keys(h)).toEqual(['epoch', 'loss', 'accuracy', 'validationLoss', 'validationAccuracy']);
      // Accuracy is a count of rows out of 96 training and 24 held-out rows.
      expect(Number.isInteger(Math.round(h.accuracy * 96 * 1e9) / 1e9)).toBe(true);
      expect(Number.isInteger(Math.round(h.validationAccuracy * 24 * 1e9) / 1e9)).toBe(true);
    }
    const last = summary.history[29];
    expect(summary.validation).toMatchObject({ loss: last.validationLoss, accuracy: last.validationAccuracy });
    const lowest = Math.min(...summary.history.map((h: { validationLoss: number }) => h.validationLoss));
    expect(summary.validation.bestLoss).toBe(lowest);
    expect(summary.history[summary.validation.bestEpoch - 1].validationLoss).toBe(lowest);
    expect(summary.validation.accuracy).toBeGreaterThanOrEqual(0.9);
    const lines = stderr.split('\n');
    expect(lines[0]).toBe('training loss on 96 rows, 24 held out for validation: adam, lr 0.01, 30 epochs, batch 16');
    expect(lines[1]).toMatch(/^epoch {2}1\/30 {2}loss [\d.]+ {2}accuracy [\d.]+ {2}val loss [\d.]+ {2}val accuracy [\d.]+ {2}[\d.]+k? rows\/s$/);
  });

  it('--save with --validation keeps the epoch with the lowest validation loss', async () => {
    const save = (name: string) => join(dir, name);
    const args = [...iris, '--optimizer', 'adam', '--lr', '0.05', '--batch', '16', '--seed', '2', '--validation', '0.25'];
    const long = await cli('train', ...args, '--epochs', '60', '--save', save('best-60.json'), '--json');
    expect(long.code).toBe(0);
    const { validation, history } = JSON.parse(long.stdout);
    expect(validation.bestEpoch).toBeLessThan(60);
    expect(long.stderr).toContain(`saved the params of epoch ${validation.bestEpoch}, the lowest validation loss`);
    // The same run stopped at the best epoch ends on exactly the params kept.
    const short = await cli('train', ...args, '--epochs', String(validation.bestEpoch), '--save', save('best-short.json'));
    expect(JSON.parse(short.stdout).validation.loss).toBe(history[validation.bestEpoch - 1].validationLoss);
    expect(fs.readFileSync(save('best-60.json'), 'utf8')).toBe(fs.readFileSync(save('best-short.json'), 'utf8'));
  });

  it('--patience stops when the validation loss has not improved for that many epochs', async () => {
    const { code, stdout, stderr } = await cli('train', ...iris, '--optimizer', 'adam', '--lr', '0.05', '--batch', '16', '--seed', '2', '--validation', '0.25', '--epochs', '1000', '--patience', '5', '--json');
    expect(code).toBe(0);
    const { epochs, validation, history } = JSON.parse(stdout);
    expect(epochs).toBeLessThan(1000);
    expect(history).toHaveLength(epochs);
    expect(epochs - validation.bestEpoch).toBe(5);
    for (const h of history.slice(validation.bestEpoch)) expect(h.validationLoss).toBeGreaterThanOrEqual(validation.bestLoss);
    expect(stderr).toContain(`stopped at epoch ${epochs}: validation loss has not improved for 5 epochs (best `);
  });

  it('reports accuracy for a softmax cross-entropy loss: the spec’s own accuracy node agrees', async () => {
    const params = join(dir, 'iris-accuracy.json');
    const trained = await cli('train', ...iris, '--optimizer', 'adam', '--lr', '0.01', '--epochs', '20', '--batch', '16', '--seed', '1', '--save', params);
    const { accuracy } = JSON.parse(trained.stdout);
    const evaluated = await cli('eval', 'samples/iris-mlp.graph.json', '--feed', 'samples/data/iris-train.json', '--feed', params);
    expect(accuracy).toBe(JSON.parse(evaluated.stdout).accuracy);
    expect(accuracy).toBeLessThan(1);
  });

  it('reports accuracy for bce_with_logits: right where z > 0 exactly when y > 0.5', async () => {
    const spec = join(dir, 'bce.graph.json');
    fs.writeFileSync(spec, JSON.stringify({ format: 'symgrad/1', inputs: { X: { shape: ['N', 1] }, y: { shape: ['N'] } }, params: { w: { shape: [1], init: [1] } }, nodes: { z: 'X @ w', loss: 'bce_with_logits(z, y)' }, outputs: ['loss'] }));
    // z = x: right on x = 2 (y 1) and x = -1 (y 0), wrong on x = 3 (y 0) and x = -2 (y 1) before training.
    const { stdout } = await cli('train', spec, '--loss', 'loss', '--set', 'X=[[2],[-1],[3],[-2]]', '--set', 'y=[1,0,0,1]', '--lr', '1e-9', '--epochs', '1', '--json');
    expect(JSON.parse(stdout).history[0].accuracy).toBe(0.5);
  });

  it('has no accuracy for a loss that is not a cross-entropy', async () => {
    const summary = JSON.parse((await cli('train', ...xor, '--epochs', '2', '--json')).stdout);
    expect(Object.keys(summary.history[0])).toEqual(['epoch', 'loss']);
    expect(summary).not.toHaveProperty('accuracy');
  });

  it('stops with exit 1 when the loss stops being finite, and still plots it', async () => {
    const plot = join(dir, 'diverged.svg');
    const { code, stdout, stderr } = await cli('train', ...xor, '--lr', '1.5', '--epochs', '1000', '--plot', plot);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: samples\/xor-train\.graph\.json: training diverged: loss was Infinity at epoch 5\d\d; try a smaller --lr \(params not saved\)$/m);
    expect(fs.existsSync(plot)).toBe(true);
  });
});

const data = (name: string, value: unknown) => {
  const path = join(dir, name);
  fs.writeFileSync(path, JSON.stringify(value));
  return path;
};

describe.each([
  ['a missing column', { X: [[0, 0], [1, 1]] }, "feeds.Y: missing: the data has no column for input 'Y' [N] (it has X)"],
  ['a named dimension that disagrees', { X: [[0, 0], [1, 1]], Y: [0, 1, 1] }, "feeds.Y: dimension N is 3 in 'Y' but 2 in 'X'"],
  ['a misspelt column', { X: [[0, 0]], Y: [0], Z: 1 }, "feeds.Z: not an input or param of the spec (did you mean 'X'?)"],
])('train with %s', (name, value, message) => {
  it('exits 2 with one error line naming the data file and the columns', async () => {
    const path = data(`${name.replace(/\W+/g, '-')}.json`, value);
    const { code, stdout, stderr } = await cli('train', 'samples/xor-train.graph.json', '--loss', 'loss', '--feed', path);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`error: samples/xor-train.graph.json: ${path}: ${message}\n`);
  });
});

it.each([
  [['--loss', 'los'], "error: samples/xor-train.graph.json: loss: unknown name 'los' (did you mean 'loss'?)"],
  [['--loss', 'f'], "error: samples/xor-train.graph.json: loss: 'f' has shape [N]; the loss must be a scalar"],
  [['--loss', 'loss', '--lr', '-1'], 'error: samples/xor-train.graph.json: --lr: expected a positive number, got "-1"'],
  [['--loss', 'loss', '--epochs', '1.5'], 'error: samples/xor-train.graph.json: --epochs: expected a whole number of at least 1, got "1.5"'],
  [['--loss', 'loss', '--validation', '1'], 'error: samples/xor-train.graph.json: --validation: expected a fraction between 0 and 1, got "1"'],
  [['--loss', 'loss', '--patience', '0'], 'error: samples/xor-train.graph.json: --patience: expected a whole number of at least 1, got "0"'],
  [['--loss', 'loss', '--optimizer', 'rmsprop'], "error: option '--optimizer <name>' argument 'rmsprop' is invalid. Allowed choices are sgd, momentum, adam."],
])('train %j is bad usage (exit 2)', async (args, message) => {
  const { code, stderr } = await cli('train', 'samples/xor-train.graph.json', '--feed', 'samples/data/xor.json', ...args);
  expect(code).toBe(2);
  expect(stderr.trimEnd()).toBe(message);
});
