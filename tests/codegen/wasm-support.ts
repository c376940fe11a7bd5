import { afterEach, vi } from 'vitest';
import { emitModule } from '../../compiler/codegen/emit.js';
import type { Target } from '../../compiler/codegen/gemm.js';
import { programFromGraph } from '../../compiler/codegen/program.js';
import type { Node } from '../../compiler/graph.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { loadModuleSource, type CompiledModule } from '../../runtime/module.js';

type Memory = { grow(pages: number): number };
type WasmApi = { validate(bytes: Uint8Array): boolean; Instance: new (...args: never[]) => object; Memory: { prototype: Memory } };
const global = globalThis as unknown as { WebAssembly: WasmApi | undefined };

/** The real WebAssembly API; a test may remove it (`removeWebAssembly`) or mock it: both are undone after each test. */
export const realWasm = global.WebAssembly!;
export const removeWebAssembly = (): void => void (global.WebAssembly = undefined);
export const restoreWebAssembly = (): void => void (global.WebAssembly = realWasm);
afterEach(() => {
  restoreWebAssembly();
  vi.restoreAllMocks();
});

let modules = 0;
/** Compiles outputs for a target under a fresh module name, so each load is a module of its own (own WebAssembly state). */
export async function compileFor(outputs: Record<string, Node>, target: Target): Promise<{ module: CompiledModule; source: string }> {
  const graph = Object.values(outputs)[0].graph;
  const source = emitModule(programFromGraph(graph, outputs, `wasm_test_${++modules}`), 'js', target);
  return { module: await loadModuleSource(source), source };
}

/** A fresh kernel's run, every output as a plain array. */
export const runFresh = (module: CompiledModule, feeds: Record<string, Tensor>): Record<string, number[]> =>
  Object.fromEntries(Object.entries(module.createKernel().run(feeds)).map(([k, v]) => [k, Array.from(v.data)]));
