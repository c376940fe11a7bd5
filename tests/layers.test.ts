import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every TypeScript file under a folder, with the module paths it imports (static, type and dynamic). */
function importsUnder(folder: string): { file: string; paths: string[] }[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => {
      const text = readFileSync(join(folder, f), 'utf8');
      const paths = [...text.matchAll(/(?:^import[^;]*?from |^export[^;]*?from |import\()'([^']+)'/gm)].map((m) => m[1]);
      return { file: join(folder, f), paths };
    });
}

/** The layers import only downward: common ← compiler ← runtime ← cli. */
describe('layers', () => {
  it('common imports nothing of the project', () => {
    for (const { file, paths } of importsUnder('common')) expect(paths.filter((p) => p.startsWith('.')), file).toEqual([]);
  });

  it('the compiler imports nothing from runtime/ or cli/', () => {
    for (const { file, paths } of importsUnder('compiler')) {
      expect(paths.filter((p) => /\/(runtime|cli)\//.test(p)), file).toEqual([]);
    }
  });

  it('ops hold their scalar expressions and import nothing of code generation', () => {
    for (const { file, paths } of importsUnder('compiler/ops')) expect(paths.filter((p) => p.includes('codegen/')), file).toEqual([]);
  });

  it("code generation compares no node's op: only its kernel registry (codegen/kernels/index.ts) names ops", () => {
    const files = readdirSync('compiler/codegen', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && f !== join('kernels', 'index.ts'));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const text = readFileSync(join('compiler/codegen', f), 'utf8');
      expect(text.match(/\.op\s*[!=]==|[!=]==\s*[\w.]+\.op\b|switch \([\w.]*\.op\)/g), f).toBeNull();
    }
  });

  it('the runtime reaches the compiler only through its public API', () => {
    for (const { file, paths } of importsUnder('runtime')) {
      expect(paths.filter((p) => p.includes('/compiler/') && p !== '../compiler/index.js'), file).toEqual([]);
      expect(paths.filter((p) => p.includes('/cli/')), file).toEqual([]);
    }
  });

  it('the command line reaches the compiler and the runtime only through their public APIs', () => {
    // compiler/onnx/index.js is the ONNX entry, loaded lazily so that only export and import load protobufjs.
    for (const { file, paths } of importsUnder('cli')) {
      expect(paths.filter((p) => /\/(compiler|runtime|common)\//.test(p) && !/\/(compiler|compiler\/onnx|runtime)\/index\.js$/.test(p)), file).toEqual([]);
    }
  });
});
