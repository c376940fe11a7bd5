/** Reference helper: visit every multi-index of a concrete shape in row-major order. */
export function forEachIndex(shape: readonly number[], visit: (index: readonly number[], flat: number) => void): void {
  const size = shape.reduce((a, b) => a * b, 1);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < size; flat++) {
    visit(index, flat);
    for (let a = shape.length - 1; a >= 0 && ++index[a] === shape[a]; a--) index[a] = 0;
  }
}

/** Reference helper: offset of a multi-index under strides. */
export function offsetOf(index: readonly number[], strides: readonly number[]): number {
  let offset = 0;
  for (let a = 0; a < index.length; a++) offset += index[a] * strides[a];
  return offset;
}

/**
 * Reference helper: each line of a concrete shape along `axis`, as `line(at, n)` where `at(step)`
 * is the flat offset of the line's step-th entry (counted from the end when `reverse`).
 */
export function forEachLine(shape: readonly number[], axis: number, reverse: boolean, line: (at: (step: number) => number, n: number) => void): void {
  const n = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) line((step) => (o * n + (reverse ? n - 1 - step : step)) * inner + i, n);
  }
}
