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
