import type { Node } from '../graph.js';
import { bodyOf, inputLayout, resultKind, type LoopBody } from '../loops/body.js';
import { liveNodes } from '../nodes.js';
import { sizeExpr } from './indexing.js';
import type { Shape } from '../shape.js';
import { splitIntoFunctions } from './chunks.js';
import { jsTypedArray } from '../literals.js';
import { constantValue } from '../builder.js';
import type { Schedule } from './schedule.js';
import { emitTensor, planTensor, type TensorNames, type TensorPlan, type WasmContext } from './tensor.js';

/** What a loop adds to the kernel instance: declarations, $allocate lines, buffer sizes, functions, and the step's lines. */
export interface RepeatCode {
  readonly state: string[];
  readonly allocate: string[];
  readonly elements: string[];
  readonly functions: string[];
  readonly lines: string[];
  /** The sizes of the arrays it places in the kernel's WebAssembly memory, when its body runs WebAssembly. */
  readonly placed?: readonly string[];
}

/** The loop a group of loop nodes (one per result used) runs, and its body planned as a kernel of its own. */
interface Planned {
  readonly body: LoopBody;
  readonly outputs: Node[];
  readonly plan: TensorPlan;
}

/** Body plans by the body and the emitted values used (a body is planned once per module, whoever asks). */
const plans = new WeakMap<LoopBody, Map<string, Planned>>();

/** The body of the loop `nodes` share, planned for the results they use. */
export function planRepeat(nodes: readonly Node[], dim: (d: Shape[number]) => string): Planned {
  const body = bodyOf(nodes[0].attrs.body as string);
  const n = body.carries.length;
  const used = body.emits.filter((_, j) => nodes.some((x) => x.attrs.result === 3 * n + j));
  const key = used.map((e) => body.emits.indexOf(e)).join(',');
  const known = plans.get(body)?.get(key);
  if (known) return known;
  const outputs = [...body.next, ...used];
  const planned = { body, outputs, plan: planTensor(liveNodes(outputs), outputs, dim) };
  if (!plans.has(body)) plans.set(body, new Map());
  plans.get(body)!.set(key, planned);
  return planned;
}

/** Bytes the loops of a plan allocate besides its own buffers: each body's buffers and two per carry. */
export function loopBytes(plan: TensorPlan, count: (shape: Shape) => number, bytes: number): number {
  let total = 0;
  for (const step of plan.schedule.steps) {
    if (step.kind !== 'repeat') continue;
    // Planned already (the plan's gemms list needed it), so the dimension names do not matter here.
    const { body, plan: inner } = planRepeat(step.nodes, (d) => String(d));
    for (const b of inner.memory.buffers) total += count([b.coefficient, ...b.dims]) * bytes;
    for (const n of inner.outputBases) total += count(n.shape) * bytes;
    for (const c of body.carries) total += 2 * count(c.shape) * bytes;
    total += loopBytes(inner, count, bytes);
  }
  return total;
}

/** Loop numbers per module, so each loop's variables get a prefix of their own. */
const counters = new WeakMap<object, { next: number }>();

/**
 * A real `for` over the steps: each step points the body's placeholders at the current carries,
 * the rows of the sequences and the closed-over values, runs the body's own compute functions,
 * then stores the rows of the stacked results and swaps in the next carries. The module's size
 * does not depend on the number of steps, which may be a named dimension.
 */
