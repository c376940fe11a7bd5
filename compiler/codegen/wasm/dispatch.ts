import { base64 } from './encode.js';
import { TILE_ROWS, tileColumns, wasmModule } from './kernel.js';
import { lanes } from './instructions.js';
import type { WasmLoop } from './loops.js';

/** Blocks of the WebAssembly gemm: MC×KC of A and KC×NC of B packed into its memory per call of `block`. */
const WASM_BLOCKS = { MC: 128, KC: 512, NC: 512 } as const;

/** Operands outside the memory of at most this many elements are copied into it whole (one memcpy) and packed there. */
const RAW_MAX = 2 ** 19;

/** Elements of the scratch area a gemm of m×k by k×n packs its blocks into (named dimensions count as whole blocks). */
export function gemmScratch(dtype: 'float32' | 'float64', m: number | undefined, k: number | undefined, n: number | undefined): number {
  const { MC, KC, NC } = WASM_BLOCKS;
  const [MR, NR] = [TILE_ROWS, tileColumns(dtype)];
  const cap = (d: number | undefined, block: number, tile: number) => Math.min(block, Math.ceil((d ?? block) / tile) * tile);
  return cap(m, MC, MR) * cap(k, KC, 1) + cap(k, KC, 1) * cap(n, NC, NR) + cap(m, MC, MR) * cap(n, NC, NR) + NR;
}

/** Elements an array of n takes in a kernel's memory: whole vectors, and a vector to spare after it (see `$alloc`). */
export function paddedElements(dtype: 'float32' | 'float64', n: number): number {
  const count = lanes(dtype).count;
  return (Math.ceil(n / count) + 1) * count;
}

/**
 * The module-level code of the WebAssembly back end: the bytes symgrad wrote (base64), compiled
 * once on first use (`$wasmReady` compiles asynchronously for `createKernelAsync`); each kernel
 * instance instantiates them with a memory of its own (`wasmInstanceCode`), and a run points
 * `$wasm`, `$heap` and `$scratch` at its kernel's. Buffers live in that memory, so the fused
 * `loops` and `$gemm` read and write them where they are; operands from elsewhere (constants)
 * are copied into the scratch area past the buffers. `$gemm` packs blocks of
 * A and B there as the JS gemm packs them into its arrays, calls `block`, and moves each block of
 * C to its place. Where WebAssembly, its SIMD or `atob` is missing, or instantiation or growing
 * the memory throws, the kernel runs the JS code: `$gemmJs` and the JS loops.
 */
