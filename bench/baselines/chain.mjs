// W6 by hand: a chain of n scalar ops cycling sin(v), c·v, exp(−v²), value and derivative dv/dx.

/** Forward mode in one loop: carry (v, dv). */
export function chainForward(x, n, c) {
  let v = x;
  let dv = 1;
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    if (k === 0) {
      dv *= Math.cos(v);
      v = Math.sin(v);
    } else if (k === 1) {
      v *= c;
      dv *= c;
    } else {
      const e = Math.exp(-v * v);
      dv *= -2 * v * e;
      v = e;
    }
  }
  return [v, dv];
}

/** Reverse mode: a forward sweep records each op's input on a typed-array tape, a backward sweep accumulates the adjoint. */
export function createChainTape(n) {
  const ops = new Uint8Array(n);
  for (let i = 0; i < n; i++) ops[i] = i % 3;
  const inputs = new Float64Array(n);
  const outputs = new Float64Array(n);
  const result = new Float64Array(2);
  return function chainTape(x, c) {
    let v = x;
    for (let i = 0; i < n; i++) {
      inputs[i] = v;
      const op = ops[i];
      v = op === 0 ? Math.sin(v) : op === 1 ? c * v : Math.exp(-v * v);
      outputs[i] = v;
    }
    let adjoint = 1;
    for (let i = n - 1; i >= 0; i--) {
      const op = ops[i];
      const u = inputs[i];
      adjoint *= op === 0 ? Math.cos(u) : op === 1 ? c : -2 * u * outputs[i];
    }
    result[0] = v;
    result[1] = adjoint;
    return result;
  };
}
