import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { interpret } from '../../compiler/interpret.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { sizeOf } from '../../compiler/shape.js';
import { loadModuleSource, type CompiledModule } from '../../runtime/module.js';
import { seededRandom, uniformArray } from '../support/random.js';

const samples = readdirSync('samples').filter((f) => f.endsWith('.graph.json'));
const temporary = join('tests', '.tmp', 'codegen');
mkdirSync(temporary, { recursive: true });

/** Random feeds for every input (named dims bound to 3), away from 0 so log/sqrt stay real. */
function randomFeeds(source: string): Record<string, Tensor> {
  const { spec } = compileSpec(source);
  const random = seededRandom(7);
  const feeds: Record<string, Tensor> = {};
  for (const leaf of spec.graph.leaves('input')) {
    const shape = leaf.shape.map((d) => (typeof d === 'number' ? d : 3));
    feeds[leaf.attrs.name as string] = { shape, data: uniformArray(random, sizeOf(shape), [0.5, 2]) };
  }
  return feeds;
}

describe.each(samples)('%s', (file) => {
  const text = readFileSync(join('samples', file), 'utf8');

  it('generated code agrees with the interpreter to 1e-12', async () => {
    const { spec, program, source } = compileSpec(text);
    const feeds = randomFeeds(text);
    const module = await loadModuleSource(source);
    const generated = module.run(feeds);
    const reference = interpret(program.outputs.map((o) => o.node), feeds);
    spec.outputs.forEach(({ name }, i) => {
      expect(generated[name].shape).toEqual(reference[i].shape);
      reference[i].data.forEach((v, j) => expect(Math.abs(generated[name].data[j] - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))));
    });
  });

  it('compiles to identical bytes twice', () => {
    expect(compileSpec(text, { language: 'ts' }).source).toBe(compileSpec(text, { language: 'ts' }).source);
    expect(compileSpec(text, { language: 'js' }).source).toBe(compileSpec(text, { language: 'js' }).source);
  });

  it('writes a .js module that Node imports and runs', async () => {
    const path = join(temporary, file.replace('.graph.json', '.js'));
    writeFileSync(path, compileSpec(text, { language: 'js' }).source);
    const module = (await import(pathToFileURL(path).href)) as CompiledModule;
    const outputs = module.run(randomFeeds(text));
    expect(Object.keys(outputs)).toEqual(module.signature.outputs.map((o) => o.name));
    for (const { data } of Object.values(outputs)) expect(data).toBeInstanceOf(module.signature.dtype === 'float32' ? Float32Array : Float64Array);
  });
});

it('every generated .ts passes tsc --strict --noEmit', () => {
  const files = samples.map((file) => {
    const path = join(temporary, file.replace('.graph.json', '.ts'));
    writeFileSync(path, compileSpec(readFileSync(join('samples', file), 'utf8'), { language: 'ts' }).source);
    return path;
  });
  const tsc = join('node_modules', '.bin', 'tsc');
  const args = ['--ignoreConfig', '--strict', '--noEmit', '--target', 'es2022', '--module', 'es2022', '--lib', 'es2022', '--types', '', ...files];
  expect(() => execFileSync(tsc, args, { encoding: 'utf8' })).not.toThrow();
});
