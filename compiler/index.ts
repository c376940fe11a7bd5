/** The compiler API: build graphs in code or from specs, differentiate, interpret, emit modules. */
export * from './ops/index.js';
export { Graph, Node, type Attrs, type DType } from './graph.js';
export { constant, scalar, type Operand } from './builder.js';
export * from './derivatives.js';
export { interpret } from './interpret.js';
export { SymgradError } from './errors.js';
export type { Shape, Dim } from './shape.js';
export type { Tensor } from './ops/op.js';
export { loadSpec, buildSpec, type LoadedSpec } from './spec/load.js';
export { DEFAULT_LIMITS, type Limits } from './spec/limits.js';
export { compileSpec, compileTrainer, type CompileOptions, type Compiled } from './compile.js';
export { emitModule, type Language } from './codegen/emit.js';
export { memoryPlan, type MemoryPlan } from './codegen/plan.js';
export { programFromGraph, programFromSpec, type Program } from './codegen/program.js';
