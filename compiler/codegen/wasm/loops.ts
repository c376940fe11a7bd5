import type { Node } from '../../graph.js';
import { sizeExpr, strideExprs } from '../indexing.js';
import type { FusedLoopContext } from '../loop.js';
import { memberKind, memberReads, type LoopRead, type LoopStep } from '../schedule.js';
import { unsigned, type ValueType, type WasmFunction } from './encode.js';
import { lanes, op } from './instructions.js';
import { MATH_LOCALS, mathLanes, type MathOp } from './math.js';

const simd = (opcode: number) => [0xfd, ...unsigned(opcode)];

/**
 * The ops a WebAssembly loop takes, by name, with their lane-wise instructions [f32x4, f64x2]:
 * those whose WebAssembly result is the JS one's. IEEE arithmetic, and min/max, which like
 * Math.min/max give NaN for a NaN and order −0 < +0. A comparison's (`mask`) lanes are all ones
 * or zeros, ANDed with 1.0 to give JS's 1 or 0. `zero`: the second operand is 0 (relu, step).
 * `math`: computed by wasm/math.ts with the bits of V8's Math.exp and Math.log (and of sigmoid's JS form).
 */
type LaneOp = { readonly opcodes: readonly [number, number]; readonly zero?: true; readonly mask?: true } | { readonly math: MathOp };
const LANE_OPS: Readonly<Record<string, LaneOp>> = {
  add: { opcodes: [0xe4, 0xf0] }, sub: { opcodes: [0xe5, 0xf1] }, mul: { opcodes: [0xe6, 0xf2] }, div: { opcodes: [0xe7, 0xf3] },
  neg: { opcodes: [0xe1, 0xed] }, abs: { opcodes: [0xe0, 0xec] }, sqrt: { opcodes: [0xe3, 0xef] },
  minimum: { opcodes: [0xe8, 0xf4] }, maximum: { opcodes: [0xe9, 0xf5] }, relu: { opcodes: [0xe9, 0xf5], zero: true },
  equal: { opcodes: [0x41, 0x47], mask: true }, not_equal: { opcodes: [0x42, 0x48], mask: true },
  less: { opcodes: [0x43, 0x49], mask: true }, greater: { opcodes: [0x44, 0x4a], mask: true },
  less_equal: { opcodes: [0x45, 0x4b], mask: true }, greater_equal: { opcodes: [0x46, 0x4c], mask: true },
  step: { opcodes: [0x44, 0x4a], zero: true, mask: true },
  exp: { math: 'exp' }, log: { math: 'log' }, sigmoid: { math: 'sigmoid' },
};
const laneOp = (node: Node) => (Object.prototype.hasOwnProperty.call(LANE_OPS, node.op) ? LANE_OPS[node.op] : undefined);
const V128_AND = simd(0x4e);

/** How the WebAssembly loop reads a buffer: whole (at the loop's index), one row for every row, or one value. */
type Operand = { readonly node: Node; readonly kind: 'full' | 'row' | 'scalar' };

/** A fused loop in WebAssembly: its function, and the module-level JS that copies its operands in and its results out. */
export interface WasmLoop {
  readonly fn: WasmFunction;
  readonly js: string;
  /** The call, true when it ran (false: run the JS loop). */
  readonly call: string;
}

/**
 * The fused loop `step` as a WebAssembly function `loop<index>`, when every member is an op of
 * LANE_OPS and every read is of the loop's own shape, a row repeated over the
 * leading axes, or one value. Operands are copied into the memory, each to a 16-byte boundary
 * with a vector to spare after it; rows run first to last, a vector at a time, the last vector of
 * a row spilling into the next row (written again later) or into that spare vector.
 */
