import { attrsKey } from '../attrs.js';
import { constantValue } from '../builder.js';
import { SymgradError } from '../errors.js';
import type { Graph, Node } from '../graph.js';
import { liveNodes } from '../nodes.js';
import { sameShape, showShape, type Shape } from '../shape.js';

/**
 * The body of a loop: a graph of its own whose leaves are placeholders (`input` nodes) for the
 * carries, the per-step slices and the outer values it closes over. Each step maps the carries
 * to `next` (same shapes) and emits values that the loop stacks; a slice is row t of its sequence. Bodies are interned by
 * structure: equal bodies have the same `id`, which a loop node carries as an attribute.
 */
export interface LoopBody {
  readonly id: string;
  readonly graph: Graph;
  readonly carries: readonly Node[];
  readonly slices: readonly Node[];
  readonly closures: readonly Node[];
  readonly next: readonly Node[];
  readonly emits: readonly Node[];
  /** The spec function it comes from, for messages and comments. */
  readonly name: string;
}

export type BodyParts = Omit<LoopBody, 'id'>;

const bodies = new Map<string, LoopBody>();

/** Whether a node is a loop (the one op that runs a body graph). */
export function isLoop(node: Node): boolean {
  return node.def.emit.kind === 'repeat';
}

/** The body registered under `id` (a loop node's `body` attribute). */
export function bodyOf(id: string): LoopBody {
  const body = bodies.get(id);
  if (!body) throw new SymgradError('', `loop: no body '${id}' is registered`);
  return body;
}

/** A new placeholder of `shape` in a body graph. */
export function placeholder(graph: Graph, role: string, shape: Shape): Node {
  return graph.input(`$${role}${graph.nodes.length}`, shape);
}

/** The interned body for these parts: the same structure gives the same body object and id. */
export function internBody(parts: BodyParts): LoopBody {
  parts.next.forEach((node, i) => {
    const carry = parts.carries[i];
    if (!sameShape(node.shape, carry.shape)) {
      throw new SymgradError('', `${parts.name} returns shape ${showShape(node.shape)}, but the carry has shape ${showShape(carry.shape)}`);
    }
  });
  const key = structureKey(parts);
  const base = `${parts.name.replace(/[^A-Za-z0-9_]/g, '')}_${key}`;
  let id = base;
  for (let k = 2; bodies.has(id); k++, id = `${base}_${k}`) {
    if (sameBody(bodies.get(id)!, parts)) return bodies.get(id)!;
  }
  const body = { id, ...parts };
  bodies.set(id, body);
  return body;
}

/** The role of each placeholder of a body: `c0` (carry 0), `s1` (slice 1), `k2` (closure 2). */
function rolesOf(parts: BodyParts): Map<Node, string> {
  const roles = new Map<Node, string>();
  parts.carries.forEach((n, i) => roles.set(n, `c${i}`));
  parts.slices.forEach((n, i) => roles.set(n, `s${i}`));
  parts.closures.forEach((n, i) => roles.set(n, `k${i}`));
  return roles;
}

/**
 * A hash of the body's structure that does not depend on the order its nodes were made in:
 * each node hashes its op, attributes and its inputs' hashes (in either order for a commutative op).
 */
function structureKey(parts: BodyParts): string {
  const roles = rolesOf(parts);
  const keys = new Map<Node, string>();
  const outputs = [...parts.next, ...parts.emits];
  for (const node of liveNodes([...roles.keys(), ...outputs])) {
    const role = roles.get(node);
    if (role) keys.set(node, hash(`${role}${showShape(node.shape)}`));
    else if (node.def.leaf === 'fed') throw new SymgradError('', `${parts.name}: a body reads a value that is not one of its placeholders`);
    else {
      const inputs = node.inputs.map((x) => keys.get(x)!);
      if (node.def.commutative) inputs.sort();
      keys.set(node, hash(`${node.op}(${inputs.join(',')})${attrsKey(node.attrs)}`));
    }
  }
  const counts = `${parts.carries.length} ${parts.slices.length} ${parts.closures.length}`;
  return hash(`${counts} next ${parts.next.map((n) => keys.get(n)).join(',')} emit ${parts.emits.map((n) => keys.get(n)).join(',')}`);
}

/** Whether two bodies compute the same (structural equality, commutative operands in either order). */
function sameBody(a: BodyParts, b: BodyParts): boolean {
  if (a.carries.length !== b.carries.length || a.slices.length !== b.slices.length || a.closures.length !== b.closures.length) return false;
  if (a.next.length !== b.next.length || a.emits.length !== b.emits.length) return false;
  const [rolesA, rolesB] = [rolesOf(a), rolesOf(b)];
  const memo = new Map<Node, Map<Node, boolean>>();
  const same = (x: Node, y: Node): boolean => {
    const known = memo.get(x)?.get(y);
    if (known !== undefined) return known;
    let result: boolean;
    if (rolesA.has(x) || rolesB.has(y)) result = rolesA.get(x) === rolesB.get(y) && sameShape(x.shape, y.shape);
    else if (x.op !== y.op || x.inputs.length !== y.inputs.length || attrsKey(x.attrs) !== attrsKey(y.attrs)) result = false;
    else {
      result = x.inputs.every((input, i) => same(input, y.inputs[i]));
      if (!result && x.def.commutative && x.inputs.length === 2) result = same(x.inputs[0], y.inputs[1]) && same(x.inputs[1], y.inputs[0]);
    }
    if (!memo.has(x)) memo.set(x, new Map());
    memo.get(x)!.set(y, result);
    return result;
  };
  const outputsA = [...a.next, ...a.emits];
  const outputsB = [...b.next, ...b.emits];
  return outputsA.every((x, i) => same(x, outputsB[i]));
}

/** 64 bits of FNV-1a (two lanes), as hex. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** Where each group of a loop node's inputs starts: init carries, sequences, closures. */
export function inputLayout(body: LoopBody): { xs: number; closures: number; count: number } {
  const n = body.carries.length;
  const m = body.slices.length;
  return { xs: n, closures: n + m, count: n + m + body.closures.length };
}

/**
 * A loop's results, by index: the final carries, the stacks of the carries after each step, the
 * stacks of the carries before each step (what reverse mode reads), then the stacks of the emitted values.
 */
export function resultKind(body: LoopBody, r: number): { kind: 'final' | 'after' | 'before' | 'emit'; index: number } {
  const n = body.carries.length;
  if (r < n) return { kind: 'final', index: r };
  if (r < 2 * n) return { kind: 'after', index: r - n };
  if (r < 3 * n) return { kind: 'before', index: r - 2 * n };
  return { kind: 'emit', index: r - 3 * n };
}

/** A loop node in a trace: its function, direction and result, then its inputs (uniform constants as numbers). */
export function loopNotation(node: Node, show: (input: Node) => string): string {
  const inputs = node.inputs.map((x) => {
    const value = constantValue(x);
    return value === undefined ? show(x) : String(value);
  });
  return `loop⟨${loopSummary(node)}⟩(${inputs.join(', ')})`;
}

/** A short description of a loop node: its function, direction and result (`cell: last carry`). */
export function loopSummary(node: Node): string {
  const body = bodyOf(node.attrs.body as string);
  const { kind, index } = resultKind(body, node.attrs.result as number);
  const carry = body.carries.length > 1 ? ` ${index + 1}` : '';
  const what = { final: `last carry${carry}`, after: `carry${carry} after each step`, before: `carry${carry} before each step`, emit: `emitted value ${index + 1}` }[kind];
  return `${body.name}${node.attrs.reverse ? ' backwards' : ''}: ${what}`;
}
