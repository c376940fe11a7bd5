import type { Node } from '../graph.js';
import { sizeExpr } from './indexing.js';
import { staticSize, type Shape } from '../shape.js';
import { gemmCall, packingSizes } from './gemm.js';
import type { KernelContext } from './kernels/context.js';
import { kernelOf } from './kernels/index.js';
import { emitLoop } from './loop.js';
import { emitRepeat, loopBytes, planRepeat } from './loops.js';
import { assignBuffers, factorSize, type MemoryAssignment } from './memory.js';
import { schedule, type Schedule } from './schedule.js';
import { wasmLoop, type WasmLoop } from './wasm/loops.js';
import { gemmScratch, paddedElements } from './wasm/dispatch.js';
import type { WasmFunction } from './wasm/encode.js';

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

/** What a module's WebAssembly needs: its loops, the leaves it reads (staged in its memory), and the memory's size. */
export interface WasmPart {
  readonly gemm: boolean;
  readonly loops: readonly WasmLoop[];
  readonly stagedLeaves: readonly Node[];
  /** Elements of the memory (an expression): its buffers (padded, see `$alloc`), then the scratch area of `scratch` elements. */
  readonly elements: string;
  readonly scratch: number;
}

/** The module's WebAssembly as emission goes: where loops may run, and the loops compiled so far at every level. */
export interface WasmContext {
  readonly dtype: 'float32' | 'float64';
  readonly ts: boolean;
  readonly loops: WasmLoop[];
}

export interface TensorCode {
  readonly state: string[];
  readonly allocate: string[];
  readonly elements: string[];
  readonly blocks: string[][];
  readonly functions: string[];
  /** The sizes of the arrays `$alloc` places in the kernel's memory (this level's and its loops'), when it places any. */
  readonly placed?: readonly string[];
  /** The module's WebAssembly (top level only). */
  readonly wasm?: WasmPart;
}

/**
 * Per-instance state, the lines of $allocate, and the compute blocks (one per step). With `wasm`,
 * fused loops may run in WebAssembly and, where this level or a loop body runs any, its buffers
 * live in the kernel's memory; a loop body (`nested`) leaves staging the feeds and reserving the
 * memory to the top level.
 */
