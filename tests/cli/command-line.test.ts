import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { binary, cli } from './run.js';

const dir = join('tests', '.tmp', 'command-line');
mkdirSync(dir, { recursive: true });
const seed = 'samples/seed-function.graph.json';
const seedText = readFileSync(seed, 'utf8');
const noOutputs = join(dir, 'no-outputs.graph.json');
writeFileSync(noOutputs, JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [] } }, nodes: { y: 'x * 2', dy: 'grad(y, x)' } }));

/** Exit 2, nothing on stdout, and exactly one line on stderr. */
function expectOneError(result: { code: number; stdout: string; stderr: string }, line: string): void {
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(`${line}\n`);
  expect(result.code).toBe(2);
}

describe('the command line as people expect it', () => {
  it('--version and -V print the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
    for (const flag of ['--version', '-V']) expect(await cli(flag)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('without a command prints the help on stderr and exits 2; asked for, on stdout with 0', async () => {
    const bare = await cli();
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^Usage: symgrad \[options\] \[command\]\n/);
    for (const asked of [await cli('--help'), await cli('help')]) {
      expect(asked.code).toBe(0);
      expect(asked.stdout).toBe(bare.stderr);
    }
  });

  it('- reads the spec from standard input, and errors name it <stdin>', () => {
    const run = binary(['eval', '-', '--set', 'x1=2', '--set', 'x2=5'], { input: seedText });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).dy_dx1).toBe(5.5);
    const bad = JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [] } }, nodes: { y: 'sinn(x)' }, outputs: ['y'] });
    expectOneError(binary(['compile', '-', '-o', join(dir, 'never.js')], { input: bad }), "error: <stdin>: nodes.y: column 1: unknown function 'sinn' (did you mean 'sin'?)");
  });

  it.each([['eval'], ['check'], ['trace'], ['train']])('%s: a missing --feed file is reported against its own name', async (command) => {
    const missing = join(dir, 'no-such-feed.json');
    const args = command === 'train' ? ['samples/xor-train.graph.json', '--loss', 'loss'] : [seed];
    expectOneError(await cli(command, ...args, '--feed', missing), `error: ${missing}: no such file`);
  });

  it('stops quietly when the reader of its output goes away (| head)', () => {
    // 770 kB of SVG: far more than a pipe holds, so the write is still going when head has left.
    const run = spawnSync('sh', ['-c', `"${process.execPath}" dist/cli/main.js viz samples/hessian-xor.graph.json --format svg | head -1`], { encoding: 'utf8' });
    expect(run.stdout).toBe('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n');
    expect(run.stderr).toBe('');
  });

  it('a missing spec is still reported against the spec', async () => {
    expectOneError(await cli('eval', join(dir, 'nope.graph.json')), `error: ${join(dir, 'nope.graph.json')}: no such file`);
  });

  it.each([
    ['eval', ['--set', 'x=1']],
    ['compile', ['-o', join(dir, 'no-outputs.js')]],
    ['stats', []],
    ['viz', ['--simplified']],
  ])('%s refuses a spec that lists no outputs (exit 2)', async (command, args) => {
    expectOneError(await cli(command, noOutputs, ...args), `error: ${noOutputs}: outputs: the spec lists no outputs: name the nodes to compute, as in "outputs": ["y"]`);
  });
});

describe('every --help example', () => {
  // An empty folder far from the repository, and `symgrad` on PATH as an installed package puts it.
  const home = mkdtempSync(join(tmpdir(), 'symgrad-examples-'));
  const bin = join(home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'symgrad'), `#!/bin/sh\nexec "${process.execPath}" "${resolve('dist/cli/main.js')}" "$@"\n`);
  chmodSync(join(bin, 'symgrad'), 0o755);
  const work = join(home, 'work');
  mkdirSync(work);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const commands = ['', 'compile', 'eval', 'stats', 'train', 'check', 'trace', 'viz'];
  it.each(commands)('of `symgrad %s --help` runs as shown from an empty folder', (command) => {
    const help = binary([...(command ? [command] : []), '--help'], { cwd: work });
    expect(help.code).toBe(0);
    const examples = [...help.stdout.split(/\nExamples?:\n/)[1].matchAll(/^ {2}\$ (.*)$/gm)].map((m) => m[1]);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const run = spawnSync('sh', ['-c', example], { cwd: work, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
      expect(run.status, `${example}\n${run.stderr}`).toBe(0);
    }
  });
});
