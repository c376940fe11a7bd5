/**
 * A WebAssembly binary encoder: just what the compiler's kernels need (MVP sections type,
 * function, memory, export and code; one memory, no imports, no tables or globals).
 */

export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

const VALUE_TYPE: Record<ValueType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Unsigned LEB128 of a non-negative integer below 2^53. */
export function unsigned(value: number): number[] {
  if (!Number.isInteger(value) || value < 0) throw new Error(`unsigned LEB128 of ${value}`);
  const out: number[] = [];
  do {
    const low = value % 128;
    value = Math.floor(value / 128);
    out.push(value > 0 ? low | 0x80 : low);
  } while (value > 0);
  return out;
}

/** Signed LEB128 of an integer in [-2^52, 2^52). */
export function signed(value: number): number[] {
  if (!Number.isInteger(value)) throw new Error(`signed LEB128 of ${value}`);
  const out: number[] = [];
  for (;;) {
    const low = ((value % 128) + 128) % 128;
    value = Math.floor(value / 128);
    // Done when the rest is all sign bits and bit 6 of this byte says the same sign.
    if ((value === 0 && (low & 0x40) === 0) || (value === -1 && (low & 0x40) !== 0)) return [...out, low];
    out.push(low | 0x80);
  }
}

/** A name: its UTF-8 bytes, length first. */
export function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsigned(bytes.length), ...bytes];
}

/** A vector: the count, then the items. */
function vector(items: readonly number[][]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsigned(content.length), ...content];
}

export interface WasmFunction {
  /** Exported under this name when given. */
  readonly export?: string;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
  /** Locals past the params (their indices follow the params'). */
  readonly locals: readonly ValueType[];
  /** The instructions, without the final `end`. */
  readonly body: readonly number[];
}

export interface WasmModule {
  readonly functions: readonly WasmFunction[];
  /** One linear memory of `pages` 64 KiB pages at start, growable, exported under `export`. */
  readonly memory?: { readonly pages: number; readonly export: string };
}

/** The module's bytes. */
export function encodeModule(module: WasmModule): Uint8Array {
  const signatures: string[] = [];
  const typeOf = module.functions.map((f) => {
    const key = `${f.params.join(',')}:${f.results.join(',')}`;
    if (!signatures.includes(key)) signatures.push(key);
    return signatures.indexOf(key);
  });
  const types = signatures.map((key) => {
    const [params, results] = key.split(':').map((list) => (list ? list.split(',').map((t) => VALUE_TYPE[t as ValueType]) : []));
    return [0x60, ...unsigned(params.length), ...params, ...unsigned(results.length), ...results];
  });
  const exports: number[][] = [];
  module.functions.forEach((f, index) => f.export !== undefined && exports.push([...name(f.export), 0x00, ...unsigned(index)]));
  if (module.memory) exports.push([...name(module.memory.export), 0x02, 0x00]);
  const bodies = module.functions.map((f) => {
    // Runs of equal types, as the format declares locals.
    const runs: number[][] = [];
    for (const type of f.locals) {
      const last = runs.at(-1);
      if (last && last[1] === VALUE_TYPE[type]) last[0]++;
      else runs.push([1, VALUE_TYPE[type]]);
    }
    const code = [...vector(runs.map(([count, type]) => [...unsigned(count), type])), ...f.body, 0x0b];
    return [...unsigned(code.length), ...code];
  });
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(3, vector(typeOf.map(unsigned))),
    ...(module.memory ? section(5, vector([[0x00, ...unsigned(module.memory.pages)]])) : []),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ];
  return Uint8Array.from(bytes);
}

/** Base64 of bytes (what the generated module decodes with `atob`). */
export function base64(bytes: Uint8Array): string {
  let text = '';
  // In chunks: one spread of a large module's bytes would overflow the call stack.
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(text);
}
