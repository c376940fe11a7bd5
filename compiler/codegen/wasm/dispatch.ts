import { base64 } from './encode.js';
import { gemmModule, TILE_ROWS, tileColumns } from './kernel.js';
import type { WasmLoop } from './loops.js';

/** Blocks of the WebAssembly gemm: MC×KC of A and KC×NC of B packed into its memory per call of `block`. */
const WASM_BLOCKS = { MC: 128, KC: 512, NC: 512 } as const;

/** Operands of at most this many elements are copied into the memory whole (one memcpy) and packed there. */
const RAW_MAX = 2 ** 19;

/**
 * The module-level code that runs `$gemm` in WebAssembly: the kernel's bytes (base64), its
 * instantiation on first use (synchronous; `$wasmReady` compiles asynchronously for
 * `createKernelAsync`), and a `$gemm` that packs blocks of A and B into the kernel's memory as
 * the JS gemm packs them into its arrays (from whole copies of A and B in the memory, or from JS
 * when they are large), calls `block`, and copies each block of C out. Where WebAssembly, its
 * SIMD or `atob` is missing, or instantiation throws, `$gemm` is `$gemmJs`; so is a call for
 * which the memory cannot grow. The module also holds the fused loops of `loops`, whose JS
 * functions copy operands in and results out through `$wasmMemory`.
 */
