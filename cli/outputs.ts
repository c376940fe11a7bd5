import { type LoadedSpec, SymgradError } from '../compiler/index.js';

/** A command that computes, draws or counts the outputs refuses a spec that lists none (it would print `{}`). */
export function requireOutputs(spec: LoadedSpec): LoadedSpec {
  if (spec.outputs.length === 0) throw new SymgradError('outputs', 'the spec lists no outputs: name the nodes to compute, as in "outputs": ["y"]');
  return spec;
}
