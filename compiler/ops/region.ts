/** Offset arithmetic shared by the kernels of slice, pad, concat, logsumexp and matmul. */

/** `a + b` as an expression, dropping zeros. */
export function plus(a: string, b: string): string {
  if (a === '0') return b;
  if (b === '0') return a;
  return `${a} + ${b}`;
}

/** The offset of the corner `start` under stride expressions, e.g. '2 * N + 1'. */
export function cornerOffset(strides: readonly string[], start: readonly number[]): string {
  const terms = start.flatMap((s, a) => (s === 0 ? [] : [strides[a] === '1' ? String(s) : `${s} * ${strides[a]}`]));
  return terms.join(' + ') || '0';
}