export function wasmLoop(step: LoopStep, c: FusedLoopContext, index: number, dtype: 'float32' | 'float64', ts: boolean): WasmLoop | undefined {
  const { schedule } = c;
  const shape = step.shape;
  if (shape.length === 0) return undefined;
  const own = strideExprs(c, shape);
  const size = sizeExpr(c, shape);
  const last = shape.length - 1;
  const operands: Operand[] = [];
  const members: { node: Node; reads: LoopRead[] }[] = [];
  for (const node of step.members) {
    const kind = memberKind(node, schedule.views);
    if (kind !== 'copy' && kind !== 'map') return undefined;
    if (kind === 'map' && !laneOp(node)) return undefined;
    const reads = memberReads(node, kind, shape, schedule.views, step);
    for (const r of reads) {
      if (r.kind !== 'buffer') continue;
      const live = r.strides!.map((s, a) => (shape[a] === 1 ? '0' : s));
      const baseSize = sizeExpr(c, r.base.shape);
      let kind: Operand['kind'];
      if (live.every((s, a) => s === '0' || s === own[a]) && live.every((s, a) => s !== '0' || shape[a] === 1) && baseSize === size) kind = 'full';
      else if (live.every((s) => s === '0')) kind = 'scalar';
      else if (live.every((s, a) => (a === last ? s === '1' : s === '0')) && baseSize === c.dim(shape[last])) kind = 'row';
      else return undefined;
      const known = operands.find((o) => o.node === r.base);
      if (known && known.kind !== kind) return undefined;
      if (!known) operands.push({ node: r.base, kind });
    }
    members.push({ node, reads });
  }
  const outputs = step.members.filter((n) => schedule.stored.has(n));
  if (outputs.some((n) => operands.some((o) => o.node === n))) return undefined;
  const rowed = operands.some((o) => o.kind === 'row');
  const v = lanes(dtype);
  const which = dtype === 'float32' ? 0 : 1;
  // Params: rows, n (elements per row), then a byte address per operand and per output.
  const [ROWS, N] = [0, 1];
  const address = (k: number) => 2 + k;
  const all = [...operands.map((o) => o.node), ...outputs];
  const [ROWBYTES, J] = [2 + all.length, 3 + all.length];
  const pointer = (k: number) => 4 + all.length + k;
  const valueOf = new Map<Node, number>();
  const firstValue = 4 + 2 * all.length;
  const get = op.localGet;
  const set = op.localSet;
  const constant = (value: number) => (dtype === 'float32' ? op.f32x4Const([value, value, value, value]) : op.f64x2Const([value, value]));
  const read = (r: LoopRead): number[] => {
    if (r.kind === 'literal') return constant(r.value);
    if (r.kind === 'local') return get(valueOf.get(r.node)!);
    const k = operands.findIndex((o) => o.node === r.base);
    return operands[k]!.kind === 'scalar' ? [...get(address(k)), ...v.loadSplat(0)] : [...get(pointer(k)), ...op.v128Load(0)];
  };
  const compute: number[] = [];
  // The v128 locals of wasm/math.ts, after the members' values, when a member needs them.
  const scratch = firstValue + members.length;
  let scratchLocals = 0;
  members.forEach(({ node, reads }, m) => {
    const args = reads.flatMap(read);
    const local = firstValue + m;
    if (memberKind(node, schedule.views) === 'copy') compute.push(...args);
    else {
      const lane = laneOp(node)!;
      if ('math' in lane) {
        compute.push(...args, ...mathLanes(lane.math, dtype, scratch));
        scratchLocals = MATH_LOCALS;
      } else compute.push(...args, ...(lane.zero ? constant(0) : []), ...simd(lane.opcodes[which]), ...(lane.mask ? [...constant(1), ...V128_AND] : []));
    }
    compute.push(...set(local));
    valueOf.set(node, local);
    const out = outputs.indexOf(node);
    if (out >= 0) compute.push(...get(pointer(operands.length + out)), ...get(local), ...op.v128Store(0));
  });
  const stepping = all.map((_, k) => k).filter((k) => k >= operands.length || operands[k]!.kind !== 'scalar');
  const perRow = all.map((_, k) => k).filter((k) => k >= operands.length || operands[k]!.kind === 'full');
  const body = [
    ...get(N), ...op.i32Const(v.bytes), ...op.i32Mul, ...set(ROWBYTES),
    ...op.loop, // over rows
    ...stepping.flatMap((k) => [...get(address(k)), ...set(pointer(k))]),
    ...op.i32Const(0), ...set(J),
    ...op.loop, // over vectors of a row
    ...compute,
    ...stepping.flatMap((k) => [...get(pointer(k)), ...op.i32Const(16), ...op.i32Add, ...set(pointer(k))]),
    ...get(J), ...op.i32Const(v.count), ...op.i32Add, ...set(J),
    ...get(J), ...get(N), ...op.i32LtS, ...op.brIf(0),
    ...op.end,
    ...perRow.flatMap((k) => [...get(address(k)), ...get(ROWBYTES), ...op.i32Add, ...set(address(k))]),
    ...get(ROWS), ...op.i32Const(1), ...op.i32Sub, ...set(ROWS),
    ...get(ROWS), ...op.brIf(0),
    ...op.end,
  ];
  const name = `loop${index}`;
  const fn: WasmFunction = {
    export: name,
    params: Array<ValueType>(2 + all.length).fill('i32'),
    results: [],
    locals: [...Array<ValueType>(2 + all.length).fill('i32'), ...Array<ValueType>(members.length + scratchLocals).fill('v128')],
    body,
  };
  const t = (annotation: string) => (ts ? annotation : '');
  const storage = dtype === 'float32' ? 'Float32Array' : 'Float64Array';
  const names = all.map((_, k) => `x${k}`);
  const lengths = all.map((_, k) => (k < operands.length && operands[k]!.kind !== 'full' ? (operands[k]!.kind === 'row' ? 'n' : '1') : 'rows * n'));
  // Element offsets of the operands in memory, each on a vector boundary with a vector to spare.
  const offsets = lengths.map((_, k) => (k === 0 ? '0' : `o${k - 1} + ${v.count} * Math.ceil(${lengths[k - 1]} / ${v.count}) + ${v.count}`));
  const js = `/** ${[...new Set(step.members.map((n) => n.label).filter(Boolean))].join(', ') || name} in WebAssembly: false where it cannot run (then the JS loop runs). */
function $${name}(rows${t(': number')}, n${t(': number')}, ${names.map((x) => `${x}${t(`: ${storage}`)}`).join(', ')})${t(': boolean')} {
  ${offsets.map((o, k) => `const o${k} = ${o};`).join('\n  ')}
  const wasm = $wasmMemory(o${all.length - 1} + ${v.count} * Math.ceil(${lengths[all.length - 1]} / ${v.count}) + ${v.count});
  if (wasm === null) return false;
  if (rows * n === 0) return true;
  const H = $heap;
  ${operands.map((o, k) => (o.kind === 'scalar' ? `H[o${k}] = x${k}[0]${t('!')};` : `H.set(x${k}, o${k});`)).join('\n  ')}
  wasm.${name}(rows, n, ${all.map((_, k) => `o${k} * ${v.bytes}`).join(', ')});
  ${outputs.map((_, j) => `x${operands.length + j}.set($view(o${operands.length + j}, rows * n));`).join('\n  ')}
  return true;
}
`;
  const n = c.dim(shape[last]);
  const rows = rowed ? sizeExpr(c, shape.slice(0, last)) : '1';
  const call = `$${name}(${rows}, ${rowed ? n : size}, ${all.map((node) => c.buffer(node)).join(', ')})`;
  return { fn, js, call };
}
