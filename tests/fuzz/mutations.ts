/** Hostile mutations of specs for the pipeline fuzzer: names, dimensions, values, expression text and JSON text. */
import * as fc from 'fast-check';
import { N, wellFormed, type Draw } from './specs.js';

const HOSTILE_NAMES = ['__proto__', 'constructor', 'prototype', 'run', 'a*/b', '${x}', '`x`', 'a\u2028b', 'toString', 'x0', 'n0', '', '1x', 'sin'];
const HOSTILE_DIMS = [-1, 1.5, 1e9, 0, 'N', 'M', '__proto__', 'x y', null, [], 1e400];
const HOSTILE_TEXT = ['*/', '${', '`', '\u2028', '\n', '"', "'", '\\', '1e999', '-0', 'NaN', '(', ')', ',', '=', 'x0', 'grad(', 'axis=9', '[', ']', '@', '^'];
const HOSTILE_VALUES = [null, true, 'NaN', '1; throw 1', [], {}, 1e308, -0, 'zeros', { normal: [0, 1], seed: 1.5 }];

type Mutation = (g: Draw, spec: Record<string, unknown>) => void;
const section = (spec: Record<string, unknown>, name: string) => spec[name] as Record<string, unknown> | undefined;
const keysOf = (value: unknown) => (value !== null && typeof value === 'object' ? Object.keys(value) : []);
/** Sets an own property, even one called `__proto__`. */
const put = (target: object, key: string, value: unknown) => Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

const mutations: Mutation[] = [
  // Edit the text of one node expression.
  (g, spec) => {
    const nodes = section(spec, 'nodes');
    const name = keysOf(nodes).length > 0 ? g(fc.constantFrom, ...keysOf(nodes)) : undefined;
    if (!nodes || name === undefined || typeof nodes[name] !== 'string') return;
    const text = nodes[name] as string;
    const at = g(fc.nat, text.length);
    nodes[name] = text.slice(0, at) + g(fc.constantFrom, ...HOSTILE_TEXT, '') + text.slice(at + g(fc.nat, 3));
  },
  // Change one dimension of an input or param, or add 33 of them.
  (g, spec) => {
    const from = section(spec, g(fc.constantFrom, 'inputs', 'params'));
    const name = keysOf(from).length > 0 ? g(fc.constantFrom, ...keysOf(from)) : undefined;
    const shape = name === undefined ? undefined : (from![name] as { shape?: unknown[] }).shape;
    if (!Array.isArray(shape)) return;
    if (g(fc.nat, 5) === 0) shape.push(...Array<number>(33).fill(1));
    else shape[g(fc.nat, shape.length)] = g(fc.constantFrom, ...HOSTILE_DIMS);
  },
  // Rename an entry, or declare one twice.
  (g, spec) => {
    const from = section(spec, g(fc.constantFrom, 'inputs', 'params', 'consts', 'nodes'));
    const name = keysOf(from).length > 0 ? g(fc.constantFrom, ...keysOf(from)) : undefined;
    if (name === undefined) return;
    const value = from![name];
    if (g(fc.boolean)) delete from![name];
    put(from!, g(fc.constantFrom, ...HOSTILE_NAMES), value);
  },
  // Put a hostile value somewhere: a section, an init, a const, an output.
  (g, spec) => {
    const where = g(fc.constantFrom, 'format', 'name', 'dtype', 'inputs', 'params', 'consts', 'nodes', 'outputs', 'extra');
    const value = g(fc.constantFrom, ...HOSTILE_VALUES);
    const target = section(spec, where);
    const key = keysOf(target).length > 0 ? g(fc.constantFrom, ...keysOf(target)) : undefined;
    if (target && key !== undefined && g(fc.boolean)) put(target, key, value);
    else put(spec, where, value);
  },
  // Drop a node that others may use.
  (g, spec) => {
    const nodes = section(spec, 'nodes');
    if (keysOf(nodes).length > 0) delete nodes![g(fc.constantFrom, ...keysOf(nodes))];
  },
];

/** Feeds for the inputs of `spec` whose shapes are plain (named dimensions of size N). */
export function feedsFor(spec: Record<string, unknown>): string[] {
  const inputs = section(spec, 'inputs') ?? {};
  return Object.entries(inputs).flatMap(([name, decl]) => {
    const shape = (decl as { shape?: unknown } | null)?.shape;
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'string' || (Number.isInteger(d) && d >= 0 && d <= 16))) return [];
    let k = 0;
    const fill = (dims: unknown[]): unknown => {
      if (dims.length === 0) return ((k++ % 7) - 3) / 2;
      return Array.from({ length: typeof dims[0] === 'number' ? dims[0] : N }, () => fill(dims.slice(1)));
    };
    return [`${name}=${JSON.stringify(fill(shape))}`];
  });
}

/** A spec (a sample or a generated one) after one to three hostile mutations, as JSON text; sometimes the text itself is cut or edited. */
export function mutated(samples: readonly Record<string, unknown>[]): fc.Arbitrary<{ text: string; sets: readonly string[] }> {
  return fc.gen().map((g) => {
    const spec = structuredClone(g(fc.boolean) ? g(fc.constantFrom, ...samples) : g(() => wellFormed).spec);
    const count = g(fc.integer, { min: 1, max: 3 });
    for (let i = 0; i < count; i++) g(fc.constantFrom, ...mutations)(g, spec);
    let text = JSON.stringify(spec);
    if (g(fc.nat, 4) === 0) {
      const at = g(fc.nat, text.length);
      text = text.slice(0, at) + g(fc.constantFrom, ...HOSTILE_TEXT, '') + text.slice(at + g(fc.nat, 2));
    }
    return { text, sets: feedsFor(spec) };
  });
}
