import type { Node } from '../../graph.js';
import { staticSize } from '../../shape.js';
import { sizeExpr, strideExprs } from '../indexing.js';
import type { FusedLoopContext } from '../loop.js';
import { memberKind, memberReads, type LoopRead, type LoopStep } from '../schedule.js';
import { jsNumber } from '../../literals.js';
import type { ValueType, WasmFunction } from './encode.js';
import { lanes, op, simd } from './instructions.js';
import { MATH_LOCALS, mathLanes, type MathOp } from './math.js';
import { accumulatorType, identity, joinLanes, joinVector, reductionKind, storeAccumulator, type ReductionKind } from './reductions.js';


/**
 * The ops a WebAssembly loop takes, by name, with their lane-wise instructions [f32x4, f64x2]:
 * those whose WebAssembly result is the JS one's. IEEE arithmetic, and min/max, which like
 * Math.min/max give NaN for a NaN and order −0 < +0. A comparison's (`mask`) lanes are all ones
 * or zeros, ANDed with 1.0 to give JS's 1 or 0. `zero`: the second operand is 0 (relu, step).
 * `math`: computed by wasm/math.ts with the bits of V8's Math.exp, log, expm1, log1p, tanh, sinh and cosh (and of
 * the JS forms of sigmoid, softplus and elu, whose alpha comes from the node's attributes).
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
  expm1: { math: 'expm1' }, log1p: { math: 'log1p' }, tanh: { math: 'tanh' }, sinh: { math: 'sinh' }, cosh: { math: 'cosh' },
  softplus: { math: 'softplus' }, elu: { math: 'elu' },
};
/** Loops of fewer elements (of fixed size) stay in JS: their time is the call's, not the arithmetic's. */
const WASM_MIN_ELEMENTS = 1024;
const laneOp = (node: Node) => (Object.prototype.hasOwnProperty.call(LANE_OPS, node.op) ? LANE_OPS[node.op] : undefined);

/**
 * How the WebAssembly loop reads or writes a buffer: whole (at the loop's index), one row for
 * every row, one value, or one value per row (`column`); or how a reduction result is
 * accumulated (wasm/reductions.ts).
 */
type Operand = { readonly node: Node; readonly kind: 'full' | 'row' | 'scalar' | 'column' | ReductionKind };

/** A fused loop in WebAssembly: its function, the module-level JS that calls it, and the operands it reads. */
export interface WasmLoop {
  readonly fn: WasmFunction;
  readonly js: string;
  /** The call, true when it ran (false: run the JS loop). */
  readonly call: string;
  /** The nodes whose buffers (or leaves' arrays) it reads. */
  readonly reads: readonly Node[];
}

/**
 * The fused loop `step` as a WebAssembly function `loop<index>`, when every member is an op of
 * LANE_OPS or a stored sum, max or min (wasm/reductions.ts), and every read is of the loop's own
 * shape, a row repeated over the leading axes, one value per row, or one value. Operands and
 * results are where they are in the kernel's memory, each with a vector to spare after it
 * (wasm/dispatch.ts); rows run first to last, a vector at a time, the last vector of a row
 * spilling into the next row (written again later) or into that spare vector.
 */
