import { SymgradError } from '../errors.js';
import { Graph, type DType, type Node } from '../graph.js';
import type { Shape } from '../shape.js';
import { buildExpression } from '../spec/build.js';
import { parseExpression } from '../spec/expr.js';
import { importers, type StaticValue } from './importers.js';
import { SpecNames, specName } from './names.js';
import { DataType, tensorValues, type ModelProto, type NodeProto, type ValueInfoProto } from './proto.js';

export interface ImportOptions {
  /** The spec's dtype (default: the model's float type). float64 suits derivative checks of a float32 model. */
  readonly dtype?: DType;
}

type JsonValue = number | string | JsonValue[];

/** An ONNX value during import: a spec name with its shape, and its numbers when known at import time. */
interface Value {
  name?: string;
  shape: Shape;
  known?: StaticValue;
}

/** The spec (SPEC §1) of an ONNX model: initializers → params, graph inputs → inputs, nodes → expressions. */
export function onnxToSpec(model: ModelProto, options: ImportOptions = {}): Record<string, unknown> {
  return new Importer(model, options).spec();
}

class Importer {
  private readonly names = new SpecNames();
  private readonly values = new Map<string, Value>();
  private readonly graph: Graph;
  private readonly nodes = new Map<string, Node>();
  private readonly inputs: Record<string, { shape: Shape }> = {};
  private readonly params: Record<string, { shape: number[]; init: JsonValue }> = {};
  private readonly consts: Record<string, JsonValue> = {};
  private readonly exprs: Record<string, string> = {};
  private readonly opset: number;
  private readonly dtype: DType;

  constructor(
    private readonly model: ModelProto,
    options: ImportOptions,
  ) {
    const version = model.opset_import!.find((o) => !o.domain || o.domain === 'ai.onnx')?.version;
    if (version === undefined) throw new SymgradError('opset_import', 'the model imports no version of the default ONNX operator set');
    this.opset = version;
    this.dtype = options.dtype ?? modelDtype(model);
    this.graph = new Graph(this.dtype);
  }

  spec(): Record<string, unknown> {
    const graph = this.model.graph!;
    const initialized = new Set<string>();
    for (const [i, tensor] of (graph.initializer ?? []).entries()) {
      const onnxName = named(tensor.name, `initializer #${i}`);
      const place = `initializer '${onnxName}'`;
      const dims = tensor.dims ?? [];
      const values = tensorValues(tensor, place);
      if (values.length !== dims.reduce((a, b) => a * b, 1)) throw new SymgradError(place, `${values.length} values for dims [${dims.join(', ')}]`);
      initialized.add(onnxName);
      if (tensor.data_type === DataType.FLOAT || tensor.data_type === DataType.DOUBLE) {
        const name = this.names.add(onnxName);
        this.params[name] = { shape: dims, init: nest(values, dims) };
        this.define(onnxName, name, this.graph.param(name, dims, values));
      } else {
        this.values.set(onnxName, { shape: dims, known: { values, dims } });
      }
    }
    for (const [i, input] of (graph.input ?? []).entries()) {
      const onnxName = named(input.name, `input #${i}`);
      if (initialized.has(onnxName)) continue;
      const name = this.names.add(onnxName);
      const shape = inputShape(onnxName, input);
      this.inputs[name] = { shape };
      this.define(onnxName, name, this.graph.input(name, shape));
    }
    for (const [i, node] of (graph.node ?? []).entries()) this.importNode(node, i);
    const outputs = (graph.output ?? []).map((o, i) => {
      const onnxName = named(o.name, `output #${i}`);
      return this.tensor(onnxName, `output '${onnxName}'`).name!;
    });
    const renamed = [...this.names.renamed].map(([from, to]) => `${to} = ${from}`);
    const title = graph.name || 'onnx';
    return {
      format: 'symgrad/1',
      name: renamed.length ? `${title} (imported from ONNX; renamed: ${renamed.join(', ')})` : `${title} (imported from ONNX)`,
      dtype: this.dtype,
      inputs: this.inputs,
      params: this.params,
      ...(Object.keys(this.consts).length ? { consts: this.consts } : {}),
      nodes: this.exprs,
      outputs,
    };
  }

