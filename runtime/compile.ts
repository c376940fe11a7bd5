// Compiling in memory. The compiler is imported dynamically, on first use, so code that only
// loads generated modules never loads it.
import type { Graph, Node } from '../compiler/graph.js';
import type { Limits } from '../compiler/spec/limits.js';
import type { LoadedSpec } from '../compiler/spec/load.js';
import { loadModuleSource, type CompiledModule } from './module.js';
import { gradName, Session, type SessionOptions } from './session.js';

export interface CompileOptions {
  readonly limits?: Partial<Limits>;
}

/** Compile spec text (a `*.graph.json`) to a loaded module, as `symgrad compile` would write it. */
export async function compileModule(spec: string, options: CompileOptions = {}): Promise<CompiledModule> {
  const { compileSpec } = await import('../compiler/compile.js');
  return loadModuleSource(compileSpec(spec, { limits: options.limits }).source);
}

/** Compile a graph built in code: every input and param of the graph, and the named outputs. */
export async function compileGraph(graph: Graph, outputs: Readonly<Record<string, Node>>, name = 'graph'): Promise<CompiledModule> {
  const [{ programFromGraph }, { emitModule }] = await Promise.all([import('../compiler/codegen/program.js'), import('../compiler/codegen/emit.js')]);
  return loadModuleSource(emitModule(programFromGraph(graph, outputs, name), 'js'));
}

/**
 * The source of a trainer module for `loss`: outputs the loss and `grad(loss, P)` for every
 * param P, all built by one backward pass. Write it to a file to train without the compiler.
 */
export async function trainerSource(spec: string, loss: string, options: CompileOptions & { readonly language?: 'js' | 'ts' } = {}): Promise<string> {
  const { loadSpec } = await import('../compiler/spec/load.js');
  return emitTrainer(loadSpec(spec, options.limits), loss, options.language ?? 'js');
}

/** Compile a spec's model and trainer modules and start a Session from the params' initial values. */
export async function createSession(spec: string, options: SessionOptions & { readonly limits?: Partial<Limits> }): Promise<Session> {
  const { compileSpec } = await import('../compiler/compile.js');
  const compiled = compileSpec(spec, { limits: options.limits });
  const [model, trainer] = await Promise.all([
    loadModuleSource(compiled.source),
    loadModuleSource(await emitTrainer(compiled.spec, options.loss, 'js')),
  ]);
  return new Session(model, trainer, options);
}

async function emitTrainer(spec: LoadedSpec, loss: string, language: 'js' | 'ts'): Promise<string> {
  const [{ SymgradError, suggest }, { gradients }, { programFromGraph }, { emitModule }, { simplify }] = await Promise.all([
    import('../compiler/errors.js'),
    import('../compiler/autodiff/grad.js'),
    import('../compiler/codegen/program.js'),
    import('../compiler/codegen/emit.js'),
    import('../compiler/simplify/index.js'),
  ]);
  const node = spec.names.get(loss);
  if (!node) throw new SymgradError('loss', `unknown name '${loss}'${suggest(loss, spec.names.keys())}`);
  if (node.shape.length !== 0) throw new SymgradError('loss', `'${loss}' has shape [${node.shape.join(', ')}]; the loss must be a scalar`);
  const params = spec.graph.leaves('param');
  if (params.length === 0) throw new SymgradError('loss', 'the spec has no params to train');
  const graph = spec.graph;
  graph.label = `grad_${loss}`;
  let grads: Node[];
  try {
    grads = gradients(node, params);
  } finally {
    graph.label = '';
  }
  const [simpleLoss, ...simpleGrads] = simplify([node, ...grads]);
  const outputs: Record<string, Node> = { [loss]: simpleLoss };
  params.forEach((p, k) => (outputs[gradName(loss, p.attrs.name as string)] = simpleGrads[k]));
  const program = programFromGraph(graph, outputs, spec.name);
  return emitModule({ ...program, names: new Map([...spec.names, ...program.names]) }, language);
}
