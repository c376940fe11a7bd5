import { sizeOf } from '../shape.js';
import { lu, squareMatrix } from './linalg.js';
import type { OpDef } from './op.js';

/**
 * det and logdet without their derivative rules: from the LU factors, det = sign·Π uᵢᵢ and
 * logdet = Σ log |uᵢᵢ| (a sum, so it neither overflows nor underflows where det would).
 */
export function determinantDef(name: 'det' | 'logdet'): Omit<OpDef, 'vjp' | 'jvp'> {
  const logarithm = name === 'logdet';
  return {
    name,
    arity: 1,
    infer: ([a]) => ({ shape: squareMatrix(a).batch }),
    evaluate: (out, [a]) => {
      const n = a.shape.at(-1)!;
      const work = new Float64Array(n * n);
      const piv = new Int32Array(n);
      for (let b = 0; b < sizeOf(a.shape.slice(0, -2)); b++) {
        work.set(a.data.subarray(b * n * n, (b + 1) * n * n));
        const sign = lu(work, n, piv);
        let acc = logarithm ? 0 : sign;
        for (let i = 0; i < n; i++) acc = logarithm ? acc + Math.log(Math.abs(work[i * n + i])) : acc * work[i * n + i];
        out[b] = acc;
      }
    },
    emit: { kind: 'kernel' },
    flops: (node, size) => size(node.shape) * Math.round((2 / 3) * size([node.inputs[0].shape.at(-1)!]) ** 3),
  };
}
