import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** Throws unless `path` could be written now (its folder exists and is writable, and it is no folder): checked before long work. */
export function checkWritable(path: string): void {
  try {
    accessSync(dirname(resolve(path)), constants.W_OK);
    if (existsSync(path) && statSync(path).isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
  } catch (error) {
    throw new FileError(path, `cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
}

/**
 * Write through a temporary file and a rename, so a reader never sees half a file and an error
 * leaves nothing behind. Refuses to overwrite `protect` (the input spec). The temporary file has
 * an unpredictable name and is created exclusively, so a planted file or symlink is never followed.
 */
export function writeFileAtomic(path: string, text: string | Uint8Array, protect?: string): void {
  if (protect) refuseToOverwrite(path, protect);
  const temporary = join(dirname(resolve(path)), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, text, { flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    // EEXIST: the name was taken by someone else's file, which is not ours to remove.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') rmSync(temporary, { force: true });
    throw new SymgradError('', `cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
}
