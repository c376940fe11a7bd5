// W3 by hand: C = A·B, AᵀB and ABᵀ for n×n Float64Arrays (row-major).

/** Plain loops, as most people write them: C[i, j] = Σp A[i, p]·B[p, j] with the transposes by index. */
export function matmulNaive(n, A, B, C, transposeA, transposeB) {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < n; p++) acc += (transposeA ? A[p * n + i] : A[i * n + p]) * (transposeB ? B[j * n + p] : B[p * n + j]);
      C[i * n + j] = acc;
    }
  }
}

/**
 * Tuned by someone who knows V8 (n a multiple of 4): an operand not read along rows is first
 * copied to row order (O(n²)); then, for each 4-column panel of B, copied contiguous so it stays
 * in L1, 2 rows × 4 columns of C are accumulated in registers over k.
 */
export function createMatmulTuned(n) {
  const at = new Float64Array(n * n);
  const bt = new Float64Array(n * n);
  const panel = new Float64Array(n * 4);
  return function matmulTuned(A, B, C, transposeA, transposeB) {
    let a = A;
    let b = B;
    if (transposeA) {
      for (let i = 0; i < n; i++) for (let p = 0; p < n; p++) at[i * n + p] = A[p * n + i];
      a = at;
    }
    if (transposeB) {
      for (let p = 0; p < n; p++) for (let j = 0; j < n; j++) bt[p * n + j] = B[j * n + p];
      b = bt;
    }
    for (let j = 0; j < n; j += 4) {
      for (let p = 0; p < n; p++) {
        panel[4 * p] = b[p * n + j];
        panel[4 * p + 1] = b[p * n + j + 1];
        panel[4 * p + 2] = b[p * n + j + 2];
        panel[4 * p + 3] = b[p * n + j + 3];
      }
      for (let i = 0; i < n; i += 2) {
        const r0 = i * n;
        const r1 = r0 + n;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        for (let p = 0; p < n; p++) {
          const a0 = a[r0 + p];
          const a1 = a[r1 + p];
          const o = 4 * p;
          const b0 = panel[o], b1 = panel[o + 1], b2 = panel[o + 2], b3 = panel[o + 3];
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        }
        C[r0 + j] = c00; C[r0 + j + 1] = c01; C[r0 + j + 2] = c02; C[r0 + j + 3] = c03;
        C[r1 + j] = c10; C[r1 + j + 1] = c11; C[r1 + j + 2] = c12; C[r1 + j + 3] = c13;
      }
    }
  };
}
