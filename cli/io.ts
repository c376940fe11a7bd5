import { existsSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SymgradError } from '../compiler/errors.js';

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** An error that has already been reported in full: carries only the exit code. */
export class ExitError extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SymgradError('', code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'unknown error'})`);
  }
}

/**
 * Write through a temporary file and a rename, so a reader never sees half a file and an error
 * leaves nothing behind. Refuses to overwrite `protect` (the input spec).
 */
export function writeFileAtomic(path: string, text: string, protect?: string): void {
  if (protect && existsSync(path) && realpathSync(path) === realpathSync(protect)) {
    throw new SymgradError('', `refusing to overwrite the input spec ${path}`);
  }
  const temporary = join(dirname(resolve(path)), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new SymgradError('', `cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
}
