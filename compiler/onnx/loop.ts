import type { Node } from '../graph.js';
import { bodyOf, inputLayout, resultKind } from '../loops/body.js';
import { liveNodes } from '../nodes.js';
import { valueInfo, type OnnxBuilder } from './builder.js';
import { DataType } from './proto.js';

/** Writes the ONNX nodes of `order` into `b`, its leaves' values already in `values` (compiler/onnx/export.ts). */
export type EmitNodes = (b: OnnxBuilder, order: readonly Node[], values: Map<number, string>, nameOf: (node: Node) => string) => void;

const INT64_MIN = -(2 ** 63);

/**
 * The loop nodes `group` (one loop, different results) as one ONNX Loop: T steps (K without
 * sequences), the condition always true, the body a subgraph written by `emitNodes`. Carries are
 * loop-carried values; row t of a sequence is Gather(xs, t), t = T − 1 − i in reverse; values the
 * body closes over are read from the outer scope; stacks are scan outputs, turned round after a
 * reverse loop, and given their full shape (T = 0 included). Returns each node's value.
 */
export function emitLoop(b: OnnxBuilder, group: readonly Node[], x: readonly string[], name: string, emitNodes: EmitNodes): Map<Node, string> {
  const body = bodyOf(group[0].attrs.body as string);
  const layout = inputLayout(body);
  const reverse = group[0].attrs.reverse as boolean;
  const n = body.carries.length;
  const count = body.slices.length > 0 ? b.op('Squeeze', [b.op('Shape', [x[layout.xs]], `${name}/T`, { start: 0, end: 1 })], `${name}/steps`) : b.int(group[0].attrs.steps as number);
  const last = reverse && body.slices.length > 0 ? b.op('Sub', [count, b.int(1)], `${name}/last`) : '';

  const g = b.child();
  const values = new Map<number, string>();
  const step = g.fresh(`${name}/i`);
  const cond = g.fresh(`${name}/cond`);
  const carries = body.carries.map((c, i) => {
    values.set(c.id, g.fresh(`${name}/carry${i + 1}`));
    return values.get(c.id)!;
  });
  const outputs = [...body.next, ...body.emits];
  const order = liveNodes(outputs);
  const live = new Set(order);
  const t = last && body.slices.some((s) => live.has(s)) ? g.op('Sub', [last, step], `${name}/t`) : step;
  body.slices.forEach((s, i) => {
    if (live.has(s)) values.set(s.id, g.op('Gather', [x[layout.xs + i], t], `${name}/row${i + 1}`, { axis: 0 }));
  });
  body.closures.forEach((c, i) => values.set(c.id, x[layout.closures + i]));
  emitNodes(g, order, values, (node) => `${name}/${node.label || node.op}`);

  // Every body output is a value of the body's own (an Identity), never an input or an outer value.
  const results = [...new Set(group.map((node) => node.attrs.result as number))].sort((p, q) => p - q);
  const stacked = results.filter((r) => r >= n);
  const rows = stacked.map((r) => {
    const { kind, index } = resultKind(body, r);
    const [value, shape] = kind === 'before' ? [carries[index], body.carries[index].shape] : kind === 'after' ? [values.get(body.next[index].id)!, body.next[index].shape] : [values.get(body.emits[index].id)!, body.emits[index].shape];
    return valueInfo(g.op('Identity', [value], `${name}/${kind}${index + 1}`), g.floatType, shape);
  });
  const graph = {
    name,
    node: g.nodes,
    input: [valueInfo(step, DataType.INT64, []), valueInfo(cond, DataType.BOOL, []), ...carries.map((c, i) => valueInfo(c, g.floatType, body.carries[i].shape))],
    output: [
      valueInfo(g.op('Identity', [cond], `${name}/cond_out`), DataType.BOOL, []),
      ...body.next.map((v, i) => valueInfo(g.op('Identity', [values.get(v.id)!], `${name}/next${i + 1}`), g.floatType, v.shape)),
      ...rows,
    ],
  };
  const finals = body.carries.map((_, i) => b.fresh(`${name}/last${i + 1}`));
  const stacks = stacked.map((r) => b.fresh(`${name}/stack${r}`));
  b.node('Loop', [count, b.bool(true), ...x.slice(0, n)], [...finals, ...stacks], { body: graph });

  // After no steps ONNX Runtime 1.30 sizes a scan output from the row's declared shape, a named size as 0 ([0, 2, 0] for [2, B]).
  const value = new Map<number, string>();
  stacked.forEach((r, k) => {
    const node = group.find((member) => member.attrs.result === r)!;
    const stack = b.op('Reshape', [stacks[k], b.shape(node.shape)], `${name}/stack${r}/full`, { allowzero: 1 });
    value.set(r, reverse ? b.op('Slice', [stack, b.ints([-1]), b.ints([INT64_MIN]), b.ints([0]), b.ints([-1])], `${name}/stack${r}/reversed`) : stack);
  });
  finals.forEach((f, r) => value.set(r, f));
  return new Map(group.map((node) => [node, value.get(node.attrs.result as number)!]));
}
