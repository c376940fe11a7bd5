#!/usr/bin/env node
// The built binary: bundle.mjs makes this file dist/cli/main.js. The whole CLI (cli/main.ts, the
// compiler, commander) is one script next to it, symgrad.cjs, which this compiles with the V8 code
// cache the build wrote for it (symgrad.cache), so a command starts without parsing and compiling
// ~350 kB of JavaScript (docs/benchmarks.md, Cold start). A cache that does not fit (another Node
// or V8 version, other V8 flags, a script of another length) is rejected by V8, and the script is
// compiled from source as usual; a missing cache is the same.
import { createRequire, isBuiltin } from 'node:module';
import type * as cli from './main.js';

const require = createRequire(import.meta.url);
// Through require: an ES import of node:fs would load its stream classes too.
const { readFileSync, realpathSync } = require('node:fs') as typeof import('node:fs');
const { join } = require('node:path') as typeof import('node:path');
const { fileURLToPath } = require('node:url') as typeof import('node:url');
const { Script } = require('node:vm') as typeof import('node:vm');

const self = fileURLToPath(import.meta.url);

/**
 * The script's require. Node built-ins are required. Anything else is what the script imports
 * (a package a command loads when it needs it, a generated module to run): a script compiled by
 * node:vm cannot import, so bundle.mjs writes import(x) as Promise.resolve().then(() => require(x)),
 * and this returns a thenable that imports x here, which that promise takes on.
 */
function scriptRequire(id: string): unknown {
  if (isBuiltin(id)) return require(id);
  return { then: (resolve: (value: unknown) => void, reject: (error: unknown) => void) => import(id).then(resolve, reject) };
}

/** symgrad.cjs is a CommonJS module's body in a function expression: called, it fills its exports. */
function load(): typeof cli {
  const dir = join(self, '..');
  const file = join(dir, 'symgrad.cjs');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(join(dir, 'symgrad.cache'));
  } catch {
    // No cache: compiled from source.
  }
  const script = new Script(readFileSync(file, 'utf8'), { filename: file, cachedData });
  const module = { exports: {} as typeof cli };
  script.runInThisContext()(module.exports, scriptRequire, module, file, dir);
  return module.exports;
}

const bundle = load();

export const { runCli, main } = bundle;

// Run, not imported: the path node was given is this file, or a link to it (npm's bin).
const given = process.argv[1];
if (given !== undefined && (given === self || realpathSync(given) === self)) await main();
