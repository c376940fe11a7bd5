/**
 * V8 stops optimizing a function above about 60 KiB of bytecode, so long straight-line bodies
 * are split into functions of at most MAX_CHARS characters of source (bytecode takes well under
 * one byte per character), called in order from one entry function.
 */
export const MAX_CHARS = 24_000;

const MAX_CALLS = 400;

/** Packs consecutive blocks into bodies of at most MAX_CHARS characters, one function each. */
export function splitIntoFunctions(blocks: readonly (readonly string[])[], prefix: string): { lines: string[]; entry: string } {
  const bodies: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const block of blocks) {
    const size = block.reduce((n, l) => n + l.length + 1, 0);
    if (chars > 0 && chars + size > MAX_CHARS) {
      bodies.push(current);
      current = [];
      chars = 0;
    }
    current.push(...block);
    chars += size;
  }
  if (current.length > 0) bodies.push(current);
  return functionsFor(bodies, prefix);
}

/** Functions `${prefix}1`, `${prefix}2`, … with these bodies, and an entry calling them in order (nested when there are many). */
export function functionsFor(bodies: readonly (readonly string[])[], prefix: string): { lines: string[]; entry: string } {
  const lines: string[] = [];
  bodies.forEach((body, k) => lines.push(`function ${prefix}${k + 1}() {`, ...body.map((l) => `  ${l}`), '}', ''));
  if (bodies.length === 1) return { lines, entry: `${prefix}1` };
  const calls = bodies.map((_, k) => `${prefix}${k + 1}();`);
  if (calls.length > MAX_CALLS) {
    const groups: string[][] = [];
    for (let i = 0; i < calls.length; i += MAX_CALLS) groups.push(calls.slice(i, i + MAX_CALLS));
    const nested = functionsFor(groups, `${prefix}_`);
    return { lines: [...lines, ...nested.lines], entry: nested.entry };
  }
  lines.push(`function ${prefix}0() {`, ...calls.map((c) => `  ${c}`), '}', '');
  return { lines, entry: `${prefix}0` };
}
