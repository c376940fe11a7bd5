import type { Node } from '../graph.js';
import { sizeExpr, strideExprs, type LoopContext } from './indexing.js';
import type { Shape } from '../shape.js';
import { memberKind, memberReads, type LoopRead, type LoopStep, type Schedule } from './schedule.js';
import { jsNumber } from '../literals.js';

/** What a fused loop's emission needs: the loop context, the schedule, buffers and literals. */
export interface FusedLoopContext extends LoopContext {
  readonly schedule: Schedule;
  /** Variable holding a leaf's array or a stored node's buffer. */
  buffer(node: Node): string;
  /** A JS literal for a constant, in the module's dtype. */
  literal(value: number): string;
  /** An element read (`a[i]`, or `a[i]!` in TypeScript). */
  at(array: string, index: string): string;
}

/** The value of a member inside its loop: a `const` named after the node with a trailing `$`. */
export const localName = (buffer: string) => `${buffer}$`;

/**
 * One fused loop: every member's value is a `const` local; only stored members are written to
 * their buffers. A flat loop when every read is at the loop's own index or loop-invariant;
 * otherwise nested loops with strided (broadcast, transposed) reads. Loop-invariant loads are
 * hoisted; full reductions accumulate in a local, partial ones in their buffer.
 */
export function emitLoop(step: LoopStep, c: FusedLoopContext): string[] {
  const { schedule } = c;
  const shape = step.shape;
  const own = strideExprs(c, shape);
  const loops = shape.map((d, a) => (d === 1 ? undefined : `$i${a}`));
  const flat = isFlat(step, c);
  const offset = (strides: readonly string[]) => {
    if (flat) return strides.some((s, a) => s !== '0' && shape[a] !== 1) ? '$i' : '0';
    const terms = strides.flatMap((s, a) => (s === '0' || loops[a] === undefined ? [] : [s === '1' ? loops[a]! : `${loops[a]} * ${s}`]));
    return terms.join(' + ') || '0';
  };
  const before: string[] = [];
  const body: string[] = [];
  const after: string[] = [];
  const loads = new Map<string, string>();
  const perBuffer = new Map<string, number>();
  const load = (base: Node, strides: readonly string[]) => {
    const buffer = c.buffer(base);
    const index = offset(strides);
    const key = `${buffer}[${index}]`;
    let name = loads.get(key);
    if (!name) {
      const count = perBuffer.get(buffer) ?? 0;
      perBuffer.set(buffer, count + 1);
      name = count === 0 ? localName(buffer) : `${localName(buffer)}$${count}`;
      loads.set(key, name);
      (index === '0' ? before : body).push(`const ${name} = ${c.at(buffer, index)};`);
    }
    return name;
  };
  const arg = (r: LoopRead) => (r.kind === 'literal' ? c.literal(r.value) : r.kind === 'local' ? localName(c.buffer(r.node)) : load(r.base, r.strides!));

  for (const node of step.members) {
    const kind = memberKind(node, schedule.views);
    const reads = memberReads(node, kind, shape, schedule.views, step);
    const out = c.buffer(node);
    const value = localName(out);
    if (kind === 'reduce') {
      const { identity, combine } = node.def.reduction!;
      const initial = jsNumber(identity);
      const axes = node.attrs.axes as number[];
      if (axes.length === shape.length) {
        before.push(`let ${value} = ${initial};`);
        body.push(`${value} = ${combine(value, arg(reads[0]))};`);
        if (schedule.stored.has(node)) after.push(`${out}[0] = ${value};`);
      } else {
        const slot = offset(own.map((_, a) => (axes.includes(a) ? '0' : reducedStride(shape, axes, a, c))));
        before.push(`${out}.fill(${initial});`);
        body.push(`${out}[${slot}] = ${combine(c.at(out, slot), arg(reads[0]))};`);
      }
      continue;
    }
    if (kind === 'dot') body.push(...dot(node, value, loops, c));
    else if (kind === 'copy') body.push(`const ${value} = ${arg(reads[0])};`);
    else {
      const emit = node.def.emit;
      if (emit.kind !== 'elementwise') throw new Error(`${node.op} is not elementwise`);
      body.push(`const ${value} = ${emit.expr(reads.map(arg), node.attrs)};`);
    }
    if (schedule.stored.has(node)) body.push(`${out}[${offset(own)}] = ${value};`);
  }
  const open = flat
    ? shape.some((d) => d !== 1) ? [`for (let $i = 0; $i < ${sizeExpr(c, shape)}; $i++) {`] : []
    : loops.flatMap((v, a) => (v === undefined ? [] : [`for (let ${v} = 0; ${v} < ${c.dim(shape[a])}; ${v}++) {`]));
  const indent = (line: string, depth: number) => '  '.repeat(depth) + line;
  return [
    ...before,
    ...open.map((line, depth) => indent(line, depth)),
    ...body.map((line) => indent(line, open.length)),
    ...open.map((_, depth) => indent('}', open.length - 1 - depth)),
    ...after,
  ];
}

