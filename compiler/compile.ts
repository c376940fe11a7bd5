import { emitModule, type Language } from './codegen/emit.js';
import { programFromSpec, type Program } from './codegen/program.js';
import { simplify } from './simplify/index.js';
import type { Limits } from './spec/limits.js';
import { loadSpec, type LoadedSpec } from './spec/load.js';
import type { Node } from './graph.js';

export interface CompileOptions {
  readonly language?: Language;
  readonly limits?: Partial<Limits>;
  /** Run the simplifier before emitting (default true). */
  readonly simplify?: boolean;
  /** Called for every rewrite the simplifier makes, in order. */
  readonly explain?: (rule: string, before: Node, after: Node) => void;
}

export interface Compiled {
  readonly spec: LoadedSpec;
  /** The outputs as emitted (simplified unless turned off). */
  readonly program: Program;
  readonly source: string;
}

/** Spec text → graph (derivatives expanded) → simplified graph → standalone module source. */
export function compileSpec(text: string, options: CompileOptions = {}): Compiled {
  const spec = loadSpec(text, options.limits);
  const outputs = spec.outputs.map((o) => o.node);
  const emitted = options.simplify === false ? outputs : simplify(outputs, { explain: options.explain });
  const program = programFromSpec(spec, emitted);
  return { spec, program, source: emitModule(program, options.language ?? 'js') };
}
