import { constantValue } from '../builder.js';
import type { Node } from '../graph.js';
import { liveNodes } from '../nodes.js';
import { staticSize, type Shape } from '../shape.js';
import { splitIntoFunctions } from './chunks.js';
import { packingSizes, type Target } from './gemm.js';
import { elementReader } from './indexing.js';
import { jsOperand } from '../literals.js';
import { variableNames, type Program } from './program.js';
import { elementCount, expandScalars } from './scalar.js';
import { emitStraight } from './straight.js';
import { emitTape } from './tape.js';
import { hasScalarCall } from './types.js';
import { emitTensor, planTensor, tensorBytes, type WasmPart } from './tensor.js';
import { isLoop } from '../loops/body.js';

/** The compute part of a kernel instance, whatever the mode. */
export interface Body {
  /** Declarations inside the instance (buffers, workspaces). */
  readonly state: string[];
  /** Lines of $allocate, run once the named dimensions are bound. */
  readonly allocate: string[];
  /** Expressions for the sizes of the arrays $allocate makes (summed against the kernel's maxElements). */
  readonly elements: readonly string[];
  /** The compute functions, and the one to call. */
  readonly functions: string[];
  readonly compute: string;
  /** The variable holding an output's data: fixed per allocation, or (leaves) taken per run. */
  data(node: Node): { readonly value: string; readonly perRun: boolean };
}

export interface ModulePlan {
  readonly storage: 'Float64Array' | 'Float32Array';
  readonly names: ReadonlyMap<Node, string>;
  readonly dimNames: readonly string[];
  dim(d: Shape[number]): string;
  /** Constant tensors the compute reads from module-level arrays. */
  readonly constants: readonly Node[];
  /** Sizes of the gemm packing arrays, when the module has gemms. */
  readonly gemm?: { readonly a: number; readonly b: number };
  readonly body: Body;
  /** Present when every input and param is a scalar: the size of the flat output of createScalarKernel(). */
  readonly scalarCall?: { readonly size: number };
  /** The body of the per-point entry when it can compute directly on its number arguments. */
  readonly scalarBody?: readonly string[];
  /** The module's WebAssembly (the wasm target, with a gemm or a loop it runs). */
  readonly wasm?: WasmPart;
  /** Module-level code the compute needs (the tape). */
  readonly moduleCode: readonly string[];
  /** One line for the module header. */
  readonly summary: string;
  /** Bytes a kernel instance allocates, and of all intermediate tensors if each had its own, for these named dimensions. */
  memory(dims: Readonly<Record<string, number>>): { workspace: number; intermediates: number };
}

/** Graphs whose tensors all have at most this many elements (and nodes this many flops: a matmul of 4,096 multiply-adds) are expanded into scalars. */
const SCALAR_MAX_ELEMENTS = 256;
const SCALAR_MAX_FLOPS = 8192;
/**
 * Expanded programs up to this many operations are straight-line code; longer ones run as a tape,
 * which is as fast once V8 has optimized both, but is a fraction of the source and is optimized
 * after a few runs instead of hundreds (each straight-line function runs once per call).
 */
export const STRAIGHT_MAX_OPS = 5_000;
const TAPE_MAX_OPS = 8_000_000;

