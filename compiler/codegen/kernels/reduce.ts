import { jsNumber } from '../../literals.js';
import { forEachIndex, offsetOf } from '../../ops/indices.js';
import { keptShape } from '../../ops/reduce.js';
import { sizeOf, stridesOf } from '../../shape.js';
import type { ScalarOp } from '../scalar.js';
import { aroundExprs, loopNest, plus, product, sizeExpr, strideExprs } from '../indexing.js';
import type { Kernel, KernelContext, ScalarExpansion } from './context.js';

/** An accumulator loop over the input; `combine(acc, v)` is an expression. */
function reduce(k: KernelContext, initial: string, combine: (acc: string, v: string) => string): string[] {
  const { node, out, ins } = k;
  const x = node.inputs[0];
  const axes = node.attrs.axes as number[];
  const inStrides = strideExprs(k, x.shape);
  if (axes.length === x.shape.length) {
    const acc = k.local('acc');
    return [
      `let ${acc} = ${initial};`,
      ...loopNest(k, x.shape, [inStrides], ([i]) => [`${acc} = ${combine(acc, k.at(ins[0], i))};`]),
      `${out}[0] = ${acc};`,
    ];
  }
  const outStrides = strideExprs(k, keptShape(x.shape, axes)).map((s, a) => (axes.includes(a) ? '0' : s));
  return [
    `${out}.fill(${initial});`,
    ...loopNest(k, x.shape, [inStrides, outStrides], ([i, o]) => [`${out}[${o}] = ${combine(k.at(out, o), k.at(ins[0], i))};`]),
  ];
}

/**
 * sum, max, min: the op's reduction trait (its identity and how a value joins the accumulator);
 * as scalars, one chain of `step` per output element.
 */
export function reduction(step: (s: ScalarExpansion) => ScalarOp): Kernel {
  return {
    lines: (k) => {
      const { identity, combine } = k.node.def.reduction!;
      return reduce(k, jsNumber(identity), combine);
    },
    scalars: (s) => {
      const { node } = s;
      const op = step(s);
      const x = node.inputs[0].shape as number[];
      const axes = node.attrs.axes as number[];
      const kept = stridesOf(keptShape(x, axes) as number[]).map((stride, a) => (axes.includes(a) ? 0 : stride));
      const chains: (number | undefined)[] = new Array(sizeOf(node.shape as number[])).fill(undefined);
      forEachIndex(x, (index, flat) => {
        const o = offsetOf(index, kept);
        const prev = chains[o];
        chains[o] = prev === undefined ? s.ins[0][flat] : s.apply(op, [prev, s.ins[0][flat]], o);
      });
      return chains.map((r) => r ?? s.literal(node.def.reduction!.identity));
    },
  };
}

export const prod: Kernel = { lines: (k) => reduce(k, '1', (acc, v) => `${acc} * ${v}`) };

/** The number of elements along the axes (named dimensions are bound at run time). */
export const count: Kernel = {
  lines: (k) => [`${k.out}[0] = ${sizeExpr(k, (k.node.attrs.axes as number[]).map((a) => k.node.inputs[0].shape[a]))};`],
  scalars: (s) => [s.literal(s.round((s.node.attrs.axes as number[]).reduce((n, a) => n * (s.node.inputs[0].shape[a] as number), 1)))],
};

/** argmax and argmin: the first best entry along the axis; a NaN beats any number (the first NaN is the answer). */
export function argExtremum(operator: '>' | '<'): Kernel {
  return {
    lines: (k) => {
      const { node, out, ins } = k;
      const { outer, along, inner } = aroundExprs(k, node.inputs[0].shape, node.attrs.axis as number);
      const [o, t, s, base, best, v, w] = ['o', 't', 's', 'base', 'best', 'v', 'w'].map((h) => k.local(h));
      return [
        `for (let ${o} = 0; ${o} < ${outer}; ${o}++) {`,
        `  for (let ${t} = 0; ${t} < ${inner}; ${t}++) {`,
        `    const ${base} = ${plus(product(o, product(along, inner)), t)};`,
        `    let ${best} = 0;`,
        `    for (let ${s} = 1; ${s} < ${along}; ${s}++) {`,
        `      const ${v} = ${k.at(ins[0], `${base} + ${product(s, inner)}`)}, ${w} = ${k.at(ins[0], `${base} + ${product(best, inner)}`)};`,
        `      if (${v} ${operator} ${w} || (${v} !== ${v} && ${w} === ${w})) ${best} = ${s};`,
        '    }',
        `    ${out}[${plus(product(o, inner), t)}] = ${best};`,
        '  }',
        '}',
      ];
    },
  };
}

/**
 * A loop along the node's `axis` (from the end when `reverse`) at every position across it:
 * `start` before it, `step(at, s)` at each entry (`at` its offset, `s` the step's number).
 */
function alongAxis(k: KernelContext, start: string, step: (at: string, s: string) => string[]): string[] {
  const { node } = k;
  const axis = node.attrs.axis as number;
  const strides = strideExprs(k, node.shape);
  const n = k.dim(node.shape[axis]);
  const [s, at] = [k.local('s'), k.local('at')];
  const index = node.attrs.reverse ? `${n} - 1 - ${s}` : s;
  const across = node.shape.map((d, a) => (a === axis ? 1 : d));
  return loopNest(k, across, [strides.map((st, a) => (a === axis ? '0' : st))], ([o]) => [
    start,
    `for (let ${s} = 0; ${s} < ${n}; ${s}++) {`,
    `  const ${at} = ${o} + (${index}) * ${strides[axis]};`,
    ...step(at, s).map((line) => `  ${line}`),
    '}',
  ]);
}

/** Running sums along the axis, from the end when `reverse`. */
export const cumsum: Kernel = {
  lines: (k) => {
    const acc = k.local('acc');
    return alongAxis(k, `let ${acc} = 0;`, (at) => [`${acc} += ${k.at(k.ins[0], at)};`, `${k.out}[${at}] = ${acc};`]);
  },
};

/** exclusive_scan: y[k] = s[k − 1] with s[k] = a[k]·s[k − 1] + b[k], along the axis, forward or from the end. */
export const exclusive_scan: Kernel = {
  lines: (k) => {
    const [a, b] = k.ins;
    const acc = k.local('acc');
    return alongAxis(k, `let ${acc} = 0;`, (at, s) => [
      `${k.out}[${at}] = ${acc};`,
      `${acc} = ${s} === 0 ? ${k.at(b, at)} : ${k.at(a, at)} * ${acc} + ${k.at(b, at)};`,
    ]);
  },
};
