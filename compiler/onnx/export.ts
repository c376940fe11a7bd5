import { variableNames, type Program } from '../codegen/program.js';
import { SymgradError } from '../errors.js';
import type { Node } from '../graph.js';
import { liveNodes } from '../nodes.js';
import { initValues } from '../init.js';
import { sizeOf } from '../shape.js';
import { isLoop } from '../loops/body.js';
import { sameLoop } from '../loops/shape.js';
import { OnnxBuilder, valueInfo, type DimSource } from './builder.js';
import { emitters } from './emitters.js';
import { emitLoop } from './loop.js';
import { tensorProto, type ModelProto } from './proto.js';

/** The ONNX operator set written (18 takes every reduction's axes as an input). */
export const OPSET = 18;
const IR_VERSION = 8;

export interface ExportOptions {
  /**
   * Write params' values as initializers (default true), so a run may leave params out. false
   * makes them plain inputs that every run feeds: onnxruntime-node cannot override an initializer.
   */
  readonly initializers?: boolean;
}

/**
 * A program (the spec's outputs after derivative expansion and simplification) as an ONNX model:
 * inputs and params as graph inputs, params' values as initializers, every output as a graph output.
 * `written` (the outputs before simplification) names the spec node of an op without an ONNX form
 * when simplification rebuilt it without a label.
 */
export function programToOnnx(program: Program, options: ExportOptions = {}, written: readonly Node[] = []): ModelProto {
  const outputs = program.outputs.map((o) => o.node);
  const order = liveNodes(outputs);
  const names = variableNames(order, program);
  const leaves = [...program.inputs, ...program.params];
  const dims = new Map<string, DimSource>();
  for (const { name, shape } of program.inputs) {
    shape.forEach((d, axis) => {
      if (typeof d === 'string' && !dims.has(d)) dims.set(d, { value: name, axis });
    });
  }
  const b = new OnnxBuilder(program.dtype, dims, [...leaves.map((l) => l.name), ...program.outputs.map((o) => o.name)]);
  const values = new Map<number, string>();
  for (const node of order) if (node.def.leaf === 'fed') values.set(node.id, node.attrs.name as string);
  const placeOf = (node: Node) => {
    const label = node.label || liveNodes(written).find((n) => n.op === node.op && n.label)?.label;
    return label ? `nodes.${label}` : '';
  };
  emitNodes(b, order, values, (node) => names.get(node)!, placeOf);
  // An output that is a graph input of the same name is that input; every other is an Identity of its value.
  for (const o of program.outputs) if (values.get(o.node.id) !== o.name) b.op('Identity', [values.get(o.node.id)!], o.name, {}, o.name);
  return {
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: OPSET }],
    producer_name: 'symgrad',
    graph: {
      name: program.name,
      node: b.nodes,
      initializer: options.initializers === false ? [] : program.params.map((p) => tensorProto(p.name, initValues(p.init, sizeOf(p.shape as number[])), p.shape as number[], b.floatType)),
      input: leaves.map((l) => valueInfo(l.name, b.floatType, l.shape)),
      output: program.outputs.map((o) => valueInfo(o.name, b.floatType, o.node.shape)),
    },
  };
}

/**
 * Writes the ONNX nodes of `order` (fed leaves' values already in `values`); the nodes of one loop
 * that differ only in their result become one ONNX Loop. An error without a place gets the node's.
 */
function emitNodes(b: OnnxBuilder, order: readonly Node[], values: Map<number, string>, nameOf: (node: Node) => string, placeOf: (node: Node) => string = () => ''): void {
  for (const node of order) {
    if (values.has(node.id)) continue;
    if (node.def.leaf === 'known') {
      values.set(node.id, b.floats(node.attrs.value as number[], node.shape as number[]));
      continue;
    }
    const x = node.inputs.map((input) => values.get(input.id)!);
    try {
      if (isLoop(node)) {
        const group = order.filter((other) => sameLoop(node, other));
        for (const [member, value] of emitLoop(b, group, x, nameOf(node), emitNodes)) values.set(member.id, value);
        continue;
      }
      const emit = emitters[node.op];
      if (!emit) throw new SymgradError('', `'${node.op}' has no ONNX form yet`);
      values.set(node.id, emit(b, node, x, nameOf(node)));
    } catch (error) {
      throw error instanceof SymgradError && error.place === '' ? new SymgradError(placeOf(node), error.message) : error;
    }
  }
}