export function emitRepeat(nodes: readonly Node[], schedule: Schedule, names: TensorNames, storage: string, root: object, wasm?: WasmContext): RepeatCode {
  const counter = counters.get(root) ?? { next: 0 };
  counters.set(root, counter);
  const prefix = `$L${++counter.next}`;
  const { body, outputs, plan } = planRepeat(nodes, names.dim);
  const first = nodes[0];
  const layout = inputLayout(body);
  const input = (i: number) => names.buffer(schedule.views.contiguous(first.inputs[i]));
  const size = (shape: Shape) => sizeExpr(names, shape);

  // Names of the body's nodes: placeholders by role, the rest by number.
  const own = new Map<Node, string>();
  body.carries.forEach((c, i) => own.set(c, `${prefix}_carry${i}`));
  body.slices.forEach((s, i) => own.set(s, `${prefix}_row${i}`));
  body.closures.forEach((c, i) => own.set(c, `${prefix}_closure${i}`));
  let k = 0;
  const bodyNames: TensorNames = {
    ...names,
    label: (node) => node.label || body.name,
    buffer: (node) => {
      if (!own.has(node)) own.set(node, `${prefix}_${++k}`);
      return own.get(node)!;
    },
  };
  const code = emitTensor(plan, bodyNames, storage, root, wasm, true);
  const rename = (line: string) => line.replace(/\$buffer(\d+)/g, `${prefix}_buffer$1`);
  const compute = splitIntoFunctions(code.blocks, `${prefix}_step`);
  const state = [...code.state.map(rename), ...[...own.keys()].filter((x) => x.def.leaf === 'fed').map((x) => `let ${own.get(x)} = $none;`)];
  const constants = liveNodes(outputs).filter((x) => x.def.leaf === 'known' && constantValue(x) === undefined);
  for (const c of constants) state.push(`const ${bodyNames.buffer(c)} = ${jsTypedArray(storage, c.attrs.value as number[])};`);
  const allocate = code.allocate.map(rename);
  const elements = [...code.elements];
  // Two buffers per carry: a step reads one and its next carry is copied into the other (in the kernel's memory where the body's WebAssembly reads them).
  const placed = code.placed && [...code.placed];
  body.carries.forEach((c, i) => {
    for (const side of ['a', 'b']) {
      state.push(`let ${prefix}_${side}${i} = $none;`);
      allocate.push(`${prefix}_${side}${i} = ${placed ? '$alloc' : `new ${storage}`}(${size(c.shape)});`);
      elements.push(size(c.shape));
      placed?.push(size(c.shape));
    }
  });
  const data = (node: Node) => {
    const access = plan.schedule.views.of(node);
    if (access.kind !== 'strided') throw new Error(`loop output ${node} has no buffer`);
    return bodyNames.buffer(access.base);
  };

  const steps = body.slices.length > 0 ? names.dim(first.inputs[layout.xs].shape[0]) : String(first.attrs.steps);
  const lines: string[] = [`const $steps = ${steps};`];
  body.closures.forEach((c, i) => lines.push(`${own.get(c)} = ${input(layout.closures + i)};`));
  body.carries.forEach((_, i) => lines.push(`let $now${i} = ${prefix}_a${i}, $then${i} = ${prefix}_b${i};`, `$now${i}.set(${input(i)});`));
  const loop: string[] = [`const $t = ${first.attrs.reverse ? '$steps - 1 - $k' : '$k'};`];
  body.carries.forEach((c, i) => loop.push(`${own.get(c)} = $now${i};`));
  body.slices.forEach((s, i) => {
    const rowSize = size(s.shape);
    loop.push(`${own.get(s)} = ${input(layout.xs + i)}.subarray($t * ${rowSize}, ($t + 1) * ${rowSize});`);
  });
  for (const node of nodes) {
    const { kind, index } = resultKind(body, node.attrs.result as number);
    if (kind === 'before') loop.push(`${names.buffer(node)}.set($now${index}, $t * ${size(body.carries[index].shape)});`);
  }
  loop.push(`${compute.entry}();`);
  for (const node of nodes) {
    const { kind, index } = resultKind(body, node.attrs.result as number);
    if (kind === 'emit') loop.push(`${names.buffer(node)}.set(${data(body.emits[index])}, $t * ${size(body.emits[index].shape)});`);
  }
  body.next.forEach((x, i) => loop.push(`$then${i}.set(${data(x)});`));
  body.carries.forEach((_, i) => loop.push(`const $was${i} = $now${i};`, `$now${i} = $then${i};`, `$then${i} = $was${i};`));
  for (const node of nodes) {
    const { kind, index } = resultKind(body, node.attrs.result as number);
    if (kind === 'after') loop.push(`${names.buffer(node)}.set($now${index}, $t * ${size(body.carries[index].shape)});`);
  }
  lines.push('for (let $k = 0; $k < $steps; $k++) {', ...loop.map((l) => `  ${l}`), '}');
  for (const node of nodes) {
    const { kind, index } = resultKind(body, node.attrs.result as number);
    if (kind === 'final') lines.push(`${names.buffer(node)}.set($now${index});`);
  }
  return { state, allocate, elements, functions: [...code.functions.map(rename), ...compute.lines.map(rename)], lines, placed };
}
