import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { argExtremumDef } from './argextremum.js';
import { defineOp, type OpBuilder } from './op.js';

export interface ArgOptions {
  axis?: number;
  keepdims?: boolean;
}

/** Position of the first largest entry along `axis` (default −1). */
export const argmax: OpBuilder<(x: Operand, options?: ArgOptions) => Node> = defineOp(
  argExtremumDef('argmax'),
  (x: Operand, options: ArgOptions = {}): Node => apply('argmax', [x], { ...options }),
);
