import { SymgradError } from '../compiler/index.js';
import { ExitError, FileError, type Io } from './io.js';

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

/** The error as one line of text: names and values from a spec cannot break it or steer the terminal. */
export function describeError(error: unknown, file: string): string {
  return printable(describe(error, file));
}

function describe(error: unknown, spec: string): string {
  if (error instanceof FileError) return `${name(error.path)}: ${error.message}`;
  const file = name(spec);
  if (error instanceof SymgradError) {
    // JSON syntax errors carry `line:column`, printed as FILE:line:column.
    return /^\d+:\d+$/.test(error.place) ? `${file}:${error.place}: ${error.message}` : error.format(file);
  }
  if (error instanceof RangeError || error instanceof TypeError) {
    if (/^(feeds|nodes)(\.\w+)?: /.test(error.message)) return `${file}: ${error.message}`;
    if (error instanceof RangeError && /call stack|allocation|Invalid (typed )?array length|Invalid string length/i.test(error.message)) {
      return `${file}: too large to process (${error.message})`;
    }
  }
  return `${file}: internal error: ${error instanceof Error ? error.message : String(error)}`;
}

/** Standard input (`-`) is named as jq and tsc name it. */
function name(file: string): string {
  return file === '-' ? '<stdin>' : file;
}

/** Control characters, line and paragraph separators and bidirectional overrides, written as `\u` escapes (`\u2028`). */
function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
