import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join, resolve } from 'node:path';
import * as fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../support/random.js';
import { fuzzOptions, fuzzTimeout } from './settings.js';

// CLI writers killed at random moments (SIGKILL and SIGTERM, seeded): the output is absent, the
// whole old file or the whole new one, never part of one; after SIGTERM no temporary file is
// left, after SIGKILL only one named as docs/security.md says. The writers run as a user runs
// them: the built binary (dist/, which `npm test` builds first) in a child process.
const dir = join('tests', '.tmp', 'fuzz', 'writers');
const spec = join(dir, 'big.graph.json');
const binary = resolve('dist/cli/main.js');

/**
 * Each writer's command for an output name (no extension), and the files it writes: 3.7 MB of
 * module and its types beside it (compile), 4 MB of ONNX (export), 11 MB of params (train).
 */
const writers = {
  compile: { files: (name: string) => [`${name}.js`, `${name}.d.ts`], argv: (name: string) => ['compile', spec, '-o', `${name}.js`] },
  export: { files: (name: string) => [`${name}.onnx`], argv: (name: string) => ['export', spec, '-o', `${name}.onnx`] },
  train: { files: (name: string) => [`${name}.json`], argv: (name: string) => ['train', spec, '--loss', 'loss', '--set', 'x=1', '--epochs', '1', '--save', `${name}.json`] },
};
type Writer = keyof typeof writers;
const names = Object.keys(writers) as Writer[];
const OLD = Buffer.from('// an older output, complete\n');

/** What each writer writes to each of its files when it is left alone, and how long its run takes (ms). */
const complete = new Map<Writer, { files: Buffer[]; ms: number }>();

interface Run {
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  /** Whether the temporary file existed when the signal was sent. */
  readonly writing: boolean;
}

/**
 * Runs a writer; sends `signal` `ms` after it starts, or after its writing begins (unless it has
 * ended): when a temporary file appears, or an output changes size (a writer writing in place).
 */
async function interrupted(writer: Writer, name: string, signal: NodeJS.Signals, moment: { after: 'start' | 'writing'; ms: number }): Promise<Run> {
  const outputs = writers[writer].files(name).map((file) => join(dir, file));
  const size = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : -1);
  const before = outputs.map(size);
  const begun = () => temporaries(name).length > 0 || outputs.some((file, i) => size(file) !== before[i]);
  const child = spawn(process.execPath, [binary, ...writers[writer].argv(join(dir, name))], { stdio: 'ignore' });
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((end) =>
    child.on('exit', (code, how) => {
      done = true;
      end({ code, signal: how });
    }),
  );
  const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));
  if (moment.after === 'writing') while (!done && !begun()) await sleep(1);
  await Promise.race([exited, sleep(moment.ms)]);
  const writing = temporaries(name).length > 0;
  if (!done) child.kill(signal);
  return { ...(await exited), writing };
}

/** The temporary files of the outputs called `name` (+ an extension): `.NAME.` + anything. */
function temporaries(name: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.startsWith(`.${name}.`));
}

beforeAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // A literal init is written whole into the module, the ONNX initializers and the saved params.
  const random = seededRandom(9);
  const W = Array.from({ length: 500 }, () => Array.from({ length: 1000 }, () => Math.round(random() * 2000 - 1000) / 1000));
  const text = { format: 'symgrad/1', inputs: { x: { shape: [] } }, params: { W: { shape: [500, 1000], init: W } }, nodes: { loss: 'sum((W * x - 1) ^ 2) / 500000' }, outputs: ['loss'] };
  fs.writeFileSync(spec, JSON.stringify(text));
});

describe('CLI writers interrupted by signals', () => {
  it.each(names)('%s left alone writes its whole output', async (writer) => {
    const started = performance.now();
    expect(await interrupted(writer, writer, 'SIGKILL', { after: 'start', ms: 120_000 })).toMatchObject({ code: 0, signal: null });
    complete.set(writer, { files: writers[writer].files(writer).map((file) => fs.readFileSync(join(dir, file))), ms: performance.now() - started });
    expect(complete.get(writer)!.files[0].length).toBeGreaterThan(3_000_000);
    expect(temporaries(writer)).toEqual([]);
  }, 120_000);

  it(
    'leave the output absent, whole and old, or whole and new; SIGTERM leaves no temporary file, SIGKILL only .NAME.<12 hex digits>.tmp',
    async () => {
      const options = fuzzOptions(12, 30);
      let runs = 0;
      let midWrite = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...names),
          fc.constantFrom<NodeJS.Signals>('SIGKILL', 'SIGTERM'),
          fc.boolean(),
          fc.constantFrom<'start' | 'writing'>('start', 'writing'),
          fc.double({ min: 0, max: 1, noNaN: true }),
          async (writer, signal, hadOld, after, fraction) => {
            const { files, ms } = complete.get(writer)!;
            const name = `run${runs++}`;
            const outputs = writers[writer].files(name);
            if (hadOld) for (const file of outputs) fs.writeFileSync(join(dir, file), OLD);
            // From the start: any moment of the run. After writing begins: within the write.
            const run = await interrupted(writer, name, signal, { after, ms: Math.floor(fraction * (after === 'start' ? ms : 10)) });
            expect(run.code === 0 || run.signal === signal, JSON.stringify(run)).toBe(true);
            if (run.writing && run.signal) midWrite++;
            outputs.forEach((file, i) => {
              const now = fs.existsSync(join(dir, file)) ? fs.readFileSync(join(dir, file)) : undefined;
              const whole = now === undefined ? !hadOld : now.equals(files[i]) || (hadOld && now.equals(OLD));
              expect(whole, `${writer} ${signal} ${JSON.stringify(run)}: ${file} ${now === undefined ? 'absent' : `of ${now.length} bytes`}`).toBe(true);
            });
            const left = temporaries(name);
            if (signal === 'SIGTERM' || run.code === 0) expect(left).toEqual([]);
            const named = new RegExp(`^\\.(${outputs.map((file) => file.replace(/\./g, '\\.')).join('|')})\\.[0-9a-f]{12}\\.tmp$`);
            for (const file of left) expect(file).toMatch(named);
            for (const file of [...left, ...outputs]) fs.rmSync(join(dir, file), { force: true });
          },
        ),
        // fuzz:long's 5,000 runs per property would take hours here (a run takes a second or more).
        { ...options, numRuns: Math.min(options.numRuns!, 300) },
      );
      // Nothing else was left in the folder, and some signals came while a temporary file was being written.
      expect(fs.readdirSync(dir).sort()).toEqual(['big.graph.json', ...names.flatMap((writer) => writers[writer].files(writer))].sort());
      expect(midWrite, `${runs} runs`).toBeGreaterThan(0);
    },
    fuzzTimeout(30) + 60_000,
  );
});
