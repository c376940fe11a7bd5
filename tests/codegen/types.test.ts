import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';

const dir = join('tests', '.tmp', 'types', String(process.pid));
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STRICTEST = ['--strict', '--noUncheckedIndexedAccess', '--exactOptionalPropertyTypes'];

/** The tsc errors (code and line) of the consumer files, empty when they type-check. */
function typeErrors(files: string[], options: string[], module: 'node16' | 'bundler'): string[] {
  const resolution = module === 'node16' ? ['--module', 'node16', '--moduleResolution', 'node16'] : ['--module', 'esnext', '--moduleResolution', 'bundler'];
  const args = ['--ignoreConfig', ...options, ...resolution, '--noEmit', '--target', 'es2022', '--lib', 'es2022', '--types', '', '--skipLibCheck', 'false', ...files];
  try {
    execFileSync(join('node_modules', '.bin', 'tsc'), args, { encoding: 'utf8' });
    return [];
  } catch (error) {
    return [...String((error as { stdout: string }).stdout).matchAll(/\((\d+),\d+\): error (TS\d+)/g)].map((m) => `${m[2]} at ${m[1]}`);
  }
}

/** A consumer of the iris module: correct use, then (on later lines) a wrong output name and a missing input. */
const consumer = (from: string, mistakes: boolean) => `import { createKernel, run, signature, initialParams } from '${from}';
const kernel = createKernel({ maxElements: 1e6 });
const out = kernel.run({ X: [[1, 2, 3, 4]], Y: [[1, 0, 0]], W1: initialParams.W1 });
const loss: number | undefined = out.loss.data[0];
const probabilities: readonly number[] = out.probabilities.shape;
const dtype: 'float64' = signature.dtype;
export const used = [loss, probabilities, dtype, run({ X: [], Y: [] }).accuracy.data];
${mistakes ? `export const wrong = out.los;\nrun({ Y: [[1, 0, 0]] });\n` : ''}`;

describe('the generated module is typed by the spec', () => {
  const text = readFileSync('samples/iris-mlp.graph.json', 'utf8');
  writeFileSync(join(dir, 'iris.js'), compileSpec(text, { language: 'js' }).source);
  writeFileSync(join(dir, 'iris.d.ts'), compileSpec(text).declarations);
  writeFileSync(join(dir, 'iris-module.ts'), compileSpec(text, { language: 'ts' }).source);
  const file = (name: string, body: string) => {
    writeFileSync(join(dir, name), body);
    return join(dir, name);
  };
  const fromJs = (mistakes: boolean) => file(`use-js${mistakes ? '-bad' : ''}.ts`, consumer('./iris.js', mistakes));
  const fromTs = (mistakes: boolean) => file(`use-ts${mistakes ? '-bad' : ''}.ts`, consumer('./iris-module.js', mistakes));

  it.each(['node16', 'bundler'] as const)('a .js module and its .d.ts: correct use type-checks under the strictest settings (%s)', (module) => {
    expect(typeErrors([fromJs(false)], STRICTEST, module)).toEqual([]);
  });

  it.each(['node16', 'bundler'] as const)('a wrong output name and a missing input are type errors (%s)', (module) => {
    expect(typeErrors([fromJs(true)], STRICTEST, module)).toEqual(['TS2551 at 8', 'TS2741 at 9']);
  });

  it('a .ts module gives its consumer the same types, under strict with exact optional properties', () => {
    const options = ['--strict', '--exactOptionalPropertyTypes'];
    expect(typeErrors([fromTs(false)], options, 'node16')).toEqual([]);
    expect(typeErrors([fromTs(true)], options, 'node16')).toEqual(['TS2551 at 8', 'TS2741 at 9']);
  });
});

it('a .ts module computed as scalar code type-checks itself under the strictest settings', () => {
  const files = ['seed-function', 'tanh-derivatives', 'hessian-xor'].map((name) => {
    const path = join(dir, `${name}.ts`);
    writeFileSync(path, compileSpec(readFileSync(`samples/${name}.graph.json`, 'utf8'), { language: 'ts' }).source);
    return path;
  });
  expect(typeErrors(files, STRICTEST, 'node16')).toEqual([]);
});
