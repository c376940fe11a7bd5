import { describe, expect, it } from 'vitest';
import { SymgradError } from '../../compiler/errors.js';
import { loadSpec } from '../../compiler/spec/load.js';
import { cli } from '../cli/run.js';
import { scratch, writeSpec } from './support.js';

// Derivative expansion is estimated before it is built (compiler/derivatives.ts): nested
// derivatives that grow geometrically stop before the level that would pass --max-nodes.
const dir = scratch('expansion');
const product = 'sin(x) * cos(x) * exp(x) * x';

/** grad of the product nested `depth` deep in one expression. */
function nested(depth: number): object {
  let y = product;
  for (let i = 0; i < depth; i++) y = `grad(${y}, x)`;
  return { inputs: { x: { shape: [] } }, nodes: { y }, outputs: ['y'] };
}

/** The same through names: n1 = grad(n0, x), n2 = grad(n1, x), ... */
function named(depth: number): object {
  const nodes: Record<string, string> = { n0: product };
  for (let i = 1; i <= depth; i++) nodes[`n${i}`] = `grad(n${i - 1}, x)`;
  return { inputs: { x: { shape: [] } }, nodes, outputs: [`n${depth}`] };
}

const load = (spec: object, maxNodes: number) => loadSpec(JSON.stringify({ format: 'symgrad/1', ...spec }), { maxNodes });
const failure = (spec: object, maxNodes: number) => {
  try {
    load(spec, maxNodes);
  } catch (error) {
    if (error instanceof SymgradError) return error;
    throw error;
  }
  throw new Error('loaded');
};

describe('a derivative is refused before it is built when it would pass --max-nodes', () => {
  it.each([
    ['nested in one expression', nested(20), 'nodes.y: column 26'],
    ['nested through names', named(20), 'nodes.n15: column 1'],
  ])('20 grads %s: the 15th is refused, with the graph still under the limit', (_, spec, place) => {
    const error = failure(spec, 100_000);
    expect(error.place).toBe(place);
    // The 14 levels built hold 99,982 nodes; the 15th would about double them.
    expect(error.message).toBe('grad would grow the graph past 100000 nodes (--max-nodes): it differentiates through 99824 nodes of a graph of 99982');
  });

  it('what fits is not refused: 14 nested grads, 99,982 nodes, load under a limit of 100,000', () => {
    expect(load(named(14), 100_000).graph.nodes.length).toBe(99_982);
  });

  it('a hessian counts one sweep per entry of x (and the gradient): refused at once', () => {
    const nodes: Record<string, string> = { c0: 'sin(x)' };
    for (let i = 1; i < 600; i++) nodes[`c${i}`] = `sin(c${i - 1})`;
    const spec = { inputs: { x: { shape: [200] } }, nodes: { ...nodes, h: 'hessian(sum(c599), x)' }, outputs: ['h'] };
    const error = failure(spec, 50_000);
    expect(error.place).toBe('nodes.h: column 1');
    // 201 sweeps (the gradient, then a jvp per entry of x) through the 602 nodes from x to the sum.
    expect(error.message).toBe('hessian would grow the graph past 50000 nodes (--max-nodes): it differentiates through 602 nodes of a graph of 602');
  });
});

describe('the CLI on 20 nested grads', () => {
  it.each([
    [['--max-nodes', '100000'], /^error: \S+: nodes\.y: column 26: grad would grow the graph past 100000 nodes \(--max-nodes\): it differentiates through 99824 nodes of a graph of 99982\n$/],
    [['--max-seconds', '2'], /^error: \S+: nodes\.y: column \d+: (compiling takes longer than 2 s \(--max-seconds\)|grad would grow the graph past 1000000 nodes \(--max-nodes\): .*)\n$/],
  ])('%j: exit 2 with one error line, well within 30 s', async (flags, line) => {
    const spec = writeSpec(dir, 'nested', nested(20));
    const started = performance.now();
    const { code, stdout, stderr } = await cli('compile', spec, '-o', `${dir}/nested.js`, ...flags);
    expect(stderr).toMatch(line);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(performance.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
