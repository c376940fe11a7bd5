import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradients, interpret, loadSpec, traceSpec, type LoadedSpec } from '../../compiler/index.js';
import { cli } from './run.js';

const seed = 'samples/seed-function.graph.json';
const at25 = ['--set', 'x1=2', '--set', 'x2=5'];
const dir = join('tests', '.tmp', 'trace');
mkdirSync(dir, { recursive: true });

/** The rows of one table: [symbol, expression, value text, names]. */
function rows(stdout: string, title: string): string[][] {
  const block = stdout.split('\n\n').find((b) => b.startsWith(title))!;
  return block
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => line.trim().split(/ {3,}/))
    .map(([assignment, value, names]) => [...assignment.split(' = '), value, names ?? ''].map((s) => s.trim()));
}

describe('symgrad trace', () => {
  it('prints the lecture’s forward trace of the seed function at (2, 5)', async () => {
    const { code, stdout, stderr } = await cli('trace', seed, ...at25);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(rows(stdout, 'forward evaluation trace')).toEqual([
      ['v0', 'x1', '2', ''],
      ['v1', 'x2', '5', ''],
      ['v2', 'ln(v0)', '0.693', 'v2'],
      ['v3', 'v0·v1', '10', 'v3'],
      ['v4', 'sin(v1)', '-0.959', 'v4'],
      ['v5', 'v2 + v3', '10.693', 'v5'],
      ['v6', 'v5 - v4', '11.652', 'y'],
    ]);
  });

  it('prints the lecture’s reverse adjoint trace, from v̄6 back to v̄0', async () => {
    const { stdout } = await cli('trace', seed, ...at25);
    expect(stdout).toContain('reverse adjoint trace of y');
    expect(rows(stdout, 'reverse adjoint trace')).toEqual([
      ['v̄6', '1', '1', ''],
      ['v̄5', 'v̄6', '1', ''],
      ['v̄4', '-v̄6', '-1', ''],
      ['v̄3', 'v̄5', '1', ''],
      ['v̄2', 'v̄5', '1', ''],
      ['v̄1', 'v̄3·v0 + v̄4·cos(v1)', '1.716', 'dy_dx2'],
      ['v̄0', 'v̄2 / v0 + v̄3·v1', '5.5', 'dy_dx1'],
    ]);
  });

  it('aligns the value columns of both tables', async () => {
    const { stdout } = await cli('trace', seed, ...at25);
    const lines = stdout.split('\n').filter((line) => line.startsWith('  '));
    const columns = lines.map((line) => line.replace(/\u0304/g, '').search(/ {3}\S/));
    expect(new Set(columns).size).toBe(1);
  });

  it('gives full precision with --json', async () => {
    const { code, stdout } = await cli('trace', seed, ...at25, '--json');
    expect(code).toBe(0);
    const trace = JSON.parse(stdout);
    expect(trace.of).toBe('y');
    expect(trace.forward.map((r: { value: number }) => r.value)).toEqual([2, 5, Math.log(2), 10, Math.sin(5), Math.log(2) + 10, Math.log(2) + 10 - Math.sin(5)]);
    expect(trace.reverse.map((r: { symbol: string }) => r.symbol)).toEqual(['v̄6', 'v̄5', 'v̄4', 'v̄3', 'v̄2', 'v̄1', 'v̄0']);
    expect(trace.reverse.map((r: { value: number }) => r.value)).toEqual([1, 1, -1, 1, 1, 2 - Math.cos(5), 5.5]);
    expect(trace.forward[2]).toMatchObject({ symbol: 'v2', expression: 'ln(v0)', shape: [] });
  });

  it('shows tensors by shape and first entries', async () => {
    const { code, stdout } = await cli('trace', 'samples/xor.graph.json');
    expect(code).toBe(0);
    expect(stdout).toMatch(/v4 = X +\[4×2\] 0, 0, 0, 1, …/);
    expect(stdout).toMatch(/v8 = relu\(v7\) +\[4×2\] 0, 0, 1, 0, … +hidden/);
    expect(stdout).toMatch(/v̄0 = .* +\[2×2\] 0, 0, 0, 0 +dloss_dW/);
    const json = JSON.parse((await cli('trace', 'samples/xor.graph.json', '--json')).stdout);
    expect(json.forward.find((r: { names: string[] }) => r.names.includes('hidden'))).toMatchObject({ shape: [4, 2], value: [[0, 0], [1, 0], [1, 0], [2, 1]] });
  });

  it('traces the adjoints of another node with --of', async () => {
    const { code, stdout } = await cli('trace', seed, ...at25, '--of', 'v3');
    expect(code).toBe(0);
    expect(rows(stdout, 'reverse adjoint trace').map((r) => [r[0], r[2]])).toEqual([
      ['v̄6', '0'], ['v̄5', '0'], ['v̄4', '0'], ['v̄3', '1'], ['v̄2', '0'], ['v̄1', '2'], ['v̄0', '5'],
    ]);
  });

  it('shows a disconnected adjoint through stop_gradient as the rule gives it', async () => {
    const spec = join(dir, 'stop.graph.json');
    writeFileSync(spec, JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [] } }, nodes: { y: 'x * stop_gradient(x)' }, outputs: ['y'] }));
    const { stdout } = await cli('trace', spec, '--set', 'x=3');
    expect(rows(stdout, 'reverse adjoint trace')).toEqual([
      ['v̄2', '1', '1', ''],
      ['v̄1', 'v̄2·v0', '3', ''],
      ['v̄0', 'v̄2·v1', '3', ''],
    ]);
  });

  it('reports a missing input and an unknown --of as usage errors', async () => {
    const missing = await cli('trace', seed, '--set', 'x1=2');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`error: ${seed}: feeds.x2: missing feed for input 'x2'\n`);
    const unknown = await cli('trace', seed, ...at25, '--of', 'yy');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`error: ${seed}: --of: 'yy' is not a forward node of the spec (did you mean 'y'?)\n`);
  });
});

