import { SymgradError } from '../errors.js';
import { NO_ATTRS, type Attrs } from '../attrs.js';
import { Graph, type DType, type Node } from '../graph.js';
import { liveNodes } from '../nodes.js';
import type { OpName } from '../ops/table.js';
import { showShape, type Shape } from '../shape.js';
import { isLoop } from '../loops/body.js';

/** Bounds that keep a hostile spec from exhausting the compiler; each is a CLI option. */
export interface Limits {
  readonly maxNodes: number;
  /** Elements of one tensor (the fixed dimensions of its shape). */
  readonly maxElements: number;
  /** Elements of all static-shape tensors together. */
  readonly maxTotalElements: number;
  /** Dimensions of one tensor. */
  readonly maxRank: number;
  readonly maxDerivativeOrder: number;
  readonly maxExpressionLength: number;
  readonly maxExpressionDepth: number;
  /** Wall-clock seconds of compile work: derivative expansion, simplification, code generation. */
  readonly maxSeconds: number;
  /** When those seconds run out, in `performance.now()` milliseconds; the CLI sets it as a command starts. None: no clock. */
  readonly deadline?: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxNodes: 1_000_000,
  maxElements: 100_000_000,
  maxTotalElements: 1_000_000_000,
  maxRank: 32,
  maxDerivativeOrder: 24,
  maxExpressionLength: 10_000,
  maxExpressionDepth: 200,
  maxSeconds: 120,
};

/** Why a tensor of `shape` breaks the per-tensor limits, or undefined. Named dimensions count as 1. */
export function shapeProblem(shape: Shape, limits: Limits): string | undefined {
  if (shape.length > limits.maxRank) return `a tensor of rank ${shape.length} has more than ${limits.maxRank} dimensions (--max-rank)`;
  if (fixedSize(shape) > limits.maxElements) return `a tensor of shape ${showShape(shape)} has more than ${limits.maxElements} elements (--max-elements)`;
  if (shape.some((d) => typeof d === 'number' && d > limits.maxElements)) {
    return `shape ${showShape(shape)} has a dimension larger than ${limits.maxElements} (--max-elements)`;
  }
  return undefined;
}

/** Dead nodes the graph may hold beyond `--max-nodes`, as a multiple of it (their memory is still used). */
const DEAD_NODES = 2;

/**
 * A graph that checks the limits as each node is created, so no derivative expansion (a large
 * jacobian, deeply nested grads) can run away before the spec loader sees it. `--max-nodes`
 * counts every node built, except those a finished pass of the simplifier left dead (see settle):
 * rewriting a big graph builds a new one, and the old one is not the user's. What a pass builds
 * counts as it is built, so a pass that blows up stops at the limit.
 */
export class LimitedGraph extends Graph {
  private total = 0;
  /** Nodes dead when the simplifier last settled, not counted against maxNodes. */
  private dead = 0;

  constructor(
    dtype: DType,
    private readonly limits: Limits,
  ) {
    super(dtype);
  }

  override sibling(): Graph {
    return new LimitedGraph(this.dtype, this.limits);
  }

  override apply(op: OpName, inputs: readonly Node[], attrs: Attrs = NO_ATTRS): Node {
    const count = this.nodes.length;
    const node = super.apply(op, inputs, attrs);
    if (this.nodes.length > count) this.check(node);
    return node;
  }

  /**
   * Throws if a derivative `fn` expected to make `more` nodes would take the graph past --max-nodes:
   * checked before the derivative is built, so a runaway expansion stops before its work.
   */
  checkExpansion(fn: string, more: number, through: number): void {
    const { maxNodes } = this.limits;
    if (this.nodes.length + more > maxNodes) {
      throw new SymgradError('', `${fn} would grow the graph past ${maxNodes} nodes (--max-nodes): it differentiates through ${through} nodes of a graph of ${this.nodes.length}`);
    }
  }

  override checkTime(): void {
    const { deadline, maxSeconds } = this.limits;
    if (deadline !== undefined && performance.now() > deadline) throw new SymgradError('', `compiling takes longer than ${maxSeconds} s (--max-seconds)`);
  }

  override settle(outputs: readonly Node[]): void {
    this.dead = Math.min(this.nodes.length - liveNodes(outputs).length, DEAD_NODES * this.limits.maxNodes);
  }

  private check(node: Node): void {
    this.checkTime();
    const { maxNodes, maxTotalElements } = this.limits;
    if (this.nodes.length - this.dead > maxNodes) throw new SymgradError('', `the graph grows past ${maxNodes} nodes (--max-nodes)`);
    const problem = shapeProblem(node.shape, this.limits);
    if (problem) throw new SymgradError('', problem);
    // A loop's steps are bounded as a dimension is: a stack of them is one.
    const steps = isLoop(node) ? (node.attrs.steps as number) : 0;
    if (steps > this.limits.maxElements) throw new SymgradError('', `a loop of ${steps} steps is longer than ${this.limits.maxElements} (--max-elements)`);
    if (node.shape.every((d) => typeof d === 'number')) this.total += fixedSize(node.shape);
    if (this.total > maxTotalElements) throw new SymgradError('', `the graph holds more than ${maxTotalElements} elements (--max-total-elements)`);
  }
}

function fixedSize(shape: Shape): number {
  return shape.reduce<number>((size, d) => (typeof d === 'number' ? size * d : size), 1);
}