export function wasmRuntime(dtype: 'float32' | 'float64', ts: boolean, parts: { readonly gemm: boolean; readonly loops: readonly WasmLoop[] }): string {
  const t = (annotation: string) => (ts ? annotation : '');
  const n = t(': number');
  const storage = dtype === 'float32' ? 'Float32Array' : 'Float64Array';
  const arr = t(`: ${storage}`);
  const bytes = dtype === 'float32' ? 4 : 8;
  const count = lanes(dtype).count;
  const { loops } = parts;
  const [MR, NR] = [TILE_ROWS, tileColumns(dtype)];
  const exportsType = [
    'readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };',
    ...(parts.gemm ? ['block(mc: number, nc: number, kc: number, a: number, b: number, c: number, ldc: number): void;'] : []),
    ...(parts.gemm ? [...new Set([MR, NR])].map((tile) => `pack${tile}(x: number, rs: number, cs: number, rows: number, kc: number, o: number): void;`) : []),
    ...loops.map((l) => `${l.fn.export!}(rows: number, n: number, ...addresses: number[]): void;`),
  ];
  const types = ts
    ? `type $WasmExports = { ${exportsType.join(' ')} };
type $WasmApi = {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: $WasmExports };
  compile(bytes: Uint8Array): Promise<object>;
};
`
    : '';
  const global = ts ? '(globalThis as unknown as { readonly WebAssembly?: $WasmApi; atob(text: string): string })' : 'globalThis';
  return `${types}/** The WebAssembly symgrad wrote for this module (base64). */
const $wasmCode = '${base64(wasmModule(dtype, { gemm: parts.gemm, loops: loops.map((l) => l.fn) }))}';
/** Its compiled module: undefined until first needed, null where it cannot run. */
let $wasmModule${t(': object | null | undefined')} = undefined;
/** The running kernel's functions (null: it runs in JS), its memory as ${storage}s, and where its scratch area starts. */
let $wasm${t(': $WasmExports | null')} = null;
let $heap = new ${storage}(0);
let $scratch = 0;

function $wasmBytes()${t(': Uint8Array')} {
  const text = ${global}.atob($wasmCode);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Compiles the module synchronously (small enough for a browser's main thread too), once; null where WebAssembly or its SIMD is missing. */
function $wasmCompile()${t(': object | null')} {
  if ($wasmModule !== undefined) return $wasmModule;
  $wasmModule = null;
  try {
    const api = ${global}.WebAssembly;
    const bytes = $wasmBytes();
    if (api && api.validate(bytes)) $wasmModule = new api.Module(bytes);
  } catch {
    $wasmModule = null;
  }
  return $wasmModule;
}

/** Compiles the module asynchronously, unless a kernel has already compiled it. */
async function $wasmReady()${t(': Promise<void>')} {
  let compiled${t(': object | null')} = null;
  try {
    const api = ${global}.WebAssembly;
    const bytes = $wasmBytes();
    if ($wasmModule === undefined && api && api.validate(bytes)) compiled = await api.compile(bytes);
  } catch {
    compiled = null;
  }
  if ($wasmModule === undefined) $wasmModule = compiled;
}

/** A kernel instance's own functions and memory; null where they cannot run. */
function $wasmInstance()${t(': $WasmExports | null')} {
  const module = $wasmCompile();
  if (module === null) return null;
  try {
    return new ${global}.WebAssembly${t('!')}.Instance(module, {}).exports;
  } catch {
    return null;
  }
}

/** The byte address of x in the running kernel's memory: where it is, else a copy in the scratch area from $free on (-1: no room, or \`copy\` false). */
let $free = 0;
function $address(x${arr}, copy${t(': boolean')})${n} {
  if (x.buffer === $heap.buffer) return x.byteOffset;
  const at = Math.ceil($free / ${count}) * ${count};
  if (!copy || at + x.length + ${count} > $heap.length) return -1;
  $heap.set(x, at);
  $free = at + x.length + ${count};
  return at * ${bytes};
}
${parts.gemm ? gemmCode(dtype, ts) : ''}
${loops.map((l) => l.js).join('\n')}`;
}

/**
 * The kernel instance's side: `$alloc` places its buffers in its memory (each on a vector
 * boundary with a vector to spare, which a loop's last vector may spill into), `$reserve` grows
 * the memory once per set of sizes before `$allocate` places them, `$feedIn` stages the feeds the
 * WebAssembly reads, and `$enter` makes it the running kernel. `$exports` is the instance's
 * `$wasmInstance()`.
 */
