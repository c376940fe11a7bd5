import { loopNest, plus, strideExprs } from '../indexing.js';
import type { Kernel, KernelContext } from './context.js';

/**
 * What logsumexp and log_softmax share (ops/shifted.ts is the reference): outer loops over the
 * kept axes, inner loops over the reduced ones. `finish` gets the variables holding the max m and
 * s = Σ exp(x − m), the slot's offset in the kept shape, and `inner`, which loops over the slot's
 * entries (`at` is their offset in x).
 */
function shifted(
  k: KernelContext,
  finish: (m: string, s: string, slot: string, inner: (body: (at: string) => string) => string[]) => string[],
): string[] {
  const { node, ins } = k;
  const x = node.inputs[0];
  const axes = node.attrs.axes as number[];
  const xStrides = strideExprs(k, x.shape);
  const keptAxes = x.shape.map((_, a) => a).filter((a) => !axes.includes(a));
  const keptDims = keptAxes.map((a) => x.shape[a]);
  const [m, s] = [k.local('m'), k.local('s')];
  return loopNest(k, keptDims, [strideExprs(k, keptDims), keptAxes.map((a) => xStrides[a])], ([slot, base]) => {
    const inner = (body: (at: string) => string) =>
      loopNest(k, axes.map((a) => x.shape[a]), [axes.map((a) => xStrides[a])], ([r]) => [body(plus(base, r))]);
    return [
      `let ${m} = -Infinity;`,
      ...inner((at) => `${m} = Math.max(${m}, ${k.at(ins[0], at)});`),
      `let ${s} = 0;`,
      ...inner((at) => `${s} += Math.exp(${k.at(ins[0], at)} - ${m});`),
      ...finish(m, s, slot, inner),
    ];
  });
}

/** m + log s, or m itself when it is infinite. */
export const logsumexp: Kernel = {
  lines: (k) => shifted(k, (m, s, slot) => [`${k.out}[${slot}] = Math.abs(${m}) === Infinity ? ${m} : ${m} + Math.log(${s});`]),
};

/** x − m − log s at every entry of the slot. */
export const log_softmax: Kernel = {
  lines: (k) =>
    shifted(k, (m, s, _, inner) => [`${s} = Math.log(${s});`, ...inner((at) => `${k.out}[${at}] = ${k.at(k.ins[0], at)} - ${m} - ${s};`)]),
};
