import { scalar } from '../builder.js';
import type { Node } from '../graph.js';
import { normalizeAxes, staticSize } from '../shape.js';
import { defineOp } from './op.js';

/**
 * The number of elements of x along `axes`, as a scalar (what `mean` divides by). A constant when
 * the shape is static; a node when a named dimension is bound only at run time.
 */
export const count = defineOp(
  {
    name: 'count',
    arity: 1,
    infer: ([shape], attrs) => ({ shape: [], attrs: { axes: normalizeAxes(attrs.axes as number[] | undefined, shape.length) } }),
    evaluate: (out, [x], attrs) => {
      out[0] = (attrs.axes as number[]).reduce((n, a) => n * x.shape[a], 1);
    },
    vjp: () => [null],
    emit: { kind: 'kernel' },
    flops: () => 0,
    internal: true,
  },
  (x: Node, axes?: number[]): Node => {
    const dims = normalizeAxes(axes, x.shape.length).map((a) => x.shape[a]);
    const size = staticSize(dims);
    return size === undefined ? x.graph.apply('count', [x], { axes: normalizeAxes(axes, x.shape.length) }) : scalar(x.graph, size);
  },
);
