import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { argExtremumDef } from './argextremum.js';
import type { ArgOptions } from './argmax.js';
import { defineOp, type OpBuilder } from './op.js';

/** Position of the first smallest entry along `axis` (default −1). */
export const argmin: OpBuilder<(x: Operand, options?: ArgOptions) => Node> = defineOp(
  argExtremumDef('argmin'),
  (x: Operand, options: ArgOptions = {}): Node => apply('argmin', [x], { ...options }),
);
