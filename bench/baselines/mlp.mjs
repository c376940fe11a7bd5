// W2 by hand: one training step of an MLP inputs-hidden-classes (ReLU, softmax cross-entropy),
// float32: the mean loss over the batch and the gradients of W1, b1, W2, b2.

/** C (m×n) = op(A)·op(B), op(X) = X or Xᵀ, plain loops. */
function matmulNaive(m, n, k, A, transposeA, B, transposeB, C) {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += (transposeA ? A[p * m + i] : A[i * k + p]) * (transposeB ? B[j * k + p] : B[p * n + j]);
      C[i * n + j] = acc;
    }
  }
}

/**
 * The same product tuned: op(A) copied to row order if transposed, each 4-column panel of op(B)
 * copied contiguous, and 2×4 tiles of C accumulated in registers over k. W3's tuned matmul
 * (matmul.mjs) is the square float64 case of it, kept as its own function on purpose: one function
 * fed Float32Array here and Float64Array there would turn polymorphic and slow both baselines.
 */
function createMatmulTuned(maxElements) {
  const rows = new Float32Array(maxElements);
  const panel = new Float32Array(maxElements);
  return function matmulTuned(m, n, k, A, transposeA, B, transposeB, C) {
    let a = A;
    if (transposeA) {
      for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) rows[i * k + p] = A[p * m + i];
      a = rows;
    }
    for (let j = 0; j < n; j += 4) {
      const width = Math.min(4, n - j);
      for (let p = 0; p < k; p++) {
        for (let r = 0; r < 4; r++) panel[4 * p + r] = r < width ? (transposeB ? B[(j + r) * k + p] : B[p * n + j + r]) : 0;
      }
      for (let i = 0; i < m; i += 2) {
        const r0 = i * k;
        const r1 = i + 1 < m ? r0 + k : r0;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        for (let p = 0; p < k; p++) {
          const a0 = a[r0 + p];
          const a1 = a[r1 + p];
          const o = 4 * p;
          const b0 = panel[o], b1 = panel[o + 1], b2 = panel[o + 2], b3 = panel[o + 3];
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        }
        const o0 = i * n + j;
        C[o0] = c00;
        if (width > 1) C[o0 + 1] = c01;
        if (width > 2) C[o0 + 2] = c02;
        if (width > 3) C[o0 + 3] = c03;
        if (i + 1 < m) {
          const o1 = o0 + n;
          C[o1] = c10;
          if (width > 1) C[o1 + 1] = c11;
          if (width > 2) C[o1 + 2] = c12;
          if (width > 3) C[o1 + 3] = c13;
        }
      }
    }
  };
}

/** A training step with its buffers allocated once; `tuned` picks the matmul. */
export function createMlpStep(batch, inputs, hidden, classes, tuned) {
  const matmul = tuned ? createMatmulTuned(Math.max(batch, inputs, hidden) * Math.max(inputs, hidden, 4)) : matmulNaive;
  const z = new Float32Array(batch * hidden);
  const h = new Float32Array(batch * hidden);
  const logits = new Float32Array(batch * classes);
  const dLogits = new Float32Array(batch * classes);
  const dH = new Float32Array(batch * hidden);
  const grads = {
    W1: new Float32Array(inputs * hidden),
    b1: new Float32Array(hidden),
    W2: new Float32Array(hidden * classes),
    b2: new Float32Array(classes),
  };
  return function step(X, Y, W1, b1, W2, b2) {
    matmul(batch, hidden, inputs, X, false, W1, false, z);
    for (let i = 0; i < batch; i++) {
      for (let j = 0; j < hidden; j++) {
        const v = z[i * hidden + j] + b1[j];
        z[i * hidden + j] = v;
        h[i * hidden + j] = v > 0 ? v : 0;
      }
    }
    matmul(batch, classes, hidden, h, false, W2, false, logits);
    let loss = 0;
    for (let i = 0; i < batch; i++) {
      const row = i * classes;
      let top = -Infinity;
      for (let c = 0; c < classes; c++) top = Math.max(top, (logits[row + c] += b2[c]));
      let total = 0;
      for (let c = 0; c < classes; c++) total += Math.exp(logits[row + c] - top);
      const logTotal = Math.log(total);
      for (let c = 0; c < classes; c++) {
        const logP = logits[row + c] - top - logTotal;
        loss -= Y[row + c] * logP;
        dLogits[row + c] = (Math.exp(logP) - Y[row + c]) / batch;
      }
    }
    matmul(hidden, classes, batch, h, true, dLogits, false, grads.W2);
    grads.b2.fill(0);
    for (let i = 0; i < batch; i++) for (let c = 0; c < classes; c++) grads.b2[c] += dLogits[i * classes + c];
    matmul(batch, hidden, classes, dLogits, false, W2, true, dH);
    grads.b1.fill(0);
    for (let i = 0; i < batch; i++) {
      for (let j = 0; j < hidden; j++) {
        const d = z[i * hidden + j] > 0 ? dH[i * hidden + j] : 0;
        dH[i * hidden + j] = d;
        grads.b1[j] += d;
      }
    }
    matmul(inputs, hidden, batch, X, true, dH, false, grads.W1);
    return { loss: loss / batch, grads };
  };
}