export function wasmGemm(dtype: 'float32' | 'float64', ts: boolean, loops: readonly WasmLoop[] = []): string {
  const t = (annotation: string) => (ts ? annotation : '');
  const n = t(': number');
  const storage = dtype === 'float32' ? 'Float32Array' : 'Float64Array';
  const arr = t(`: ${storage}`);
  const bytes = dtype === 'float32' ? 4 : 8;
  const { MC, KC, NC } = WASM_BLOCKS;
  const [MR, NR] = [TILE_ROWS, tileColumns(dtype)];
  const round = (x: string, tile: number) => `Math.ceil(${x} / ${tile}) * ${tile}`;
  // Lanes past the last row or column repeat it (reads stay in bounds); their sums are never copied out.
  const lanes = (count: number, v: string, left: string, stride: string) =>
    Array.from({ length: count - 1 }, (_, i) => `${v}${i + 1} = Math.min(${i + 1}, ${left}) * ${stride}`).join(', ');
  const copies = (count: number, from: string, v: string) =>
    Array.from({ length: count }, (_, i) => `H[o${i ? ` + ${i}` : ''}] = ${from}[y${i ? ` + ${v}${i}` : ''}]${t('!')};`).join(' ');
  const pack = (tile: number) => `/** Packs rows × kc of X (X[x + r * rs + p * cs]) into memory from o, as panels of ${tile} rows, p-major. */
function $wasmPack${tile}(X${arr}, x${n}, rs${n}, cs${n}, rows${n}, kc${n}, o${n})${t(': void')} {
  const H = $heap;
  for (let r = 0; r < rows; r += ${tile}, x += ${tile} * rs) {
    const ${lanes(tile, 's', 'rows - r - 1', 'rs')};
    for (let p = 0, y = x; p < kc; p++, y += cs, o += ${tile}) {
      ${copies(tile, 'X', 's')}
    }
  }
}
`;
  const types = ts
    ? `type $WasmGemm = { readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number }; block(mc: number, nc: number, kc: number, a: number, b: number, c: number, ldc: number): void;${[...new Set([MR, NR])].map((tile) => ` pack${tile}(x: number, rs: number, cs: number, rows: number, kc: number, o: number): void;`).join('')}${loops.map((l) => ` ${l.fn.export!}(rows: number, n: number, ...addresses: number[]): void;`).join('')} };
type $WasmApi = {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: $WasmGemm };
  instantiate(bytes: Uint8Array, imports: object): Promise<{ readonly instance: { readonly exports: $WasmGemm } }>;
};
`
    : '';
  const global = ts ? '(globalThis as unknown as { readonly WebAssembly?: $WasmApi; atob(text: string): string })' : 'globalThis';
  return `${types}/** The WebAssembly gemm kernel symgrad wrote (base64): undefined until first used, null where it cannot run. */
const $wasmCode = '${base64(gemmModule(dtype, loops.map((l) => l.fn)))}';
let $wasm${t(': $WasmGemm | null | undefined')} = undefined;
/** The kernel's memory as ${storage}s, renewed when the memory grows. */
let $heap = new ${storage}(0);

function $wasmBytes()${t(': Uint8Array')} {
  const text = ${global}.atob($wasmCode);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Instantiates the kernel synchronously (small enough for a browser's main thread too); null where WebAssembly or its SIMD is missing. */
function $wasmStart()${t(': $WasmGemm | null')} {
  $wasm = null;
  try {
    const api = ${global}.WebAssembly;
    const bytes = $wasmBytes();
    if (api && api.validate(bytes)) $wasm = new api.Instance(new api.Module(bytes), {}).exports;
  } catch {
    $wasm = null;
  }
  return $wasm;
}

/** Compiles and instantiates the kernel asynchronously, unless a gemm has already started it. */
async function $wasmReady()${t(': Promise<void>')} {
  let exports${t(': $WasmGemm | null')} = null;
  try {
    const api = ${global}.WebAssembly;
    const bytes = $wasmBytes();
    if ($wasm === undefined && api && api.validate(bytes)) exports = (await api.instantiate(bytes, {})).instance.exports;
  } catch {
    exports = null;
  }
  if ($wasm === undefined) $wasm = exports;
}

${[...new Set([MR, NR])].map(pack).join('\n')}
/** Views of the memory by start and length, kept so that copying blocks of C out through them allocates nothing from run to run. */
const $views${t(`: ${storage}[]`)} = [];

function $view(start${n}, length${n})${t(`: ${storage}`)} {
  for (const view of $views) if (view.byteOffset === start * ${bytes} && view.length === length) return view;
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

/** The kernel, its memory grown to hold \`elements\` values and \`$heap\` renewed; null where it cannot run or the memory cannot grow. */
function $wasmMemory(elements${n})${t(': $WasmGemm | null')} {
  const wasm = $wasm === undefined ? $wasmStart() : $wasm;
  if (wasm === null) return null;
  const memory = wasm.memory;
  const size = elements * ${bytes};
  if (memory.buffer.byteLength < size) {
    try {
      memory.grow(Math.ceil((size - memory.buffer.byteLength) / 65536));
    } catch {
      return null;
    }
  }
  if ($heap.buffer !== memory.buffer) {
    $heap = new ${storage}(memory.buffer);
    $views.length = 0;
  }
  return wasm;
}

${loops.map((l) => l.js).join('\n')}
/** C[co..] (m×n, contiguous) = A·B as $gemmJs computes it, in WebAssembly when it runs here. */
function $gemm(m${n}, n${n}, k${n}, A${arr}, ao${n}, ars${n}, acs${n}, B${arr}, bo${n}, brs${n}, bcs${n}, C${arr}, co${n})${t(': void')} {
  const wasm = $wasm === undefined ? $wasmStart() : $wasm;
  if (wasm === null) return $gemmJs(m, n, k, A, ao, ars, acs, B, bo, brs, bcs, C, co);
  // Element offsets of the packed blocks of B and C in memory (A's is 0), and of the copies of A and B
  // (-1: none; an array much larger than its matrix, or large, is packed from JS instead).
  const b0 = Math.min(${MC}, ${round('m', MR)}) * Math.min(${KC}, k);
  const c0 = b0 + Math.min(${KC}, k) * Math.min(${NC}, ${round('n', NR)});
  const a1 = c0 + Math.min(${MC}, ${round('m', MR)}) * Math.min(${NC}, ${round('n', NR)}) + ${NR};
  const copyA = A.length <= Math.min(2 * m * k, ${RAW_MAX});
  const b1 = copyA ? a1 + A.length : a1;
  const copyB = B.length <= Math.min(2 * k * n, ${RAW_MAX});
  const size = (copyB ? b1 + B.length : b1) * ${bytes};
  if ($wasmMemory(size / ${bytes}) === null) return $gemmJs(m, n, k, A, ao, ars, acs, B, bo, brs, bcs, C, co);
  if (copyA) $heap.set(A, a1);
  if (copyB) $heap.set(B, b1);
  for (let jc = 0; jc < n; jc += ${NC}) {
    const nc = Math.min(${NC}, n - jc);
    for (let pc = 0; pc < k; pc += ${KC}) {
      const kc = Math.min(${KC}, k - pc);
      // B's panels are its columns: packed as the rows of Bᵀ.
      if (copyB) wasm.pack${NR}((b1 + bo + pc * brs + jc * bcs) * ${bytes}, bcs * ${bytes}, brs * ${bytes}, nc, kc, b0 * ${bytes});
      else $wasmPack${NR}(B, bo + pc * brs + jc * bcs, bcs, brs, nc, kc, b0);
      for (let ic = 0; ic < m; ic += ${MC}) {
        const mc = Math.min(${MC}, m - ic);
        if (copyA) wasm.pack${MR}((a1 + ao + ic * ars + pc * acs) * ${bytes}, ars * ${bytes}, acs * ${bytes}, mc, kc, 0);
        else $wasmPack${MR}(A, ao + ic * ars + pc * acs, ars, acs, mc, kc, 0);
        // C's block is written with rows nc apart, as they are in C when nc = n.
        wasm.block(${round('mc', MR)}, ${round('nc', NR)}, kc, 0, b0 * ${bytes}, c0 * ${bytes}, nc * ${bytes});
        // The first block of k sets C, later ones add to it (as $gemmJs sums them).
        $wasmUnpack(C, co + ic * n + jc, n, c0, mc, nc, pc > 0);
      }
    }
  }
}
`;
}
