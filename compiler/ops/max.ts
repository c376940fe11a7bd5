import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { extremumDef } from './extremum.js';
import { defineOp, type OpBuilder } from './op.js';
import type { ReduceOptions } from './sum.js';

/** Largest entry along `axis` (default: all); ties share the gradient equally. */
export const max: OpBuilder<(x: Operand, options?: ReduceOptions) => Node> = defineOp(
  extremumDef('max'),
  (x: Operand, options: ReduceOptions = {}): Node => apply('max', [x], { ...options }),
);
