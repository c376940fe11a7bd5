import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** A user's environment: none of the npm_config_* variables that `npm test` sets for this project. */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_config_')));
const npm = (args: string[], cwd = '.') => execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const home = mkdtempSync(join(tmpdir(), 'symgrad-package-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Bytes under a folder, as `du -sb` counts them. */
function bytes(path: string): number {
  const stat = statSync(path);
  return stat.isDirectory() ? readdirSync(path).reduce((sum, name) => sum + bytes(join(path, name)), stat.size) : stat.size;
}

describe('the npm package', () => {
  // dist/ is built by `npm test` before the tests; --ignore-scripts keeps pack from rebuilding it under them.
  const [packed] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'])) as { files: { path: string }[] }[];
  const files = packed.files.map((f) => f.path);

  it('ships the build, the samples the --help examples use, the docs, README and LICENSE, and nothing else', () => {
    expect(files.filter((f) => !/^(dist\/(cli|common|compiler|runtime)\/|samples\/|docs\/)/.test(f)).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
    expect(files).toEqual(expect.arrayContaining(['dist/cli/main.js', 'dist/compiler/index.js', 'dist/compiler/index.d.ts', 'dist/runtime/index.js', 'dist/common/random.js', 'samples/seed-function.graph.json', 'samples/data/xor.json']));
    // The CLI is its launcher, its one script (commander inside) and the script's code cache: not tsc's modules it was bundled from.
    expect(files.filter((f) => f.startsWith('dist/cli/')).sort()).toEqual(['dist/cli/main.js', 'dist/cli/symgrad.cache', 'dist/cli/symgrad.cjs']);
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/^MIT License\n/);
  });

  it('depends at run time on @viz-js/viz (SVG) and protobufjs (ONNX) only, at exact versions (commander is bundled into the CLI)', () => {
    const { dependencies } = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(dependencies).sort()).toEqual(['@viz-js/viz', 'protobufjs']);
    for (const version of Object.values(dependencies)) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('installs into an empty project in at most 12 MiB, and its symgrad runs there', () => {
    const tarball = join(home, JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', home]))[0].filename);
    const project = join(home, 'project');
    mkdirSync(project);
    npm(['init', '-y'], project);
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project);
    expect(bytes(join(project, 'node_modules'))).toBeLessThanOrEqual(12 * 2 ** 20);
    const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
    const run = spawnSync('npx', ['--no-install', 'symgrad', '--version'], { cwd: project, env, encoding: 'utf8' });
    expect(run.stdout).toBe(`${version}\n`);
    const help = spawnSync('npx', ['--no-install', 'symgrad', 'eval', '--help'], { cwd: project, env, encoding: 'utf8' }).stdout;
    const example = /\$ symgrad (eval .*)$/m.exec(help)![1];
    expect(example).toContain('node_modules/symgrad/samples/seed-function.graph.json');
    const evaluated = spawnSync('npx', ['--no-install', 'symgrad', ...example.split(' ')], { cwd: project, env, encoding: 'utf8' });
    expect(evaluated.stderr).toBe('');
    expect(JSON.parse(evaluated.stdout).dy_dx1).toBe(5.5);
  }, 180_000);
});
