import { apply, type Operand } from '../builder.js';
import type { Attrs, Graph, Node } from '../graph.js';
import { broadcastShapes, sameShape, stridesOf, type Shape } from '../shape.js';
import type { OpName } from './table.js';

export type Data = Float64Array | Float32Array;

/** A concrete tensor: row-major data and its shape with every dimension bound. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Data;
}

/** What a spec may write as `key=value` for an op, and how it is checked. */
export type KeywordKind = 'number' | 'integer' | 'boolean' | 'integers' | 'axes';
export interface KeywordSpec {
  readonly kind: KeywordKind;
  readonly required?: boolean;
}

export type Emission =
  /** A scalar expression over the inputs' scalar expressions; the generator writes the loop. */
  | { readonly kind: 'elementwise'; expr(args: readonly string[], attrs: Attrs): string }
  /** Whole-tensor code: its kernel is in codegen/kernels/. */
  | { readonly kind: 'kernel' }
  /** Leaves: fed or constant, no code of their own. */
  | { readonly kind: 'leaf' }
  /** A loop over a body graph (compiler/loops/): codegen/loops.ts writes it. */
  | { readonly kind: 'repeat' };

/**
 * One op: its shape rule, reference evaluation, derivative rules, scalar expression and traits.
 * `vjp` and `jvp` build graph (never numbers), so every derivative can be differentiated again.
 */
export interface OpDef {
  readonly name: string;
  readonly arity: number | 'variadic';
  readonly keywords?: Readonly<Record<string, KeywordSpec>>;
  readonly commutative?: boolean;
  /** Normalises attributes (defaults, negative axes) and gives the output shape; throws ShapeError. */
  infer(inputs: readonly Shape[], attrs: Attrs): { shape: Shape; attrs?: Attrs };
  /** Reference evaluation into `out` (sized for `shape`). */
  evaluate(out: Data, inputs: readonly Tensor[], attrs: Attrs, shape: readonly number[]): void;
  /** Gradient for each input given the output's gradient `d` (null: disconnected). May have the output's broadcast shape. */
  vjp?(node: Node, d: Node): readonly (Node | null)[];
  /** Tangent of the output from the inputs' tangents (null: zero). */
  jvp?(node: Node, tangents: readonly (Node | null)[]): Node | null;
  readonly emit: Emission;
  /** Estimated flops for one run (`size` counts a shape's elements); default: one per output element. */
  flops?(node: Node, size: (shape: Shape) => number): number;
  // Traits: what passes ask of an op instead of comparing its name.
  /** A leaf: `fed` at run time (input, param) or `known` at compile time (constant). */
  readonly leaf?: 'fed' | 'known';
  /** Built by the compiler only: a spec cannot call it. */
  readonly internal?: boolean;
  /** Only moves entries: `view`s are read in place through index arithmetic, `copy`s make a new layout. */
  readonly movement?: 'view' | 'copy';
  /** A reduction that can end a fused loop: its identity and how a value joins the accumulator. */
  readonly reduction?: { readonly identity: number; combine(acc: string, value: string): string };
  /** Written without brackets in a chain (a + b + c). */
  readonly associative?: boolean;
  /**
   * What the IEEE classes of the inputs say of the result's (compiler/simplify/facts.ts):
   * `monotone` in every argument within each class of each (a divisor never crosses 0 inside one),
   * so the values at the classes' ends bound it; `bounded` in [−1, 1] for finite inputs (NaN otherwise).
   */
  readonly range?: 'monotone' | 'bounded';
  /** Its derivative rules are the user's, not those of its value (a custom vjp): finite differences need not agree. */
  readonly customDerivative?: boolean;
  /** Chooses between inputs 1 and 2 by input 0, entry by entry: the gradient of the branch not taken is exactly 0. */
  readonly selects?: boolean;
  /** The input the result equals exactly, when there is one (x·1 is x): the graph builds no node then. */
  identity?(inputs: readonly Node[]): Node | undefined;
}

/** A builder function that also carries its op definition (the registry reads `.def`). */
export type OpBuilder<F extends (...args: never[]) => Node> = F & { readonly def: OpDef };

export function defineOp<F extends (...args: never[]) => Node>(def: OpDef, build: F): OpBuilder<F> {
  return Object.assign(build, { def });
}

/** The parts an elementwise op supplies; broadcasting, evaluation loops and flops are shared. */
export interface ElementwiseSpec {
  readonly name: string;
  readonly arity: number;
  readonly keywords?: Readonly<Record<string, KeywordSpec>>;
  readonly commutative?: boolean;
  readonly associative?: boolean;
  readonly range?: 'monotone' | 'bounded';
  readonly selects?: boolean;
  readonly internal?: boolean;
  identity?(inputs: readonly Node[]): Node | undefined;
  /** Attribute defaults (e.g. `alpha`). */
  readonly defaults?: Attrs;
  compute(args: readonly number[], attrs: Attrs): number;
  expr(args: readonly string[], attrs: Attrs): string;
  vjp?(node: Node, d: Node): readonly (Node | null)[];
  jvp?(node: Node, tangents: readonly (Node | null)[]): Node | null;
}

