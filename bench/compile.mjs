// Compiling specs and graphs with the built compiler (dist/, from `npm run build`).
import { compileSpec, emitModule, programFromGraph } from '../dist/compiler/index.js';
import { loadModuleSource, seededRandom } from '../dist/runtime/index.js';

/** Compile a spec given as an object and load the module, as `symgrad compile` would write it (`target`: 'wasm', the default, or 'js'). */
export async function compileSpecObject(spec, target = 'wasm') {
  return loadModuleSource(compileSpec(JSON.stringify(spec), { target }).source);
}

/** Compile named outputs of a graph built in code. */
export async function compileGraphOutputs(graph, outputs, name) {
  return loadModuleSource(emitModule(programFromGraph(graph, outputs, name), 'js'));
}

/** Deterministic uniform numbers in [lo, hi), from the runtime's seeded generator. */
export function randomArray(Type, size, lo, hi, seed = 1) {
  const random = seededRandom(seed);
  return Type.from({ length: size }, () => lo + (hi - lo) * random());
}

/** Largest absolute difference between two arrays. */
export function maxDifference(a, b) {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
