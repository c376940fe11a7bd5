import { grad, hessian, hvp, jacobian, jvp, vjp } from '../derivatives.js';
import type { Attrs, Graph, Node } from '../graph.js';
import type { KeywordSpec } from '../ops/op.js';
import { compositeTable, opTable } from '../ops/table.js';

/** A function a spec expression may call. */
export interface SpecFunction {
  readonly name: string;
  readonly arity: number | 'variadic';
  readonly keywords: Readonly<Record<string, KeywordSpec>>;
  /** Derivative functions take names as arguments after the first and raise the derivative order. */
  readonly derivative: boolean;
  call(args: readonly Node[], attrs: Attrs, graph: Graph): Node;
}

const derivatives: Record<string, (...args: Node[]) => Node> = {
  grad: (y, x) => grad(y, x),
  vjp: (y, x, d) => vjp(y, x, d),
  jvp: (y, x, v) => jvp(y, x, v),
  hessian: (y, x) => hessian(y, x),
  hvp: (y, x, v) => hvp(y, x, v),
  jacobian: (y, x) => jacobian(y, x),
};

function buildTable(): Map<string, SpecFunction> {
  const table = new Map<string, SpecFunction>();
  for (const def of Object.values(opTable)) {
    if (def.internal) continue;
    table.set(def.name, {
      name: def.name,
      arity: def.arity,
      keywords: def.keywords ?? {},
      derivative: false,
      call: (args, attrs, graph) => graph.apply(def.name as keyof typeof opTable, args, attrs),
    });
  }
  for (const composite of Object.values(compositeTable)) {
    const { name, arity, keywords } = composite.composite;
    table.set(name, { name, arity, keywords: keywords ?? {}, derivative: false, call: composite.build });
  }
  for (const [name, fn] of Object.entries(derivatives)) {
    table.set(name, { name, arity: fn.length, keywords: {}, derivative: true, call: (args) => fn(...args) });
  }
  return table;
}

export const specFunctions: ReadonlyMap<string, SpecFunction> = buildTable();