/** Decides how the program is computed and writes the compute part. */
export function planModule(program: Program, language: 'ts' | 'js' = 'js', target: Target = 'js'): ModulePlan {
  const outputs = program.outputs.map((o) => o.node);
  const order = liveNodes(outputs);
  outputs[0]?.graph.checkTime();
  const dimNames = [...new Set([...program.inputs, ...program.params].flatMap((l) => l.shape.filter((d): d is string => typeof d === 'string')))];
  const dim = (d: Shape[number]) => (typeof d === 'number' ? String(d) : `$dim_${d}`);
  const storage: ModulePlan['storage'] = program.dtype === 'float32' ? 'Float32Array' : 'Float64Array';
  const literal = (v: number) => jsOperand(program.dtype === 'float32' ? Math.fround(v) : v);
  const bytes = program.dtype === 'float32' ? 4 : 8;
  const scalarCall = hasScalarCall(program) ? { size: outputs.reduce((n, o) => n + staticSize(o.shape)!, 0) } : undefined;

  // A loop stays a loop: never expanded into scalars.
  const scalars = scalarCandidate(order) && !order.some((n) => isLoop(n)) ? expandScalars(order, outputs, program.dtype, TAPE_MAX_OPS) : undefined;
  const ops = scalars ? scalars.values.filter((v) => v.kind === 'op').length : 0;
  // A tape names only leaves and outputs; everything else is a slot.
  const named = scalars && ops > STRAIGHT_MAX_OPS ? order.filter((n) => n.inputs.length === 0 || outputs.includes(n)) : order;
  const names = variableNames(named, program);
  const buffer = (node: Node) => names.get(node)!;
  const base = { storage, names, dimNames, dim, scalarCall };
  if (scalars) {
    const scalarNames = { buffer, literal, ts: language === 'ts' };
    const straight = ops <= STRAIGHT_MAX_OPS ? emitStraight(scalars, scalarNames, scalarCall && flatOffsets(program)) : undefined;
    const code = straight ? { module: [], ...straight } : emitTape(scalars, scalarNames);
    outputs[0]?.graph.checkTime();
    const unique = [...new Set(outputs.filter((o) => o.def.leaf !== 'fed'))];
    const body: Body = {
      state: [...code.state, ...unique.map((o) => `let ${buffer(o)} = $none;`)],
      allocate: unique.map((o) => `${buffer(o)} = new ${storage}(${staticSize(o.shape)});`),
      elements: unique.map((o) => String(staticSize(o.shape))),
      functions: code.functions,
      compute: code.entry,
      data: (node) => ({ value: buffer(node), perRun: node.def.leaf === 'fed' }),
    };
    const mode = ops <= STRAIGHT_MAX_OPS ? 'straight-line code' : 'a tape';
    const memory = () => ({
      workspace: code.slots * 8 + unique.reduce((n, o) => n + staticSize(o.shape)! * bytes, 0),
      intermediates: order.reduce((n, o) => n + (o.def.emit.kind === 'leaf' ? 0 : elementCount(o.shape)! * bytes), 0),
    });
    const summary = `${ops} scalar operations as ${mode}`;
    return { ...base, constants: [], body, scalarBody: straight?.scalarBody, moduleCode: code.module, summary, memory };
  }
  const plan = planTensor(order, outputs, dim);
  outputs[0]?.graph.checkTime();
  const at = elementReader(language === 'ts');
  const wasm = target === 'wasm' ? { dtype: program.dtype, ts: language === 'ts', loops: [] } : undefined;
  const tensor = emitTensor(plan, { buffer, literal, dim, at, local: (h) => `$${h}`, label: (n) => n.label || names.get(n)!.split('$')[0] }, storage, undefined, wasm);
  const { lines, entry } = splitIntoFunctions(tensor.blocks, '$compute');
  const constants = order.filter((n) => n.def.leaf === 'known' && constantValue(n) === undefined);
  const body: Body = {
    state: tensor.state,
    allocate: tensor.allocate,
    elements: tensor.elements,
    functions: [...tensor.functions, ...lines],
    compute: entry,
    data: (node) => {
      const access = plan.schedule.views.of(node);
      if (access.kind !== 'strided') throw new Error(`output ${node} has no buffer`);
      return { value: names.get(access.base)!, perRun: access.base.def.leaf === 'fed' };
    },
  };
  const loops = plan.schedule.steps.filter((s) => s.kind === 'loop').length;
  const summary = `${plan.schedule.steps.length} steps (${loops} fused loops), ${plan.memory.buffers.length} pooled buffers`;
  const memory = (dims: Readonly<Record<string, number>>) => tensorBytes(plan, order, bytes, dims, tensor.wasm);
  return { ...base, constants, gemm: plan.gemms.length > 0 ? packingSizes(plan.gemms) : undefined, body, wasm: tensor.wasm, moduleCode: [], summary, memory };
}

/** Where each output node's values start in the flat output of the per-point entry (signature order). */
export function flatOffsets(program: Program): Map<Node, number[]> {
  const offsets = new Map<Node, number[]>();
  let offset = 0;
  for (const { node } of program.outputs) {
    offsets.set(node, [...(offsets.get(node) ?? []), offset]);
    offset += staticSize(node.shape)!;
  }
  return offsets;
}

/** Small static tensors only: expanding them into scalars removes every loop and index computation. */
function scalarCandidate(order: readonly Node[]): boolean {
  const count = (shape: Shape) => elementCount(shape) ?? Infinity;
  return order.every((n) => {
    const size = elementCount(n.shape);
    return size !== undefined && size <= SCALAR_MAX_ELEMENTS && (n.def.flops?.(n, count) ?? size) <= SCALAR_MAX_FLOPS;
  });
}

/** What `symgrad stats` prints about memory: bytes a kernel instance allocates vs the sum of all intermediate tensors. */
export interface MemoryPlan {
  readonly workspaceBytes: number;
  readonly intermediateBytes: number;
  /** Sizes used for named dimensions (1 unless given). */
  readonly dims: Readonly<Record<string, number>>;
}

/** The memory plan of the module `compile` writes for `target` (by default its default, wasm: buffers in the WebAssembly memory). */
export function memoryPlan(program: Program, dims: Readonly<Record<string, number>> = {}, target: Target = 'wasm'): MemoryPlan {
  const plan = planModule(program, 'js', target);
  const bound = Object.fromEntries(plan.dimNames.map((d) => [d, dims[d] ?? 1]));
  const { workspace, intermediates } = plan.memory(bound);
  return { workspaceBytes: workspace, intermediateBytes: intermediates, dims: bound };
}