/** One flat index serves the loop when every read is at the loop's own index or invariant, and nothing needs axis indices. */
function isFlat(step: LoopStep, c: FusedLoopContext): boolean {
  const { schedule } = c;
  const own = strideExprs(c, step.shape);
  return step.members.every((node) => {
    const kind = memberKind(node, schedule.views);
    if (kind === 'dot') return false;
    if (kind === 'reduce' && (node.attrs.axes as number[]).length !== step.shape.length) return false;
    return memberReads(node, kind, step.shape, schedule.views, step).every(
      (r) => r.kind !== 'buffer' || r.strides!.every((s, a) => step.shape[a] === 1 || s === '0') || r.strides!.every((s, a) => step.shape[a] === 1 || s === own[a]),
    );
  });
}

/** Stride of axis a in the reduced (kept) output of a partial reduction. */
function reducedStride(shape: Shape, axes: readonly number[], a: number, c: FusedLoopContext): string {
  const kept = shape.map((d, k) => (axes.includes(k) ? 1 : d));
  return strideExprs(c, kept)[a];
}

/** A small matmul as a dot product at this loop index: A's row i times B's column j, over k. */
function dot(node: Node, value: string, loops: readonly (string | undefined)[], c: FusedLoopContext): string[] {
  const [a, b] = node.inputs;
  const matrix = (x: Node, side: 'left' | 'right') => {
    const access = c.schedule.views.of(x);
    if (access.kind !== 'strided') throw new Error('matmul operands are copied when constant');
    const s = access.strides;
    return { name: c.buffer(access.base), rows: x.shape.length === 2 ? s[0] : side === 'left' ? '0' : s[0], cols: x.shape.length === 2 ? s[1] : side === 'left' ? s[0] : '0' };
  };
  const [A, B] = [matrix(a, 'left'), matrix(b, 'right')];
  const i = a.shape.length === 2 ? (loops[0] ?? '0') : '0';
  const j = b.shape.length === 2 ? (loops[a.shape.length === 2 ? 1 : 0] ?? '0') : '0';
  const k = a.shape.at(-1)!;
  const at = (base: string, p: string, stride: string) => [base, p === '0' || stride === '0' ? '' : stride === '1' ? p : `${p} * ${stride}`].filter((t) => t && t !== '0').join(' + ') || '0';
  const rowA = at('', i, A.rows);
  const colB = at('', j, B.cols);
  const term = (p: string) => `${c.at(A.name, at(rowA, p, A.cols))} * ${c.at(B.name, at(colB, p, B.rows))}`;
  if (typeof k === 'number' && k <= 8) {
    // Summed from +0 like the loop below, the gemm and the interpreter (as BLAS does): −0 products give +0.
    const terms = ['0', ...Array.from({ length: k }, (_, p) => term(String(p)))];
    return [`const ${value} = ${terms.join(' + ')};`];
  }
  return [`let ${value} = 0;`, `for (let $p = 0; $p < ${c.dim(k)}; $p++) ${value} += ${term('$p')};`];
}
