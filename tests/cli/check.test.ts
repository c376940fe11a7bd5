import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { cli } from './run.js';

const dir = join('tests', '.tmp', 'check');
mkdirSync(dir, { recursive: true });

function specFile(name: string, fields: Record<string, unknown>): string {
  const path = join(dir, `${name}.graph.json`);
  writeFileSync(path, JSON.stringify({ format: 'symgrad/1', ...fields }, null, 2));
  return path;
}

/** Every derivative function over x, where `s` stands for x or stop_gradient(x). */
function everyDerivative(s: string) {
  return {
    inputs: { x: { shape: [3] }, v: { shape: [3] } },
    nodes: {
      y: `sum(${s} * sin(x) * x)`,
      f: `${s} * exp(x)`,
      dy: 'grad(y, x)',
      jf: 'jacobian(f, x)',
      vjp_f: 'vjp(f, x, v)',
      jvp_f: 'jvp(f, x, v)',
      hy: 'hessian(y, x)',
      hvp_y: 'hvp(y, x, v)',
    },
    outputs: ['dy'],
  };
}
const derivativeNames = ['dy', 'jf', 'vjp_f', 'jvp_f', 'hy', 'hvp_y'];

describe('symgrad check', () => {
  it.each(readdirSync('samples').filter((f) => f.endsWith('.graph.json')))('passes on samples/%s', async (file) => {
    const { code, stdout, stderr } = await cli('check', join('samples', file), '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).ok).toBe(true);
  });

  it('prints a table of the worst errors per derivative node', async () => {
    const { code, stdout } = await cli('check', 'samples/seed-function.graph.json', '--set', 'x1=2', '--set', 'x2=5');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0].split(/ {2,}/)).toEqual(['node', 'derivative', 'max abs error', 'max rel error', 'verdict']);
    expect(lines[1]).toMatch(/^dy_dx1 +grad\(y, x1\) +\d\.\d\de[-+]\d+ +\d\.\d\de[-+]\d+ +ok$/);
    expect(stdout).toContain('all 6 agree with central differences');
  });

  it('checks grad, jacobian, vjp, jvp, hessian and hvp', async () => {
    const { code, stdout } = await cli('check', specFile('every-derivative', everyDerivative('x')), '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.calls.map((c: { node: string }) => c.node)).toEqual(derivativeNames);
    for (const call of result.calls) expect(call.absError).toBeLessThan(1e-7);
  });

  it('catches every derivative that goes through stop_gradient, and exits 1', async () => {
    const spec = specFile('stop-gradient', everyDerivative('stop_gradient(x)'));
    const { code, stdout, stderr } = await cli('check', spec, '--json');
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.ok).toBe(false);
    expect(result.calls.map((c: { ok: boolean }) => c.ok)).toEqual(derivativeNames.map(() => false));
    expect(stderr).toContain(`error: ${spec}: nodes.dy: grad(y, x) disagrees with central differences`);
  });

  it('says MISMATCH in the table for the lecture’s stop_gradient case', async () => {
    const spec = specFile('stop-scalar', { inputs: { x: { shape: [] } }, nodes: { y: 'x * stop_gradient(x)', dy_dx: 'grad(y, x)' }, outputs: ['dy_dx'] });
    const { code, stdout } = await cli('check', spec, '--set', 'x=3');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^dy_dx +grad\(y, x\) +3\.00e\+0 +5\.00e-1 +MISMATCH$/m);
    expect(stdout).toContain('1 of 1 disagree with central differences');
  });

  it('uses fed values and seeded random values for the rest', async () => {
    const spec = 'samples/seed-function.graph.json';
    const first = JSON.parse((await cli('check', spec, '--set', 'x1=2', '--json')).stdout);
    expect(first.point.x1).toBe(2);
    expect(first.random).toEqual(['x2']);
    expect(first.point.x2).toBeGreaterThanOrEqual(0.5);
    expect(first.point.x2).toBeLessThan(1.5);
    const again = JSON.parse((await cli('check', spec, '--set', 'x1=2', '--json')).stdout);
    const other = JSON.parse((await cli('check', spec, '--set', 'x1=2', '--seed', '2', '--json')).stdout);
    expect(again.point.x2).toBe(first.point.x2);
    expect(other.point.x2).not.toBe(first.point.x2);
  });

  it('differentiates with respect to an intermediate node, holding its inputs fixed', async () => {
    const spec = specFile('intermediate', { inputs: { x: { shape: [] } }, nodes: { h: 'x * 2', y: 'h * h + sin(x)', dy_dh: 'grad(y, h)' }, outputs: ['dy_dh'] });
    expect((await cli('check', spec)).code).toBe(0);
  });

  it('checks a float32 spec in float64', async () => {
    const spec = specFile('float32', { dtype: 'float32', inputs: { x: { shape: [2] } }, nodes: { y: 'sum(tanh(x) * x)', dy: 'grad(y, x)' }, outputs: ['dy'] });
    const { code, stdout } = await cli('check', spec, '--json', '--tolerance', '1e-8');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).calls[0].absError).toBeLessThan(1e-8);
  });

  it('binds named dimensions from the feeds', async () => {
    const spec = specFile('named-dims', { inputs: { X: { shape: ['N', 2] }, w: { shape: [2] } }, nodes: { loss: 'mean((X @ w) ^ 2)', g: 'grad(loss, w)' }, outputs: ['g'] });
    const { code, stdout } = await cli('check', spec, '--set', 'X=[[1,2],[3,4],[5,6],[7,8]]', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).point.X).toHaveLength(4);
  });

  it('checks derivative calls nested in a larger expression', async () => {
    const spec = specFile('nested', { inputs: { x: { shape: [2] } }, nodes: { y: 'sum(x * x * x)', z: '2 * sum(grad(y, x))', w: 'grad(sum(grad(y, x)), x)' }, outputs: ['z'] });
    const good = await cli('check', spec);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^z +grad\(y, x\) +\S+ +\S+ +ok$/m);
    expect(good.stdout).toMatch(/^w +grad\(y, x\) +\S+ +\S+ +ok\nw +grad\(sum\(grad\(y, x\)\), x\) +\S+ +\S+ +ok$/m);
    const bad = await cli('check', specFile('nested-stop', { inputs: { x: { shape: [] } }, nodes: { y: 'x * stop_gradient(x)', z: '2 * grad(y, x)' }, outputs: ['z'] }));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^z +grad\(y, x\) +\S+ +\S+ +MISMATCH$/m);
  });

  describe('a large x: 500 entries drawn with the seed by default, --all for every one', () => {
    const large = (y: string) => specFile(`large-${y.length}`, { inputs: { W: { shape: [30, 20] }, v: { shape: [30, 20] } }, nodes: { y, dW: 'grad(y, W)', hv: 'hvp(y, W, v)' }, outputs: ['dW'] });
    const good = large('sum(tanh(W) * W)');

    it('compares a sample, says so on stderr, and gives the count in --json', async () => {
      const { code, stdout, stderr } = await cli('check', good, '--json');
      expect(code).toBe(0);
      expect(stderr).toBe(
        `note: nodes.dW: grad(y, W) compared at 500 of its 600 entries, drawn with the seed (--all for every entry)\n` +
          `note: nodes.hv: hvp(y, W, v) compared at 500 of its 600 entries, drawn with the seed (--all for every entry)\n`,
      );
      const calls = JSON.parse(stdout).calls;
      expect(calls.map((c: { checked: number; entries: number }) => [c.checked, c.entries])).toEqual([[500, 600], [500, 600]]);
      expect(calls[0].absError).toBeLessThan(1e-7);
    });

    it('compares every entry with --all, silently', async () => {
      const { code, stdout, stderr } = await cli('check', good, '--json', '--all');
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(JSON.parse(stdout).calls.map((c: { checked: number }) => c.checked)).toEqual([600, 600]);
    });

    it('still catches a wrong gradient on the sample', async () => {
      const bad = large('sum(stop_gradient(W) * W)');
      const { code, stdout } = await cli('check', bad);
      expect(code).toBe(1);
      expect(stdout).toMatch(/^dW +grad\(y, W\) +\S+ +\S+ +MISMATCH$/m);
    });

    it('shows its progress on a terminal, rewriting one line and clearing it at the end', async () => {
      let stderr = '';
      const code = await runCli(['check', good, '--all'], { out: () => {}, err: (t) => void (stderr += t), terminal: true });
      expect(code).toBe(0);
      // grad: 600 differences; hvp: 600 for the gradient it differentiates and 1 along v.
      const lines = stderr.split('\r').filter(Boolean);
      expect(lines[0]).toBe('check: 0% of 1201 finite differences');
      expect(lines).toContain('check: 50% of 1201 finite differences');
      expect(lines.at(-2)).toBe('check: 99% of 1201 finite differences');
      expect(lines.at(-1)).toBe('\x1b[K');
      expect(lines).toHaveLength(101);
    });
  });

  it('rejects an unknown feed name and a bad tolerance with exit 2', async () => {
    const unknown = await cli('check', 'samples/seed-function.graph.json', '--set', 'x3=1');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("error: samples/seed-function.graph.json: feeds.x3: not an input or param of the spec (did you mean 'x1'?)\n");
    const tolerance = await cli('check', 'samples/seed-function.graph.json', '--tolerance', '-1');
    expect(tolerance.code).toBe(2);
  });
});

