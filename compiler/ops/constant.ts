import type { Graph, Node } from '../graph.js';
import { ShapeError, sizeOf, type Shape } from '../shape.js';
import { defineOp } from './op.js';

/** A literal tensor (flat row-major `value`), known at compile time. */
export const constant = defineOp(
  {
    name: 'constant',
    arity: 0,
    infer: (_, attrs) => {
      const shape = attrs.shape as Shape;
      const value = attrs.value as readonly number[];
      if (value.length !== sizeOf(shape)) throw new ShapeError(`${value.length} values do not fill shape [${shape.join(', ')}]`);
      return { shape };
    },
    evaluate: (out, _, attrs) => out.set(attrs.value as readonly number[]),
    emit: { kind: 'leaf' },
    flops: () => 0,
    leaf: 'known',
    internal: true,
  },
  (graph: Graph, values: readonly number[], shape: Shape): Node => graph.apply('constant', [], { value: values, shape }),
);
