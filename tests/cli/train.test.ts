import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { cli } from './run.js';

// A write to a temporary file fails half way when `failing.on` is set (a full disk, a crash).
const failing = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const writeFileSync: typeof real.writeFileSync = (path, data, options) => {
    if (failing.on && String(path).endsWith('.tmp')) {
      real.writeFileSync(path, String(data).slice(0, String(data).length >> 1));
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }
    real.writeFileSync(path, data, options);
  };
  return { ...real, default: { ...real, writeFileSync }, writeFileSync };
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
  [['--loss', 'loss', '--optimizer', 'rmsprop'], "error: option '--optimizer <name>' argument 'rmsprop' is invalid. Allowed choices are sgd, momentum, adam."],
])('train %j is bad usage (exit 2)', async (args, message) => {
  const { code, stderr } = await cli('train', 'samples/xor-train.graph.json', '--feed', 'samples/data/xor.json', ...args);
  expect(code).toBe(2);
  expect(stderr.trimEnd()).toBe(message);
});
