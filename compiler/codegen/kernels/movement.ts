import { starts } from '../../ops/concat.js';
import { broadcastStrideExprs, cornerOffset, loopNest, plus, product, strideExprs } from '../indexing.js';
import type { Kernel } from './context.js';

/** The same row-major order: a copy, or read in place from a contiguous input. */
export const reshape: Kernel = { lines: (k) => [`${k.out}.set(${k.ins[0]});`], view: () => null };

/** custom_vjp passes on its last input, the body's value. */
export const last: Kernel = { lines: (k) => [`${k.out}.set(${k.ins[k.ins.length - 1]});`] };

export const broadcast_to: Kernel = {
  lines: (k) => {
    const { node, out, ins } = k;
    const x = node.inputs[0];
    const offset = node.shape.length - x.shape.length;
    const inStrides = node.shape.map((d, a) => (a < offset || (x.shape[a - offset] === 1 && d !== 1) ? '0' : strideExprs(k, x.shape)[a - offset]));
    return loopNest(k, node.shape, [strideExprs(k, node.shape), inStrides], ([o, i]) => [`${out}[${o}] = ${k.at(ins[0], i)};`]);
  },
  view: (node, strides) => broadcastStrideExprs(strides, node.inputs[0].shape, node.shape),
};

export const transpose: Kernel = {
  lines: (k) => {
    const { node, out, ins } = k;
    const inStrides = strideExprs(k, node.inputs[0].shape);
    const permuted = (node.attrs.perm as number[]).map((p) => inStrides[p]);
    return loopNest(k, node.shape, [strideExprs(k, node.shape), permuted], ([o, i]) => [`${out}[${o}] = ${k.at(ins[0], i)};`]);
  },
  view: (node, strides) => (node.attrs.perm as number[]).map((p) => strides[p]),
};

export const slice: Kernel = {
  lines: (k) => {
    const { node, out, ins } = k;
    const xStrides = strideExprs(k, node.inputs[0].shape);
    const base = cornerOffset(xStrides, node.attrs.start as number[]);
    return loopNest(k, node.shape, [strideExprs(k, node.shape), xStrides], ([o, i]) => [`${out}[${o}] = ${k.at(ins[0], plus(base, i))};`]);
  },
};

export const pad: Kernel = {
  lines: (k) => {
    const { node, out, ins } = k;
    const outStrides = strideExprs(k, node.shape);
    const base = cornerOffset(outStrides, node.attrs.before as number[]);
    const x = node.inputs[0];
    return [
      `${out}.fill(0);`,
      ...loopNest(k, x.shape, [strideExprs(k, x.shape), outStrides], ([i, o]) => [`${out}[${plus(base, o)}] = ${k.at(ins[0], i)};`]),
    ];
  },
};

/** One loop nest per input, writing its block at its offset along the axis. */
export const concat: Kernel = {
  lines: (k) => {
    const { node, out, ins } = k;
    const axis = node.attrs.axis as number;
    const outStrides = strideExprs(k, node.shape);
    const begins = starts(node.inputs, axis);
    return node.inputs.flatMap((x, j) => {
      const base = begins[j] === 0 ? '0' : product(String(begins[j]), outStrides[axis]);
      return loopNest(k, x.shape, [strideExprs(k, x.shape), outStrides], ([i, o]) => [`${out}[${plus(base, o)}] = ${k.at(ins[j], i)};`]);
    });
  },
};
