import type { Node } from '../graph.js';
import { sameShape, type Shape } from '../shape.js';
import { broadcastStrideExprs, strideExprs } from './indexing.js';
import { kernelOf } from './kernels/index.js';
import { isView, Views, type Access } from './views.js';
import { sameLoop } from '../loops/shape.js';
import { isLoop } from '../loops/body.js';

/**
 * One fused loop over `shape`: elementwise members (`map`), copies of views (`copy`), small
 * matmuls as dot products (`dot`) and reductions of a member-shaped value (`reduce`).
 */
export interface LoopStep {
  readonly kind: 'loop';
  readonly shape: Shape;
  readonly members: Node[];
}
/** The nodes of one `loop` (one per result used), computed by one step (codegen/loops.ts). */
export interface RepeatStep {
  readonly kind: 'repeat';
  readonly nodes: Node[];
}
export type Step = LoopStep | RepeatStep | { readonly kind: 'gemm'; readonly node: Node } | { readonly kind: 'kernel'; readonly node: Node };

export type MemberKind = 'map' | 'copy' | 'dot' | 'reduce';

/** A value a loop member reads: a literal, a local of the same loop, or a buffer through per-loop-axis strides (null: whole rows/columns). */
export type LoopRead =
  | { readonly kind: 'literal'; readonly value: number }
  | { readonly kind: 'local'; readonly node: Node }
  | { readonly kind: 'buffer'; readonly base: Node; readonly strides: readonly string[] | null };

export interface Schedule {
  readonly steps: readonly Step[];
  readonly views: Views;
  /** Nodes that own a buffer: computed values read by another step, outputs, partial reductions, copies. */
  readonly stored: ReadonlySet<Node>;
  /** The step that writes each scheduled node. */
  readonly position: ReadonlyMap<Node, number>;
  /** The last step that reads each stored node's buffer (outputs: steps.length). */
  readonly lastUse: ReadonlyMap<Node, number>;
}

const MAX_MEMBERS = 200;

/**
 * Orders the computed nodes into steps. Each fusable node joins the latest loop over its shape
 * when everything it reads is a leaf, a local of that loop at the same index, or a buffer written
 * by an earlier step; otherwise it opens a new loop at the end. Joining never moves a read before
 * its write, so the order stays valid, and chains and siblings of one shape share one loop.
 */
export function schedule(order: readonly Node[], outputs: readonly Node[], dim: (d: Shape[number]) => string): Schedule {
  const views = new Views(dim);
  for (const node of order) views.of(node);
  for (const node of order) {
    const kind = stepKind(node, views);
    if (kind === 'kernel') node.inputs.forEach((x) => views.contiguous(x));
    if (kind === 'gemm' || kind === 'dot') node.inputs.forEach((x) => views.of(x).kind === 'literal' && views.contiguous(x));
  }
  for (const o of outputs) if (o.def.leaf !== 'fed') views.contiguous(o);

  const steps: Step[] = [];
  const position = new Map<Node, number>();
  const lastLoop = new Map<string, number>();
  for (const node of order) {
    const kind = stepKind(node, views);
    if (kind === undefined) continue;
    if (isLoop(node)) {
      const p = steps.findIndex((step) => step.kind === 'repeat' && sameLoop(step.nodes[0], node));
      if (p >= 0) (steps[p] as RepeatStep).nodes.push(node);
      else steps.push({ kind: 'repeat', nodes: [node] });
      position.set(node, p >= 0 ? p : steps.length - 1);
      continue;
    }
    if (kind === 'gemm' || kind === 'kernel') {
      position.set(node, steps.length);
      steps.push({ kind, node });
      continue;
    }
    const shape = loopShape(node, kind);
    const key = JSON.stringify(shape);
    const candidate = lastLoop.get(key);
    const fits = (p: number) => {
      const step = steps[p] as LoopStep;
      return step.members.length < MAX_MEMBERS && memberReads(node, kind, shape, views, step).every((r) => available(r, p, position));
    };
    const p = candidate !== undefined && fits(candidate) ? candidate : steps.length;
    if (p === steps.length) {
      steps.push({ kind: 'loop', shape, members: [] });
      lastLoop.set(key, p);
    }
    (steps[p] as LoopStep).members.push(node);
    position.set(node, p);
  }

  const stored = new Set<Node>();
  const lastUse = new Map<Node, number>();
  const use = (base: Node, p: number) => {
    if (!position.has(base)) return;
    stored.add(base);
    lastUse.set(base, Math.max(lastUse.get(base) ?? p, p));
  };
  steps.forEach((step, p) => {
    if (step.kind === 'loop') {
      for (const m of step.members) {
        const kind = memberKind(m, views);
        if (kind === 'reduce' && (m.attrs.axes as number[]).length !== step.shape.length) use(m, p);
        for (const r of memberReads(m, kind, step.shape, views, step)) if (r.kind === 'buffer') use(r.base, p);
      }
    } else {
      for (const node of step.kind === 'repeat' ? step.nodes : [step.node]) {
        use(node, p);
        for (const x of node.inputs) {
          const access = step.kind !== 'gemm' ? views.of(views.contiguous(x)) : views.of(x);
          if (access.kind === 'strided') use(access.base, p);
        }
      }
    }
  });
  for (const o of outputs) {
    const access = views.of(o);
    if (access.kind === 'strided') use(access.base, steps.length);
  }
  return { steps, views, stored, position, lastUse };
}