export function emitTensor(plan: TensorPlan, names: TensorNames, storage: string, root: object = names, wasm?: WasmContext, nested = false): TensorCode {
  const { schedule: s, memory } = plan;
  let locals = 0;
  /** The compute functions of loop bodies, and the state, allocations and sizes of loops (after the buffers'). */
  const functions: string[] = [];
  const repeats = { state: [] as string[], allocate: [] as string[], elements: [] as string[], placed: [] as string[] };
  /** What this level's WebAssembly loop calls read (a loop's twin reads buffers of its own), and the inputs of loops whose bodies use WebAssembly. */
  const wasmReads: Node[] = [];
  let calls = 0;
  const blocks = s.steps.map((step) => {
    const nodes = step.kind === 'loop' ? step.members : step.kind === 'repeat' ? step.nodes : [step.node];
    const labels = [...new Set(nodes.map(names.label))];
    const comment = `// ${labels.join(', ')}`;
    let lines: string[];
    if (step.kind === 'loop') {
      lines = emitLoop(step, { schedule: s, ...names });
      const context = { schedule: s, ...names };
      let compiled = wasm && wasmLoop(step, context, wasm.loops.length + 1, wasm.dtype, wasm.ts);
      if (wasm && compiled) {
        // A loop whose function is one the module has (a layer like the one before) calls that one.
        const twin = wasm.loops.findIndex((l) => sameFunction(l.fn, compiled!.fn));
        if (twin >= 0) compiled = wasmLoop(step, context, twin + 1, wasm.dtype, wasm.ts)!;
        else wasm.loops.push(compiled);
        wasmReads.push(...compiled.reads);
        calls++;
        lines = [`if (!${compiled.call}) {`, ...lines.map((l) => `  ${l}`), '}'];
      }
    }
    else if (step.kind === 'gemm') lines = gemmCall(step.node, s.views, names);
    else if (step.kind === 'repeat') {
      const code = emitRepeat(step.nodes, s, names, storage, root, wasm);
      repeats.state.push(...code.state);
      repeats.allocate.push(...code.allocate);
      repeats.elements.push(...code.elements);
      if (code.placed) {
        repeats.placed.push(...code.placed);
        wasmReads.push(...step.nodes[0]!.inputs.flatMap((x) => stridedBase(s, x)));
      }
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

  const heap = wasm !== undefined && (plan.gemms.length > 0 || calls > 0 || repeats.placed.length > 0);
  const layout = heap && !nested ? heapLayout(plan, wasmReads, wasm.dtype) : undefined;
  const state: string[] = [];
  const allocate: string[] = [];
  /** The size of every array $allocate makes, so a run can refuse sizes past its limit before allocating. */
  const elements: string[] = [];
  const placed: string[] = [];
  const size = (shape: Shape) => sizeExpr(names, shape);
  const allocation = (variable: string, shape: Shape) => {
    elements.push(size(shape));
    allocate.push(`${variable} = ${heap ? '$alloc' : `new ${storage}`}(${size(shape)});`);
    if (heap) placed.push(size(shape));
  };
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
  for (const leaf of layout?.stagedLeaves ?? []) allocation(`$stage_${names.buffer(leaf)}`, leaf.shape);
  placed.push(...repeats.placed);
  const part = layout && wasm && { gemm: plan.gemms.length > 0, loops: wasm.loops, ...layout, elements: memoryElements(placed, layout.scratch, wasm.dtype) };
  if (part) allocate.unshift(`$reserve(${part.elements});`);
  return {
    state: [...state, ...repeats.state],
    allocate: [...allocate, ...repeats.allocate],
    elements: [...elements, ...repeats.elements],
    blocks,
    functions,
    placed: heap ? placed : undefined,
    wasm: part || undefined,
  };
}

/** The node whose buffer a step reads x from, through x's view's strides (none for a literal). */
function stridedBase(s: Schedule, x: Node): Node[] {
  const access = s.views.of(x);
  return access.kind === 'strided' ? [access.base] : [];
}

/**
 * The leaves the WebAssembly reads (staged in its memory once per run, not copied per call; the
 * inputs of loops whose bodies use it among them), and
 * the elements of its scratch area: the largest gemm's packed blocks and copies of the constants
 * the WebAssembly reads.
 */
function heapLayout(plan: TensorPlan, loopReads: readonly Node[], dtype: 'float32' | 'float64'): { stagedLeaves: Node[]; scratch: number } {
  // A gemm reads its operands through their views' strides (gemm.ts gemmCall).
  const gemmReads = plan.schedule.steps.flatMap((step) => (step.kind === 'gemm' ? step.node.inputs.flatMap((x) => stridedBase(plan.schedule, x)) : []));
  const reads = new Set([...gemmReads, ...loopReads]);
  const constants = [...reads].filter((n) => n.def.leaf === 'known');
  const known = (d: Shape[number]) => (typeof d === 'number' ? d : undefined);
  const gemmBlocks = Math.max(0, ...plan.gemms.map((g) => gemmScratch(dtype, known(g.inputs[0].shape.at(-2)!), known(g.inputs[0].shape.at(-1)!), known(g.shape.at(-1)!))));
  return {
    stagedLeaves: [...reads].filter((n) => n.def.leaf === 'fed'),
    scratch: gemmBlocks + constants.reduce((total, c) => total + paddedElements(dtype, staticSize(c.shape)!), 0),
  };
}

/** Two WebAssembly functions with the same signature, locals and code. */
function sameFunction(a: WasmFunction, b: WasmFunction): boolean {
  const same = (x: readonly unknown[], y: readonly unknown[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return same(a.params, b.params) && same(a.results, b.results) && same(a.locals, b.locals) && same(a.body, b.body);
}

/** The memory's elements, as an expression: the arrays of `sizes` as `$alloc` places them, then the scratch area. */
function memoryElements(sizes: readonly string[], scratch: number, dtype: 'float32' | 'float64'): string {
  const vector = paddedElements(dtype, 0);
  const fixed = sizes.filter((e) => /^\d+$/.test(e)).reduce((total, e) => total + paddedElements(dtype, Number(e)), scratch);
  return [...sizes.filter((e) => !/^\d+$/.test(e)).map((e) => `(Math.ceil(${e} / ${vector}) + 1) * ${vector}`), String(fixed)].join(' + ');
}

/**
 * Bytes of every buffer a kernel instance allocates (with the module's gemm packing arrays, or
 * with `wasm` its WebAssembly memory, where the JS packing arrays are made only if it falls back),
 * and of all intermediate tensors if each had its own.
 */
export function tensorBytes(plan: TensorPlan, order: readonly Node[], bytes: number, dims: Readonly<Record<string, number>>, wasm?: WasmPart): { workspace: number; intermediates: number } {
  const count = (shape: Shape) => shape.reduce<number>((n, d) => n * (typeof d === 'number' ? d : (dims[d] ?? 1)), 1);
  const dtype = bytes === 4 ? 'float32' : 'float64';
  const placed = (shape: Shape) => (wasm ? paddedElements(dtype, count(shape)) : count(shape)) * bytes;
  let workspace = 0;
  for (const b of plan.memory.buffers) workspace += placed([b.coefficient, ...b.dims]);
  for (const n of plan.outputBases) workspace += placed(n.shape);
  workspace += loopBytes(plan, count, bytes);
  if (wasm) {
    for (const leaf of wasm.stagedLeaves) workspace += placed(leaf.shape);
    workspace += wasm.scratch * bytes;
  } else if (plan.gemms.length > 0) {
    const { a, b } = packingSizes(plan.gemms);
    workspace += (a + b) * 8;
  }
  let intermediates = 0;
  for (const n of order) if (n.def.emit.kind !== 'leaf') intermediates += count(n.shape) * bytes;
  return { workspace, intermediates };
}
