// Compiling in memory. The compiler is imported dynamically, on first use, so code that only
// loads generated modules never loads it.
import type { Graph, Limits, Node } from '../compiler/index.js';
import { loadModuleSource, type CompiledModule } from './module.js';
import { gradName, Session, type SessionOptions } from './session.js';

export interface CompileOptions {
  readonly limits?: Partial<Limits>;
}

const compiler = () => import('../compiler/index.js');

/** Compile spec text (a `*.graph.json`) to a loaded module, as `symgrad compile` would write it. */
export async function compileModule(spec: string, options: CompileOptions = {}): Promise<CompiledModule> {
  const { compileSpec } = await compiler();
  return loadModuleSource(compileSpec(spec, { limits: options.limits }).source);
}

/** Compile a graph built in code: every input and param of the graph, and the named outputs. */
export async function compileGraph(graph: Graph, outputs: Readonly<Record<string, Node>>, name = 'graph'): Promise<CompiledModule> {
  const { emitModule, programFromGraph } = await compiler();
  return loadModuleSource(emitModule(programFromGraph(graph, outputs, name), 'js'));
}

/**
 * The source of a trainer module for `loss`: outputs the loss and `grad(loss, P)` for every
 * param P, all built by one backward pass. Write it to a file to train without the compiler.
 */
export async function trainerSource(spec: string, loss: string, options: CompileOptions & { readonly language?: 'js' | 'ts' } = {}): Promise<string> {
  const { compileTrainer, loadSpec } = await compiler();
  return compileTrainer(loadSpec(spec, options.limits), loss, gradName, options.language ?? 'js');
}

/** Compile a spec's model and trainer modules and start a Session from the params' initial values. */
export async function createSession(spec: string, options: SessionOptions & { readonly limits?: Partial<Limits> }): Promise<Session> {
  const { compileSpec, compileTrainer } = await compiler();
  const compiled = compileSpec(spec, { limits: options.limits });
  const [model, trainer] = await Promise.all([
    loadModuleSource(compiled.source),
    loadModuleSource(compileTrainer(compiled.spec, options.loss, gradName, 'js')),
  ]);
  return new Session(model, trainer, options);
}
