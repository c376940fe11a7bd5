import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { importOnnx } from '../../compiler/onnx/index.js';
import { AttributeType, DataType, encodeModel, tensorProto, type AttributeProto, type NodeProto } from '../../compiler/onnx/proto.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { loadModuleSource } from '../../runtime/module.js';
import { seededRandom, uniformArray } from '../support/random.js';
import { expectClose, runOnnx } from './support.js';

type Attr = number | number[] | { f: number };
const attrs = (given: Record<string, Attr>): AttributeProto[] =>
  Object.entries(given).map(([name, v]) =>
    typeof v === 'number' ? { name, type: AttributeType.INT, i: v } : Array.isArray(v) ? { name, type: AttributeType.INTS, ints: v } : { name, type: AttributeType.FLOAT, f: v.f },
  );
const node = (op: string, input: string[], output: string, given: Record<string, Attr> = {}): NodeProto => ({ op_type: op, input, output: [output], name: `n_${output}`, attribute: attrs(given) });
const ints = (name: string, values: number[]): NodeProto => ({
  ...node('Constant', [], name),
  attribute: [{ name: 'value', type: AttributeType.TENSOR, t: tensorProto(name, values, [values.length], DataType.INT64) }],
});

/** A float64 model of the given nodes over inputs x [N, 6] and y [6], params W [6, 6] and b [6]; every listed value an output. */
async function model(opset: number, nodes: NodeProto[], outputs: string[]): Promise<Uint8Array> {
  const random = seededRandom(9);
  const value = (name: string, dims: (number | string)[]) => ({
    name,
    type: { tensor_type: { elem_type: DataType.DOUBLE, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
  });
  return encodeModel({
    ir_version: 8,
    opset_import: [{ domain: '', version: opset }],
    graph: {
      name: 'ops',
      node: nodes,
      initializer: [tensorProto('W.0', uniformArray(random, 36, [-1, 1]), [6, 6], DataType.DOUBLE), tensorProto('b', uniformArray(random, 6, [-1, 1]), [6], DataType.DOUBLE)],
      input: [value('x', ['batch', 6]), value('y', [6])],
      output: outputs.map((o) => ({ name: o })),
    },
  });
}

function feeds(n: number): Record<string, Tensor> {
  const random = seededRandom(4);
  return { x: { shape: [n, 6], data: uniformArray(random, n * 6, [-2, 2]) }, y: { shape: [6], data: uniformArray(random, 6, [0.5, 2]) } };
}

/** ONNX Runtime is the oracle: the imported spec's module gives its values. */
async function expectImportAgrees(bytes: Uint8Array, outputs: string[], n = 3): Promise<void> {
  const spec = await importOnnx(bytes);
  const module = await loadModuleSource(compileSpec(spec).source);
  const names = JSON.parse(spec).outputs as string[];
  const [ours, theirs] = [module.run(feeds(n)), await runOnnx(bytes, feeds(n), 'basic')];
  outputs.forEach((o, i) => expectClose(ours[names[i]], theirs[o], 1e-12, o));
}

describe('import agrees with ONNX Runtime', () => {
  it('Gemm with transA, transB, alpha and beta; MatMul; elementwise ops and activations', async () => {
    const nodes = [
      node('Gemm', ['x', 'W.0', 'b'], 'g1', { transB: 1, alpha: { f: 0.5 }, beta: { f: 2 } }),
      node('Transpose', ['x'], 'xt'),
      node('Gemm', ['xt', 'W.0'], 'g2', { transA: 1 }),
      node('MatMul', ['x', 'W.0'], 'mm'),
      node('Add', ['mm', 'b'], 'a1'),
      node('Sub', ['a1', 'y'], 's1'),
      node('Mul', ['s1', 'y'], 'm1'),
      node('Div', ['m1', 'y'], 'd1'),
      node('Neg', ['d1'], 'n1'),
      node('Relu', ['n1'], 'r1'),
      node('LeakyRelu', ['n1'], 'lr', { alpha: { f: 0.2 } }),
      node('Elu', ['n1'], 'el', { alpha: { f: 0.7 } }),
      node('Sigmoid', ['n1'], 'sg'),
      node('Tanh', ['n1'], 'th'),
      node('Softplus', ['n1'], 'sp'),
      node('Exp', ['n1'], 'ex'),
      node('Log', ['y'], 'lg'),
      node('Sqrt', ['y'], 'sq'),
      node('Pow', ['y', 'n1'], 'pw'),
      node('Abs', ['n1'], 'ab'),
      node('Max', ['n1', 'y', 'lr'], 'mx'),
      node('Softmax', ['g1'], 'sm', { axis: 0 }),
      node('LogSoftmax', ['g1'], 'ls'),
      node('Identity', ['ls'], 'id'),
    ];
    const outputs = ['g1', 'g2', 'r1', 'lr', 'el', 'sg', 'th', 'sp', 'ex', 'lg', 'sq', 'pw', 'ab', 'mx', 'sm', 'id'];
    await expectImportAgrees(await model(18, nodes, outputs), outputs);
  });

  it.each([13, 18])('reductions with axes (as opset %i takes them), keepdims and noop_with_empty_axes', async (opset) => {
    const axes = (name: string, values: number[]): { input: NodeProto[]; arg: string; attr: Record<string, Attr> } =>
      opset >= 18 ? { input: [ints(`${name}_axes`, values)], arg: `${name}_axes`, attr: {} } : { input: [], arg: '', attr: { axes: values } };
    const mean = axes('mean', [1]);
    const max = axes('max', [0, 1]);
    const nodes = [
      ints('sum_axes', [-1]),
      node('ReduceSum', ['x', 'sum_axes'], 'rs', { keepdims: 0 }),
      ints('none', []),
      node('ReduceSum', ['x', 'none'], 'rn', { noop_with_empty_axes: 1 }),
      ...mean.input,
      node('ReduceMean', mean.arg ? ['x', mean.arg] : ['x'], 'rm', mean.attr),
      ...max.input,
      node('ReduceMax', max.arg ? ['x', max.arg] : ['x'], 'rx', { ...max.attr, keepdims: 0 }),
      node('ReduceMin', ['x'], 'ri'),
      node('ReduceLogSumExp', ['x'], 'rl', { keepdims: 0 }),
    ];
    await expectImportAgrees(await model(opset, nodes, ['rs', 'rn', 'rm', 'rx', 'ri', 'rl']), ['rs', 'rn', 'rm', 'rx', 'ri', 'rl']);
  });

  it('shapes: Reshape with 0 and -1, Flatten, Squeeze, Unsqueeze, Concat, Slice, Pad, Expand, Constant', async () => {
    const nodes = [
      ints('s1', [0, 2, -1]),
      node('Reshape', ['x', 's1'], 'r1'),
      node('Flatten', ['r1'], 'f1', { axis: 1 }),
      ints('u_axes', [0, 3]),
      node('Unsqueeze', ['r1', 'u_axes'], 'u1'),
      node('Squeeze', ['u1', 'u_axes'], 'q1'),
      node('Concat', ['x', 'x'], 'c1', { axis: 1 }),
      node('Concat', ['y', 'y'], 'c2', { axis: -1 }),
      ints('starts', [1]),
      ints('ends', [1000]),
      ints('slice_axes', [0]),
      node('Slice', ['c2', 'starts', 'ends', 'slice_axes'], 'sl'),
      ints('pads', [0, 2, 0, 1]),
      node('Pad', ['x', 'pads'], 'pd'),
      ints('shape', [2, 1, 6]),
      node('Expand', ['y', 'shape'], 'ex'),
      { ...node('Constant', [], 'k'), attribute: [{ name: 'value', type: AttributeType.TENSOR, t: tensorProto('k', [1.5, -2], [2, 1], DataType.DOUBLE) }] },
      node('Mul', ['ex', 'k'], 'ek'),
    ];
    const outputs = ['r1', 'f1', 'q1', 'c1', 'sl', 'pd', 'ek'];
    await expectImportAgrees(await model(18, nodes, outputs), outputs, 4);
  });

  it('BatchNormalization (inference) on rank 2 and 3, Clip with bounds as inputs', async () => {
    const vector = (name: string, values: number[]): NodeProto => ({
      ...node('Constant', [], name),
      attribute: [{ name: 'value', type: AttributeType.TENSOR, t: tensorProto(name, values, [values.length], DataType.DOUBLE) }],
    });
    const scalar = (name: string, v: number): NodeProto => ({
      ...node('Constant', [], name),
      attribute: [{ name: 'value', type: AttributeType.TENSOR, t: tensorProto(name, [v], [], DataType.DOUBLE) }],
    });
    const nodes = [
      node('BatchNormalization', ['x', 'y', 'b', 'b', 'y'], 'bn2', { epsilon: { f: 0.01 } }),
      ints('s3', [0, 3, 2]),
      node('Reshape', ['x', 's3'], 'x3'),
      vector('scale3', [0.5, 2, -1]),
      vector('var3', [0.25, 1, 4]),
      node('BatchNormalization', ['x3', 'scale3', 'scale3', 'scale3', 'var3'], 'bn3'),
      scalar('lo', -0.5),
      scalar('hi', 0.75),
      node('Clip', ['x', 'lo', 'hi'], 'cl'),
      node('Clip', ['x', '', 'hi'], 'ch'),
    ];
    const outputs = ['bn2', 'bn3', 'cl', 'ch'];
    await expectImportAgrees(await model(18, nodes, outputs), outputs);
  });

  it('Round Floor Ceil, ArgMax/ArgMin (default axis and keepdims), CumSum, ReduceProd, Gather of a tensor, Cast to int64', async () => {
    const scalar = (name: string, v: number, type: number): NodeProto => ({
      ...node('Constant', [], name),
      attribute: [{ name: 'value', type: AttributeType.TENSOR, t: tensorProto(name, [v], [], type) }],
    });
    const toDouble = (from: string, to: string) => node('Cast', [from], to, { to: DataType.DOUBLE });
    const nodes = [
      scalar('three', 3, DataType.DOUBLE),
      node('Mul', ['x', 'three'], 'x3'),
      node('Round', ['x3'], 'ro'),
      node('Floor', ['x3'], 'fl'),
      node('Ceil', ['x3'], 'ce'),
      node('ArgMax', ['x'], 'am'),
      toDouble('am', 'amf'),
      node('ArgMin', ['x'], 'an', { axis: 1, keepdims: 0 }),
      toDouble('an', 'anf'),
      scalar('one', 1, DataType.INT64),
      node('CumSum', ['x', 'one'], 'cs', { reverse: 1 }),
      node('CumSum', ['x', 'one'], 'cf'),
      ints('prod_axes', [1]),
      node('ReduceProd', ['x', 'prod_axes'], 'rp', { keepdims: 0 }),
      // Positions y·2.5 ∈ [1.25, 5]: Cast truncates them to 1…5.
      scalar('scale', 2.5, DataType.DOUBLE),
      node('Mul', ['y', 'scale'], 'ys'),
      node('Cast', ['ys'], 'pos', { to: DataType.INT64 }),
      node('Gather', ['x', 'pos'], 'g1', { axis: 1 }),
      ints('pick', [5, 0, 5]),
      node('Gather', ['W.0', 'pick'], 'g0'),
    ];
    const outputs = ['ro', 'fl', 'ce', 'amf', 'anf', 'cs', 'cf', 'rp', 'g1', 'g0'];
    const bytes = await model(18, nodes, outputs);
    const spec = JSON.parse(await importOnnx(bytes));
    expect(spec.nodes.am).toBe('argmax(x, axis=0, keepdims=true)');
    expect(spec.nodes.cs).toBe('cumsum(x, axis=1, reverse=true)');
    for (const n of [1, 4]) await expectImportAgrees(bytes, outputs, n);
  });

  it("PyTorch's x.view(x.size(0), 3, -1) with a symbolic batch: Shape, Gather, Unsqueeze, Concat, Reshape", async () => {
    const scalarIndex = { ...node('Constant', [], 'zero'), attribute: [{ name: 'value', type: AttributeType.TENSOR, t: tensorProto('zero', [0], [], DataType.INT64) }] };
    const nodes = [
      node('Shape', ['x'], 'shape'),
      scalarIndex,
      node('Gather', ['shape', 'zero'], 'n', { axis: 0 }),
      ints('axis0', [0]),
      node('Unsqueeze', ['n', 'axis0'], 'n1'),
      ints('rest', [3, -1]),
      node('Concat', ['n1', 'rest'], 'target', { axis: 0 }),
      node('Reshape', ['x', 'target'], 'v'),
      node('Tanh', ['v'], 't'),
    ];
    const spec = JSON.parse(await importOnnx(await model(18, nodes, ['t'])));
    expect(spec.nodes.v).toBe('reshape(x, shape=[-1, 3, 2])');
    for (const n of [1, 4]) await expectImportAgrees(await model(18, nodes, ['t']), ['t'], n);
  });

  it('a symbolic batch dimension becomes a named dimension, bound at run time', async () => {
    const bytes = await model(18, [node('Gemm', ['x', 'W.0', 'b'], 'g', { transB: 1 })], ['g']);
    expect(JSON.parse(await importOnnx(bytes)).inputs.x.shape).toEqual(['batch', 6]);
    for (const n of [1, 5]) await expectImportAgrees(bytes, ['g'], n);
  });
});
