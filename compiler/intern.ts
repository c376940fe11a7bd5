import type { Node } from './graph.js';

/**
 * The hash-consing table of a graph: finds the node entered for an op, its inputs and a text of
 * its attributes (a node may be entered under several texts: as given and as normalised).
 * Open addressing over typed arrays that hold each entry's hash and first two input ids, so a
 * lookup builds no key string and compares nodes only once those agree.
 */
export class InternTable {
  /** Entry index + 1 per slot (0: empty); the length is a power of two, at most half full. */
  private slots = new Int32Array(1024);
  /** Per entry: its hash and the ids of its first two inputs (−1: none). */
  private keys = new Int32Array(3 * 512);
  private readonly nodes: Node[] = [];
  private readonly texts: string[] = [];

  /** The node entered with this op, these inputs and this attribute text, if any. */
  find(op: string, inputs: readonly Node[], attrsText: string): Node | undefined {
    const hash = hashOf(op, inputs, attrsText);
    const first = idOf(inputs, 0);
    const second = idOf(inputs, 1);
    const mask = this.slots.length - 1;
    for (let i = hash & mask; this.slots[i] !== 0; i = (i + 1) & mask) {
      const entry = this.slots[i] - 1;
      const k = 3 * entry;
      if (this.keys[k] !== hash || this.keys[k + 1] !== first || this.keys[k + 2] !== second) continue;
      const node = this.nodes[entry];
      if (node.op === op && this.texts[entry] === attrsText && sameInputs(node.inputs, inputs)) return node;
    }
    return undefined;
  }

  /** Enters `node` under an attribute text (not entered under it before). */
  add(node: Node, attrsText: string): void {
    const entry = this.nodes.length;
    if (2 * (entry + 1) > this.slots.length) this.grow();
    if (3 * (entry + 1) > this.keys.length) {
      const keys = new Int32Array(2 * this.keys.length);
      keys.set(this.keys);
      this.keys = keys;
    }
    this.nodes.push(node);
    this.texts.push(attrsText);
    this.keys[3 * entry] = hashOf(node.op, node.inputs, attrsText);
    this.keys[3 * entry + 1] = idOf(node.inputs, 0);
    this.keys[3 * entry + 2] = idOf(node.inputs, 1);
    this.place(entry);
  }

  private place(entry: number): void {
    const mask = this.slots.length - 1;
    let i = this.keys[3 * entry] & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = entry + 1;
  }

  private grow(): void {
    this.slots = new Int32Array(2 * this.slots.length);
    for (let entry = 0; entry < this.nodes.length; entry++) this.place(entry);
  }
}

function idOf(inputs: readonly Node[], i: number): number {
  return i < inputs.length ? inputs[i].id : -1;
}

function sameInputs(a: readonly Node[], b: readonly Node[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** FNV-1a over the op's name, the input ids and the attribute text, then a final mix. */
function hashOf(op: string, inputs: readonly Node[], attrsText: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < op.length; i++) h = Math.imul(h ^ op.charCodeAt(i), 0x01000193);
  for (const input of inputs) h = Math.imul(h ^ input.id, 0x01000193);
  for (let i = 0; i < attrsText.length; i++) h = Math.imul(h ^ attrsText.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 13);
}
