// The last step of `npm run build`: the CLI that tsc wrote (dist/cli/main.js, the ~200 modules it
// imports and commander) becomes one script, dist/cli/symgrad.cjs, with a V8 code cache for it,
// dist/cli/symgrad.cache; tsc's dist/cli/launch.js, which runs the two, becomes dist/cli/main.js.
// So `symgrad` starts without resolving, reading, parsing and compiling each module
// (docs/benchmarks.md, Cold start). @viz-js/viz and protobufjs stay in node_modules, required by
// the commands that use them. The library entries (dist/compiler, dist/runtime) are left as tsc wrote them.
import { chmodSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Script } from 'node:vm';
import { build } from 'esbuild';

const dir = resolve('dist/cli');
const script = join(dir, 'symgrad.cjs');
const cache = join(dir, 'symgrad.cache');

// commander requires node:child_process (~5 ms to load) for subcommands run as separate
// executables, which symgrad has none of: it is loaded on first use instead.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.namespace === 'lazy' ? { path: 'node:child_process', external: true } : { path: 'child_process', namespace: 'lazy' },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

// tsc's output: bundling what this step wrote (an earlier build's dist/cli/main.js) would not work.
if (!existsSync(join(dir, 'launch.js'))) throw new Error('bundle.mjs: no dist/cli/launch.js: run tsc first (npm run build)');
const { outputFiles } = await build({
  entryPoints: [join(dir, 'main.js')],
  write: false,
  outfile: script,
  bundle: true,
  external: ['@viz-js/viz', 'protobufjs'],
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // import(x) becomes Promise.resolve().then(() => __toESM(require(x))): a script compiled by
  // node:vm cannot import (Node 20's V8 loses the import callback of a script from a code cache),
  // so dist/cli/main.js passes a require that imports for it.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__import_meta_url' },
  // A module's body in a function expression, which dist/cli/main.js calls as Node calls a CommonJS
  // module's; strict, as the ES modules it was made of (esbuild's own "use strict" comes after this).
  banner: { js: '(function (exports, require, module, __filename, __dirname) {\n"use strict";\nvar __import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  footer: { js: '})' },
  minify: true,
  legalComments: 'none',
  plugins: [lazyChildProcess],
  logLevel: 'warning',
});
const source = outputFiles[0].text;
// ASCII only: V8 keeps it as a one-byte string (esbuild escapes the rest; minifying drops the comments).
if (/[^\x00-\x7f]/.test(source)) throw new Error(`${script}: a character outside ASCII`);
rmSync(cache, { force: true });
writeFileSync(script, source);
renameSync(join(dir, 'launch.js'), join(dir, 'main.js'));
// tsc's main.d.ts stays: the launcher exports what cli/main.ts does.
rmSync(join(dir, 'launch.d.ts'));
chmodSync(join(dir, 'main.js'), 0o755);

// The cache holds the bytecode of what V8 compiled until it is taken: the top level, and every
// function that compiling a sample ran (most of what any command runs).
// (Compiling imports nothing, so Node's require will do for the script's.)
const compiled = new Script(source, { filename: script });
const module = { exports: {} };
compiled.runInThisContext()(module.exports, createRequire(script), module, script, dir);
const scratch = mkdtempSync(join(tmpdir(), 'symgrad-bundle-'));
try {
  const code = await module.exports.runCli(['compile', 'samples/seed-function.graph.json', '-o', join(scratch, 'seed.js')], { out() {}, err: (text) => process.stderr.write(text) });
  if (code !== 0) throw new Error(`bundle.mjs: compiling samples/seed-function.graph.json with ${script} ended with ${code}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
writeFileSync(cache, compiled.createCachedData());