export function wasmInstanceCode(dtype: 'float32' | 'float64', ts: boolean): string[] {
  const t = (annotation: string) => (ts ? annotation : '');
  const storage = dtype === 'float32' ? 'Float32Array' : 'Float64Array';
  const bytes = dtype === 'float32' ? 4 : 8;
  const count = lanes(dtype).count;
  return [
    `let $memory = new ${storage}(0);`,
    'let $placed = 0;',
    'let $scratchAt = 0;',
    `/** An array of n elements in the kernel's memory, or a JS array where it runs in JS. */`,
    `function $alloc(n${t(': number')})${t(`: ${storage}`)} {`,
    `  if ($exports === null) return new ${storage}(n);`,
    `  const view = new ${storage}($memory.buffer, $placed * ${bytes}, n);`,
    `  $placed += (Math.ceil(n / ${count}) + 1) * ${count};`,
    `  $scratchAt = $placed;`,
    '  return view;',
    '}',
    `/** Grows the memory to \`elements\` (buffers, then scratch); where it cannot, the kernel runs in JS from now on. */`,
    `function $reserve(elements${t(': number')})${t(': void')} {`,
    '  $placed = 0;',
    '  if ($exports === null) return;',
    '  const memory = $exports.memory;',
    `  const missing = elements * ${bytes} - memory.buffer.byteLength;`,
    '  try {',
    '    if (missing > 0) memory.grow(Math.ceil(missing / 65536));',
    '  } catch {',
    '    $exports = null;',
    '    return;',
    '  }',
    `  if ($memory.buffer !== memory.buffer) $memory = new ${storage}(memory.buffer);`,
    '}',
    `/** A feed the WebAssembly reads: copied into its staging array in the memory (read in place where the kernel runs in JS). */`,
    `function $feedIn(value${t(': number | ArrayLike<number>')}, staging${t(`: ${storage}`)}, size${t(': number')})${t(`: ${storage}`)} {`,
    `  if (!(value instanceof ${storage})) return $stage(value, staging, size);`,
    '  if ($exports === null) return value;',
    '  staging.set(value);',
    '  return staging;',
    '}',
    `/** Makes this kernel the running one. */`,
    `function $enter()${t(': void')} {`,
    '  $wasm = $exports;',
    '  $heap = $memory;',
    '  $scratch = $scratchAt;',
    '}',
  ];
}

