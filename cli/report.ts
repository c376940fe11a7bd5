import { SymgradError } from '../compiler/errors.js';
import { ExitError, type Io } from './io.js';

/**
 * Run a command step for `file`, turning any failure into one `error: FILE: place: message`
 * line and exit code 2. Generated modules report feed problems as `feeds.NAME: ...` errors.
 */
export async function forFile<T>(io: Io, file: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof ExitError) throw error;
    io.err(`error: ${describeError(error, file)}\n`);
    throw new ExitError(2);
  }
}

export function describeError(error: unknown, file: string): string {
  if (error instanceof SymgradError) {
    // JSON syntax errors carry `line:column`, printed as FILE:line:column.
    return /^\d+:\d+$/.test(error.place) ? `${file}:${error.place}: ${error.message}` : error.format(file);
  }
  if (error instanceof RangeError || error instanceof TypeError) {
    if (/^feeds\.\w+: /.test(error.message)) return `${file}: ${oneLine(error.message)}`;
    if (error instanceof RangeError && /call stack|allocation|Invalid array length/i.test(error.message)) {
      return `${file}: too large to process (${oneLine(error.message)})`;
    }
  }
  return `${file}: internal error: ${oneLine(error instanceof Error ? error.message : String(error))}`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}
