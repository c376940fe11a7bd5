/** The shape of a module written by `symgrad compile` (SPEC §5). */
export type Feed = number | ArrayLike<number> | readonly unknown[] | { readonly data: ArrayLike<number>; readonly shape: readonly number[] };
export type Feeds = { readonly [name: string]: Feed };

export interface Output {
  readonly data: Float64Array | Float32Array;
  readonly shape: readonly number[];
}

export interface Signature {
  readonly dtype: 'float64' | 'float32';
  readonly inputs: readonly { readonly name: string; readonly shape: readonly (number | string)[] }[];
  readonly params: readonly { readonly name: string; readonly shape: readonly (number | string)[] }[];
  readonly outputs: readonly { readonly name: string; readonly shape: readonly (number | string)[] }[];
}

export interface Kernel {
  run(feeds: Feeds): { readonly [name: string]: Output };
}

export interface CompiledModule {
  readonly signature: Signature;
  readonly initialParams: { readonly [name: string]: Float64Array | Float32Array };
  /** `maxElements` bounds the buffer elements a run may allocate for the sizes its feeds bind (default 1e8). */
  createKernel(options?: { readonly maxElements?: number }): Kernel;
  /** Only in modules with a WebAssembly gemm: compiles it asynchronously first (for a browser's main thread). */
  readonly createKernelAsync?: (options?: { readonly maxElements?: number }) => Promise<Kernel>;
  run(feeds: Feeds): { readonly [name: string]: Output };
  /** Only when every input and param is a scalar: numbers in signature order in, every output flat in one reused array out. */
  readonly createScalarKernel?: () => (...values: number[]) => Float64Array | Float32Array;
}

/** Load generated JavaScript held in memory (an ES module import of its text; nothing touches disk, in Node or a browser). */
export async function loadModuleSource(source: string): Promise<CompiledModule> {
  const url = `data:text/javascript;charset=utf-8,${encodeURIComponent(source)}`;
  return (await import(url)) as CompiledModule;
}
