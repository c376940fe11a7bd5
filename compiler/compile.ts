import { emitModule, type Language } from './codegen/emit.js';
import { programFromSpec, type Program } from './codegen/program.js';
import type { Limits } from './spec/limits.js';
import { loadSpec, type LoadedSpec } from './spec/load.js';

export interface CompileOptions {
  readonly language?: Language;
  readonly limits?: Partial<Limits>;
}

export interface Compiled {
  readonly spec: LoadedSpec;
  readonly program: Program;
  readonly source: string;
}

/** Spec text → graph (derivatives expanded) → standalone module source. */
export function compileSpec(text: string, options: CompileOptions = {}): Compiled {
  const spec = loadSpec(text, options.limits);
  const program = programFromSpec(spec);
  return { spec, program, source: emitModule(program, options.language ?? 'js') };
}
