import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cli } from '../cli/run.js';
import { runOnnx } from './support.js';

const dir = join('tests', '.tmp', 'onnx');
mkdirSync(dir, { recursive: true });
const fixture = join('tests', 'fixtures', 'onnx', 'mlp-tanh-logsoftmax');

it('export writes a model that ONNX Runtime runs to the values eval prints', async () => {
  const out = join(dir, 'seed.onnx');
  const exported = await cli('export', 'samples/seed-function.graph.json', '-o', out);
  expect(exported).toMatchObject({ code: 0, stderr: '' });
  const evaluated = await cli('eval', 'samples/seed-function.graph.json', '--set', 'x1=2', '--set', 'x2=5');
  const expected = JSON.parse(evaluated.stdout) as Record<string, number>;
  const scalar = (v: number) => ({ shape: [], data: Float64Array.of(v) });
  const actual = await runOnnx(new Uint8Array(readFileSync(out)), { x1: scalar(2), x2: scalar(5) });
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, value] of Object.entries(expected)) expect(actual[name].data[0]).toBeCloseTo(value, 12);
});

it('export writes a loop (the hypergradient\'s 25 SGD steps, its grad and hessian in lr) that ONNX Runtime runs to the values eval prints', async () => {
  const out = join(dir, 'hypergradient.onnx');
  expect(await cli('export', 'samples/hypergradient.graph.json', '-o', out)).toMatchObject({ code: 0, stderr: '' });
  const expected = JSON.parse((await cli('eval', 'samples/hypergradient.graph.json')).stdout) as Record<string, number | number[]>;
  const actual = await runOnnx(new Uint8Array(readFileSync(out)), {});
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, value] of Object.entries(expected)) {
    [value].flat().forEach((v, j) => expect(actual[name].data[j]).toBeCloseTo(v, 10));
  }
});

it("import writes a spec that eval runs to PyTorch's output", async () => {
  const out = join(dir, 'mlp.graph.json');
  expect(await cli('import', `${fixture}.onnx`, '-o', out)).toMatchObject({ code: 0, stderr: '' });
  const io = JSON.parse(readFileSync(`${fixture}.io.json`, 'utf8')) as { x: number[][]; y: number[][] };
  const { code, stdout } = await cli('eval', out, '--set', `x=${JSON.stringify(io.x)}`);
  expect(code).toBe(0);
  const y = (JSON.parse(stdout) as { y: number[][] }).y;
  y.flat().forEach((v, i) => expect(v).toBeCloseTo(io.y.flat()[i], 6));
  expect(JSON.parse(readFileSync(out, 'utf8')).dtype).toBe('float32');
  await cli('import', `${fixture}.onnx`, '-o', out, '--dtype', 'float64');
  expect(JSON.parse(readFileSync(out, 'utf8')).dtype).toBe('float64');
});

it('bad models and specs are one error line and exit 2', async () => {
  const truncated = join(dir, 'truncated.onnx');
  writeFileSync(truncated, readFileSync(`${fixture}.onnx`).subarray(0, 100));
  const out = join(dir, 'never.graph.json');
  const cases: [string[], RegExp][] = [
    [['import', truncated, '-o', out], /^error: tests\/\.tmp\/onnx\/truncated\.onnx: not an ONNX model \(.*\)\n$/],
    [['import', 'samples/xor.graph.json', '-o', out], /^error: samples\/xor\.graph\.json: not an ONNX model/],
    [['import', join(dir, 'missing.onnx'), '-o', out], /^error: tests\/\.tmp\/onnx\/missing\.onnx: no such file\n$/],
    [['import', `${fixture}.onnx`, '-o', out, '--dtype', 'int8'], /^error: .*: --dtype: expected float32 or float64, got "int8"\n$/],
    [['export', join(dir, 'missing.graph.json'), '-o', join(dir, 'never.onnx')], /^error: .*missing\.graph\.json: no such file\n$/],
  ];
  for (const [argv, message] of cases) {
    const { code, stderr } = await cli(...argv);
    expect(code, argv.join(' ')).toBe(2);
    expect(stderr, argv.join(' ')).toMatch(message);
  }
});

it('an unsupported operator is one error line naming the node and the operator', async () => {
  const spec = join(dir, 'sin.graph.json');
  writeFileSync(spec, JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [3] } }, nodes: { y: 'sin(x)' }, outputs: ['y'] }));
  const model = join(dir, 'mod.onnx');
  await cli('export', spec, '-o', model);
  const bytes = readFileSync(model);
  bytes.write('Mod', bytes.lastIndexOf('Sin'));
  writeFileSync(model, bytes);
  const { code, stderr } = await cli('import', model, '-o', join(dir, 'never.graph.json'));
  expect(code).toBe(2);
  expect(stderr).toMatch(/^error: tests\/\.tmp\/onnx\/mod\.onnx: node 'y[^']*': ONNX operator 'Mod' is not supported \(symgrad imports Abs, Acos, .*\)\n$/);
});

it('export --no-initializers makes params inputs that every run feeds', async () => {
  const out = join(dir, 'seed-params.onnx');
  const spec = join(dir, 'scaled.graph.json');
  writeFileSync(spec, JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [] } }, params: { a: { shape: [], init: 2 } }, nodes: { y: 'a * x' }, outputs: ['y'] }));
  expect((await cli('export', spec, '-o', out, '--no-initializers')).code).toBe(0);
  const scalar = (v: number) => ({ shape: [], data: Float64Array.of(v) });
  const model = new Uint8Array(readFileSync(out));
  expect((await runOnnx(model, { x: scalar(3), a: scalar(5) })).y.data[0]).toBe(15);
  await expect(runOnnx(model, { x: scalar(3) })).rejects.toThrow();
  await cli('export', spec, '-o', out);
  expect((await runOnnx(new Uint8Array(readFileSync(out)), { x: scalar(3) })).y.data[0]).toBe(6);
});

it('protobufjs is loaded by export and import only (the built CLI, as installed)', () => {
  const loads = (argv: string[]) =>
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module';
         import { runCli } from './dist/cli/main.js';
         await runCli(${JSON.stringify(argv)}, { out() {}, err() {} });
         console.log(Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('protobufjs')));`,
      ],
      { encoding: 'utf8' },
    ).trim();
  expect(loads(['stats', 'samples/xor.graph.json'])).toBe('false');
  expect(loads(['compile', 'samples/xor.graph.json', '-o', join(dir, 'xor.js')])).toBe('false');
  expect(loads(['export', 'samples/xor.graph.json', '-o', join(dir, 'xor.onnx')])).toBe('true');
});
