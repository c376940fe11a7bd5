import type { DType } from '../graph.js';
import type { Shape } from '../shape.js';
import { AttributeType, DataType, tensorProto, type AttributeProto, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto } from './proto.js';

export type AttrValue = number | string | readonly number[] | GraphProto;

/** Where a named dimension can be read at run time: an axis of a graph input. */
export interface DimSource {
  readonly value: string;
  readonly axis: number;
}

/**
 * Appends ONNX nodes (literals as Constant nodes, shared), with fresh value names. A builder made
 * with a `parent` writes a subgraph (a Loop's body): names stay unique across the model, and the
 * parent's constants and dimensions so far are read from the outer scope.
 */
export class OnnxBuilder {
  readonly nodes: NodeProto[] = [];
  readonly floatType: number;
  private readonly taken: Set<string>;
  private readonly constants: Map<string, string>;
  private readonly dimValues: Map<string, string>;

  constructor(
    readonly dtype: DType,
    private readonly dims: ReadonlyMap<string, DimSource>,
    reserved: Iterable<string>,
    parent?: OnnxBuilder,
  ) {
    this.floatType = dtype === 'float32' ? DataType.FLOAT : DataType.DOUBLE;
    this.taken = parent?.taken ?? new Set();
    this.constants = new Map(parent?.constants);
    this.dimValues = new Map(parent?.dimValues);
    for (const name of reserved) this.taken.add(name);
  }

  /** A builder for a subgraph of this graph. */
  child(): OnnxBuilder {
    return new OnnxBuilder(this.dtype, this.dims, [], this);
  }

  /** A value name not used yet, from `hint`. */
  fresh(hint: string): string {
    let name = hint;
    for (let k = 1; this.taken.has(name); k++) name = `${hint}/${k}`;
    this.taken.add(name);
    return name;
  }

  /** One node; returns its output's name (`output` if given, else a fresh name from `hint`). */
  op(type: string, inputs: readonly string[], hint: string, attrs: Record<string, AttrValue> = {}, output?: string): string {
    const out = output ?? this.fresh(hint);
    if (output) this.taken.add(output);
    this.node(type, inputs, [out], attrs);
    return out;
  }

  /** One node with the given (fresh) output names. */
  node(type: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, AttrValue> = {}): void {
    const attribute = Object.entries(attrs).map(([name, value]) => attributeProto(name, value));
    this.nodes.push({ op_type: type, input: [...inputs], output: [...outputs], name: this.fresh(`${outputs[0]}:${type}`), ...(attribute.length ? { attribute } : {}) });
  }

  /** A constant tensor in the graph's float type (shared between uses). */
  floats(values: readonly number[], shape: readonly number[] = []): string {
    return this.constant(values, shape, this.floatType);
  }

  /** An int64 constant, 1-D unless a shape is given (shapes, axes, pads, row numbers). */
  ints(values: readonly number[], shape: readonly number[] = [values.length]): string {
    return this.constant(values, shape, DataType.INT64);
  }

  /** A scalar int64 constant (CumSum's axis). */
  int(value: number): string {
    return this.constant([value], [], DataType.INT64);
  }

  /** A boolean scalar constant (a Loop's condition). */
  bool(value: boolean): string {
    return this.constant([value ? 1 : 0], [], DataType.BOOL);
  }

  /** A value of any number type as int64 (positions; the generated code checks they are whole). */
  toInt(x: string, hint: string): string {
    return this.op('Cast', [x], hint, { to: DataType.INT64 });
  }

  private constant(values: readonly number[], shape: readonly number[], dataType: number): string {
    const key = `${dataType}:${shape.join(',')}:${values.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.fresh(values.length === 1 ? `const_${values[0]}` : 'const');
    this.nodes.push({ op_type: 'Constant', input: [], output: [name], name: `${name}:Constant`, attribute: [tensorAttribute(tensorProto(name, values, shape, dataType))] });
    this.constants.set(key, name);
    return name;
  }

  /** A 1-D int64 tensor holding `shape`, named dimensions read from the graph inputs at run time. */
  shape(shape: Shape): string {
    if (shape.every((d) => typeof d === 'number')) return this.ints(shape as number[]);
    const parts: string[] = [];
    let fixed: number[] = [];
    for (const d of shape) {
      if (typeof d === 'number') {
        fixed.push(d);
        continue;
      }
      if (fixed.length) parts.push(this.ints(fixed));
      fixed = [];
      parts.push(this.dim(d));
    }
    if (fixed.length) parts.push(this.ints(fixed));
    return parts.length === 1 ? parts[0] : this.op('Concat', parts, 'shape', { axis: 0 });
  }

  /** The size of a named dimension as a 1-element int64 tensor. */
  dim(name: string): string {
    const known = this.dimValues.get(name);
    if (known) return known;
    const source = this.dims.get(name)!;
    const value = this.op('Shape', [source.value], `dim_${name}`, { start: source.axis, end: source.axis + 1 });
    this.dimValues.set(name, value);
    return value;
  }

  /** A boolean (as 1 or 0) or integer result as a number of the float type. */
  toFloat(bool: string, hint: string): string {
    return this.op('Cast', [bool], hint, { to: this.floatType });
  }
}

/** A graph input's or output's name, element type and shape (named dimensions as `dim_param`). */
export function valueInfo(name: string, elemType: number, shape: Shape): ValueInfoProto {
  return {
    name,
    type: { tensor_type: { elem_type: elemType, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
  };
}

function tensorAttribute(t: TensorProto): AttributeProto {
  return { name: 'value', type: AttributeType.TENSOR, t };
}

function attributeProto(name: string, value: AttrValue): AttributeProto {
  if (typeof value === 'object' && !Array.isArray(value)) return { name, type: AttributeType.GRAPH, g: value as GraphProto };
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  return typeof value === 'number' ? { name, type: AttributeType.INT, i: value } : { name, type: AttributeType.INTS, ints: [...value] };
}