/** How a computed node is scheduled: a loop member, a gemm, an op's own kernel, or nothing (leaves and views are read in place). */
export function stepKind(node: Node, views: Views): MemberKind | 'gemm' | 'kernel' | undefined {
  if (views.copies.has(node)) return 'copy';
  if (node.def.emit.kind === 'leaf' || isView(node)) return undefined;
  if (node.def.emit.kind === 'elementwise') return 'map';
  if (node.def.reduction) return 'reduce';
  if (node.def.emit.kind === 'repeat') return 'kernel';
  const kernel = kernelOf(node);
  return kernel.step ? kernel.step(node) : 'kernel';
}

/** The kind of a node that is a member of a loop. */
export function memberKind(node: Node, views: Views): MemberKind {
  const kind = stepKind(node, views);
  if (kind === undefined || kind === 'gemm' || kind === 'kernel') throw new Error(`${node} is not a loop member`);
  return kind;
}

export function loopShape(node: Node, kind: MemberKind): Shape {
  return kind === 'reduce' ? node.inputs[0].shape : node.shape;
}

/** What a member reads, resolved through views, as seen from loop `step` (locals where the value is its own at the same index). */
export function memberReads(node: Node, kind: MemberKind, shape: Shape, views: Views, step: LoopStep): LoopRead[] {
  const read = (access: Access, from: Shape): LoopRead => {
    if (access.kind === 'literal') return access;
    const strides = broadcastStrideExprs(access.strides, from, shape);
    const own = strideExprs(views.context, shape);
    const local = step.members.includes(access.base) && sameShape(access.base.shape, shape) && stepKind(access.base, views) !== 'reduce';
    if (local && shape.every((d, a) => d === 1 || strides[a] === own[a])) return { kind: 'local', node: access.base };
    return { kind: 'buffer', base: access.base, strides };
  };
  if (kind === 'copy') return [read(views.through(node), node.shape)];
  if (kind === 'dot') {
    return node.inputs.map((x) => {
      const access = views.of(x);
      return access.kind === 'literal' ? access : { kind: 'buffer', base: access.base, strides: null };
    });
  }
  return node.inputs.map((x) => read(views.of(x), x.shape));
}

function available(read: LoopRead, p: number, position: ReadonlyMap<Node, number>): boolean {
  if (read.kind !== 'buffer') return true;
  const q = position.get(read.base);
  return q === undefined || q < p;
}
