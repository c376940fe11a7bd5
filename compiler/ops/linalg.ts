import type { Node } from '../graph.js';
import { ShapeError, showShape, type Dim, type Shape } from '../shape.js';
import type { Data } from './op.js';
import { reshape } from './reshape.js';
import { transpose } from './transpose.js';

/**
 * The kernels of solve, inv, det, logdet and cholesky: LU with partial pivoting and Cholesky,
 * on one n×n matrix of a batch at a time, in double precision. They are O(n³) plain loops, for
 * the small and medium matrices of Newton steps and Gaussian models (a 100×100 solve takes 0.4 ms,
 * 400×400 25 ms in Node 20).
 * A singular matrix gives the IEEE result of dividing by its zero pivot (non-finite entries;
 * det 0, logdet −∞); a matrix that is not positive definite gives NaN in its Cholesky factor.
 * The reference functions here and the helpers emitted into generated code (linalgHelpers in
 * codegen/kernels/linalg.ts) perform the same operations in the same order.
 */

/** LU of the n×n matrix in a[0..n²), in place, unit lower factor below the diagonal; piv gets the row order. Returns the permutation's sign. */
export function lu(a: Float64Array, n: number, piv: Int32Array): number {
  let sign = 1;
  for (let i = 0; i < n; i++) piv[i] = i;
  for (let c = 0; c < n; c++) {
    let p = c;
    let best = Math.abs(a[c * n + c]);
    for (let r = c + 1; r < n; r++) {
      const v = Math.abs(a[r * n + c]);
      if (v > best) [best, p] = [v, r];
    }
    if (p !== c) {
      for (let k = 0; k < n; k++) [a[c * n + k], a[p * n + k]] = [a[p * n + k], a[c * n + k]];
      [piv[c], piv[p]] = [piv[p], piv[c]];
      sign = -sign;
    }
    const d = a[c * n + c];
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / d;
      a[r * n + c] = f;
      for (let k = c + 1; k < n; k++) a[r * n + k] -= f * a[c * n + k];
    }
  }
  return sign;
}

/** x[xo..] (n×k) = A⁻¹·b for A = Pᵀ·L·U factored by `lu`; b (n×k at b[bo..]) or, when null, the identity. */
export function luSolve(a: Float64Array, n: number, piv: Int32Array, b: Data | null, bo: number, k: number, x: Float64Array, xo: number): void {
  // Row by row, all k columns at once: the inner loops run along contiguous rows of x.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) x[xo + i * k + j] = b === null ? (piv[i] === j ? 1 : 0) : b[bo + piv[i] * k + j];
    for (let m = 0; m < i; m++) {
      const f = a[i * n + m];
      for (let j = 0; j < k; j++) x[xo + i * k + j] -= f * x[xo + m * k + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let m = i + 1; m < n; m++) {
      const f = a[i * n + m];
      for (let j = 0; j < k; j++) x[xo + i * k + j] -= f * x[xo + m * k + j];
    }
    const d = a[i * n + i];
    for (let j = 0; j < k; j++) x[xo + i * k + j] /= d;
  }
}

/** The lower Cholesky factor of (A + Aᵀ)/2 (A n×n at a[ao..]) into l[0..n²), zeros above the diagonal. */
export function cholesky(a: Data, ao: number, n: number, l: Float64Array): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (a[ao + i * n + j] + a[ao + j * n + i]) / 2;
      for (let m = 0; m < j; m++) s -= l[i * n + m] * l[j * n + m];
      l[i * n + j] = i === j ? Math.sqrt(s) : s / l[j * n + j];
    }
    for (let j = i + 1; j < n; j++) l[i * n + j] = 0;
  }
}

/** The batch axes and matrix size of a square-matrix operand [..., n, n], or a ShapeError. */
export function squareMatrix(shape: Shape): { batch: Shape; n: Dim } {
  const [rows, columns] = shape.slice(-2);
  if (shape.length < 2 || rows !== columns) throw new ShapeError(`needs square matrices [..., n, n], got ${showShape(shape)}`);
  return { batch: shape.slice(0, -2), n: rows };
}

/** Swap the last two axes (a batch of matrices transposed). */
export function swapLast(x: Node): Node {
  const perm = x.shape.map((_, a) => a);
  perm.splice(-2, 2, perm.length - 1, perm.length - 2);
  return transpose(x, perm);
}

/** A batch of vectors [..., n] as columns [..., n, 1], and back. */
export function asColumn(x: Node): Node {
  return reshape(x, [...x.shape, 1]);
}

export function fromColumn(x: Node): Node {
  return reshape(x, x.shape.slice(0, -1));
}
