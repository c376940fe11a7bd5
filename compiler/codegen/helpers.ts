import { erfHelpers } from '../ops/cody.js';
import { linalgHelpers } from './kernels/linalg.js';

/**
 * Module-level functions that op expressions may call (named `$…`, which spec names cannot be).
 * Each is emitted once, into the modules whose code calls one of its names.
 */
const HELPERS: readonly { readonly names: readonly string[]; source(ts: boolean): string }[] = [
  { names: ['$erf', '$erfc'], source: erfHelpers },
  { names: ['$laScratch'], source: linalgHelpers },
];

/** The helpers `code` calls. */
export function helpersFor(code: string, ts: boolean): string[] {
  return HELPERS.filter((h) => h.names.some((name) => code.includes(`${name}(`))).map((h) => h.source(ts));
}