describe('symgrad check through loops', () => {
  it('checks the RNN sample\'s BPTT gradients over T = 4 steps and a batch of 2, every entry', async () => {
    const wave = (i: number) => 0.8 * Math.sin(1.7 * i);
    const X = Array.from({ length: 4 }, (_, t) => [[wave(2 * t), wave(2 * t + 1)]]);
    const Y = Array.from({ length: 4 }, (_, t) => [[wave(2 * t + 7), wave(2 * t + 8)]]);
    const h0 = Array.from({ length: 16 }, (_, i) => [0.5 * wave(i + 20), 0.5 * wave(i + 40)]);
    const feed = join(dir, 'rnn-feed.json');
    writeFileSync(feed, JSON.stringify({ X, Y, h0 }));
    const { code, stdout, stderr } = await cli('check', 'samples/rnn.graph.json', '--feed', feed, '--all', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.ok).toBe(true);
    expect(result.point.X).toHaveLength(4);
    expect(result.calls.map((c: { node: string }) => c.node)).toEqual(['dW_h', 'dW_x']);
    for (const call of result.calls) expect(call.absError).toBeLessThan(1e-6);
  });

  it('catches a gradient a loop body cuts with stop_gradient on its carry, and passes the same cell without it', async () => {
    const spec = (h: string) =>
      specFile(`loop-${h.length}`, {
        inputs: { h0: { shape: [2] }, X: { shape: ['T', 2] } },
        params: { W: { shape: [2, 2], init: 'zeros' } },
        functions: { cell: { args: ['h', 'x'], nodes: { n: `tanh(W @ ${h} + x)` }, return: 'n' } },
        nodes: { loss: 'sum(square(fold(cell, h0, X)))', dW: 'grad(loss, W)' },
        outputs: ['dW'],
      });
    const point = ['--set', 'X=[[0.1,0.2],[0.3,-0.1],[0.2,0.1]]', '--set', 'h0=[0.3,-0.2]', '--set', 'W=[[0.9,-0.6],[0.5,0.8]]', '--json'];
    const cut = await cli('check', spec('stop_gradient(h)'), ...point);
    expect(cut.code).toBe(1);
    expect(JSON.parse(cut.stdout).calls[0].absError).toBeGreaterThan(0.1);
    const whole = await cli('check', spec('h'), ...point);
    expect(whole.code).toBe(0);
    expect(JSON.parse(whole.stdout).calls[0].absError).toBeLessThan(1e-8);
  });
});
