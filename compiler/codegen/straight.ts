import type { Node } from '../graph.js';
import { MAX_CHARS, functionsFor } from './chunks.js';
import { liveValues, type ScalarProgram } from './scalar.js';

export interface ScalarNames {
  /** Variable of a leaf's array or an output's buffer. */
  buffer(node: Node): string;
  literal(value: number): string;
  /** Whether to write TypeScript annotations. */
  readonly ts: boolean;
}

/** One line of a chunk: a leaf element read into a local, a computed value, or an output element written. */
type Line = { readonly kind: 'load' | 'compute'; readonly text: string } | { readonly kind: 'store'; readonly node: Node; readonly index: number; readonly value: string };

/**
 * Straight-line code for an expanded program: one `const` per scalar, named after its node and
 * element (`h$e3`), in functions of bounded size. A value used by a later function is passed
 * through the slot array `$s`; outputs are written as soon as they are known. When everything fits
 * one function, `scalarBody` is the same code taking the scalar leaves as parameters `x$` and
 * writing the outputs into `$flat` at `flatOffsets`: the per-point entry touches no other memory
 * (outputs that are leaves themselves are the caller's to copy).
 */
export function emitStraight(
  program: ScalarProgram,
  names: ScalarNames,
  flatOffsets?: ReadonlyMap<Node, readonly number[]>,
): { state: string[]; functions: string[]; entry: string; slots: number; scalarBody?: string[] } {
  const { values } = program;
  const live = liveValues(program);
  const local: string[] = new Array(values.length);
  const taken = new Map<string, number>();
  const localName = (node: Node, index: number) => {
    const base = node.shape.length === 0 ? `${names.buffer(node)}$` : `${names.buffer(node)}$e${index}`;
    const count = taken.get(base) ?? 0;
    taken.set(base, count + 1);
    return count === 0 ? base : `${base}_${count}`;
  };
  values.forEach((v, r) => {
    if (v.kind === 'leaf' || (v.kind === 'op' && live[r])) local[r] = localName(v.node, v.index);
  });

  // Assign computations to chunks, then find the values that cross chunks.
  const chunkOf = new Int32Array(values.length).fill(-1);
  let chunk = 0;
  let chars = 0;
  values.forEach((v, r) => {
    if (v.kind !== 'op' || !live[r]) return;
    const size = local[r].length * 2 + 40;
    if (chars + size > MAX_CHARS) [chunk, chars] = [chunk + 1, 0];
    chars += size;
    chunkOf[r] = chunk;
  });
  const slot = new Map<number, number>();
  values.forEach((v, r) => {
    if (chunkOf[r] < 0 || v.kind !== 'op') return;
    for (const a of v.args) if (chunkOf[a] >= 0 && chunkOf[a] !== chunkOf[r] && !slot.has(a)) slot.set(a, slot.size);
  });
  const chunks: Line[][] = Array.from({ length: chunk + 1 }, () => []);
  const seen: Set<number>[] = chunks.map(() => new Set());
  const use = (a: number, c: number) => {
    const v = values[a];
    if (v.kind === 'literal' || seen[c].has(a)) return;
    if (v.kind === 'leaf') {
      seen[c].add(a);
      chunks[c].push({ kind: 'load', text: `const ${local[a]} = ${names.buffer(v.node)}[${v.index}]${names.ts ? '!' : ''};` });
    } else if (chunkOf[a] !== c) {
      seen[c].add(a);
      chunks[c].push({ kind: 'compute', text: `const ${local[a]} = $s[${slot.get(a)}]${names.ts ? '!' : ''};` });
    }
  };
  const text = (r: number) => (values[r].kind === 'literal' ? names.literal((values[r] as { value: number }).value) : local[r]);
  const stores = new Map<number, { node: Node; index: number }[]>();
  const last = chunks.length - 1;
  for (const [node, refs] of program.outputs) {
    if (node.def.leaf === 'fed') continue;
    refs.forEach((r, index) => {
      if (values[r].kind === 'op') stores.set(r, [...(stores.get(r) ?? []), { node, index }]);
      else {
        use(r, last);
        chunks[last].push({ kind: 'store', node, index, value: text(r) });
      }
    });
  }
  values.forEach((v, r) => {
    const c = chunkOf[r];
    if (c < 0 || v.kind !== 'op') return;
    for (const a of v.args) use(a, c);
    chunks[c].push({ kind: 'compute', text: `const ${local[r]} = ${v.op.expr(v.args.map(text))};` });
    if (slot.has(r)) chunks[c].push({ kind: 'compute', text: `$s[${slot.get(r)}] = ${local[r]};` });
    for (const { node, index } of stores.get(r) ?? []) chunks[c].push({ kind: 'store', node, index, value: local[r] });
  });
  const render = (line: Line) => (line.kind === 'store' ? `${names.buffer(line.node)}[${line.index}] = ${line.value};` : line.text);
  const { lines, entry } = functionsFor(chunks.map((c) => c.map(render)), '$compute');
  const state = slot.size > 0 ? [`const $s = new Float64Array(${slot.size});`] : [];
  const scalarBody =
    flatOffsets && chunks.length === 1
      ? chunks[0].flatMap((line): string[] => {
          if (line.kind === 'store') return flatOffsets.get(line.node)!.map((offset) => `$flat[${offset + line.index}] = ${line.value};`);
          return line.kind === 'load' ? [] : [line.text];
        })
      : undefined;
  return { state, functions: lines, entry, slots: slot.size, scalarBody };
}