export function elementwiseDef(spec: ElementwiseSpec): OpDef {
  return {
    name: spec.name,
    arity: spec.arity,
    keywords: spec.keywords,
    commutative: spec.commutative,
    associative: spec.associative,
    selects: spec.selects,
    range: spec.range,
    internal: spec.internal,
    identity: spec.identity,
    infer: (inputs, attrs) => ({ shape: broadcastShapes(inputs), attrs: spec.defaults && { ...spec.defaults, ...attrs } }),
    evaluate: (out, inputs, attrs, shape) => evaluateElementwise(out, inputs, shape, (args) => spec.compute(args, attrs)),
    vjp: spec.vjp,
    jvp: spec.jvp ?? (spec.vjp && jvpFromVjp(spec.vjp)),
    emit: { kind: 'elementwise', expr: spec.expr },
  };
}

/** Broadcasting loop of the reference interpreter. */
export function evaluateElementwise(
  out: Data,
  inputs: readonly Tensor[],
  shape: readonly number[],
  f: (args: number[]) => number,
): void {
  const rank = shape.length;
  const strides = inputs.map((t) => broadcastStrides(t.shape, shape));
  const index = new Array<number>(rank).fill(0);
  const args = new Array<number>(inputs.length);
  for (let i = 0; i < out.length; i++) {
    for (let j = 0; j < inputs.length; j++) {
      let offset = 0;
      for (let k = 0; k < rank; k++) offset += index[k] * strides[j][k];
      args[j] = inputs[j].data[offset];
    }
    out[i] = f(args);
    for (let k = rank - 1; k >= 0 && ++index[k] === shape[k]; k--) index[k] = 0;
  }
}

/** Strides of `from` read as if broadcast to `to` (0 along broadcast axes). */
export function broadcastStrides(from: readonly number[], to: readonly number[]): number[] {
  const own = stridesOf(from);
  const offset = to.length - from.length;
  return to.map((_, k) => (k < offset || from[k - offset] === 1 ? 0 : own[k - offset]));
}

export function unaryOp(spec: Omit<ElementwiseSpec, 'arity'>): OpBuilder<(x: Operand) => Node> {
  return defineOp(elementwiseDef({ ...spec, arity: 1 }), (x: Operand) => apply(spec.name as OpName, [x]));
}

export function binaryOp(spec: Omit<ElementwiseSpec, 'arity'>): OpBuilder<(a: Operand, b: Operand) => Node> {
  return defineOp(elementwiseDef({ ...spec, arity: 2 }), (a: Operand, b: Operand) => apply(spec.name as OpName, [a, b]));
}

/**
 * Forward mode for an elementwise op, from its vjp: the Jacobian is diagonal, so the tangent
 * through input i is the vjp rule applied to that input's tangent.
 */
function jvpFromVjp(vjp: NonNullable<ElementwiseSpec['vjp']>) {
  return (node: Node, tangents: readonly (Node | null)[]): Node | null => {
    let sum: Node | null = null;
    tangents.forEach((t, i) => {
      const term = t && vjp(node, t)[i];
      if (term) sum = sum ? apply('add', [sum, term]) : term;
    });
    if (!sum || sameShape((sum as Node).shape, node.shape)) return sum;
    return apply('broadcast_to', [sum], { shape: node.shape });
  };
}

/** A function defined with the builder from primitives: no derivative rule or emitter of its own. */
export interface CompositeDef {
  readonly name: string;
  readonly arity: number | 'variadic';
  readonly keywords?: Readonly<Record<string, KeywordSpec>>;
}

export type CompositeBuilder<F extends (...args: never[]) => Node> = F & {
  readonly composite: CompositeDef;
  /** The spec's calling convention: node arguments, keyword attributes, and the graph being built. */
  readonly build: (args: readonly Node[], attrs: Attrs, graph: Graph) => Node;
};

/**
 * The builder function's own signature decides how a spec call reaches it: fixed arity
 * `(...args, attrs)`, variadic `(args, attrs)`, and arity 0 (creation) `(graph, attrs)`.
 */
export function defineComposite<F extends (...args: never[]) => Node>(composite: CompositeDef, fn: F): CompositeBuilder<F> {
  const call = fn as unknown as (...args: unknown[]) => Node;
  const build = (args: readonly Node[], attrs: Attrs, graph: Graph) => {
    if (composite.arity === 'variadic') return call(args, attrs);
    return composite.arity === 0 ? call(graph, attrs) : call(...args, attrs);
  };
  return Object.assign(fn, { composite, build });
}
