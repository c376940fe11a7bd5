import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { defineOp, elementwiseDef, type OpBuilder } from './op.js';

/**
 * The identity that makes a spec's named node or const a differentiation variable of its own:
 * its `name` keeps hash-consing from merging it with a structurally equal node (`a = sin(x)`
 * and `b = sin(x)`) or a literal of the same value, so `grad(y, a)` holds `b` fixed. The
 * simplifier drops it once every derivative is expanded.
 */
export const variable: OpBuilder<(x: Operand, name: string) => Node> = defineOp(
  elementwiseDef({
    name: 'variable',
    arity: 1,
    compute: ([x]) => x,
    expr: ([x]) => x,
    vjp: (_, d) => [d],
    internal: true,
  }),
  (x: Operand, name: string): Node => apply('variable', [x], { name }),
);
