import { accessSync, closeSync, constants, existsSync, fchmodSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SymgradError } from '../compiler/index.js';

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal, where a long command may show its progress. */
  readonly terminal?: boolean;
}

/** An error that has already been reported in full: carries only the exit code. */
export class ExitError extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** A problem with a file other than the spec (a feed, an output): reported against that file's name. */
export class FileError extends SymgradError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super('', message);
  }
}

/** The file's text; `-` is standard input. */
export function readText(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileError(path, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot read (${code ?? 'unknown error'})`);
  }
}

/** Throws if `path` names the file `spec` (by any spelling or symlink); a command checks before it starts. */
export function refuseToOverwrite(path: string, spec: string): void {
  if (existsSync(path) && existsSync(spec) && realpathSync(path) === realpathSync(spec)) {
    throw new SymgradError('', `refusing to overwrite the input spec ${path}`);
  }
}

/** Throws unless `path` could be written now (its folder exists and is writable, or it is a device or pipe that is): checked before long work. */
export function checkWritable(path: string): void {
  refuseStdout(path);
  try {
    if (targetOf(path)?.special) accessSync(path, constants.W_OK);
    else accessSync(dirname(resolve(path)), constants.W_OK);
  } catch (error) {
    if (error instanceof SymgradError) throw error;
    throw new FileError(path, `cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
}

/**
 * Writes an output file. A regular file (or a new one) is written through a temporary file and a
 * rename, so a reader never sees half a file and an error leaves nothing behind; a file being
 * replaced keeps its permission bits. The temporary file has an unpredictable name and is created
 * exclusively, so a planted file or symlink is never followed; SIGINT and SIGTERM remove it. A
 * character device or a pipe (/dev/null, /dev/stdout, a FIFO, or a symlink to one) is written in
 * place, never replaced; other special files are refused. Refuses to overwrite `protect` (the input spec).
 */
export async function writeOutput(path: string, data: string | Uint8Array, protect?: string): Promise<void> {
  refuseStdout(path);
  if (protect) refuseToOverwrite(path, protect);
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const target = targetOf(path);
  const temporary = join(dirname(resolve(path)), `.${basename(path)}.${randomHex()}.tmp`);
  try {
    if (target?.special) return await writeAll(openSync(path, constants.O_WRONLY), bytes);
    // Listening before the file exists: a signal between the two would leave it.
    inFlight.add(temporary);
    listen(true);
    const fd = openSync(temporary, 'wx', target?.mode ?? 0o666);
    if (target) fchmodSync(fd, target.mode);
    await writeAll(fd, bytes, temporary);
    renameSync(temporary, path);
  } catch (error) {
    // EEXIST: the name was taken by someone else's file, which is not ours to remove.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') rmSync(temporary, { force: true });
    if (error instanceof SymgradError) throw error;
    throw new SymgradError('', `cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  } finally {
    if (inFlight.delete(temporary)) {
      // Let a signal that came during the write reach the handler before it goes.
      await turn();
      await turn();
      if (inFlight.size === 0) listen(false);
    }
  }
}

/** `-` is standard output for the commands that write text there themselves; elsewhere it would be a file named `-`. */
export function refuseStdout(path: string, flag = ''): void {
  if (path === '-') throw new SymgradError(flag, 'standard output is not written here: name a file (./- for a file called -)');
}

/** What `path` names now: nothing, a regular file (with its permission bits), or a device or pipe to write in place. */
function targetOf(path: string): { special: boolean; mode: number } | undefined {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FileError(path, `cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  if (stats.isFile()) return { special: false, mode: stats.mode & 0o777 };
  if (stats.isCharacterDevice() || stats.isFIFO()) return { special: true, mode: 0 };
  throw new FileError(path, `cannot write ${path} (${stats.isDirectory() ? 'EISDIR' : 'not a regular file, a character device or a pipe'})`);
}

/**
 * 12 random hex digits for a temporary file's name. Math.random, not node:crypto, whose loading
 * takes ~6 ms of each command's start: the name need not be secret, since the file is created
 * exclusively (a name that is taken fails the write and removes nothing).
 */
function randomHex(): string {
  return Math.floor(Math.random() * 2 ** 48)
    .toString(16)
    .padStart(12, '0');
}

const CHUNK = 1 << 20;

/** Writes `bytes` to `fd` and closes it; between chunks of a temporary file, lets a signal handler run. */
async function writeAll(fd: number, bytes: Uint8Array, temporary?: string): Promise<void> {
  try {
    for (let at = 0; at < bytes.length; ) {
      const end = Math.min(bytes.length, at + CHUNK);
      while (at < end) at += writeSync(fd, bytes, at, end - at);
      if (temporary && at < bytes.length) {
        await turn();
        if (!inFlight.has(temporary)) throw Object.assign(new Error(), { code: 'EINTR' });
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Temporary files being written, removed on SIGINT and SIGTERM. */
const inFlight = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const path of inFlight) rmSync(path, { force: true });
  inFlight.clear();
  listen(false);
  // With no other handler, end as the signal would have without this one.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function listen(on: boolean): void {
  for (const signal of SIGNALS) {
    process.removeListener(signal, onSignal);
    if (on) process.on(signal, onSignal);
  }
}

const turn = () => new Promise<void>((done) => setImmediate(done));