it('takes its adjoints from build_grad itself and adds no inputs to the graph', () => {
  const spec = loadSpec(readFileSync('samples/seed-function.graph.json', 'utf8'));
  const inputs = spec.graph.leaves('input').length;
  const x = (v: number) => ({ shape: [], data: Float64Array.of(v) });
  const trace = traceSpec(spec, { x1: x(2), x2: x(5) });
  expect(spec.graph.leaves('input').length).toBe(inputs);
  expect(trace.reverse.map((r) => r.value.data[0])).toEqual(buildGradValues(spec));
});

/** The adjoint of every forward node of the seed function, as build_grad gives them, from v̄6 down. */
function buildGradValues(spec: LoadedSpec): number[] {
  const y = spec.names.get('y')!;
  const forward = ['x1', 'x2', 'v2', 'v3', 'v4', 'v5', 'y'].map((n) => spec.names.get(n)!);
  const x = (v: number) => ({ shape: [], data: Float64Array.of(v) });
  return interpret(gradients(y, forward), { x1: x(2), x2: x(5) }).map((t) => t.data[0]).reverse();
}

describe('symgrad trace through a loop', () => {
  // h ← 0.5·h + x over the rows of X, from h0: two body ops per step.
  const foldSpec = join(dir, 'fold.graph.json');
  writeFileSync(
    foldSpec,
    JSON.stringify({
      format: 'symgrad/1',
      inputs: { h0: { shape: [] }, X: { shape: ['T'] }, H: { shape: ['S', 2] } },
      consts: { one: [1, 1] },
      functions: {
        cell: { args: ['h', 'x'], nodes: { n: '0.5 * h + x' }, return: 'n' },
        pair: { args: ['h', 'x'], nodes: { n: 'h * x' }, return: 'n' },
      },
      nodes: { hT: 'fold(cell, h0, X)', y: 'hT * hT', hs: 'scan(pair, one, H)', dX: 'grad(y, X)' },
      outputs: ['y', 'hs', 'dX'],
    }),
  );
  const feeds = (T: number) => ['--set', 'h0=1', '--set', `X=${JSON.stringify(Array.from({ length: T }, (_, t) => t + 1))}`, '--set', 'H=[[2,3],[4,5]]'];

  it('a 3-step fold: a row per step with the carry after it, as computed by hand and by the interpreter', async () => {
    const { code, stdout, stderr } = await cli('trace', foldSpec, ...feeds(3));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const forward = rows(stdout, 'forward evaluation trace');
    const at = forward.findIndex((r) => r[0] === 'v4');
    expect(forward.slice(at, at + 4)).toEqual([
      ['v4', 'loop⟨cell: last carry⟩(v0, v1)', '4.375', 'hT'],
      // 0.5·1 + 1, 0.5·1.5 + 2, 0.5·2.75 + 3
      ['v4 step 1', 'cell(v0, v1[0])', '1.5', ''],
      ['v4 step 2', 'cell(v4 step 1, v1[1])', '2.75', ''],
      ['v4 step 3', 'cell(v4 step 2, v1[2])', '4.375', ''],
    ]);
    // A scan of a vector carry from the const one = [1, 1] (v3): ·[2, 3], then ·[4, 5].
    const scan = forward.filter((r) => r[0].startsWith('v6 step'));
    expect(scan).toEqual([
      ['v6 step 1', 'pair(v3, v2[0])', '[2] 2, 3', ''],
      ['v6 step 2', 'pair(v6 step 1, v2[1])', '[2] 8, 15', ''],
    ]);
    const json = JSON.parse((await cli('trace', foldSpec, ...feeds(3), '--json')).stdout);
    const steps = json.forward.filter((r: { symbol: string }) => r.symbol.startsWith('v4 step')).map((r: { value: number }) => r.value);
    const spec = loadSpec(readFileSync(foldSpec, 'utf8'));
    const last = (T: number) => interpret([spec.names.get('hT')!], { h0: { shape: [], data: Float64Array.of(1) }, X: { shape: [T], data: Float64Array.from({ length: T }, (_, t) => t + 1) } })[0].data[0];
    expect(steps).toEqual([last(1), last(2), last(3)]);
  });

  it('a loop of more than 200 rows (steps × body ops) stays one summary row', async () => {
    const stepsOf = async (T: number) => rows((await cli('trace', foldSpec, ...feeds(T))).stdout, 'forward evaluation trace').filter((r) => r[0].startsWith('v4 step')).length;
    expect(await stepsOf(100)).toBe(100);
    expect(await stepsOf(101)).toBe(0);
  });
});
