/** The compiler API: build graphs in code or from specs, differentiate, interpret, emit modules. */
// Graphs and the builder: every op and composite, and the derivative functions of SPEC §3.
export * from './ops/index.js';
export { Graph, Node, type Attrs, type DType } from './graph.js';
export { constant, scalar, type Operand } from './builder.js';
export * from './derivatives.js';
export { fold, iterate, scan } from './loops/build.js';
export { interpret, ancestors } from './interpret.js';
export { simplify } from './simplify/index.js';
export { graphStats } from './stats.js';
export { SymgradError, suggest } from './errors.js';
export type { Shape, Dim } from './shape.js';
export type { Tensor } from './ops/op.js';
// Specs: parse, load and compile to modules.
export { parseJson } from './spec/json.js';
export { parseLiteral, toJsonValue } from './spec/values.js';
export { loadSpec, buildSpec, type LoadedSpec } from './spec/load.js';
export type { DerivativeCall } from './spec/build.js';
export { DEFAULT_LIMITS, type Limits } from './spec/limits.js';
export { bakeParams, compileLoaded, compileSpec, compileTrainer, type CompileOptions, type Compiled } from './compile.js';
export { emitModule, type Language } from './codegen/emit.js';
export type { Target } from './codegen/gemm.js';
export { memoryPlan, type MemoryPlan } from './codegen/plan.js';
export { programFromGraph, programFromSpec, type Program } from './codegen/program.js';
// What the commands show: checks, traces and drawings.
export { checkDerivatives, type CheckResult, type CheckRow } from './check/check.js';
export { traceSpec, type Trace, type TraceRow } from './trace/trace.js';
export { notation } from './trace/notation.js';
export { vizGraph } from './viz/graph.js';
export { toDot } from './viz/dot.js';
export { toMermaid } from './viz/mermaid.js';
