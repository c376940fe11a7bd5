import { specFunctions } from '../spec/functions.js';
import { nameProblem } from '../spec/names.js';

const FUNCTION_NAMES: ReadonlySet<string> = new Set(specFunctions.keys());

/**
 * Valid, unique spec names for ONNX names: other characters become `_` (`l1.weight` → `l1_weight`,
 * `/l1/Gemm_output_0` → `l1_Gemm_output_0`), a leading digit gets a `_`, and a reserved word, a
 * function name or a name already given gets a numbered suffix.
 */
export class SpecNames {
  private readonly given = new Set<string>();
  /** ONNX name → spec name, for every name that had to change. */
  readonly renamed = new Map<string, string>();

  add(onnxName: string): string {
    const base = specName(onnxName);
    let name = base;
    for (let k = 1; this.given.has(name) || nameProblem(name, FUNCTION_NAMES) !== undefined; k++) name = `${base}_${k}`;
    this.given.add(name);
    if (name !== onnxName) this.renamed.set(onnxName, name);
    return name;
  }
}

/** The name with invalid characters replaced, trimmed of leading and trailing `_` runs where that leaves a name. */
export function specName(onnxName: string): string {
  const replaced = onnxName.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  const name = replaced === '' ? 'v' : replaced;
  return /^[0-9]/.test(name) ? `_${name}` : name;
}
