// The XOR network's loss, mean((tanh(X·W + c)·w + b − Y)²), over θ = [W (2×2, row-major), c, w, b]:
// its gradient by hand, and the Hessian a JS user would get without a compiler: central
// differences of that gradient (18 gradient calls, step 1e-5; approximate).

export const X = [0, 0, 0, 1, 1, 0, 1, 1];
export const Y = [0, 1, 1, 0];

/** ∇loss(θ) written into g (length 9). */
export function xorGradient(t, g) {
  g.fill(0);
  for (let n = 0; n < 4; n++) {
    const x0 = X[2 * n];
    const x1 = X[2 * n + 1];
    const h0 = Math.tanh(x0 * t[0] + x1 * t[2] + t[4]);
    const h1 = Math.tanh(x0 * t[1] + x1 * t[3] + t[5]);
    const r = (2 * (h0 * t[6] + h1 * t[7] + t[8] - Y[n])) / 4;
    const dz0 = r * t[6] * (1 - h0 * h0);
    const dz1 = r * t[7] * (1 - h1 * h1);
    g[0] += x0 * dz0;
    g[1] += x0 * dz1;
    g[2] += x1 * dz0;
    g[3] += x1 * dz1;
    g[4] += dz0;
    g[5] += dz1;
    g[6] += r * h0;
    g[7] += r * h1;
    g[8] += r;
  }
  return g;
}

/** The 9×9 Hessian by central differences of the gradient, into H (row-major). */
export function createXorHessianByDifferences() {
  const shifted = new Float64Array(9);
  const plus = new Float64Array(9);
  const minus = new Float64Array(9);
  const step = 1e-5;
  return function xorHessian(t, H) {
    for (let k = 0; k < 9; k++) {
      shifted.set(t);
      shifted[k] = t[k] + step;
      xorGradient(shifted, plus);
      shifted[k] = t[k] - step;
      xorGradient(shifted, minus);
      for (let i = 0; i < 9; i++) H[i * 9 + k] = (plus[i] - minus[i]) / (2 * step);
    }
    return H;
  };
}
