import type { Shape } from '../shape.js';

/** What index arithmetic needs: dimensions as expressions and fresh local names. */
export interface LoopContext {
  /** A JS expression for a dimension (a number, or the variable bound to a named dim). */
  dim(d: Shape[number]): string;
  /** A fresh loop-variable name that cannot clash with spec names. */
  local(hint: string): string;
}

/**
 * An element read, `a[i]`; in TypeScript `a[i]!`, since an indexed read is possibly undefined under
 * noUncheckedIndexedAccess (writes need no assertion; a compound assignment reads: `a[i]! += x`).
 */
export function elementReader(ts: boolean): (array: string, index: string) => string {
  return ts ? (array, index) => `${array}[${index}]!` : (array, index) => `${array}[${index}]`;
}

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

/** `a + b` as an expression, dropping zeros. */
export function plus(a: string, b: string): string {
  if (a === '0') return b;
  if (b === '0') return a;
  return `${a} + ${b}`;
}

/** The number of elements of a shape, as an expression. */
export function sizeExpr(k: LoopContext, shape: Shape): string {
  return shape.reduce<string>((acc, d) => product(acc, k.dim(d)), '1');
}

/** The element counts of a shape before `axis`, along `span` axes from it, and after them, as expressions. */
export function aroundExprs(k: LoopContext, shape: Shape, axis: number, span = 1): { outer: string; along: string; inner: string } {
  return { outer: sizeExpr(k, shape.slice(0, axis)), along: sizeExpr(k, shape.slice(axis, axis + span)), inner: sizeExpr(k, shape.slice(axis + span)) };
}

/** The offset of the corner `start` under stride expressions, e.g. '2 * N + 1'. */
export function cornerOffset(strides: readonly string[], start: readonly number[]): string {
  const terms = start.flatMap((s, a) => (s === 0 ? [] : [strides[a] === '1' ? String(s) : `${s} * ${strides[a]}`]));
  return terms.join(' + ') || '0';
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

/** Strides of `from` (with strides `strides`) read as if broadcast to `to`: '0' on new and stretched axes. */
export function broadcastStrideExprs(strides: readonly string[], from: Shape, to: Shape): string[] {
  const lead = to.length - from.length;
  return to.map((d, a) => (a < lead || (from[a - lead] === 1 && d !== 1) ? '0' : strides[a - lead]));
}
