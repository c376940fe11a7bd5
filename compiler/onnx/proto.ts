import { SymgradError } from '../errors.js';
import { onnxSchema } from './schema.js';

/** ONNX TensorProto.DataType codes symgrad meets. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType codes. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7 } as const;

export interface TensorProto {
  name?: string;
  dims?: number[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  double_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  data_location?: number;
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: number[];
}

export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeProto[];
}

export interface ValueInfoProto {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } };
  doc_string?: string;
}

export interface GraphProto {
  name?: string;
  node?: NodeProto[];
  initializer?: TensorProto[];
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  doc_string?: string;
}

export interface ModelProto {
  ir_version?: number;
  opset_import?: { domain?: string; version?: number }[];
  producer_name?: string;
  producer_version?: string;
  doc_string?: string;
  graph?: GraphProto;
}

type ModelType = import('protobufjs').Type;
let modelType: Promise<ModelType> | undefined;

/** The ModelProto codec; protobufjs is loaded on first use only, so other commands never pay for it. */
function codec(): Promise<ModelType> {
  modelType ??= import('protobufjs').then(({ default: protobuf }) =>
    protobuf.Root.fromJSON(onnxSchema as unknown as import('protobufjs').INamespace).lookupType('onnx.ModelProto'),
  );
  return modelType;
}

export async function encodeModel(model: ModelProto): Promise<Uint8Array> {
  const type = await codec();
  return type.encode(type.fromObject(model)).finish();
}

/** Decodes a model; a file that is not a ModelProto is a SymgradError, never a crash. */
export async function decodeModel(bytes: Uint8Array): Promise<ModelProto> {
  const type = await codec();
  let model: ModelProto;
  try {
    model = type.toObject(type.decode(bytes), { longs: Number, defaults: false, arrays: true }) as ModelProto;
  } catch (error) {
    throw new SymgradError('', `not an ONNX model (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!model.graph || !model.opset_import?.length) throw new SymgradError('', 'not an ONNX model (no graph or no opset_import)');
  return model;
}

/** A tensor's values as numbers (raw little-endian data or the typed fields). */
export function tensorValues(tensor: TensorProto, place: string): number[] {
  const type = tensor.data_type ?? 0;
  if (tensor.data_location === 1) throw new SymgradError(place, 'external data is not supported (save the model with its data inside)');
  const raw = tensor.raw_data;
  if (raw && raw.length > 0) {
    const bytes = Uint8Array.from(raw); // an own, aligned buffer (a decoded Buffer may share a pool)
    const view = (Array: { BYTES_PER_ELEMENT: number; new (b: ArrayBuffer, o: number, n: number): ArrayLike<number | bigint> }) => {
      if (bytes.length % Array.BYTES_PER_ELEMENT !== 0) throw new SymgradError(place, `raw_data of ${bytes.length} bytes does not fit its type`);
      return globalThis.Array.from(new Array(bytes.buffer, 0, bytes.length / Array.BYTES_PER_ELEMENT), Number);
    };
    switch (type) {
      case DataType.FLOAT:
        return view(Float32Array);
      case DataType.DOUBLE:
        return view(Float64Array);
      case DataType.INT64:
        return view(BigInt64Array);
      case DataType.INT32:
        return view(Int32Array);
      case DataType.INT8:
        return view(Int8Array);
      case DataType.UINT8:
      case DataType.BOOL:
        return view(Uint8Array);
    }
  } else {
    switch (type) {
      case DataType.FLOAT:
        return tensor.float_data ?? [];
      case DataType.DOUBLE:
        return tensor.double_data ?? [];
      case DataType.INT64:
        return tensor.int64_data ?? [];
      case DataType.INT32:
      case DataType.INT8:
      case DataType.UINT8:
      case DataType.BOOL:
        return tensor.int32_data ?? [];
    }
  }
  throw new SymgradError(place, `tensors of ONNX data type ${type} are not supported`);
}

/** A tensor of `values` (flat, row-major) as raw little-endian data. */
export function tensorProto(name: string, values: ArrayLike<number>, dims: readonly number[], dataType: number): TensorProto {
  let data: ArrayBufferView;
  if (dataType === DataType.DOUBLE) data = Float64Array.from(values);
  else if (dataType === DataType.FLOAT) data = Float32Array.from(values);
  else if (dataType === DataType.INT64) data = BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
  else data = Uint8Array.from(values);
  return { name, dims: [...dims], data_type: dataType, raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