/** `$gemm`: the gemm in WebAssembly, with its packing from JS arrays and its moves of C. */
function gemmCode(dtype: 'float32' | 'float64', ts: boolean): string {
  const t = (annotation: string) => (ts ? annotation : '');
  const n = t(': number');
  const storage = dtype === 'float32' ? 'Float32Array' : 'Float64Array';
  const arr = t(`: ${storage}`);
  const bytes = dtype === 'float32' ? 4 : 8;
  const { MC, KC, NC } = WASM_BLOCKS;
  const [MR, NR] = [TILE_ROWS, tileColumns(dtype)];
  const round = (x: string, tile: number) => `Math.ceil(${x} / ${tile}) * ${tile}`;
  // Lanes past the last row or column repeat it (reads stay in bounds); their sums are never copied out.
  const lanesOf = (count: number, v: string, left: string, stride: string) =>
    Array.from({ length: count - 1 }, (_, i) => `${v}${i + 1} = Math.min(${i + 1}, ${left}) * ${stride}`).join(', ');
  const copies = (count: number, from: string, v: string) =>
    Array.from({ length: count }, (_, i) => `H[o${i ? ` + ${i}` : ''}] = ${from}[y${i ? ` + ${v}${i}` : ''}]${t('!')};`).join(' ');
  const pack = (tile: number) => `/** Packs rows × kc of X (X[x + r * rs + p * cs]) into memory from o, as panels of ${tile} rows, p-major. */
function $wasmPack${tile}(X${arr}, x${n}, rs${n}, cs${n}, rows${n}, kc${n}, o${n})${t(': void')} {
  const H = $heap;
  for (let r = 0; r < rows; r += ${tile}, x += ${tile} * rs) {
    const ${lanesOf(tile, 's', 'rows - r - 1', 'rs')};
    for (let p = 0, y = x; p < kc; p++, y += cs, o += ${tile}) {
      ${copies(tile, 'X', 's')}
    }
  }
}
`;
  return `
${[...new Set([MR, NR])].map(pack).join('\n')}
/** Views of the memory by start and length, kept so that moving blocks of C through them allocates nothing from run to run. */
const $views${t(`: ${storage}[]`)} = [];

function $view(start${n}, length${n})${t(`: ${storage}`)} {
  for (const view of $views) if (view.buffer === $heap.buffer && view.byteOffset === start * ${bytes} && view.length === length) return view;
  if ($views.length === 64) $views.shift();
  $views.push(new ${storage}($heap.buffer, start * ${bytes}, length));
  return $views[$views.length - 1]${t('!')};
}

/** C[x..] (rows × columns, rows n apart) = (or +=) the C block in memory from y (rows \`columns\` apart). */
function $wasmUnpack(C${arr}, x${n}, n${n}, y${n}, rows${n}, columns${n}, add${t(': boolean')})${t(': void')} {
  if (!add && columns === n) return C.set($view(y, rows * columns), x);
  const H = $heap;
  for (let i = 0; i < rows; i++, x += n, y += columns) {
    if (add) for (let j = 0; j < columns; j++) C[x + j]${t('!')} += H[y + j]${t('!')};
    else for (let j = 0; j < columns; j++) C[x + j] = H[y + j]${t('!')};
  }
}

/** C[co..] (m×n, contiguous) = A·B as $gemmJs computes it, in WebAssembly when the running kernel has it. */
function $gemm(m${n}, n${n}, k${n}, A${arr}, ao${n}, ars${n}, acs${n}, B${arr}, bo${n}, brs${n}, bcs${n}, C${arr}, co${n})${t(': void')} {
  const wasm = $wasm;
  // Element offsets of the packed blocks of A, B and C in the scratch area; operands outside the memory are copied after them.
  const a0 = $scratch;
  const b0 = a0 + Math.min(${MC}, ${round('m', MR)}) * Math.min(${KC}, k);
  const c0 = b0 + Math.min(${KC}, k) * Math.min(${NC}, ${round('n', NR)});
  $free = c0 + Math.min(${MC}, ${round('m', MR)}) * Math.min(${NC}, ${round('n', NR)}) + ${NR};
  if (wasm === null || $free > $heap.length) return $gemmJs(m, n, k, A, ao, ars, acs, B, bo, brs, bcs, C, co);
  // Byte addresses of A and B in memory, where they are packed (-1: packed from JS, as an array much larger than its matrix is).
  const a1 = A.length <= Math.min(2 * m * k, ${RAW_MAX}) || A.buffer === $heap.buffer ? $address(A, true) : -1;
  const b1 = B.length <= Math.min(2 * k * n, ${RAW_MAX}) || B.buffer === $heap.buffer ? $address(B, true) : -1;
  for (let jc = 0; jc < n; jc += ${NC}) {
    const nc = Math.min(${NC}, n - jc);
    for (let pc = 0; pc < k; pc += ${KC}) {
      const kc = Math.min(${KC}, k - pc);
      // B's panels are its columns: packed as the rows of Bᵀ.
      if (b1 >= 0) wasm.pack${NR}(b1 + (bo + pc * brs + jc * bcs) * ${bytes}, bcs * ${bytes}, brs * ${bytes}, nc, kc, b0 * ${bytes});
      else $wasmPack${NR}(B, bo + pc * brs + jc * bcs, bcs, brs, nc, kc, b0);
      for (let ic = 0; ic < m; ic += ${MC}) {
        const mc = Math.min(${MC}, m - ic);
        if (a1 >= 0) wasm.pack${MR}(a1 + (ao + ic * ars + pc * acs) * ${bytes}, ars * ${bytes}, acs * ${bytes}, mc, kc, a0 * ${bytes});
        else $wasmPack${MR}(A, ao + ic * ars + pc * acs, ars, acs, mc, kc, a0);
        // C's block is written with rows nc apart, as they are in C when nc = n.
        wasm.block(${round('mc', MR)}, ${round('nc', NR)}, kc, a0 * ${bytes}, b0 * ${bytes}, c0 * ${bytes}, nc * ${bytes});
        // The first block of k sets C, later ones add to it (as $gemmJs sums them).
        $wasmUnpack(C, co + ic * n + jc, n, c0, mc, nc, pc > 0);
      }
    }
  }
}
`;
}
