/**
 * The one error type users see. `place` says where the problem is (`nodes.y`, `inputs.x.shape`,
 * `feeds.x`, or `3:14` for a JSON syntax error); the CLI prints `error: FILE: place: message`.
 */
export class SymgradError extends Error {
  constructor(
    readonly place: string,
    message: string,
  ) {
    super(message);
    this.name = 'SymgradError';
  }

  /** The same error, with an outer place prefixed (`y` inside `nodes` becomes `nodes.y`). */
  within(outer: string): SymgradError {
    return new SymgradError(this.place ? `${outer}: ${this.place}` : outer, this.message);
  }

  format(file?: string): string {
    const where = [file, this.place].filter(Boolean).join(': ');
    return where ? `${where}: ${this.message}` : this.message;
  }
}

/** Names longer than this get no suggestion: the edit distance costs the product of the lengths. */
const MAX_SUGGEST_LENGTH = 64;

/**
 * `(did you mean 'sin'?)` for a name within edit distance 2 of a known one, else ''. Ties go to
 * the longer common prefix (`sinn` → `sin`, not `sign`).
 */
export function suggest(name: string, known: Iterable<string>): string {
  if (name.length > MAX_SUGGEST_LENGTH) return '';
  let best = '';
  let bestDistance = 3;
  const rank = (candidate: string) => commonPrefix(name, candidate);
  const lower = name.toLowerCase();
  for (const candidate of known) {
    const other = candidate.toLowerCase();
    if (Math.abs(other.length - lower.length) > bestDistance) continue; // the distance is at least this
    const d = editDistance(lower, other);
    if (d < bestDistance || (d === bestDistance && rank(candidate) > rank(best))) [best, bestDistance] = [candidate, d];
  }
  return best && bestDistance <= Math.max(1, Math.min(2, name.length - 1)) ? ` (did you mean '${best}'?)` : '';
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitute);
    }
    previous = current;
  }
  return previous[b.length];
}
