import type { Shape } from '../shape.js';
import type { OpDef } from './op.js';

/** A named tensor fed at run time: `input`, or `param`, which falls back to its init. */
function fedLeaf(name: 'input' | 'param'): OpDef {
  return {
    name,
    arity: 0,
    infer: (_, attrs) => ({ shape: attrs.shape as Shape }),
    evaluate: () => {
      throw new Error(`${name} nodes are fed, not evaluated`);
    },
    emit: { kind: 'leaf' },
    flops: () => 0,
    leaf: 'fed',
    internal: true,
  };
}

/** Leaves are built with `graph.input(name, shape)` and `graph.param(name, shape, init)`. */
export const input = { def: fedLeaf('input') };
export const param = { def: fedLeaf('param') };
