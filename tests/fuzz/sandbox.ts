import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export type Outcome =
  | { readonly kind: 'exit'; readonly code: number; readonly stdout: string; readonly stderr: string }
  | { readonly kind: 'hang' }
  | { readonly kind: 'crash'; readonly message: string };

/** Builds the CLI from the sources (type errors elsewhere do not stop the emit) and returns its main module. */
export function buildCli(dir: string): string {
  const tsc = join('node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', dir, '--declaration', 'false'], { stdio: 'ignore' });
  } catch {
    // Reported by `npm test`'s own tsc step.
  }
  const main = resolve(dir, 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`building the CLI into ${dir} failed`);
  return main;
}

/**
 * The CLI in a worker thread with a time limit per run and a heap limit: a run that hangs or
 * runs out of memory is reported as such, and the next run gets a fresh worker. Workers are
 * replaced every `recycle` runs, since each generated module stays in the module cache.
 */
export class Sandbox {
  private worker: Promise<Worker> | undefined;
  private runs = 0;
  /** Runs are numbered: the answer to a run that was given up (a property interrupted by its time limit) is ignored. */
  private id = 0;

  constructor(
    private readonly main: string,
    private readonly options = { timeoutMs: 10_000, heapMb: 1024, recycle: 500 },
  ) {}

  async run(argv: readonly string[]): Promise<Outcome> {
    if (++this.runs % this.options.recycle === 0) await this.close();
    const worker = await (this.worker ??= this.start());
    const id = ++this.id;
    return new Promise<Outcome>((done) => {
      const listeners = {
        message: ({ id: answered, ...result }: { id: number; code: number; stdout: string; stderr: string }) => {
          if (answered === id) finish({ kind: 'exit', ...result });
        },
        error: (error: Error) => finish({ kind: 'crash', message: String(error) }),
        exit: (code: number) => finish({ kind: 'crash', message: `the worker exited with ${code}` }),
      };
      const finish = (outcome: Outcome) => {
        clearTimeout(timer);
        for (const [event, listener] of Object.entries(listeners)) worker.off(event, listener);
        if (outcome.kind !== 'exit') void this.close();
        done(outcome);
      };
      const timer = setTimeout(() => finish({ kind: 'hang' }), this.options.timeoutMs);
      for (const [event, listener] of Object.entries(listeners)) worker.on(event, listener);
      worker.postMessage({ id, argv });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await (await worker).terminate();
  }

  private start(): Promise<Worker> {
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
      workerData: { main: pathToFileURL(this.main).href },
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb },
    });
    return new Promise((ready, fail) => {
      const started = () => {
        worker.off('error', fail);
        ready(worker);
      };
      worker.once('message', started);
      worker.once('error', fail);
    });
  }
}
