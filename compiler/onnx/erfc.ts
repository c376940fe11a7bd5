import { CODY } from '../ops/cody.js';
import type { OnnxBuilder } from './builder.js';

/**
 * erfc by W. J. Cody's rational approximations, as the generated code's `$erfc`
 * (compiler/ops/cody.ts): every branch is computed elementwise and `Where` picks one, with the
 * same operations in the same order, so a float64 model gives the generated module's bits. ONNX has
 * no erfc, and 1 − Erf loses every digit of a small one.
 */
export function erfc(b: OnnxBuilder, x: string, name: string): string {
  const { A, B, C, D, P, Q, SMALL, BIG, ONE_OVER_SQRT_PI } = CODY;
  const op = (type: string, inputs: string[], hint: string) => b.op(type, inputs, `${name}/${hint}`);
  const k = (v: number) => b.floats([v]);
  const y = op('Abs', [x], 'y');
  const small = op('Sub', [k(1), op('Mul', [x, rational(b, A, B, op('Mul', [x, x], 'xx'), `${name}/ab`)], 'xr')], 'small');
  // exp(−y²) as exp(−s²)·exp(−(y − s)(y + s)), s = y rounded down to sixteenths.
  const s = op('Div', [op('Floor', [op('Mul', [y, k(16)], 'y16')], 'floor'), k(16)], 's');
  const g = op('Mul', [op('Exp', [op('Mul', [op('Neg', [s], 'ns'), s], 'nss')], 'es'), op('Exp', [op('Mul', [op('Neg', [op('Sub', [y, s], 'yms')], 'nyms'), op('Add', [y, s], 'yps')], 'rest')], 'er')], 'g');
  const middle = op('Mul', [g, rational(b, C, D, y, `${name}/cd`)], 'middle');
  const z = op('Div', [k(1), op('Mul', [y, y], 'yy')], 'z');
  const far = op('Div', [op('Mul', [g, op('Sub', [k(ONE_OVER_SQRT_PI), op('Mul', [z, rational(b, P, Q, z, `${name}/pq`)], 'zr')], 'bracket')], 'gb'), y], 'far');
  const beyond = op('Where', [op('GreaterOrEqual', [y, k(BIG)], 'big'), k(0), far], 'beyond');
  const tail = op('Where', [op('LessOrEqual', [y, k(4)], 'le4'), middle, beyond], 'tail');
  const signed = op('Where', [op('Less', [x, k(0)], 'negative'), op('Sub', [k(2), tail], 'reflected'), tail], 'signed');
  return b.op('Where', [op('LessOrEqual', [y, k(SMALL)], 'near0'), small, signed], name);
}

/** Cody's p(v)/q(v), q monic and p one coefficient longer (the leading one last), evaluated as cody.ts does. */
function rational(b: OnnxBuilder, p: readonly number[], q: readonly number[], v: string, name: string): string {
  const n = q.length;
  let num = b.op('Mul', [b.floats([p[n]]), v], `${name}/num`);
  let den = v;
  for (let i = 0; i < n - 1; i++) {
    num = b.op('Mul', [b.op('Add', [num, b.floats([p[i]])], `${name}/num${i}`), v], `${name}/num${i}v`);
    den = b.op('Mul', [b.op('Add', [den, b.floats([q[i]])], `${name}/den${i}`), v], `${name}/den${i}v`);
  }
  return b.op('Div', [b.op('Add', [num, b.floats([p[n - 1]])], `${name}/p`), b.op('Add', [den, b.floats([q[n - 1]])], `${name}/q`)], name);
}
