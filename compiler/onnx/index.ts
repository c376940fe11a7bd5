/** ONNX in and out (SPEC §7). protobufjs loads on first use, so only these functions pay for it. */
import { programFromSpec } from '../codegen/program.js';
import { simplify } from '../simplify/index.js';
import { loadSpec } from '../spec/load.js';
import type { Limits } from '../spec/limits.js';
import { programToOnnx, type ExportOptions } from './export.js';
import { onnxToSpec, type ImportOptions } from './import.js';
import { decodeModel, encodeModel } from './proto.js';

export { OPSET } from './export.js';
export type { ExportOptions } from './export.js';
export type { ImportOptions } from './import.js';

/** Spec text → ONNX model bytes: the graph after derivative expansion and simplification. */
export async function exportOnnx(specText: string, options: ExportOptions & { limits?: Partial<Limits> } = {}): Promise<Uint8Array> {
  const spec = loadSpec(specText, options.limits);
  const written = spec.outputs.map((o) => o.node);
  return encodeModel(programToOnnx(programFromSpec(spec, simplify(written)), options, written));
}

/** ONNX model bytes → spec text (`*.graph.json`), every innermost list of numbers (a shape, a row of values) on one line. */
export async function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): Promise<string> {
  const text = JSON.stringify(onnxToSpec(await decodeModel(bytes), options), null, 2);
  const numbers = /\[\s*(-?[\d.]+(?:e[+-]?\d+)?(?:,\s*-?[\d.]+(?:e[+-]?\d+)?)*)\s*\]/g;
  return `${text.replace(numbers, (_, items: string) => `[${items.split(/,\s*/).join(', ')}]`)}\n`;
}
