import { emitModule, type Language } from './codegen/emit.js';
import type { Target } from './codegen/gemm.js';
import { gradients } from './derivatives.js';
import { suggest, SymgradError } from './errors.js';
import type { JsonValue } from './spec/json.js';
import { parseLiteral } from './spec/values.js';
import { showShape } from './shape.js';
import { programFromGraph, programFromSpec, type Program } from './codegen/program.js';
import { moduleDeclarations } from './codegen/types.js';
import { simplify } from './simplify/index.js';
import type { Limits } from './spec/limits.js';
import { loadSpec, type LoadedSpec } from './spec/load.js';
import type { Node } from './graph.js';

export interface CompileOptions {
  readonly language?: Language;
  /** Where matrix products run: 'wasm' (default: WebAssembly SIMD, JS where it is missing) or 'js' (JS only). */
  readonly target?: Target;
  readonly limits?: Partial<Limits>;
  /** Run the simplifier before emitting (default true). */
  readonly simplify?: boolean;
  /** Values that become the params' initial values (what `train --save` writes), checked against their shapes. */
  readonly params?: JsonValue;
  /** Called for every rewrite the simplifier makes, in order. */
  readonly explain?: (rule: string, before: Node, after: Node) => void;
}

export interface Compiled {
  readonly spec: LoadedSpec;
  /** The outputs as emitted (simplified unless turned off). */
  readonly program: Program;
  readonly source: string;
  /** The module's types as a `.d.ts`, to write beside a `.js` module. */
  readonly declarations: string;
}

/** Spec text → graph (derivatives expanded) → simplified graph → standalone module source. */
export function compileSpec(text: string, options: CompileOptions = {}): Compiled {
  const spec = loadSpec(text, options.limits);
  if (options.params !== undefined) bakeParams(spec, options.params);
  return compileLoaded(spec, options);
}

/** A loaded spec → simplified graph → standalone module source. */
export function compileLoaded(spec: LoadedSpec, options: Omit<CompileOptions, 'limits' | 'params'> = {}): Compiled {
  const outputs = spec.outputs.map((o) => o.node);
  const emitted = options.simplify === false ? outputs : simplify(outputs, { explain: options.explain });
  const program = programFromSpec(spec, emitted);
  const source = emitModule(program, options.language ?? 'js', options.target);
  return { spec, program, source, declarations: moduleDeclarations(program, source.includes('\nexport async function createKernelAsync(')) };
}

/**
 * A trainer module for the scalar spec node `loss`: it outputs the loss and its gradient with
 * respect to every param (one backward pass), named by `gradName(loss, param)`.
 */
export function compileTrainer(spec: LoadedSpec, loss: string, gradName: (loss: string, param: string) => string, language: Language = 'js', target?: Target): string {
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
  return emitModule({ ...program, names: new Map([...spec.names, ...program.names]) }, language, target);
}

/** Make given values the params' initial values: an object of param name to a value of its declared shape. */
export function bakeParams(spec: LoadedSpec, values: JsonValue): void {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) throw new SymgradError('params', 'expected an object of param name to value');
  const params = new Map(spec.graph.leaves('param').map((p) => [p.attrs.name as string, p]));
  for (const [name, value] of Object.entries(values)) {
    const param = params.get(name);
    if (!param) throw new SymgradError(`params.${name}`, `not a param of the spec${suggest(name, params.keys())}`);
    const literal = parseLiteral(value, `params.${name}`);
    const fits = literal.shape.length === param.shape.length && literal.shape.every((d, i) => d === param.shape[i]);
    if (!fits) throw new SymgradError(`params.${name}`, `has shape ${showShape(literal.shape)} but the param has shape ${showShape(param.shape)}`);
    spec.graph.paramInits.set(name, { kind: 'values', values: literal.values });
  }
}
