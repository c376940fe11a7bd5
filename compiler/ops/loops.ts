import type { Shape } from '../shape.js';
import type { KernelContext } from './op.js';

/** What loop helpers need from a kernel context. */
export type LoopContext = Pick<KernelContext, 'dim' | 'local'>;

/** Row-major stride expressions of a (possibly symbolic) shape, e.g. ['(N * 3)', '3', '1']. */
export function strideExprs(k: LoopContext, shape: Shape): string[] {
  const strides: string[] = [];
  let stride = '1';
  for (let a = shape.length - 1; a >= 0; a--) {
    strides[a] = stride;
    stride = product(stride, k.dim(shape[a]));
  }
  return strides;
}

/** `a * b` with numbers folded and ones dropped. */
export function product(a: string, b: string): string {
  if (a === '1') return b;
  if (b === '1') return a;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return String(Number(a) * Number(b));
  return `(${a} * ${b})`;
}

/** The number of elements of a shape, as an expression. */
export function sizeExpr(k: LoopContext, shape: Shape): string {
  return shape.reduce<string>((acc, d) => product(acc, k.dim(d)), '1');
}

/**
 * Nested loops over `shape`; `body` receives, for each array, its offset expression from the
 * strides given per axis ('0' for an axis the array is broadcast along).
 */
export function loopNest(
  k: LoopContext,
  shape: Shape,
  strides: readonly (readonly string[])[],
  body: (offsets: string[]) => string[],
): string[] {
  const index = shape.map((_, a) => k.local(`i${a}`));
  const offsets = strides.map(
    (perAxis) =>
      perAxis
        .map((s, a) => (s === '0' ? '' : s === '1' ? index[a] : `${index[a]} * ${s}`))
        .filter(Boolean)
        .join(' + ') || '0',
  );
  const open = index.map((i, a) => `${'  '.repeat(a)}for (let ${i} = 0; ${i} < ${k.dim(shape[a])}; ${i}++) {`);
  const close = index.map((_, a) => `${'  '.repeat(index.length - 1 - a)}}`);
  return [...open, ...body(offsets).map((line) => '  '.repeat(index.length) + line), ...close];
}

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