  private importNode(node: NodeProto, index: number): void {
    const op = node.op_type ?? '';
    const place = `node '${node.name || `#${index}`}'`;
    const importer = !node.domain || node.domain === 'ai.onnx' ? importers[op] : undefined;
    if (!importer) {
      const domain = node.domain && node.domain !== 'ai.onnx' ? ` of domain '${node.domain}'` : '';
      throw new SymgradError(place, `ONNX operator '${op}'${domain} is not supported (symgrad imports ${Object.keys(importers).sort().join(', ')})`);
    }
    const output = node.output?.[0];
    if (!output) throw new SymgradError(place, `${op} has no output`);
    const known = (i: number): StaticValue => {
      const name = node.input?.[i] ?? '';
      const value = this.values.get(name)?.known;
      if (!value) throw new SymgradError('', `input ${i} ('${name}') of ${op} must be known at import time (a constant, an integer initializer or a shape)`);
      return value;
    };
    try {
      const result = importer({
        opset: this.opset,
        dtype: this.dtype,
        inputCount: (node.input ?? []).length,
        has: (i) => Boolean(node.input?.[i]),
        input: (i) => {
          const name = node.input?.[i];
          if (!name) throw new SymgradError('', `${op} needs input ${i}`);
          const value = this.tensor(name, `input '${name}'`);
          return { name: value.name!, shape: value.shape };
        },
        isKnown: (i) => this.values.get(node.input?.[i] ?? '')?.known !== undefined,
        known: (i) => known(i),
        numbers: (i) => {
          const values = known(i).values;
          const name = values.find((v) => typeof v === 'string');
          if (name !== undefined) throw new SymgradError('', `input ${i} ('${node.input![i]}') of ${op} holds the size ${name}, known only at run time`);
          return values as number[];
        },
        attribute: (name) => node.attribute?.find((a) => a.name === name),
      });
      if (typeof result === 'string') {
        const name = this.names.add(output);
        this.exprs[name] = result;
        this.define(output, name, this.build(result));
      } else {
        this.values.set(output, { shape: result.dims, known: result });
      }
    } catch (error) {
      if (!(error instanceof SymgradError)) throw error;
      throw error.place ? error.within(place) : new SymgradError(place, `${op}: ${error.message}`);
    }
  }

  /** The value `onnxName` as a spec tensor; a known value becomes a const on first use. */
  private tensor(onnxName: string, place: string): Value {
    const value = this.values.get(onnxName);
    if (!value) throw new SymgradError(place, `'${onnxName}' is not defined before it is used`);
    if (value.name === undefined) {
      const { values, dims } = value.known!;
      const runTime = values.find((v) => typeof v === 'string');
      if (runTime !== undefined) throw new SymgradError(place, `'${onnxName}' holds the size ${runTime}, known only at run time, and cannot be used as a tensor`);
      const name = this.names.add(onnxName);
      this.consts[name] = nest(values as number[], dims);
      this.define(onnxName, name, this.graph.apply('constant', [], { value: values as number[], shape: dims }));
    }
    return this.values.get(onnxName)!;
  }

  private define(onnxName: string, name: string, node: Node): void {
    this.nodes.set(name, node);
    this.values.set(onnxName, { name, shape: node.shape, known: this.values.get(onnxName)?.known });
  }

  /** Builds an expression over the names so far: its shape, and a check that the spec will load. */
  private build(expr: string): Node {
    const scope = { nodes: this.nodes, orders: new Map<string, number>(), later: new Set<string>() };
    return buildExpression(parseExpression(expr), scope, this.graph, () => {}).node;
  }
}

/** float64 if the model computes in double, else float32. */
function modelDtype(model: ModelProto): DType {
  const graph = model.graph!;
  const types = [...(graph.input ?? []).map((i) => i.type?.tensor_type?.elem_type), ...(graph.initializer ?? []).map((t) => t.data_type)];
  return types.includes(DataType.DOUBLE) && !types.includes(DataType.FLOAT) ? 'float64' : 'float32';
}

/** An ONNX name, which must be there. */
function named(name: string | undefined, place: string): string {
  if (!name) throw new SymgradError(place, 'has no name');
  return name;
}

function inputShape(name: string, input: ValueInfoProto): Shape {
  const place = `input '${name}'`;
  const tensor = input.type?.tensor_type;
  if (!tensor) throw new SymgradError(place, 'has no tensor type');
  if (tensor.elem_type !== DataType.FLOAT && tensor.elem_type !== DataType.DOUBLE) {
    throw new SymgradError(place, `has ONNX element type ${tensor.elem_type ?? 'none'}; symgrad imports float and double inputs`);
  }
  if (!tensor.shape) throw new SymgradError(place, 'has no shape (its rank is needed)');
  return (tensor.shape.dim ?? []).map((d, axis) => (d.dim_value !== undefined && d.dim_value > 0 ? d.dim_value : specName(d.dim_param || `${name}_dim${axis}`)));
}

/** Flat row-major values as nested lists (non-finite numbers as the strings of SPEC §1). */
function nest(values: readonly number[], dims: readonly number[]): JsonValue {
  const literal = (v: number): JsonValue => (Number.isFinite(v) ? v : String(v));
  if (dims.length === 0) return literal(values[0]);
  const [first, ...rest] = dims;
  const size = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: first }, (_, i) => nest(values.slice(i * size, (i + 1) * size), rest));
}
