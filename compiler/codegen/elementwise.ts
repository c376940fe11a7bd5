import { constantValue } from '../builder.js';
import type { Node } from '../graph.js';
import { loopNest, sizeExpr, strideExprs, type LoopContext } from '../ops/loops.js';
import { sameShape, staticSize, type Shape } from '../shape.js';
import { jsOperand } from './literals.js';

/**
 * The loop for an elementwise node. Scalar constants are inlined; inputs of the output's shape
 * share its flat index; single values are read once; other broadcasts use strided indices.
 */
export function emitElementwise(node: Node, out: string, ins: readonly string[], dim: (d: Shape[number]) => string): string[] {
  const emit = node.def.emit;
  if (emit.kind !== 'elementwise') throw new Error(`${node.op} is not elementwise`);
  const scalarValue = (input: Node) => (input.op === 'constant' && staticSize(input.shape) === 1 ? constantValue(input) : undefined);
  const isSingle = (input: Node) => staticSize(input.shape) === 1;
  const flat = node.inputs.every((input) => isSingle(input) || sameShape(input.shape, node.shape));
  const k: LoopContext = { dim, local: (hint) => `$${hint}` };
  const read = (input: Node, i: number, index: string) => {
    const value = scalarValue(input);
    if (value !== undefined) return jsOperand(value);
    return isSingle(input) ? `${ins[i]}[0]` : `${ins[i]}[${index}]`;
  };
  if (staticSize(node.shape) === 1) {
    return [`${out}[0] = ${emit.expr(node.inputs.map((input, i) => read(input, i, '0')), node.attrs)};`];
  }
  if (flat) {
    const size = sizeExpr(k, node.shape);
    const args = node.inputs.map((input, i) => read(input, i, '$i'));
    return [`for (let $i = 0; $i < ${size}; $i++) ${out}[$i] = ${emit.expr(args, node.attrs)};`];
  }
  const offset = (input: Node) => {
    const strides = strideExprs(k, input.shape);
    const lead = node.shape.length - input.shape.length;
    return node.shape.map((d, a) => (a < lead || input.shape[a - lead] !== d ? '0' : strides[a - lead]));
  };
  const strides = [strideExprs(k, node.shape), ...node.inputs.map(offset)];
  return loopNest(k, node.shape, strides, ([o, ...offsets]) => {
    const args = node.inputs.map((input, i) => read(input, i, offsets[i]));
    return [`${out}[${o}] = ${emit.expr(args, node.attrs)};`];
  });
}
