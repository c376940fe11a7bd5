import type { Node } from './graph.js';

/** A map from the nodes of one graph, stored by node id: on big graphs much faster than a Map. */
export class NodeMap<T> {
  private values: (T | undefined)[] = [];

  get(node: Node): T | undefined {
    return node.id < this.values.length ? this.values[node.id] : undefined; // out-of-bounds reads are slow
  }

  has(node: Node): boolean {
    return this.get(node) !== undefined;
  }

  set(node: Node, value: T): void {
    if (node.id >= this.values.length) this.grow(grownLength(node, this.values.length));
    this.values[node.id] = value;
  }

  private grow(size: number): void {
    const values = new Array<T | undefined>(size).fill(undefined);
    for (let i = 0; i < this.values.length; i++) values[i] = this.values[i];
    this.values = values;
  }
}

/** Counts (or flags) by node id, 0 where never set: a typed array, which the garbage collector never scans. */
export class NodeCounts {
  private counts = new Int32Array(0);

  get(node: Node): number {
    return node.id < this.counts.length ? this.counts[node.id] : 0;
  }

  set(node: Node, count: number): void {
    if (node.id >= this.counts.length) {
      const counts = new Int32Array(grownLength(node, this.counts.length));
      counts.set(this.counts);
      this.counts = counts;
    }
    this.counts[node.id] = count;
  }
}

/** Room for `node` and the rest of its graph, at least doubling, so growing costs linear time. */
function grownLength(node: Node, length: number): number {
  return Math.max(node.id + 1, node.graph.nodes.length, 2 * length);
}

/** The nodes `outputs` depend on, themselves included, in id (so topological) order; no sorting. */
export function liveNodes(outputs: readonly Node[]): Node[] {
  if (outputs.length === 0) return [];
  const all = outputs[0].graph.nodes;
  const live = new Uint8Array(all.length);
  const stack = [...outputs];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (live[node.id]) continue;
    live[node.id] = 1;
    for (const input of node.inputs) if (!live[input.id]) stack.push(input);
  }
  return all.filter((node) => live[node.id] === 1);
}
