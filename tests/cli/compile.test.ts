import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { interpret } from '../../compiler/interpret.js';
import { cli } from './run.js';

const dir = join('tests', '.tmp', 'compile');
mkdirSync(dir, { recursive: true });

it('--explain-rewrites lists the rules that fired, naming the spec node', async () => {
  const { code, stderr } = await cli('compile', 'samples/seed-function.graph.json', '-o', join(dir, 'seed.js'), '--explain-rewrites');
  expect(code).toBe(0);
  const lines = stderr.trimEnd().split('\n');
  expect(lines.length).toBeGreaterThan(3);
  for (const line of lines) expect(line).toMatch(/^[a-z0-9-]+: \w+#\d+\[.*\] -> \w+#\d+\[.*\]( \(in \w+\))?$/);
  expect(stderr).toContain('fold-constants: neg#');
});

it('--no-simplify emits the expanded graph, which is larger', async () => {
  await cli('compile', 'samples/xor.graph.json', '-o', join(dir, 'plain.js'), '--no-simplify');
  await cli('compile', 'samples/xor.graph.json', '-o', join(dir, 'simple.js'));
  expect(readFileSync(join(dir, 'plain.js'), 'utf8').length).toBeGreaterThan(readFileSync(join(dir, 'simple.js'), 'utf8').length);
});

it('simplified outputs equal the expanded ones on the seed function', () => {
  const text = readFileSync('samples/seed-function.graph.json', 'utf8');
  const { spec, program } = compileSpec(text);
  const feeds = { x1: { shape: [], data: Float64Array.of(2) }, x2: { shape: [], data: Float64Array.of(5) } };
  const simplified = interpret(program.outputs.map((o) => o.node), feeds);
  const expanded = interpret(spec.outputs.map((o) => o.node), feeds);
  expanded.forEach((t, i) => expect(simplified[i].data[0]).toBeCloseTo(t.data[0], 14));
});

it('writes the types of a .js module beside it (.d.ts, or .d.mts for .mjs), and none for a .ts module', async () => {
  for (const [out, types] of [['typed.js', 'typed.d.ts'], ['typed.mjs', 'typed.d.mts']]) {
    expect((await cli('compile', 'samples/seed-function.graph.json', '-o', join(dir, out))).code).toBe(0);
    const declarations = readFileSync(join(dir, types), 'utf8');
    expect(declarations).toContain('readonly x1: Feed;');
    expect(declarations).toContain('readonly dy_dx1: Output;');
    expect(declarations).toContain('export declare function createScalarKernel(): (x1: number, x2: number) => Float64Array;');
  }
  expect((await cli('compile', 'samples/seed-function.graph.json', '-o', join(dir, 'typed-module.ts'))).code).toBe(0);
  expect(existsSync(join(dir, 'typed-module.d.ts'))).toBe(false);
});

it('--params bakes trained values in as the params\' initial values, checked against their shapes', async () => {
  const params = join(dir, 'params.json');
  writeFileSync(params, JSON.stringify({ w: [1.5, -2], b: 0.25 }));
  const spec = join(dir, 'bake.graph.json');
  writeFileSync(spec, JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [2] } }, params: { w: { shape: [2], init: { normal: [0, 1], seed: 3 } }, b: { shape: [] } }, nodes: { y: 'sum(w * x) + b' }, outputs: ['y'] }));
  expect((await cli('compile', spec, '-o', join(dir, 'baked.js'), '--params', params)).code).toBe(0);
  const module = await import(pathToFileURL(join(dir, 'baked.js')).href);
  expect([...module.initialParams.w, ...module.initialParams.b]).toEqual([1.5, -2, 0.25]);
  expect(module.run({ x: [2, 1] }).y.data[0]).toBe(1.25);
  writeFileSync(params, JSON.stringify({ w: [[1, 2]] }));
  expect(await cli('compile', spec, '-o', join(dir, 'bad.js'), '--params', params)).toMatchObject({ code: 2, stderr: `error: ${params}: params.w: has shape [1, 2] but the param has shape [2]\n` });
  writeFileSync(params, JSON.stringify({ v: 1 }));
  expect(await cli('compile', spec, '-o', join(dir, 'bad.js'), '--params', params)).toMatchObject({ code: 2, stderr: `error: ${params}: params.v: not a param of the spec (did you mean 'w'?)\n` });
});
