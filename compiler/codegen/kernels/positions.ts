import { jsString } from '../../literals.js';
import { aroundExprs, plus, product, sizeExpr } from '../indexing.js';
import type { Kernel, KernelContext } from './context.js';

/**
 * The generated check of position `p` against `size` (expressions): a position that is not a
 * whole number in [0, size) is a RangeError naming the node, never a read or write past a buffer.
 */
function positionCheck(k: KernelContext, p: string, size: string): string {
  const range = /^\d+$/.test(size) ? jsString(` is not a whole number in [0, ${size})`) : `' is not a whole number in [0, ' + ${size} + ')'`;
  const message = `${jsString(`nodes.${k.node.label || k.node.op}: ${k.node.op}: position `)} + ${p} + ${range}`;
  return `if (!(${p} >= 0 && ${p} < ${size} && Number.isInteger(${p}))) throw new RangeError(${message});`;
}

export const gather: Kernel = {
  lines: (k) => {
    const { node, out, ins } = k;
    const [x, i] = node.inputs;
    const { outer, along, inner } = aroundExprs(k, x.shape, node.attrs.axis as number);
    const m = aroundExprs(k, i.shape, 0, i.shape.length).along;
    const [o, j, p, from, to, t] = ['o', 'j', 'p', 'from', 'to', 't'].map((h) => k.local(h));
    return [
      `for (let ${o} = 0; ${o} < ${outer}; ${o}++) {`,
      `  for (let ${j} = 0; ${j} < ${m}; ${j}++) {`,
      `    const ${p} = ${k.at(ins[1], j)};`,
      `    ${positionCheck(k, p, along)}`,
      `    const ${from} = ${product(`(${plus(product(o, along), p)})`, inner)}, ${to} = ${product(`(${plus(product(o, m), j)})`, inner)};`,
      `    for (let ${t} = 0; ${t} < ${inner}; ${t}++) ${out}[${to} + ${t}] = ${k.at(ins[0], `${from} + ${t}`)};`,
      '  }',
      '}',
    ];
  },
};

export const scatter_add: Kernel = {
  lines: (k) => {
    const { node, out, ins } = k;
    const i = node.inputs[1];
    const { outer, along, inner } = aroundExprs(k, node.shape, node.attrs.axis as number);
    const m = aroundExprs(k, i.shape, 0, i.shape.length).along;
    const [o, j, p, from, to, t] = ['o', 'j', 'p', 'from', 'to', 't'].map((h) => k.local(h));
    return [
      `${out}.fill(0);`,
      `for (let ${o} = 0; ${o} < ${outer}; ${o}++) {`,
      `  for (let ${j} = 0; ${j} < ${m}; ${j}++) {`,
      `    const ${p} = ${k.at(ins[1], j)};`,
      `    ${positionCheck(k, p, along)}`,
      `    const ${to} = ${product(`(${plus(product(o, along), p)})`, inner)}, ${from} = ${product(`(${plus(product(o, m), j)})`, inner)};`,
      `    for (let ${t} = 0; ${t} < ${inner}; ${t}++) ${k.at(out, `${to} + ${t}`)} += ${k.at(ins[0], `${from} + ${t}`)};`,
      '  }',
      '}',
    ];
  },
};

export const one_hot: Kernel = {
  lines: (k) => {
    const { node, out, ins } = k;
    const depth = String(node.attrs.depth);
    const [e, p] = [k.local('e'), k.local('p')];
    return [
      `${out}.fill(0);`,
      `for (let ${e} = 0; ${e} < ${sizeExpr(k, node.inputs[0].shape)}; ${e}++) {`,
      `  const ${p} = ${k.at(ins[0], e)};`,
      `  ${positionCheck(k, p, depth)}`,
      `  ${out}[${e} * ${depth} + ${p}] = 1;`,
      '}',
    ];
  },
};
