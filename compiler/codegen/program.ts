import { SymgradError } from '../errors.js';
import type { DType, Node } from '../graph.js';
import { NAME_PATTERN, isReservedName } from '../spec/names.js';
import type { LoadedSpec } from '../spec/load.js';
import type { Shape } from '../shape.js';
import { jsString } from './literals.js';

/** What the code generator needs: the leaves in signature order, the outputs, and names for nodes. */
export interface Program {
  readonly name: string;
  readonly dtype: DType;
  readonly inputs: readonly { readonly name: string; readonly shape: Shape }[];
  readonly params: readonly { readonly name: string; readonly shape: Shape; readonly init: readonly number[] }[];
  readonly outputs: readonly { readonly name: string; readonly node: Node }[];
  /** Preferred variable names (spec names); other nodes are named after their label. */
  readonly names: ReadonlyMap<string, Node>;
}

export function programFromSpec(spec: LoadedSpec, outputs: readonly Node[] = spec.outputs.map((o) => o.node)): Program {
  const graph = spec.graph;
  const leaves = (kind: 'input' | 'param') => graph.leaves(kind).map((n) => ({ name: n.attrs.name as string, shape: n.shape }));
  return {
    name: spec.name,
    dtype: graph.dtype,
    inputs: leaves('input'),
    params: leaves('param').map((p) => ({ ...p, init: graph.paramInits.get(p.name)! })),
    outputs: spec.outputs.map((o, i) => ({ name: o.name, node: outputs[i] })),
    names: spec.names,
  };
}

/** A safe variable name for every node: spec names as they are, others `label$k` (`$` cannot occur in spec names). */
export function variableNames(order: readonly Node[], program: Program): Map<Node, string> {
  const names = new Map<Node, string>();
  const needed = new Set(order);
  for (const [name, node] of program.names) if (!names.has(node) && needed.has(node)) names.set(node, name);
  const counters = new Map<string, number>();
  for (const node of order) {
    if (names.has(node)) continue;
    if (node.op === 'input' || node.op === 'param') {
      const name = node.attrs.name as string;
      if (!NAME_PATTERN.test(name) || isReservedName(name)) throw new SymgradError(`${node.op}s`, `${jsString(name)} cannot name a generated variable`);
      names.set(node, name);
      continue;
    }
    const label = NAME_PATTERN.test(node.label) && !isReservedName(node.label) ? node.label : 't';
    const k = (counters.get(label) ?? 0) + 1;
    counters.set(label, k);
    names.set(node, `${label}$${k}`);
  }
  return names;
}
