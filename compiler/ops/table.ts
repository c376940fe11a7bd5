import * as exported from './index.js';
import type { Attrs, Graph, Node } from '../graph.js';
import type { CompositeDef, OpDef } from './op.js';

type Exported = typeof exported;
type Named<Kind> = { [K in keyof Exported]: Exported[K] extends Kind ? K : never }[keyof Exported];

/** Every primitive op (the export name is the op name). */
export type OpName = Named<{ readonly def: OpDef }>;
/** Builder-level functions made of primitives. */
export type CompositeName = Named<{ readonly composite: unknown }>;

export const opTable = {} as Record<OpName, OpDef>;
/** A composite as the spec loader calls it. */
export interface SpecComposite {
  readonly composite: CompositeDef;
  readonly build: (args: readonly Node[], attrs: Attrs, graph: Graph) => Node;
}

export const compositeTable = {} as Record<CompositeName, SpecComposite>;

for (const [name, value] of Object.entries(exported) as [string, unknown][]) {
  if (isOp(value)) {
    if (value.def.name !== name) throw new Error(`op '${value.def.name}' is exported as '${name}'`);
    opTable[name as OpName] = value.def;
  } else if (isComposite(value)) {
    if (value.composite.name !== name) throw new Error(`composite '${value.composite.name}' is exported as '${name}'`);
    compositeTable[name as CompositeName] = value;
  }
}

function isOp(value: unknown): value is { readonly def: OpDef } {
  return typeof value === 'object' || typeof value === 'function' ? value !== null && 'def' in value : false;
}

function isComposite(value: unknown): value is SpecComposite {
  return typeof value === 'function' && 'composite' in value;
}
