import type { Node } from '../graph.js';
import { sizeExpr } from './indexing.js';
import type { Shape } from '../shape.js';
import { gemmCall, packingSizes } from './gemm.js';
import type { KernelContext } from './kernels/context.js';
import { kernelOf } from './kernels/index.js';
import { emitLoop } from './loop.js';
import { emitRepeat, loopBytes, planRepeat } from './loops.js';
import { assignBuffers, factorSize, type MemoryAssignment } from './memory.js';
import { schedule, type Schedule } from './schedule.js';
import { wasmLoop, type WasmLoop } from './wasm/loops.js';

/** The plan for tensors of any size: fused steps, and which pooled buffer holds each stored node. */
export interface TensorPlan {
  readonly schedule: Schedule;
  readonly memory: MemoryAssignment;
  /** Stored nodes that outputs read: they get exact buffers of their own, never pooled. */
  readonly outputBases: ReadonlySet<Node>;
  readonly gemms: readonly Node[];
}

export function planTensor(order: readonly Node[], outputs: readonly Node[], dim: (d: Shape[number]) => string): TensorPlan {
  const plan = schedule(order, outputs, dim);
  const outputBases = new Set<Node>();
  for (const o of outputs) {
    const access = plan.views.of(o);
    if (access.kind === 'strided' && plan.stored.has(access.base)) outputBases.add(access.base);
  }
  const pooled = [...plan.stored].filter((n) => !outputBases.has(n));
  const memory = assignBuffers(pooled, plan.position, plan.lastUse, plan.steps.length);
  const gemms = plan.steps.flatMap((s) => (s.kind === 'gemm' ? [s.node] : s.kind === 'repeat' ? planRepeat(s.nodes, dim).plan.gemms : []));
  return { schedule: plan, memory, outputBases, gemms };
}

export interface TensorNames {
  /** A fresh local-variable name for an op's own kernel code. */
  local(hint: string): string;
  /** Variable of a leaf's array or a stored node's buffer. */
  buffer(node: Node): string;
  literal(value: number): string;
  dim(d: Shape[number]): string;
  /** An element read (`a[i]`, or `a[i]!` in TypeScript). */
  at(array: string, index: string): string;
  /** The spec node a node comes from, for comments. */
  label(node: Node): string;
}

/** Per-instance state, the lines of $allocate, and the compute blocks (one per step). */
export function emitTensor(
  plan: TensorPlan,
  names: TensorNames,
  storage: string,
  root: object = names,
  /** Where fused loops may run in the module's WebAssembly (the wasm target of a module with a gemm). */
  wasm?: { readonly dtype: 'float32' | 'float64'; readonly ts: boolean },
): { state: string[]; allocate: string[]; elements: string[]; blocks: string[][]; functions: string[]; wasmLoops: WasmLoop[] } {
  const { schedule: s, memory } = plan;
  const state: string[] = [];
  const allocate: string[] = [];
  /** The size of every array $allocate makes, so a run can refuse sizes past its limit before allocating. */
  const elements: string[] = [];
  const size = (shape: Shape) => sizeExpr(names, shape);
  const allocation = (variable: string, shape: Shape) => {
    elements.push(size(shape));
    allocate.push(`${variable} = new ${storage}(${size(shape)});`);
  };
  let locals = 0;
  /** The compute functions of loop bodies. */
  const functions: string[] = [];
  const wasmLoops: WasmLoop[] = [];
  for (const buffer of memory.buffers) {
    state.push(`let ${buffer.name} = $none;`);
    allocation(buffer.name, [buffer.coefficient, ...buffer.dims]);
  }
  for (const node of s.stored) {
    state.push(`let ${names.buffer(node)} = $none;`);
    const buffer = memory.bufferOf.get(node);
    if (!buffer) {
      allocation(names.buffer(node), node.shape);
    } else {
      const exact = factorSize(node.shape).coefficient === buffer.coefficient;
      allocate.push(`${names.buffer(node)} = ${buffer.name}${exact ? '' : `.subarray(0, ${size(node.shape)})`};`);
    }
  }
  const blocks = s.steps.map((step) => {
    const nodes = step.kind === 'loop' ? step.members : step.kind === 'repeat' ? step.nodes : [step.node];
    const labels = [...new Set(nodes.map(names.label))];
    const comment = `// ${labels.join(', ')}`;
    let lines: string[];
    if (step.kind === 'loop') {
      lines = emitLoop(step, { schedule: s, ...names });
      const compiled = wasm && wasmLoop(step, { schedule: s, ...names }, wasmLoops.length + 1, wasm.dtype, wasm.ts);
      if (compiled) {
        wasmLoops.push(compiled);
        lines = [`if (!${compiled.call}) {`, ...lines.map((l) => `  ${l}`), '}'];
      }
    }
    else if (step.kind === 'gemm') lines = gemmCall(step.node, s.views, names);
    else if (step.kind === 'repeat') {
      const code = emitRepeat(step.nodes, s, names, storage, root);
      state.push(...code.state);
      allocate.push(...code.allocate);
      elements.push(...code.elements);
      functions.push(...code.functions);
      lines = code.lines;
    }
    else {
      const node = step.node;
      const context: KernelContext = {
        node,
        out: names.buffer(node),
        ins: node.inputs.map((x) => names.buffer(s.views.contiguous(x))),
        dim: names.dim,
        at: names.at,
        local: (hint) => `$${hint}_${++locals}`,
      };
      lines = kernelOf(node).lines(context);
    }
    return [comment, '{', ...lines.map((l) => `  ${l}`), '}'];
  });
  return { state, allocate, elements, blocks, functions, wasmLoops };
}

/** Bytes of every buffer a kernel instance allocates (with the module's gemm packing arrays), and of all intermediate tensors if each had its own. */
export function tensorBytes(plan: TensorPlan, order: readonly Node[], bytes: number, dims: Readonly<Record<string, number>>): { workspace: number; intermediates: number } {
  const count = (shape: Shape) => shape.reduce<number>((n, d) => n * (typeof d === 'number' ? d : (dims[d] ?? 1)), 1);
  let workspace = 0;
  for (const b of plan.memory.buffers) workspace += count([b.coefficient, ...b.dims]) * bytes;
  for (const n of plan.outputBases) workspace += count(n.shape) * bytes;
  workspace += loopBytes(plan, count, bytes);
  if (plan.gemms.length > 0) {
    const { a, b } = packingSizes(plan.gemms);
    workspace += (a + b) * 8;
  }
  let intermediates = 0;
  for (const n of order) if (n.def.emit.kind !== 'leaf') intermediates += count(n.shape) * bytes;
  return { workspace, intermediates };
}
