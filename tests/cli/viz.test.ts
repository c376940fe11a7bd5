import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { instance } from '@viz-js/viz';
import { describe, expect, it } from 'vitest';
import { loadSpec, vizGraph } from '../../compiler/index.js';
import { rankCrossings, svgProblem } from '../../cli/commands/viz.js';
import { cli } from './run.js';

const samples = readdirSync('samples').filter((f) => f.endsWith('.graph.json'));
const seed = 'samples/seed-function.graph.json';
const dir = join('tests', '.tmp', 'viz');
mkdirSync(dir, { recursive: true });
for (const stale of ['graph.png', 'graph.pdf', 'graph']) rmSync(join(dir, stale), { force: true });
const hasDot = spawnSync('dot', ['-V']).status === 0;

async function viz(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await cli('viz', ...args);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return stdout;
}

/**
 * A structural check of the mermaid flowchart subset `viz` writes (mermaid itself needs Node 22):
 * the header, quoted node labels in known shapes, edges between declared nodes, balanced
 * subgraphs, and classes applied to declared nodes with a classDef.
 */
function checkFlowchart(text: string): string[] {
  const problems: string[] = [];
  const lines = text.trimEnd().split('\n');
  if (!/^flowchart (TB|TD|BT|LR|RL)$/.test(lines[0])) problems.push(`bad header: ${lines[0]}`);
  const shapes = [/^\[\/"[^"]*"\/\]$/, /^\[\("[^"]*"\)\]$/, /^\(\("[^"]*"\)\)$/, /^\("[^"]*"\)$/, /^\["[^"]*"\]$/, /^\{\{"[^"]*"\}\}$/, /^\[\["[^"]*"\]\]$/];
  const nodes = new Set<string>();
  const classDefs = new Set<string>();
  const edges: [string, string][] = [];
  const classes: [string[], string][] = [];
  let depth = 0;
  for (const line of lines.slice(1)) {
    const text = line.trim();
    let m: RegExpExecArray | null;
    if ((m = /^subgraph (\w+) \["[^"]*"\]$/.exec(text))) depth++;
    else if (text === 'end') depth--;
    else if ((m = /^(\w+) (?:-->|-\.->)(?:\|[^|"]+\|)? (\w+)$/.exec(text))) edges.push([m[1], m[2]]);
    else if ((m = /^classDef (\w+) ([\w-]+:[^\s,]+)(,[\w-]+:[^\s,]+)*$/.exec(text))) classDefs.add(m[1]);
    else if ((m = /^class ([\w,]+) (\w+)$/.exec(text))) classes.push([m[1].split(','), m[2]]);
    else if ((m = /^(\w+)(.+)$/.exec(text)) && shapes.some((shape) => shape.test(m![2]))) {
      if (nodes.has(m[1])) problems.push(`node ${m[1]} declared twice`);
      nodes.add(m[1]);
    } else problems.push(`unrecognised line: ${text}`);
    if (depth < 0) problems.push('end without subgraph');
  }
  if (depth !== 0) problems.push('unclosed subgraph');
  for (const [a, b] of edges) if (!nodes.has(a) || !nodes.has(b)) problems.push(`edge ${a} --> ${b} to an undeclared node`);
  for (const [ids, name] of classes) {
    if (!classDefs.has(name)) problems.push(`class ${name} has no classDef`);
    for (const id of ids) if (!nodes.has(id)) problems.push(`class ${name} on undeclared node ${id}`);
  }
  return problems;
}

describe('symgrad viz', () => {
  // Graphviz compiled to WASM always; the system `dot` as well where one is installed (CI has none).
  it.each(samples)('writes DOT for samples/%s that Graphviz renders without errors', async (file) => {
    const dot = await viz(join('samples', file));
    const result = (await instance()).render(dot, { format: 'svg' });
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('success');
    if (!hasDot) return;
    const run = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it.each(samples)('writes a well-formed mermaid flowchart for samples/%s', async (file) => {
    expect(checkFlowchart(await viz(join('samples', file), '--format', 'mermaid'))).toEqual([]);
    expect(checkFlowchart(await viz(join('samples', file), '--format', 'mermaid', '--simplified'))).toEqual([]);
  });

  describe('a loop as a cluster of its body', () => {
    const rnn = 'samples/rnn.graph.json';
    /** The statements directly inside `subgraph cluster_<id> {` (DOT) up to its closing brace. */
    const dotCluster = (dot: string, id: string) => {
      const start = dot.indexOf(`subgraph cluster_${id} {`);
      expect(start).toBeGreaterThan(-1);
      return dot.slice(start, dot.indexOf('\n  }', start));
    };

    it('DOT: the RNN cell\'s tanh and matmuls inside the loop\'s cluster, fed carry, slice and closures, the stack leaving it', async () => {
      const dot = await viz(rnn);
      const body = dotCluster(dot, 'loop1');
      expect(body).toContain('label="loop: cell, T steps"');
      const heads = [...body.matchAll(/loop1_n\d+ \[label="([^"\\]+)\\n/g)].map((m) => m[1]);
      expect(heads.sort()).toEqual(['W_h', 'W_x', 'add', 'add', 'b', 'carry', 'matmul', 'matmul', 'row of X', 'tanh']);
      expect(body).toMatch(/loop1_n\d+ \[label="tanh\\n\[16, B\]"/);
      expect(body.match(/\[label="matmul\\n/g)).toHaveLength(2);
      expect(body).toMatch(/loop1_n\d+ \[label="row of X\\n\[1, B\]"/);
      const id = (label: string) => new RegExp(`(loop1_n\\d+) \\[label="${label}\\\\n`).exec(body)![1];
      // h0 (n0) enters as the carry, X (n1) as the slice, W_h (n3) as a closure; tanh goes round to the carry and leaves as hs.
      expect(dot).toContain(`n0 -> ${id('carry')} [label="carry", fontsize=9];`);
      expect(dot).toContain(`n1 -> ${id('row of X')} [label="slice", fontsize=9];`);
      expect(dot).toContain(`n3 -> ${id('W_h')} [label="closure", fontsize=9];`);
      expect(dot).toContain(`${id('tanh')} -> ${id('carry')} [label="next", fontsize=9, style=dashed, constraint=false];`);
      expect(dot).toContain(`${id('tanh')} -> n8;`);
      expect(dot).toMatch(/n8 \[label="hs: loop \(cell: carry after each step\)/);
      // BPTT: the backward loop is a cluster of its own, its gradients leaving it as dW_h and dW_x.
      expect(dotCluster(dot, 'loop2')).toContain('label="loop: cell backwards, T steps"');
      expect(dot).toMatch(/loop2_n\d+ -> n37;/);
      const result = (await instance()).render(dot, { format: 'svg' });
      expect(result.status).toBe('success');
      expect(result.output).toContain('<title>cluster_loop1</title>');
    });

    it('mermaid: the body is a subgraph holding the tanh and matmuls, with labelled edges in', async () => {
      const text = await viz(rnn, '--format', 'mermaid');
      expect(checkFlowchart(text)).toEqual([]);
      const start = text.indexOf('  subgraph loop1 ["loop: cell, T steps"]\n');
      expect(start).toBeGreaterThan(-1);
      const body = text.slice(start, text.indexOf('\n  end', start));
      expect(body).toMatch(/loop1_n\d+\("tanh<br>\[16, B\]"\)/);
      expect(body.match(/\("matmul<br>/g)).toHaveLength(2);
      expect(text).toMatch(/n0 -->\|carry\| loop1_n\d+/);
      expect(text).toMatch(/n1 -->\|slice\| loop1_n\d+/);
      expect(text).toMatch(/n3 -->\|closure\| loop1_n\d+/);
      expect(text).toMatch(/loop1_n\d+ -\.->\|next\| loop1_n\d+/);
      expect(text).toMatch(/loop1_n\d+ --> n8\n/);
    });

    it('a loop in a loop body is a cluster inside its cluster, in DOT and mermaid', async () => {
      const spec = join(dir, 'nested-loops.graph.json');
      writeFileSync(
        spec,
        JSON.stringify({
          format: 'symgrad/1',
          inputs: { X: { shape: ['T', 2] }, h0: { shape: [2] } },
          params: { W: { shape: [2, 2], init: 'zeros' } },
          consts: { K: [[0.1, 0.2], [0.3, -0.1], [0.2, 0.2]] },
          functions: {
            inner: { args: ['g', 'k'], nodes: { n: 'sin(g + k)' }, return: 'n' },
            advance: { args: ['h', 'x'], nodes: { m: 'fold(inner, tanh(W @ h + x), K)' }, return: 'm' },
          },
          nodes: { hs: 'scan(advance, h0, X)', loss: 'sum(square(hs))' },
          outputs: ['loss'],
        }),
      );
      const dot = await viz(spec);
      const outer = dotCluster(dot, 'loop1');
      expect(outer).toContain('label="loop: advance, T steps"');
      expect(outer).toMatch(/\n {4}subgraph cluster_loop2 \{\n {6}label="loop: inner, 3 steps";[^}]*loop2_n\d+ \[label="sin\\n\[2\]"/);
      // The outer body's tanh is the inner loop's initial carry; the inner loop's last carry is the outer next carry.
      expect(dot).toMatch(/(loop1_n\d+) -> loop2_n\d+ \[label="carry", fontsize=9\];/);
      expect(dot).toMatch(/(loop2_n\d+) -> (loop1_n\d+);\n[\s\S]*\2 -> loop1_n0 \[label="next"/);
      expect((await instance()).render(dot, { format: 'svg' }).status).toBe('success');
      const mermaid = await viz(spec, '--format', 'mermaid');
      expect(checkFlowchart(mermaid)).toEqual([]);
      expect(mermaid).toMatch(/ {2}subgraph loop1 \["loop: advance, T steps"\]\n[^]*?\n {4}subgraph loop2 \["loop: inner, 3 steps"\]\n[^]*?\n {4}end\n {2}end\n/);
    });
  });

  it('the structural check rejects broken flowcharts', () => {
    expect(checkFlowchart('flowchart TB\n  a("x")\n  a --> b\n')).toEqual(['edge a --> b to an undeclared node']);
    expect(checkFlowchart('graph\n  a("x"y")\n')).toHaveLength(2);
  });

  it('renders SVG with the WASM Graphviz, one node per drawn node', async () => {
    const out = join(dir, 'seed.svg');
    await viz(seed, '-o', out);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<\?xml[^>]*>\s*<!DOCTYPE svg[^>]*>\s*(<!--[\s\S]*?-->\s*)*<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const drawn = (await viz(seed)).match(/^\s+\w+ \[label=/gm)!.length;
    expect(svg.match(/<g id="node\d+" class="node">/g)).toHaveLength(drawn);
    expect(await viz(seed, '--format', 'svg')).toBe(svg);
  });

  it('draws inputs apart and marks derivative nodes by order', async () => {
    const dot = await viz(seed);
    expect(dot).toMatch(/subgraph cluster_leaves \{[^}]*n0 \[label="x1"[^}]*n1 \[label="x2"/);
    expect(dot).toMatch(/n2 \[label="v2: log", shape=ellipse\];/);
    expect(dot).toMatch(/\[label="dy_dx1: add", shape=box, style="rounded,filled", fillcolor="#fde0c5", peripheries=2\]/);
    expect(dot).toMatch(/\[label="d2y_dx2dx2: mul", shape=hexagon, [^\]]*fillcolor="#f9c0c0"/);
    expect(dot).toContain('legend_derivative_2 [label="2nd derivative"');
    const mermaid = await viz(seed, '--format', 'mermaid');
    expect(mermaid).toMatch(/n0\[\/"x1"\/\]/);
    expect(mermaid).toMatch(/\{\{"d2y_dx2dx2: mul"\}\}/);
  });

  it('draws the simplified graph with --simplified', async () => {
    const dot = await viz(seed, '--simplified');
    const full = await viz(seed);
    const count = (text: string) => text.match(/^\s+n\d+ \[label=/gm)!.length;
    expect(count(dot)).toBeLessThan(count(full));
    expect(dot).toContain('"v4, d2y_dx2dx2: sin"');
  });

  it('takes the format from the -o extension', async () => {
    const out = join(dir, 'seed.mmd');
    await viz(seed, '-o', out);
    expect(readFileSync(out, 'utf8')).toMatch(/^flowchart TB\n/);
  });

  it.each(['graph.png', 'graph.pdf', 'graph'])('refuses -o %s, an extension it cannot honour, with exit 2 and writes nothing', async (name) => {
    const out = join(dir, name);
    const { code, stdout, stderr } = await cli('viz', seed, '-o', out);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`error: ${out}: cannot tell the format from the extension: use .dot, .gv, .svg, .mmd, .mermaid (PNG and PDF are not written), or --format\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('writes any file name when --format says what to write', async () => {
    const out = join(dir, 'seed.txt');
    await viz(seed, '--format', 'dot', '-o', out);
    expect(readFileSync(out, 'utf8')).toMatch(/^digraph /);
  });

  describe('bounds the SVG layout', () => {
    /** A spec of `steps` nodes in a chain, each `sin(previous)`, times `x` with `reuse` (an edge from x to every step: step k skips 2k − 1 ranks). */
    const chain = (steps: number, reuse: boolean) => {
      const nodes: Record<string, string> = {};
      for (let i = 1; i <= steps; i++) nodes[`n${i}`] = `sin(${i === 1 ? 'x' : `n${i - 1}`})${reuse ? ' * x' : ''}`;
      const path = join(dir, `chain-${steps}${reuse ? '-reuse' : ''}.graph.json`);
      writeFileSync(path, JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [] } }, nodes, outputs: [`n${steps}`] }));
      return path;
    };

    it.each([
      [10_000, false, '10001 nodes are too many to lay out as SVG (at most 5000)'],
      [1_000, true, 'edges crossing 1000000 ranks (long edges from reused nodes) are too many to lay out as SVG (at most 8000)'],
      [100, true, 'edges crossing 10000 ranks (long edges from reused nodes) are too many to lay out as SVG (at most 8000)'],
    ])('a %s-step chain (reusing x: %s) is one clean error within seconds, and DOT still works', async (steps, reuse, problem) => {
      const spec = chain(steps, reuse);
      const started = performance.now();
      const { code, stdout, stderr } = await cli('viz', spec, '--format', 'svg');
      expect(stderr).toBe(`error: ${spec}: --format svg: ${problem}: use --format dot (Graphviz's own dot may manage) or --format mermaid\n`);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(await viz(spec, '--format', 'dot')).toMatch(new RegExp(`label="n${steps}: (sin|mul)"`));
    }, 30_000);

    it('a 1,000-step chain without long edges is drawn', async () => {
      const svg = await viz(chain(1_000, false), '--format', 'svg');
      // x, 1,000 sines and the legend's two entries.
      expect(svg.match(/<g id="node\d+" class="node">/g)).toHaveLength(1_003);
    }, 30_000);

    it.each(samples)('samples/%s is within the bounds, as drawn and simplified', (file) => {
      const spec = loadSpec(readFileSync(join('samples', file), 'utf8'));
      expect(svgProblem(vizGraph(spec))).toBeUndefined();
      expect(svgProblem(vizGraph(spec, true))).toBeUndefined();
    });

    it('counts the ranks an edge skips', () => {
      const node = (id: string) => ({ id, lines: [id], kind: 'forward' as const, order: 0, output: false, literal: false });
      const graph = { name: 'g', nodes: ['a', 'b', 'c', 'd'].map(node), edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'd' }, { from: 'a', to: 'd' }, { from: 'a', to: 'c' }] };
      expect(rankCrossings(graph)).toBe(3);
    });
  });
});
