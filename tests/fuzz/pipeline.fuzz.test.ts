import * as fc from 'fast-check';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specFunctions } from '../../compiler/spec/functions.js';
import { buildCli, Sandbox, type Outcome } from './sandbox.js';
import { fuzzOptions, fuzzTimeout } from './settings.js';
import { feedsFor, mutated } from './mutations.js';
import { templates, wellFormed } from './specs.js';

// One directory per process: test runs sharing a working tree must not share the case file.
const dir = join('tests', '.tmp', 'fuzz', String(process.pid));
mkdirSync(dir, { recursive: true });
const path = join(dir, 'case.graph.json');
/** Tight limits, so that a spec the mutations blow up is refused quickly rather than slowly computed. */
const LIMITS = ['--max-nodes', '20000', '--max-elements', '10000', '--max-total-elements', '1000000'];
const samples = readdirSync('samples')
  .filter((f) => f.endsWith('.graph.json'))
  .map((f) => JSON.parse(readFileSync(join('samples', f), 'utf8')) as Record<string, unknown>);

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = new Sandbox(buildCli(join(dir, 'build')));
}, 60_000);
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Exit 2 must be one clean error line about the spec; no exit may print a stack trace or an internal error. */
function expectClean({ code, stderr }: { code: number; stderr: string }): void {
  expect(stderr).not.toMatch(/internal error|too large to process|\n\s+at /);
  if (code === 2) expect(stderr).toMatch(new RegExp(`^error: ${path}[:][^\\n]*\\n$`));
}

/** The outputs of an eval that exits 0, or undefined for exit 2; anything else fails. */
function evaluated(outcome: Outcome): unknown {
  expect(outcome.kind === 'exit' ? outcome.code : outcome).toBeOneOf([0, 2]);
  const result = outcome as Extract<Outcome, { kind: 'exit' }>;
  expectClean(result);
  if (result.code === 0) {
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout);
  }
  expect(result.stdout).toBe('');
  return undefined;
}

/** NaN-equal, the same infinities, finite values within a relative tolerance. */
function close(a: unknown, b: unknown, tolerance: number): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => close(v, b[i], tolerance));
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a);
    return keys.join() === Object.keys(b).join() && keys.every((k) => close((a as never)[k], (b as never)[k], tolerance));
  }
  return a === b;
}

/** Evaluates with generated code and with the interpreter: both fail cleanly, or both succeed and agree. */
async function evalBoth(text: string, sets: readonly string[]): Promise<void> {
  writeFileSync(path, text);
  const argv = ['eval', path, ...sets.flatMap((s) => ['--set', s]), ...LIMITS];
  const outcomes = [await sandbox.run(argv), await sandbox.run([...argv, '--interpret'])];
  const [generated, interpreted] = outcomes.map(evaluated);
  const seen = JSON.stringify(outcomes);
  expect(generated === undefined, seen).toBe(interpreted === undefined);
  const tolerance = text.includes('"float32"') ? 1e-5 : 1e-9;
  if (generated !== undefined) expect(close(generated, interpreted, tolerance), seen).toBe(true);
}

/** The other commands that read a spec: exit 0, 1 (a failed check) or 2, cleanly. */
async function otherCommand(text: string, sets: readonly string[], command: string): Promise<void> {
  writeFileSync(path, text);
  const feeds = command === 'viz' ? [] : sets.flatMap((s) => ['--set', s]);
  const outcome = await sandbox.run([command, path, ...feeds, ...LIMITS]);
  expect(outcome.kind === 'exit' ? outcome.code : outcome).toBeOneOf(command === 'check' ? [0, 1, 2] : [0, 2]);
  expectClean(outcome as Extract<Outcome, { kind: 'exit' }>);
}

describe('compile → eval under fuzzing', () => {
  it('has a template for every spec function', () => {
    expect(Object.keys(templates).sort()).toEqual([...specFunctions.keys()].sort());
  });

  it('runs every sample, generated code agreeing with the interpreter', async () => {
    for (const spec of samples) await evalBoth(JSON.stringify(spec), feedsFor(spec));
  });

  it(
    'well-formed specs over the op library: exit 0 or one error line, and generated code agrees with the interpreter',
    async () => {
      await fc.assert(
        fc.asyncProperty(wellFormed, ({ spec, sets }) => evalBoth(JSON.stringify(spec), sets)),
        fuzzOptions(300, 4),
      );
    },
    fuzzTimeout(4),
  );

  it(
    'mutated samples and specs: never a crash, a hang, a stack trace or an internal error, in eval, viz, trace and check',
    async () => {
      await fc.assert(
        fc.asyncProperty(mutated(samples), fc.constantFrom('viz', 'trace', 'check'), async ({ text, sets }, command) => {
          await evalBoth(text, sets);
          await otherCommand(text, sets, command);
        }),
        fuzzOptions(300, 4),
      );
    },
    fuzzTimeout(4),
  );
});
