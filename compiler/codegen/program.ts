import { SymgradError } from '../errors.js';
import type { DType, Graph, Node } from '../graph.js';
import type { ParamInit } from '../init.js';
import { NAME_PATTERN, isReservedName } from '../spec/names.js';
import type { LoadedSpec } from '../spec/load.js';
import type { NodeRequirement, Shape } from '../shape.js';
import { jsString } from '../literals.js';

/** What the code generator needs: the leaves in signature order, the outputs, and names for nodes. */
export interface Program {
  readonly name: string;
  readonly dtype: DType;
  readonly inputs: readonly { readonly name: string; readonly shape: Shape }[];
  readonly params: readonly { readonly name: string; readonly shape: Shape; readonly init: ParamInit }[];
  readonly outputs: readonly { readonly name: string; readonly node: Node }[];
  /** Preferred variable names (spec names); other nodes are named after their label. */
  readonly names: ReadonlyMap<string, Node>;
  /** Sizes named dimensions must have at run time, with the node that requires each (the graph's). */
  readonly requirements: readonly NodeRequirement[];
}

export function programFromSpec(spec: LoadedSpec, outputs: readonly Node[] = spec.outputs.map((o) => o.node)): Program {
  const named = Object.fromEntries(spec.outputs.map((o, i) => [o.name, outputs[i]]));
  return { ...programFromGraph(spec.graph, named, spec.name), names: spec.names };
}

/** A program from a graph built in code: every input and param of the graph, and named outputs. */
export function programFromGraph(graph: Graph, outputs: Readonly<Record<string, Node>>, name = 'graph'): Program {
  const leaves = (kind: 'input' | 'param') => graph.leaves(kind).map((n) => ({ name: n.attrs.name as string, shape: n.shape }));
  return {
    name,
    dtype: graph.dtype,
    inputs: leaves('input'),
    params: leaves('param').map((p) => ({ ...p, init: graph.paramInits.get(p.name)! })),
    outputs: Object.entries(outputs).map(([name, node]) => ({ name, node })),
    names: new Map(Object.entries(outputs)),
    requirements: [...graph.requirements.values()],
  };
}

/** A safe variable name for every node: spec names as they are, others `label$k` (`$` cannot occur in spec names). */
export function variableNames(order: readonly Node[], program: Program): Map<Node, string> {
  const names = new Map<Node, string>();
  const taken = new Set<string>();
  const safe = (name: string) => NAME_PATTERN.test(name) && !isReservedName(name);
  for (const node of order) {
    if (node.def.leaf !== 'fed') continue;
    const name = node.attrs.name as string;
    if (!safe(name)) throw new SymgradError(`${node.op}s`, `${jsString(name)} cannot name a generated variable`);
    names.set(node, name);
    taken.add(name);
  }
  const needed = new Set(order);
  // Spec names, then output names (for outputs the simplifier has replaced with new nodes).
  for (const [name, node] of [...program.names, ...program.outputs.map((o) => [o.name, o.node] as const)]) {
    if (!names.has(node) && needed.has(node) && safe(name) && !taken.has(name)) {
      names.set(node, name);
      taken.add(name);
    }
  }
  const counters = new Map<string, number>();
  for (const node of order) {
    if (names.has(node)) continue;
    const label = safe(node.label) ? node.label : 't';
    const k = (counters.get(label) ?? 0) + 1;
    counters.set(label, k);
    names.set(node, `${label}$${k}`);
  }
  return names;
}
