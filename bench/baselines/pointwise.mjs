// W1 by hand: y = ln x1 + x1·x2 − sin x2 and its gradient (1/x1 + x2, x1 − cos x2).

/** A batch of points in one loop over Float64Arrays. */
export function pointwiseBatch(x1, x2, y, dx1, dx2) {
  const n = x1.length;
  for (let i = 0; i < n; i++) {
    const a = x1[i];
    const b = x2[i];
    y[i] = Math.log(a) + a * b - Math.sin(b);
    dx1[i] = 1 / a + b;
    dx2[i] = a - Math.cos(b);
  }
}

/** One point: numbers in, the three values written into a reused array. */
export function pointwise(a, b, out) {
  out[0] = Math.log(a) + a * b - Math.sin(b);
  out[1] = 1 / a + b;
  out[2] = a - Math.cos(b);
  return out;
}
