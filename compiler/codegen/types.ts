import type { Shape } from '../shape.js';
import { jsString } from '../literals.js';
import type { Program } from './program.js';

const showShape = (shape: Shape) => `[${shape.join(', ')}]`;

/** Whether the module has a per-point entry: every input and param a scalar, every output of a fixed size. */
export function hasScalarCall(program: Program): boolean {
  return [...program.inputs, ...program.params].every((l) => l.shape.length === 0) && program.outputs.every((o) => o.node.shape.every((d) => typeof d === 'number'));
}

/**
 * The spec as types: `run`'s feeds and outputs by name, shapes in their doc comments, so an editor
 * knows `out.loss`, and `out.los` or a missing input is a type error. Inputs are required; a param
 * is optional (its initial value otherwise).
 */
export function moduleTypes(program: Program): string[] {
  const lines = ['/** The feeds of run(): every input, and every param (optional: its initial value otherwise). */', 'export type Inputs = {'];
  for (const l of program.inputs) lines.push(`  /** shape ${showShape(l.shape)} */`, `  readonly ${l.name}: Feed;`);
  for (const p of program.params) lines.push(`  /** shape ${showShape(p.shape)}; initialParams.${p.name} when not fed */`, `  readonly ${p.name}?: Feed;`);
  lines.push('};', '', '/** The outputs of run(), by name. */', 'export type Outputs = {');
  for (const o of program.outputs) lines.push(`  /** shape ${showShape(o.node.shape)} */`, `  readonly ${o.name}: Output;`);
  lines.push('};', '');
  return lines;
}

/** The `.d.ts` written beside a `.js` module: the same types and exports as its `.ts` form. */
export function moduleDeclarations(program: Program, withAsync = false): string {
  const storage = program.dtype === 'float32' ? 'Float32Array' : 'Float64Array';
  const leaf = (s: Shape) => `readonly [${s.map((d) => (typeof d === 'number' ? String(d) : jsString(d))).join(', ')}]`;
  const entries = (items: readonly { name: string; shape: Shape }[]) =>
    `readonly [${items.map((i) => `{ readonly name: ${jsString(i.name)}; readonly shape: ${leaf(i.shape)} }`).join(', ')}]`;
  const leaves = [...program.inputs, ...program.params];
  const lines = [
    `// Types of the module symgrad generated from ${jsString(program.name)} (${program.dtype}).`,
    '/** A feed: a number, a flat or nested array in row-major order, a typed array, or { data, shape }. */',
    'export type Feed = number | ArrayLike<number> | readonly unknown[] | { readonly data: ArrayLike<number>; readonly shape: readonly number[] };',
    `export interface Output { readonly data: ${storage}; readonly shape: readonly number[] }`,
    '',
    ...moduleTypes(program),
    '/** The dtype, and the name and shape of every input, param and output (named dimensions as strings). */',
    `export declare const signature: { readonly dtype: ${jsString(program.dtype)}; readonly inputs: ${entries(program.inputs)}; readonly params: ${entries(program.params)}; readonly outputs: ${entries(program.outputs.map((o) => ({ name: o.name, shape: o.node.shape })))} };`,
    '/** Initial values of the params (flat, row-major): what a param that is not fed takes. */',
    `export declare const initialParams: { ${program.params.map((p) => `readonly ${p.name}: ${storage};`).join(' ')} };`,
    '/** A kernel instance owns its buffers; `maxElements` bounds the elements of the buffers a run may allocate. */',
    `export declare function createKernel(options?: { readonly maxElements?: number }): { run(feeds: Inputs): Outputs };`,
  ];
  if (withAsync) {
    lines.push('/** createKernel() once the WebAssembly gemm is compiled asynchronously: for a browser\'s main thread. */');
    lines.push('export declare function createKernelAsync(options?: { readonly maxElements?: number }): Promise<{ run(feeds: Inputs): Outputs }>;');
  }
  if (hasScalarCall(program)) {
    lines.push('/** The per-point entry: numbers in (inputs, then params, in signature order), every output flat in one reused array. */');
    lines.push(`export declare function createScalarKernel(): (${leaves.map((l) => `${l.name}: number`).join(', ')}) => ${storage};`);
  }
  lines.push('/** One run with a fresh kernel: convenient, but allocates; use createKernel() in loops. */', 'export declare function run(feeds: Inputs): Outputs;');
  return lines.join('\n') + '\n';
}
