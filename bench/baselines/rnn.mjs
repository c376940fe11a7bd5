// The RNN of bench/rnn.mjs written by hand: h_t = tanh(W_h·h_{t−1} + W_x·x_t + b) over T steps
// (column form: h is [H, B]), loss ½·Σ h_t², and its BPTT gradients. Buffers allocated once.

/** A kernel computing the loss and dW_h, dW_x, db (returned, reused between calls). */
export function createRnnBptt(T, H, I, B) {
  const hs = new Float64Array((T + 1) * H * B); // hs[0] = h0
  const dW_h = new Float64Array(H * H);
  const dW_x = new Float64Array(H * I);
  const db = new Float64Array(H);
  const dh = new Float64Array(H * B);
  const da = new Float64Array(H * B);
  return (W_h, W_x, b, X, h0) => {
    hs.set(h0);
    let loss = 0;
    for (let t = 0; t < T; t++) {
      const prev = t * H * B;
      const next = prev + H * B;
      const x = t * I * B;
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < B; j++) {
          let a = b[i];
          for (let k = 0; k < H; k++) a += W_h[i * H + k] * hs[prev + k * B + j];
          for (let k = 0; k < I; k++) a += W_x[i * I + k] * X[x + k * B + j];
          const h = Math.tanh(a);
          hs[next + i * B + j] = h;
          loss += 0.5 * h * h;
        }
      }
    }
    dW_h.fill(0);
    dW_x.fill(0);
    db.fill(0);
    dh.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      const prev = t * H * B;
      const now = prev + H * B;
      const x = t * I * B;
      for (let i = 0; i < H * B; i++) {
        const h = hs[now + i];
        da[i] = (dh[i] + h) * (1 - h * h);
      }
      for (let i = 0; i < H; i++) {
        let s = 0;
        for (let j = 0; j < B; j++) s += da[i * B + j];
        db[i] += s;
        for (let k = 0; k < H; k++) {
          let g = 0;
          for (let j = 0; j < B; j++) g += da[i * B + j] * hs[prev + k * B + j];
          dW_h[i * H + k] += g;
        }
        for (let k = 0; k < I; k++) {
          let g = 0;
          for (let j = 0; j < B; j++) g += da[i * B + j] * X[x + k * B + j];
          dW_x[i * I + k] += g;
        }
      }
      for (let k = 0; k < H; k++) {
        for (let j = 0; j < B; j++) {
          let g = 0;
          for (let i = 0; i < H; i++) g += W_h[i * H + k] * da[i * B + j];
          dh[k * B + j] = g;
        }
      }
    }
    return { loss, dW_h, dW_x, db };
  };
}
