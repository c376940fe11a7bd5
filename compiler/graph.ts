import { attrsKey, NO_ATTRS, type Attrs } from './attrs.js';
import { SymgradError } from './errors.js';
import type { ParamInit } from './init.js';
import { InternTable } from './intern.js';
import type { OpDef } from './ops/op.js';
import { opTable, type OpName } from './ops/table.js';
import { collectRequirements, showShape, staticSize, type DimRequirement, type NodeRequirement, type Shape } from './shape.js';

export type DType = 'float64' | 'float32';
export type { AttrValue, Attrs } from './attrs.js';

/** An immutable, hash-consed node: building the same (op, inputs, attrs) twice gives the same node. */
export class Node {
  constructor(
    readonly graph: Graph,
    readonly id: number,
    readonly op: OpName,
    readonly inputs: readonly Node[],
    readonly attrs: Attrs,
    readonly shape: Shape,
    /** The spec node (or builder label) whose expression first built this node. */
    readonly label: string,
  ) {}

  get dtype(): DType {
    return this.graph.dtype;
  }

  get def(): OpDef {
    return opTable[this.op];
  }

  toString(): string {
    return `${this.op}#${this.id}${showShape(this.shape)}`;
  }
}

/**
 * A static computation graph. Nodes are appended in topological order (inputs always exist
 * first), so `nodes` is a valid evaluation order and derivative nodes land in the same graph.
 */
export class Graph {
  readonly nodes: Node[] = [];
  private readonly interned = new InternTable();
  /** Consumers by node id: most nodes have one, held without an array (big graphs stay small). */
  private readonly consumerLists: (Node | Node[] | undefined)[] = [];
  /** Label given to nodes built from now on (the spec loader sets it per spec node). */
  label = '';
  /** How each param starts, by name. */
  readonly paramInits = new Map<string, ParamInit>();
  private readonly leafNames = new Set<string>();
  /**
   * Sizes named dimensions must have at run time, by name, with the label of the node that first
   * required it (a name broadcast against a fixed size); run() checks them once the feeds bind.
   */
  readonly requirements = new Map<string, NodeRequirement>();

  constructor(readonly dtype: DType = 'float64') {}

  /** The node computing `op` of `inputs`; an existing identical node is returned as is. */
  apply(op: OpName, given: readonly Node[], attrs: Attrs = NO_ATTRS): Node {
    const def = opTable[op];
    // Commutative operands in one canonical order, so a·b and b·a are one node.
    const inputs = def.commutative && given.length === 2 && compareOperands(given[0], given[1]) > 0 ? [given[1], given[0]] : given;
    if (def.arity !== 'variadic' && inputs.length !== def.arity) {
      throw new SymgradError('', `${op} takes ${def.arity} argument${def.arity === 1 ? '' : 's'}, got ${inputs.length}`);
    }
    const same = def.identity?.(inputs);
    if (same && same.graph === this) return same;
    for (const input of inputs) {
      if (input.graph !== this) throw new SymgradError('', `${op}: an argument belongs to another graph`);
    }
    // Look up the attributes as given first: a hit skips the shape rule.
    const givenText = attrsKey(attrs);
    const known = this.interned.find(op, inputs, givenText);
    if (known) return known;
    let inferred: ReturnType<OpDef['infer']>;
    let required: DimRequirement[];
    try {
      ({ result: inferred, required } = collectRequirements(() => def.infer(inputs.map((n) => n.shape), attrs)));
      for (const r of required) this.checkRequirement(r);
    } catch (error) {
      if (error instanceof SymgradError && error.place === '') throw new SymgradError('', `${op}: ${error.message}`);
      throw error;
    }
    const finalAttrs = inferred.attrs ?? attrs;
    const text = inferred.attrs ? attrsKey(finalAttrs) : givenText;
    const existing = text === givenText ? undefined : this.interned.find(op, inputs, text);
    if (existing) {
      this.interned.add(existing, givenText);
      return existing;
    }
    const node = new Node(this, this.nodes.length, op, inputs, finalAttrs, inferred.shape, this.label);
    this.nodes.push(node);
    for (const r of required) if (!this.requirements.has(r.dim)) this.requirements.set(r.dim, { ...r, label: this.label || op });
    this.consumerLists.push(undefined);
    this.interned.add(node, text);
    if (text !== givenText) this.interned.add(node, givenText);
    for (let i = 0; i < inputs.length; i++) if (inputs.indexOf(inputs[i]) === i) this.addConsumer(inputs[i], node);
    return node;
  }