export function wasmLoop(step: LoopStep, c: FusedLoopContext, index: number, dtype: 'float32' | 'float64', ts: boolean): WasmLoop | undefined {
  const { schedule } = c;
  const shape = step.shape;
  const count = staticSize(shape);
  if (shape.length === 0 || (count !== undefined && count < WASM_MIN_ELEMENTS)) return undefined;
  const own = strideExprs(c, shape);
  const size = sizeExpr(c, shape);
  const last = shape.length - 1;
  const rowStrides = strideExprs(c, shape.slice(0, last));
  const operands: Operand[] = [];
  const members: { node: Node; reads: LoopRead[] }[] = [];
  for (const node of step.members) {
    const kind = memberKind(node, schedule.views);
    if (kind === 'reduce' && (!reductionKind(node, last) || !schedule.stored.has(node))) return undefined;
    if (kind === 'dot' || (kind === 'map' && !laneOp(node))) return undefined;
    const reads = memberReads(node, kind, shape, schedule.views, step);
    for (const r of reads) {
      if (r.kind !== 'buffer') continue;
      const live = r.strides!.map((s, a) => (shape[a] === 1 ? '0' : s));
      const baseSize = sizeExpr(c, r.base.shape);
      let kind: Operand['kind'];
      if (live.every((s, a) => s === '0' || s === own[a]) && live.every((s, a) => s !== '0' || shape[a] === 1) && baseSize === size) kind = 'full';
      else if (live.every((s) => s === '0')) kind = 'scalar';
      else if (live.every((s, a) => (a === last ? s === '1' : s === '0')) && baseSize === c.dim(shape[last])) kind = 'row';
      else if (live[last] === '0' && live.slice(0, last).every((s, a) => (s === '0' ? shape[a] === 1 : s === rowStrides[a])) && baseSize === sizeExpr(c, shape.slice(0, last))) kind = 'column';
      else return undefined;
      const known = operands.find((o) => o.node === r.base);
      if (known && known.kind !== kind) return undefined;
      if (!known) operands.push({ node: r.base, kind });
    }
    members.push({ node, reads });
  }
  const results = step.members.flatMap((n): Operand[] => {
    if (memberKind(n, schedule.views) === 'reduce') return [{ node: n, kind: reductionKind(n, last)! }];
    return schedule.stored.has(n) ? [{ node: n, kind: 'full' }] : [];
  });
  if (results.some((r) => operands.some((o) => o.node === r.node))) return undefined;
  const slots = [...operands, ...results];
  const rowed = slots.some((o) => o.kind !== 'full' && o.kind !== 'scalar' && o.kind !== 'total');
  const v = lanes(dtype);
  const which = dtype === 'float32' ? 0 : 1;
  // Params: rows, n (elements per row), then a byte address per operand and per output.
  const [ROWS, N] = [0, 1];
  const address = (k: number) => 2 + k;
  const all = slots.map((o) => o.node);
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
    const kind = operands[k]!.kind;
    return kind === 'scalar' || kind === 'column' ? [...get(address(k)), ...v.loadSplat(0)] : [...get(pointer(k)), ...op.v128Load(0)];
  };
  const compute: number[] = [];
  // The scalar accumulators of `rows` and `total` results after the members' values, then the v128 locals of wasm/math.ts when a member needs them.
  const serial = slots.flatMap((o, k) => (o.kind === 'rows' || o.kind === 'total' ? [{ k, node: o.node, kind: o.kind, type: accumulatorType(o.kind, dtype) }] : []));
  const accumulator = (k: number) => firstValue + members.length + serial.findIndex((r) => r.k === k);
  const scratch = firstValue + members.length + serial.length;
  let scratchLocals = 0;
  members.forEach(({ node, reads }, m) => {
    const args = reads.flatMap(read);
    const local = firstValue + m;
    const k = all.indexOf(node);
    const kind = slots[k]?.kind;
    if (kind === 'columns') return void compute.push(...joinVector(node, dtype, pointer(k), args));
    if (kind === 'rows' || kind === 'total') {
      return void compute.push(...args, ...set(local), ...joinLanes(node, dtype, accumulatorType(kind, dtype), local, accumulator(k), J, N));
    }
    if (memberKind(node, schedule.views) === 'copy') compute.push(...args);
    else {
      const lane = laneOp(node)!;
      if ('math' in lane) {
        compute.push(...args, ...mathLanes(lane.math, dtype, scratch, node.attrs));
        scratchLocals = MATH_LOCALS;
      } else compute.push(...args, ...(lane.zero ? constant(0) : []), ...simd(lane.opcodes[which]), ...(lane.mask ? [...constant(1), ...op.v128And] : []));
    }
    compute.push(...set(local));
    valueOf.set(node, local);
    if (k >= 0) compute.push(...get(pointer(k)), ...get(local), ...op.v128Store(0));
  });
  const indices = (...kinds: Operand['kind'][]) => slots.flatMap((o, k) => (kinds.includes(o.kind) ? [k] : []));
  const stepping = indices('full', 'row', 'columns');
  const perRow = indices('full');
  const perValue = indices('column', 'rows');
  const start = (kind: ReductionKind) => serial.filter((r) => r.kind === kind).flatMap((r) => [...identity(r.node, r.type), ...set(accumulator(r.k))]);
  const store = (kind: ReductionKind) => serial.filter((r) => r.kind === kind).flatMap((r) => storeAccumulator(dtype, r.type, accumulator(r.k), address(r.k)));
  const body = [
    ...get(N), ...op.i32Const(v.bytes), ...op.i32Mul, ...set(ROWBYTES),
    ...start('total'),
    ...op.loop, // over rows
    ...stepping.flatMap((k) => [...get(address(k)), ...set(pointer(k))]),
    ...start('rows'),
    ...op.i32Const(0), ...set(J),
    ...op.loop, // over vectors of a row
    ...compute,
    ...stepping.flatMap((k) => [...get(pointer(k)), ...op.i32Const(16), ...op.i32Add, ...set(pointer(k))]),
    ...get(J), ...op.i32Const(v.count), ...op.i32Add, ...set(J),
    ...get(J), ...get(N), ...op.i32LtS, ...op.brIf(0),
    ...op.end,
    ...store('rows'),
    ...perRow.flatMap((k) => [...get(address(k)), ...get(ROWBYTES), ...op.i32Add, ...set(address(k))]),
    ...perValue.flatMap((k) => [...get(address(k)), ...op.i32Const(v.bytes), ...op.i32Add, ...set(address(k))]),
    ...get(ROWS), ...op.i32Const(1), ...op.i32Sub, ...set(ROWS),
    ...get(ROWS), ...op.brIf(0),
    ...op.end,
    ...store('total'),
  ];
  const name = `loop${index}`;
  const fn: WasmFunction = {
    export: name,
    params: Array<ValueType>(2 + all.length).fill('i32'),
    results: [],
    locals: [...Array<ValueType>(2 + all.length).fill('i32'), ...Array<ValueType>(members.length).fill('v128'), ...serial.map((r) => r.type), ...Array<ValueType>(scratchLocals).fill('v128')],
    body,
  };
  const t = (annotation: string) => (ts ? annotation : '');
  const storage = dtype === 'float32' ? 'Float32Array' : 'Float64Array';
  const names = all.map((_, k) => `x${k}`);
  const addresses = all.map((_, k) => `a${k}`);
  // Operands outside the memory are copied into it; results are buffers, always in it where the kernel runs in WebAssembly.
  const js = `/** ${[...new Set(step.members.map((n) => n.label).filter(Boolean))].join(', ') || name} in WebAssembly: false where the kernel runs in JS. */
function $${name}(rows${t(': number')}, n${t(': number')}, ${names.map((x) => `${x}${t(`: ${storage}`)}`).join(', ')})${t(': boolean')} {
  if ($wasm === null) return false;
  $free = $scratch;
  ${all.map((_, k) => `const a${k} = $address(x${k}, ${k < operands.length});`).join('\n  ')}
  if (${addresses.map((a) => `${a} < 0`).join(' || ')}) return false;
  ${slots.flatMap((o, k) => (k >= operands.length && o.node.def.reduction ? [`x${k}.fill(${jsNumber(o.node.def.reduction!.identity)});\n  `] : [])).join('')}if (rows * n > 0) $wasm.${name}(rows, n, ${addresses.join(', ')});
  return true;
}
`;
  const n = c.dim(shape[last]);
  const rows = rowed ? sizeExpr(c, shape.slice(0, last)) : '1';
  const call = `$${name}(${rows}, ${rowed ? n : size}, ${all.map((node) => c.buffer(node)).join(', ')})`;
  return { fn, js, call, reads: operands.map((o) => o.node) };
}