  /** A tensor fed at every run. */
  input(name: string, shape: Shape): Node {
    this.checkNewLeaf(name);
    return this.apply('input', [], { name, shape });
  }

  /** A trainable tensor with its initial value (an init, or flat row-major values; default zeros). */
  param(name: string, shape: Shape, init: ParamInit | readonly number[] = { kind: 'fill', value: 0 }): Node {
    this.checkNewLeaf(name);
    const size = staticSize(shape);
    if (size === undefined) throw new SymgradError('', `param '${name}' needs a static shape, got ${showShape(shape)}`);
    const given: ParamInit = 'kind' in init ? init : { kind: 'values', values: init };
    if (given.kind === 'values' && given.values.length !== size) {
      throw new SymgradError('', `init of '${name}' has ${given.values.length} values for shape ${showShape(shape)}`);
    }
    this.paramInits.set(name, given);
    return this.apply('param', [], { name, shape });
  }

  /** Takes over a requirement another graph made (a loop body's): the same check, kept with its node's label. */
  require(requirement: NodeRequirement): void {
    this.checkRequirement(requirement);
    if (!this.requirements.has(requirement.dim)) this.requirements.set(requirement.dim, requirement);
  }

  /** A named dimension cannot be required to have two sizes. */
  private checkRequirement({ dim, size }: DimRequirement): void {
    const earlier = this.requirements.get(dim);
    if (earlier && earlier.size !== size) {
      throw new SymgradError('', `dimension ${dim} is broadcast against ${size} here but against ${earlier.size} by nodes.${earlier.label}; it cannot be both`);
    }
  }

  private checkNewLeaf(name: string): void {
    if (this.leafNames.has(name)) throw new SymgradError('', `'${name}' is declared twice`);
    this.leafNames.add(name);
  }

  /**
   * Throws once the work on this graph has run past a deadline (a LimitedGraph's `--max-seconds`);
   * nothing here. Cheap, so long passes call it for every node they visit.
   */
  checkTime(): void {}

  /**
   * Told by a pass that rewrote the graph that only `outputs` and the nodes they need are in use
   * now: a LimitedGraph then counts the rest (dead intermediates) no longer against `--max-nodes`;
   * nothing here.
   */
  settle(_outputs: readonly Node[]): void {}

  /** A new, empty graph of the same kind and dtype (a loop body's), bound by the same limits. */
  sibling(): Graph {
    return new Graph(this.dtype);
  }

  /** get_consumers(V, G): the nodes that take `node` as an input, in creation order. */
  getConsumers(node: Node): readonly Node[] {
    const consumers = this.consumerLists[node.id];
    return consumers === undefined ? [] : Array.isArray(consumers) ? consumers : [consumers];
  }

  private addConsumer(input: Node, consumer: Node): void {
    const consumers = this.consumerLists[input.id];
    if (consumers === undefined) this.consumerLists[input.id] = consumer;
    else if (Array.isArray(consumers)) consumers.push(consumer);
    else this.consumerLists[input.id] = [consumers, consumer];
  }

  /** The leaf nodes of kind `input` or `param`, by name. */
  leaves(kind: 'input' | 'param'): Node[] {
    return this.nodes.filter((n) => n.op === kind);
  }
}

/** Canonical order of commutative operands: non-constants by id, then constants. */
function compareOperands(a: Node, b: Node): number {
  return Number(isConstant(a)) - Number(isConstant(b)) || a.id - b.id;
}

/** A constant or a broadcast constant. */
function isConstant(node: Node): boolean {
  return node.def.leaf === 'known' || (node.op === 'broadcast_to' && node.inputs[0].def.leaf === 'known');
}
