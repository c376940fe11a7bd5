/**
 * Random well-typed graph specs for the differential derivative fuzzer: expressions over every
 * spec function, built top-down for a wanted shape, with derivative nodes (every derivative
 * function, nested to order 3) whose variable may be an input, a param, a const or a named node.
 * Each spec comes with smooth feeds (away from kinks and domain edges) and the facts the oracle
 * needs: the derivative calls and the "guards", the expressions whose signs decide which side of
 * a kink (relu, abs, max, where, floor, clip, argmax, ...) each entry is on. Arguments stay in
 * their functions' domains (asin of 0.9·tanh(x), acosh of 1 + x², logdet of a well-conditioned
 * matrix), and positions (gather, scatter_add, one_hot) are whole numbers in range at every feed.
 */
import * as fc from 'fast-check';

export type Shape = readonly number[];
export type Kind = 'grad' | 'vjp' | 'jvp' | 'hessian' | 'hvp' | 'jacobian';

/** A derivative node `name = kind(y, x[, dir])`; y is an expression, x and dir are names. */
export interface Derivative {
  readonly name: string;
  readonly kind: Kind;
  readonly y: string;
  readonly x: string;
  readonly dir?: string;
}

export interface GraphCase {
  readonly spec: {
    format: 'symgrad/1';
    inputs: Record<string, { shape: (number | string)[] }>;
    params: Record<string, { shape: number[]; init: unknown }>;
    consts: Record<string, unknown>;
    functions?: Record<string, { args: string[]; nodes: Record<string, string>; return: string }>;
    nodes: Record<string, string>;
    outputs: string[];
  };
  /** Smooth feeds of every input and param (nested arrays), where derivatives are checked. */
  readonly feeds: Record<string, unknown>;
  /** Feeds with special entries (0, ±1, ±800, ±Infinity, NaN) for comparing simplified and generated code. */
  readonly special: Record<string, unknown>;
  /** Feeds near ±1e3, 1e12 or 1e16 for checking the accuracy of softmax, log_softmax, logsumexp. */
  readonly large: Record<string, unknown>;
  readonly derivatives: readonly Derivative[];
  readonly guards: readonly Guard[];
}

/** An expression whose sign pattern must not change in a difference stencil (the side of a kink). */
export interface Guard {
  readonly text: string;
  /** It uses only names declared before the spec node of this index. */
  readonly before: number;
  /**
   * An argument of sqrt, log, a division or pow outside `positive`: where it is exactly 0 the
   * derivative is singular (infinite or NaN, as in PyTorch), which differences cannot check.
   */
  readonly singular?: boolean;
}

type Draw = fc.GeneratorValue;
type Role = 'input' | 'param' | 'const' | 'node' | 'direction';
interface Value {
  readonly name: string;
  readonly shape: Shape;
  readonly role: Role;
  /** Derivative order of the value (0 for forward values). */
  readonly order: number;
  /** Names this value depends on, itself included. */
  readonly deps: ReadonlySet<string>;
  /** Variables of the derivative calls it depends on, with the y of each. */
  readonly calls: readonly { readonly x: string; readonly yDeps: ReadonlySet<string> }[];
  /**
   * The declared shape, when it has the named dimension N (fed as the size at its place in
   * `shape`): such a value is used only broadcast against a fixed shape (`namedBroadcast`), where
   * N must equal that size, or as a derivative's variable.
   */
  readonly named?: readonly (number | string)[];
}

/** Smooth functions defined everywhere, for values with N. */
const SMOOTH = ['sin', 'tanh', 'cos', 'sigmoid'];
const SHAPES: Shape[] = [[], [3], [2], [2, 1], [1, 3], [2, 3], [3, 2], [2, 2]];
/** Literals the expressions use; consts take the same values, so a const may equal a literal. */
const LITERALS = [2, 0.5, 3, 1, -1];
const size = (s: Shape) => s.reduce((a, b) => a * b, 1);
const show = (s: Shape) => `[${s.join(', ')}]`;
const same = (a: Shape, b: Shape) => show(a) === show(b);
/** Whether a value of shape `a` broadcasts to exactly `s`. */
const broadcastsTo = (a: Shape, s: Shape) => a.length <= s.length && a.every((d, i) => d === 1 || d === s[s.length - a.length + i]);

/** Shapes that broadcast to s (s itself, trailing parts, ones put in). */
function narrower(s: Shape): Shape[] {
  const out = SHAPES.filter((a) => broadcastsTo(a, s));
  return out.length > 0 ? out : [s];
}

class Builder {
  readonly values: Value[] = [];
  readonly guards: Guard[] = [];
  /** Consts the builder adds (k0, k1, ...: positions, masks of zeros): not values, so never a derivative's variable. */
  readonly consts: Record<string, unknown> = {};
  /** The index of the spec node being built. */
  index = 0;
  /** Names of the values an expression being built refers to. */
  private used = new Set<string>();
  /** Depth inside arguments of jumps (see `jump`). */
  private jumps = 0;
  /** Whether expressions may broadcast a value with N against a fixed size (which fixes N when compiling). */
  pinsN = true;
  constructor(private readonly g: Draw) {}

  int(min: number, max: number): number {
    return this.g(fc.integer, { min, max });
  }
  chance(percent: number): boolean {
    return this.int(0, 99) < percent;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
  literal(): string {
    return String(this.pick(LITERALS));
  }
  ref(v: Value): string {
    this.used.add(v.name);
    return v.name;
  }

  /** Builds an expression and reports the names it used. */
  track(build: () => string): { text: string; used: Set<string> } {
    const outer = this.used;
    this.used = new Set();
    const text = build();
    const used = this.used;
    for (const n of used) outer.add(n);
    this.used = outer;
    return { text, used };
  }

  /**
   * Builds the argument of a function with jumps (comparisons, step, sign, argmax, floor, ...),
   * where rewrite bait that changes rounding (expm1(x) − (eˣ − 1) is exactly 0 only simplified)
   * would decide a side differently in the simplified graph: none is used there.
   */
  jump<T>(build: () => T): T {
    this.jumps++;
    try {
      return build();
    } finally {
      this.jumps--;
    }
  }

  singular(text: string): string {
    this.guards.push({ text, before: this.index, singular: true });
    return text;
  }

  guard(text: string): string {
    this.guards.push({ text, before: this.index });
    return text;
  }

  /** A value of exactly shape s read from the values so far (possibly reshaped or broadcast). */
  leaf(s: Shape): string {
    const usable = this.values.filter((v) => v.role !== 'direction' && !v.named);
    const exact = usable.filter((v) => same(v.shape, s));
    const options: (() => string)[] = exact.map((v) => () => this.ref(v));
    for (const v of usable) {
      if (!same(v.shape, s) && broadcastsTo(v.shape, s)) options.push(() => `broadcast_to(${this.ref(v)}, shape=${show(s)})`);
      if (!same(v.shape, s) && size(v.shape) === size(s) && s.length > 0) options.push(() => `reshape(${this.ref(v)}, shape=${show(s)})`);
      if (s.length === 0 && v.shape.length > 0) options.push(() => `${this.pick(['sum', 'mean'])}(${this.ref(v)})`);
    }
    if (options.length === 0 || this.chance(5)) return s.length === 0 ? this.literal() : `fill(${this.literal()}, shape=${show(s)})`;
    // Prefer the values themselves: they carry the names derivatives are taken with respect to.
    return exact.length > 0 && this.chance(60) ? this.ref(this.pick(exact)) : this.pick(options)();
  }

  /** An expression of shape s whose entries are positive (for log, sqrt, division, pow). */
  positive(s: Shape, depth: number): string {
    const e = () => this.expr(s, depth - 1);
    switch (this.int(0, 5)) {
      case 0: return `exp(${e()})`;
      case 1: return `(square(${e()}) + 0.5)`;
      case 2: return `(softplus(${e()}) + 0.1)`;
      case 3: return `(sigmoid(${e()}) + 0.2)`;
      case 4: return `(abs(${this.guard(e())}) + 0.3)`;
      default: return s.length === 0 ? String(this.pick([0.5, 2, 3])) : `fill(${this.pick([0.5, 2, 3])}, shape=${show(s)})`;
    }
  }

  /** A condition of shape c: a comparison, its operands' difference a guard. */
  condition(c: Shape, depth: number): string {
    const [a, b] = this.jump(() => [this.expr(this.pick(narrower(c)), depth - 1), this.expr(c, depth - 1)]);
    const op = this.pick(['>', '>=', '<', '<=']);
    this.guard(`(${a}) - (${b})`);
    return `(${a} ${op} ${b})`;
  }

  /** A random expression of exactly shape s. */
  expr(s: Shape, depth: number): string {
    if (depth <= 0 || this.chance(10)) return this.leaf(s);
    const d = depth - 1;
    const e = (shape: Shape = s) => this.expr(shape, d);
    const rank = s.length;
    const named = this.pinsN && this.chance(20) ? this.namedBroadcast(s, d) : undefined;
    if (named !== undefined) return named;
    const forms: (() => string | undefined)[] = [
      () => `${this.pick(['sin', 'cos', 'tanh', 'sigmoid', 'softplus', 'swish', 'neg', 'square', 'expm1'])}(${e()})`,
      () => `${this.pick(['atan', 'sinh', 'cosh', 'asinh', 'erf', 'erfc', 'gelu'])}(${e()})`,
      () => `tan(tanh(${e()}))`,
      () => `${this.pick(['asin', 'acos', 'atanh'])}(${this.pick([0.9, 0.5])} * tanh(${e()}))`,
      // acosh(1 + x²) is |x|-like at x = 0, where its derivative is 0/0.
      () => (this.chance(50) ? `acosh(1 + square(${this.singular(e())}))` : `acosh(1 + ${this.positive(s, d)})`),
      () => `exp(${e()})`,
      () => `${this.pick(['log', 'sqrt', 'reciprocal', 'log1p'])}(${this.positive(s, d)})`,
      () => (this.chance(50) ? `(${e()} / ${this.positive(this.pick(narrower(s)), d)})` : `div(${e(this.pick(narrower(s)))}, ${this.positive(s, d)})`),
      () => (this.chance(50) ? `(${this.positive(s, d)} ^ ${e(this.pick(narrower(s)))})` : `pow(${this.singular(e())}, ${this.pick([2, 3, this.literal()])})`),
      () => {
        const [a, b] = this.chance(50) ? [s, this.pick(narrower(s))] : [this.pick(narrower(s)), s];
        const op = this.pick(['+', '-', '*', 'add', 'sub', 'mul', 'maximum', 'minimum']);
        if (op === 'maximum' || op === 'minimum') {
          const [x, y] = [e(a), e(b)];
          this.guard(`(${x}) - (${y})`);
          return `${op}(${x}, ${y})`;
        }
        return op.length === 1 ? `(${e(a)} ${op} ${e(b)})` : `${op}(${e(a)}, ${e(b)})`;
      },
      () => `(${e()} ${this.pick(['*', '+', '-'])} ${this.literal()})`,
      () => this.kink(s, d),
      () => this.kink(s, d),
      () => this.kink(s, d),
      () => this.where(s, d),
      () => this.where(s, d),
      () => this.where(s, d),
      () => this.reduction(s, d),
      () => this.matmul(s, d),
      () => this.shapeOp(s, d),
      () => this.shapeOp(s, d),
      () => this.indexing(s, d),
      () => this.indexing(s, d),
      () => this.linalg(s, d),
      () => (rank > 0 ? `${this.pick(['softmax', 'log_softmax'])}(${e()}, axis=${this.int(-rank, rank - 1)})` : undefined),
      () => (rank === 0 ? this.loss(d) : undefined),
      () => (rank === 0 ? this.loss(d) : undefined),
      () => (rank > 0 ? `fill(${e([])}, shape=${show(s)})` : undefined),
      () => (rank > 0 && this.chance(20) ? `${this.pick(['zeros', 'ones'])}(shape=${show(s)})` : undefined),
      () => this.maxout(s, d),
      () => {
        const sg = this.values.filter((v) => v.role === 'node' && !v.named && same(v.shape, s));
        return sg.length > 0 ? `stop_gradient(${this.ref(this.pick(sg))})` : undefined;
      },
      () => this.rewriteBait(s, d),
    ];
    for (;;) {
      const made = this.pick(forms)();
      if (made !== undefined) return made;
    }
  }

  /**
   * A value whose declared shape has the named dimension N, broadcast against an expression of
   * the fixed shape s (N must then be its size there; the result has the fixed shape s).
   */
  namedBroadcast(s: Shape, d: number): string | undefined {
    const named = this.values.filter((v) => v.named && v.role !== 'direction' && broadcastsTo(v.shape, s));
    if (named.length === 0) return undefined;
    const v = this.ref(this.pick(named));
    const e = this.expr(s, d);
    switch (this.int(0, 3)) {
      case 0: return `(${v} ${this.pick(['+', '-', '*'])} ${e})`;
      case 1: return `(${e} ${this.pick(['+', '-', '*'])} ${v})`;
      case 2: {
        this.guard(`(${v}) - (${e})`);
        return `${this.pick(['maximum', 'minimum'])}(${v}, ${e})`;
      }
      default: return `where(${this.condition(this.pick(narrower(s)), d)}, ${v}, ${e})`;
    }
  }

  /** Functions with a kink; the argument's sign (or distance to ±1, or the other operand) is guarded. */
  kink(s: Shape, d: number): string {
    const kind = this.int(0, 11);
    const x = [2, 3, 8, 9, 11].includes(kind) ? this.jump(() => this.expr(s, d)) : this.expr(s, d);
    switch (kind) {
      case 0: return `relu(${this.guard(x)})`;
      case 1: return `abs(${this.guard(x)})`;
      case 2: return `(step(${this.guard(x)}) * ${this.expr(s, d)})`;
      case 3: return `(sign(${this.guard(x)}) * ${this.expr(s, d)})`;
      case 4: return `leaky_relu(${this.guard(x)}, alpha=${this.pick([0.01, 0.2, 0.5])})`;
      case 5: return `elu(${this.guard(x)}, alpha=${this.pick([1, 0.5, 2])})`;
      case 6: return `prelu(${this.guard(x)}, ${this.expr(this.pick(narrower(s)), d)})`;
      case 7:
        this.guard(`(${x}) - 1`);
        this.guard(`(${x}) + 1`);
        return `hard_tanh(${x})`;
      case 8: return this.rounding(x, s, d);
      case 9: return this.rounding(x, s, d);
      case 10: {
        // Either bound may be left out; rarely lo > hi (every entry hi, slope 0).
        const [lo, hi] = [this.pick([-1, -0.5, 0, 0.5]), this.pick([0.5, 1, 2, -1])];
        const bounds = this.pick([[lo, hi], [lo, undefined], [undefined, hi]]);
        for (const b of bounds) if (b !== undefined) this.guard(`(${x}) - ${b}`);
        return `clip(${x}${bounds[0] === undefined ? '' : `, lo=${bounds[0]}`}${bounds[1] === undefined ? '' : `, hi=${bounds[1]}`})`;
      }
      default: {
        const y = this.jump(() => this.expr(this.pick(narrower(s)), d));
        this.guard(`(${x}) - (${y})`);
        return `((${x} ${this.pick(['>', '<', '==', '!='])} ${y}) * ${this.expr(s, d)})`;
      }
    }
  }

  /**
   * floor, ceil or round of 2·tanh(x) shifted off the whole numbers (and, for round, off the
   * halves) that 0 and ±1 give, times an expression: the argument stays in (−2.5, 2.5), so a
   * stencil crosses few jumps, and the guard sin(π·arg) (cos for round) changes sign at each.
   */
  rounding(x: string, s: Shape, d: number): string {
    const f = this.pick(['floor', 'ceil', 'round']);
    const arg = `(2 * tanh(${x}) + ${f === 'round' ? 0.3 : 0.5})`;
    this.guard(`${f === 'round' ? 'cos' : 'sin'}(3.141592653589793 * ${arg})`);
    return this.chance(50) ? `${f}(${arg})` : `(${f}(${arg}) * ${this.expr(s, d)})`;
  }

  /**
   * where(cond, a, b): branches that mix entries (any expression), shapes broadcast among the
   * condition and both branches, and the SPEC's branches that are NaN where not taken.
   */
  where(s: Shape, d: number): string | undefined {
    if (this.chance(25)) {
      const x = this.jump(() => this.expr(s, d));
      this.guard(x);
      return this.pick([
        `where(${x} > 0, sqrt(${x}), 0)`,
        `where(${x} > 0, log(${x}), ${this.expr(s, d)})`,
        `where(${x} != 0, sin(${x}) / ${x}, 1)`,
      ]);
    }
    // One of the three operands has the full shape s; the others broadcast to it.
    const full = this.int(0, 2);
    const shapes = [0, 1, 2].map((i) => (i === full ? s : this.pick(narrower(s))));
    const branch = (t: Shape) => (this.chance(50) ? this.mixer(t, d) : this.expr(t, d));
    return `where(${this.condition(shapes[0], d)}, ${branch(shapes[1])}, ${branch(shapes[2])})`;
  }

  /** An expression of shape s whose entries each depend on several entries of its operands. */
  mixer(s: Shape, d: number): string {
    for (;;) {
      const made = this.pick([
        () => this.matmul(s, d),
        () => this.reduction(s, d),
        () => this.shapeOp(s, d),
        () => this.indexing(s, d),
        () => this.linalg(s, d),
        () => (s.length > 0 ? `${this.pick(['softmax', 'log_softmax'])}(${this.expr(s, d)}, axis=${this.int(-s.length, s.length - 1)})` : undefined),
        () => (s.length > 0 ? `cumsum(${this.expr(s, d)}, axis=${this.int(-s.length, s.length - 1)}${this.chance(40) ? ', reverse=true' : ''})` : undefined),
      ])();
      if (made !== undefined) return made;
    }
  }

  reduction(s: Shape, d: number): string {
    const f = this.pick(['sum', 'mean', 'max', 'min', 'logsumexp', 'prod', 'var', 'std']);
    /** Reduces t along `axis` (a keyword text, or '' for all axes) over `count` entries. */
    const from = (t: Shape, axis: string, keep = '') => {
      const x = f === 'prod' && this.chance(40) ? this.withZeros(t, d) : this.expr(t, d);
      const extent = (g: string) => `${g}(${x}${axis}, keepdims=true)`;
      if (f === 'max' || f === 'min') this.guard(`(${x}) - ${extent(f)}`);
      // std's derivative is infinite where the entries are equal (max − min is then exactly 0).
      if (f === 'std') this.singular(`${extent('max')} - ${extent('min')}`);
      const count = axis === '' ? size(t) : t.at(Number(axis.slice(', axis='.length)))!;
      const ddof = (f === 'var' || f === 'std') && count > 1 && this.chance(40) ? ', ddof=1' : '';
      return `${f}(${x}${axis}${keep}${ddof})`;
    };
    // A source shape with one more axis (or a kept axis of 1) that reduces to s.
    const sources: { t: Shape; axis: string; keep?: string }[] = [];
    for (let a = 0; a <= s.length; a++) {
      for (const n of [2, 3]) {
        const t = [...s.slice(0, a), n, ...s.slice(a)];
        if (SHAPES.some((x) => same(x, t))) sources.push({ t, axis: `, axis=${this.chance(30) ? a - t.length : a}` });
      }
    }
    s.forEach((dim, a) => {
      if (dim !== 1) return;
      for (const n of [2, 3]) {
        const t = s.map((x, i) => (i === a ? n : x));
        if (SHAPES.some((x) => same(x, t))) sources.push({ t, axis: `, axis=${a}`, keep: ', keepdims=true' });
      }
    });
    if (s.length === 0 && (sources.length === 0 || this.chance(50))) return from(this.pick(SHAPES), '');
    if (sources.length === 0) return this.leaf(s);
    const { t, axis, keep } = this.pick(sources);
    return from(t, axis, keep);
  }

  matmul(s: Shape, d: number): string | undefined {
    const k = this.pick([2, 3]);
    const e = (t: Shape) => this.expr(t, d);
    /** An [r, c] operand, sometimes written as the transpose of a [c, r] one. */
    const matrix = (r: number, c: number) => (this.chance(35) ? `transpose(${e([c, r])})` : e([r, c]));
    if (s.length === 0) return `(${e([k])} @ ${e([k])})`;
    if (s.length === 1) return this.chance(50) ? `(${matrix(s[0], k)} @ ${e([k])})` : `matmul(${e([k])}, ${matrix(k, s[0])})`;
    if (s.length === 2) {
      if (this.chance(20)) return `outer(${e([s[0]])}, ${e([s[1]])})`;
      return this.chance(50) ? `(${matrix(s[0], k)} @ ${matrix(k, s[1])})` : `matmul(${matrix(s[0], k)}, ${matrix(k, s[1])})`;
    }
    return undefined;
  }

  shapeOp(s: Shape, d: number): string | undefined {
    const e = (t: Shape) => this.expr(t, d);
    const rank = s.length;
    switch (this.int(0, 7)) {
      case 0: {
        const t = SHAPES.filter((x) => size(x) === size(s) && !same(x, s));
        return t.length > 0 && rank > 0 ? `reshape(${e(this.pick(t))}, shape=${show(s)})` : undefined;
      }
      case 1:
        return rank === 2 ? `transpose(${e([s[1], s[0]])}${this.chance(50) ? ', perm=[1, 0]' : ''})` : undefined;
      case 2: {
        const t = narrower(s).filter((x) => !same(x, s));
        return t.length > 0 ? `broadcast_to(${e(this.pick(t))}, shape=${show(s)})` : undefined;
      }
      case 3: {
        const axes = s.map((_, a) => a).filter((a) => s[a] >= 2);
        if (axes.length === 0) return undefined;
        const a = this.pick(axes);
        const first = this.int(1, s[a] - 1);
        const parts = [first, s[a] - first].map((n) => e(s.map((x, i) => (i === a ? n : x))));
        return `concat(${parts.join(', ')}${a === 0 && this.chance(50) ? '' : `, axis=${a}`})`;
      }
      case 4: {
        if (rank === 0) return undefined;
        // Slice s out of a source one larger along some axes (start may be written from the end).
        const t = s.map((n) => n + this.int(0, 1));
        const start = t.map((n, a) => this.int(0, n - s[a]));
        const stop = start.map((b, a) => b + s[a]);
        const startText = start.map((b, a) => (this.chance(25) && b > 0 ? b - t[a] : b));
        return `slice(${e(t)}, start=${show(startText)}, stop=${show(stop)})`;
      }
      case 5: {
        if (rank === 0 || s.every((n) => n === 1)) return undefined;
        const before = s.map((n) => (n > 1 ? this.int(0, 1) : 0));
        const after = s.map((n, a) => (n - before[a] > 1 ? this.int(0, 1) : 0));
        return `pad(${e(s.map((n, a) => n - before[a] - after[a]))}, before=${show(before)}, after=${show(after)})`;
      }
      case 6: {
        if (rank === 0) return undefined;
        const a = this.int(0, rank - 1);
        const parts = Array.from({ length: s[a] }, () => e(s.filter((_, i) => i !== a)));
        const axis = a === 0 && this.chance(50) ? '' : `, axis=${this.chance(30) ? a - rank : a}`;
        return `stack(${parts.join(', ')}${axis})`;
      }
      default: {
        if (rank === 0) return undefined;
        // reps divide s; leading 1s of the source's shape, or of reps, may be left out (as NumPy pads them).
        const reps = s.map((n) => this.pick([1, n]));
        let t = s.map((n, a) => n / reps[a]);
        let r = reps;
        if (this.chance(50)) while (t.length > 0 && t[0] === 1) t = t.slice(1);
        else while (r.length > 1 && r[0] === 1) r = r.slice(1);
        return `tile(${e(t)}, reps=${show(r)})`;
      }
    }
  }

  /**
   * Whole numbers in [0, n) of shape t that stay in range at every feed (NaN and infinities
   * included, where a position error would stop the run): a const, argmax or argmin, a
   * comparison, or a running count.
   */
  positions(t: Shape, n: number, d: number): string {
    for (;;) {
      switch (this.int(0, 4)) {
        case 0: {
          const name = `k${Object.keys(this.consts).length}`;
          const entries = (shape: Shape): unknown => (shape.length === 0 ? this.int(0, n - 1) : Array.from({ length: shape[0] }, () => entries(shape.slice(1))));
          this.consts[name] = entries(t);
          return name;
        }
        case 1:
        case 2: {
          const m = this.int(1, n);
          const a = this.int(0, t.length);
          return this.argExtremum([...t.slice(0, a), m, ...t.slice(a)], a, d);
        }
        case 3:
          if (n >= 2) {
            const [a, b] = this.jump(() => [this.expr(this.pick(narrower(t)), d), this.expr(t, d)]);
            this.guard(`(${a}) - (${b})`);
            return `(${a} ${this.pick(['>', '>=', '<', '<=', '==', '!='])} ${b})`;
          }
          break;
        default:
          if (t.length > 0 && t[t.length - 1] <= n) return `(cumsum(ones(shape=${show(t)}), axis=${t.length - 1}${this.chance(50) ? ', reverse=true' : ''}) - 1)`;
      }
    }
  }

  /**
   * An expression of shape t with up to three entries exactly 0 (prod's derivatives are exact at
   * every order with any number of zeros): e·mask, plus v − stop_gradient(v) for a node v of
   * shape t, so that the zero entries still move with the variables v depends on.
   */
  withZeros(t: Shape, d: number): string {
    const name = `k${Object.keys(this.consts).length}`;
    const zeros = new Set(Array.from({ length: this.int(1, 3) }, () => this.int(0, size(t) - 1)));
    let at = 0;
    const entries = (shape: Shape): unknown => (shape.length === 0 ? (zeros.has(at++) ? 0 : 1) : Array.from({ length: shape[0] }, () => entries(shape.slice(1))));
    this.consts[name] = entries(t);
    const masked = `(${this.expr(t, d)} * ${name})`;
    const nodes = this.values.filter((v) => v.role === 'node' && !v.named && same(v.shape, t));
    if (nodes.length === 0) return masked;
    const v = this.ref(this.pick(nodes));
    return `(${masked} + (${v} - stop_gradient(${v})))`;
  }

  /** argmax or argmin of an expression of shape t along `axis`, its ties guarded. */
  argExtremum(t: Shape, axis: number, d: number, keep = ''): string {
    const f = this.pick(['argmax', 'argmin']);
    const x = this.jump(() => this.expr(t, d));
    this.guard(`(${x}) - ${f.slice(3)}(${x}, axis=${axis}, keepdims=true)`);
    const at = axis === t.length - 1 && this.chance(40) ? '' : `, axis=${this.chance(30) ? axis - t.length : axis}`;
    return `${f}(${x}${at}${keep})`;
  }

  /** argmax, argmin, one_hot, gather and scatter_add, with positions in range. */
  indexing(s: Shape, d: number): string | undefined {
    const rank = s.length;
    switch (this.int(0, 3)) {
      case 0: {
        // Along a new axis, or (keepdims) an axis of 1.
        const ones = s.map((_, a) => a).filter((a) => s[a] === 1);
        if (ones.length > 0 && this.chance(30)) {
          const a = this.pick(ones);
          return this.argExtremum(s.map((n, i) => (i === a ? this.pick([2, 3]) : n)), a, d, ', keepdims=true');
        }
        const a = this.int(0, rank);
        return this.argExtremum([...s.slice(0, a), this.pick([2, 3]), ...s.slice(a)], a, d);
      }
      case 1: {
        if (rank === 0) return undefined;
        const depth = s[rank - 1];
        const hot = `one_hot(${this.positions(s.slice(0, -1), depth, d)}, depth=${depth})`;
        return this.chance(50) ? hot : `(${hot} * ${this.expr(s, d)})`;
      }
      case 2: {
        // s = x.shape[:axis] + i.shape + x.shape[axis+1:], x of rank ≤ 2.
        const splits: [number, number][] = [];
        for (let p = 0; p <= rank; p++) for (let q = p; q <= rank; q++) if (p + 1 + rank - q <= 2) splits.push([p, q]);
        if (splits.length === 0) return undefined;
        const [p, q] = this.pick(splits);
        const n = this.pick([2, 3]);
        const x = [...s.slice(0, p), n, ...s.slice(q)];
        const axis = p === 0 && this.chance(50) ? '' : `, axis=${this.chance(30) ? p - x.length : p}`;
        return `gather(${this.expr(x, d)}, ${this.positions(s.slice(p, q), n, d)}${axis})`;
      }
      default: {
        if (rank === 0) return undefined;
        const a = this.int(0, rank - 1);
        const i = this.pick([[], [2], [3]] as Shape[]);
        const source = [...s.slice(0, a), ...i, ...s.slice(a + 1)];
        const axis = a === 0 && this.chance(50) ? '' : `, axis=${this.chance(30) ? a - rank : a}`;
        return `scatter_add(${this.expr(source, d)}, ${this.positions(i, s[a], d)}${axis}, size=${s[a]})`;
      }
    }
  }

  /**
   * A well-conditioned m×m matrix: B·Bᵀ + 2·I or 3·I with B bounded (symmetric positive
   * definite) or, unless `spd`, 2·I or 3·I + 0.3·tanh(M) (diagonally dominant), possibly negated
   * (a negative determinant for odd m); with `spd`, sometimes plus an asymmetric 0.1·tanh(M).
   * I is a one_hot of a running count.
   */
  matrix(m: number, d: number, spd: boolean): string {
    const eye = `one_hot(cumsum(ones(shape=[${m}]), axis=0) - 1, depth=${m})`;
    const shift = this.pick([2, 3]);
    if (!spd && this.chance(30)) return `(${shift} * ${eye} + 0.3 * tanh(${this.expr([m, m], d)}))`;
    // B is bounded, so A stays well-conditioned at the special feeds too (800, ±∞), where a
    // condition number of 1e12 would let rounding decide the simplified and generated values.
    const k = this.pick([1, 2, 3]);
    const b = `${this.pick(['tanh', 'sin', 'erf', 'atan'])}(${this.chance(30) ? `transpose(${this.expr([k, m], d)})` : this.expr([m, k], d)})`;
    const a = `(matmul(${b}, transpose(${b})) + ${shift} * ${eye})`;
    // cholesky reads (A + Aᵀ)/2: an asymmetric part its derivative must ignore.
    if (spd) return this.chance(30) ? `(${a} + 0.1 * tanh(${this.expr([m, m], d)}))` : a;
    return this.chance(20) ? `neg${a}` : a;
  }

  /** `count` matrices stacked into a [count, m, m] batch. */
  batch(count: number, m: number, d: number, spd: boolean): string {
    return `stack(${Array.from({ length: count }, () => this.matrix(m, d, spd)).join(', ')})`;
  }

  /** solve, inv, det, logdet and cholesky of well-conditioned matrices, sometimes of a stacked batch. */
  linalg(s: Shape, d: number): string | undefined {
    const dd = d - 1;
    const rank = s.length;
    if (rank > 2) return undefined;
    const determinant = this.pick(['det', 'logdet']);
    if (rank === 0) return `${determinant}(${this.matrix(this.int(1, 3), dd, false)})`;
    if (this.chance(25)) {
      // Batches: det or logdet [count], solve [count, m], a sum over inverses or factors [m, m].
      if (rank === 1) return `${determinant}(${this.batch(s[0], this.int(1, 3), dd, false)})`;
      if (s[0] !== s[1] || this.chance(50)) return `solve(${this.batch(s[0], s[1], dd, false)}, ${this.expr(s, d)})`;
      const f = this.pick(['inv', 'cholesky']);
      return `${this.pick(['sum', 'mean'])}(${f}(${this.batch(2, s[0], dd, f === 'cholesky')}), axis=0)`;
    }
    const m = s[0];
    if (this.chance(40)) return `solve(${this.matrix(m, dd, false)}, ${this.expr(s, d)})`;
    const a = this.chance(50) ? `inv(${this.matrix(m, dd, false)})` : `cholesky(${this.matrix(m, dd, true)})`;
    return rank === 2 && s[1] === m && this.chance(50) ? a : `(${a} @ ${this.expr(s, d)})`;
  }

  /** A loss: both operands of one shape. */
  loss(d: number): string {
    const t = this.pick(SHAPES.filter((x) => x.length > 0));
    const e = () => this.expr(t, d);
    switch (this.int(0, 4)) {
      case 0: return `mse(${e()}, ${e()})`;
      case 1: return `bce_with_logits(${e()}, ${e()})`;
      case 2: return `softmax_cross_entropy(${e()}, ${e()}${this.chance(50) ? `, axis=${this.int(-t.length, t.length - 1)}` : ''})`;
      case 3: return `l1(${this.guard(e())})`;
      default: return `l2(${e()})`;
    }
  }

  maxout(s: Shape, d: number): string | undefined {
    if (s.length === 0) return undefined;
    const last = s[s.length - 1];
    const options = [2, 3].filter((p) => size(s) * p <= 6);
    if (options.length === 0) return undefined;
    const pieces = this.pick(options);
    const x = this.expr([...s.slice(0, -1), last * pieces], d);
    const grouped = `reshape(${x}, shape=${show([...s, pieces])})`;
    this.guard(`${grouped} - max(${grouped}, axis=-1, keepdims=true)`);
    return `maxout(${x}, pieces=${pieces})`;
  }

  /**
   * Forms the simplifier rewrites, to compare simplified with unsimplified values at special points.
   * No bait cancels to rounding noise (as expm1(x) − (eˣ − 1) would: exactly 0 only simplified),
   * since a later division or log would turn that noise into any value at all.
   */
  rewriteBait(s: Shape, d: number): string {
    const x = this.singular(this.expr(s, d));
    const zeros = s.length === 0 ? '0' : `zeros(shape=${show(s)})`;
    const exact = [
      `(${x} / ${x})`, `(${x} - ${x})`, `(${x} * 0)`, `(0 / ${x})`, `(${x} ^ 0)`, `(tanh(${x}) / tanh(${x}))`,
      `(${x} + ${zeros})`, `neg(neg(${x}))`, ...(s.length === 2 ? [`(${x} @ zeros(shape=${show([s[1], s[1]])}))`] : []),
    ];
    const rounding = [
      `exp(log(${x}))`, `(sqrt(${x}) * sqrt(${x}))`, `square(sqrt(${x}))`, `sqrt(square(${x}))`, `(${x} ^ 0.5)`, `(${x} ^ -1)`,
      `(exp(${x}) - 1)`, `log(exp(${x}))`, `log(1 + ${x})`, `log(sigmoid(${x}))`, `log(1 - sigmoid(${x}))`, `log1p(exp(${x}))`,
    ];
    const bait = this.pick(this.jumps > 0 ? exact : [...exact, ...rounding]);
    // 1 − sigmoid(x) cancels to a few ulps for large x, where differences of the unsimplified form are 0.
    if (bait.startsWith('log(1 - sigmoid')) this.singular(`((1 - sigmoid(${x})) > 1e-6)`);
    return bait;
  }

  add(v: Value): Value {
    this.values.push(v);
    return v;
  }

  /** A value built from the names `used`: its dependencies, order and derivative calls. */
  derived(name: string, shape: Shape, used: Set<string>, order = 0): Value {
    const parents = this.values.filter((v) => used.has(v.name));
    const deps = new Set([name, ...parents.flatMap((p) => [...p.deps])]);
    return {
      name,
      shape,
      role: 'node',
      order: Math.max(order, ...parents.map((p) => p.order)),
      deps,
      calls: parents.flatMap((p) => p.calls),
    };
  }
}

/** Entries in ±[0.25, 1.5] (smooth) or [-1, 1] (directions), in hundredths. */
function feedValue(g: Draw, shape: Shape, range: 'smooth' | 'direction'): unknown {
  if (shape.length === 0) {
    const v = g(fc.integer, { min: 25, max: 150 }) / 100;
    return range === 'direction' ? g(fc.integer, { min: -100, max: 100 }) / 100 : g(fc.boolean) ? v : -v;
  }
  return Array.from({ length: shape[0] }, () => feedValue(g, shape.slice(1), range));
}

const SPECIAL = [0, -0, 1, -1, 2, 0.5, 800, -800, Infinity, -Infinity, NaN];
const mapEntries = (value: unknown, f: (v: number) => number): unknown => (Array.isArray(value) ? value.map((v) => mapEntries(v, f)) : f(value as number));

/**
 * Whether differentiating y with respect to the node v can be checked by treating v as an input:
 * no derivative call inside y may have a variable that v depends on (that call's expansion
 * would look through v, which an input cannot show).
 */
function checkable(v: Value, yCalls: Value['calls']): boolean {
  return v.role !== 'node' || yCalls.every((c) => c.x === v.name || !v.deps.has(c.x) || !c.yDeps.has(v.name));
}

const KINDS: Kind[] = ['grad', 'vjp', 'jvp', 'hessian', 'hvp', 'jacobian'];

export const graphCase: fc.Arbitrary<GraphCase> = fc.gen().map((g): GraphCase => {
  const b = new Builder(g);
  const spec: GraphCase['spec'] = { format: 'symgrad/1', inputs: {}, params: {}, consts: {}, nodes: {}, outputs: [] };
  const feeds: Record<string, unknown> = {};
  const derivatives: Derivative[] = [];
  const leaf = (name: string, shape: Shape, role: Role) => b.add({ name, shape, role, order: 0, deps: new Set([name]), calls: [] });

  const inputCount = b.int(1, 3);
  for (let i = 0; i < inputCount; i++) {
    const shape = b.pick(SHAPES);
    spec.inputs[`x${i}`] = { shape: [...shape] };
    feeds[`x${i}`] = feedValue(g, shape, 'smooth');
    leaf(`x${i}`, shape, 'input');
  }
  if (b.chance(30)) {
    // An input with the named dimension N in place of a size > 1 (fed as that size).
    const shape = b.pick(SHAPES.filter((t) => t.some((n) => n > 1)));
    const axis = b.pick(shape.flatMap((n, a) => (n > 1 ? [a] : [])));
    const named = shape.map((n, a) => (a === axis ? 'N' : n));
    spec.inputs.xn = { shape: named };
    feeds.xn = feedValue(g, shape, 'smooth');
    b.add({ name: 'xn', shape, role: 'input', order: 0, deps: new Set(['xn']), calls: [], named });
    // Half the time N stays unknown until run time: jacobians and hessians with N on both sides loop.
    b.pinsN = b.chance(50);
  }
  if (b.chance(30)) {
    const shape = b.pick(SHAPES);
    feeds.p = feedValue(g, shape, 'smooth');
    spec.params.p = { shape: [...shape], init: feeds.p };
    leaf('p', shape, 'param');
  }
  if (b.chance(60)) {
    // A const equal to a literal the expressions use.
    const shape = b.pick([[], [], [3], [2, 1]] as Shape[]);
    const value = b.pick(LITERALS);
    spec.consts.c = shape.length === 0 ? value : Array.from({ length: shape[0] }, () => (shape.length === 1 ? value : [value]));
    leaf('c', shape, 'const');
  }

  const steps = b.int(2, 7);
  let directions = 0;
  for (let i = 0; i < steps; i++) {
    const name = `n${i}`;
    b.index = Object.keys(spec.nodes).length;
    const heads = b.values.filter((v) => v.role === 'input' && !v.named && v.shape.length > 0);
    if (heads.length > 0 && b.chance(10)) {
      // softmax and friends of an input, for the accuracy check at large feeds.
      const v = b.pick(heads);
      const axis = b.int(-v.shape.length, v.shape.length - 1);
      const label = b.pick(b.values.filter((o) => o.role !== 'direction' && !o.named && same(o.shape, v.shape)));
      const [f, shape] = b.pick([
        ['softmax', v.shape], ['log_softmax', v.shape], ['logsumexp', v.shape.filter((_, a) => a !== axis + (axis < 0 ? v.shape.length : 0))],
        ['softmax_cross_entropy', []],
      ] as [string, Shape][]);
      const sce = f === 'softmax_cross_entropy';
      spec.nodes[name] = sce ? `${f}(${v.name}, ${label.name})` : `${f}(${v.name}, axis=${axis})`;
      b.add(b.derived(name, shape, new Set(sce ? [v.name, label.name] : [v.name])));
      continue;
    }
    const carries = b.values.filter((v) => v.role !== 'direction' && v.order === 0 && !v.named && size(v.shape) <= 6);
    if (carries.length > 0 && b.chance(10)) {
      // A loop (SPEC §6): scan, fold or iterate of a smooth cell over a new sequence input, closing over a value.
      const init = b.pick(carries);
      const s = init.shape;
      // A body sees the spec's inputs, params and consts (not its nodes); the carry itself otherwise.
      const globals = b.values.filter((v) => (v.role === 'input' || v.role === 'param' || v.role === 'const') && broadcastsTo(v.shape, s));
      const closure = globals.length > 0 && b.chance(80) ? b.pick(globals) : undefined;
      const fn = `cell${Object.keys(spec.functions ?? {}).length}`;
      const kind = b.pick(['scan', 'fold', 'iterate'] as const);
      const mix = `tanh(h * ${closure ? closure.name : 'h'} * 0.5 + ${b.literal()})`;
      spec.functions = { ...spec.functions, [fn]: kind === 'iterate' ? { args: ['h'], nodes: { m: mix }, return: 'm' } : { args: ['h', 'x'], nodes: { m: `${mix} + sin(x) * 0.5` }, return: 'm' } };
      const used = new Set([init.name, ...(closure ? [closure.name] : [])]);
      let result = s;
      if (kind === 'iterate') {
        spec.nodes[name] = `iterate(${fn}, ${init.name}, steps=${b.int(0, 3)})`;
      } else {
        const seq = `q${i}`;
        const shape = [b.int(1, 3), ...s];
        spec.inputs[seq] = { shape };
        feeds[seq] = feedValue(g, shape, 'smooth');
        leaf(seq, shape, 'input');
        used.add(seq);
        spec.nodes[name] = `${kind}(${fn}, ${init.name}, ${seq})`;
        if (kind === 'scan') result = shape;
      }
      b.add(b.derived(name, result, used));
      continue;
    }
    const keepsN = b.values.filter((v) => v.named && v.role !== 'direction' && v.order === 0);
    if (keepsN.length > 0 && b.chance(30)) {
      // A smooth function of a value with N that keeps N unknown until run time (nothing pins it to a
      // fixed size): a jacobian of it with respect to a value with N is then a loop over the entries.
      const v = b.pick(keepsN);
      spec.nodes[name] = `${b.pick(SMOOTH)}(${v.name}) * sum(${b.pick(SMOOTH)}(${v.name}))`;
      b.add({ ...b.derived(name, v.shape, new Set([v.name])), named: v.named });
      continue;
    }
    const forward = b.values.filter((v) => v.role === 'node' && !v.named);
    const twin = forward.length > 0 && b.chance(15) ? b.pick(forward) : undefined;
    if (twin && twin.order === 0) {
      // A node structurally identical to an earlier one (a = sin(x), b = sin(x)).
      spec.nodes[name] = spec.nodes[twin.name];
      b.add({ ...twin, name, deps: new Set([...[...twin.deps].filter((n) => n !== twin.name), name]) });
      continue;
    }
    if (!b.chance(45) || i === 0) {
      const shape = b.pick(SHAPES);
      const { text, used } = b.track(() => b.expr(shape, b.int(1, 4)));
      // Never a bare name: a node is then the same node as the value it names.
      spec.nodes[name] = /^[A-Za-z_]\w*$/.test(text) ? `sin(${text})` : text;
      b.add(b.derived(name, shape, used));
      continue;
    }
    const kind = b.pick(KINDS);
    const scalarY = kind === 'grad' || kind === 'hessian' || kind === 'hvp';
    // y: an existing value or a new expression (which may name the variable inline). A jacobian's
    // y may have N (with N in x too, the jacobian is a loop over the entries).
    const existing = b.values.filter((v) => v.role === 'node' && (!v.named || kind === 'jacobian') && v.order < 3 && (!scalarY || v.shape.length === 0) && size(v.shape) <= 6);
    const y: { text: string; used: Set<string>; shape: Shape; named?: Value['named'] } = existing.length > 0 && b.chance(50)
      ? (() => { const v = b.pick(existing); return { text: b.ref(v), used: new Set([v.name]), shape: v.shape, named: v.named }; })()
      : (() => {
          const shape = scalarY ? [] : b.pick(SHAPES);
          const build = () => (b.chance(30) ? b.where(shape, b.int(1, 3))! : b.expr(shape, b.int(1, 4)));
          if (shape.length > 0 || b.chance(50)) return { ...b.track(build), shape };
          // A reduced where: its branches' gradients must be masked right.
          const t = b.pick(SHAPES);
          const { text, used } = b.track(() => b.where(t, b.int(1, 3))!);
          return { text: `${b.pick(['sum', 'mean', 'logsumexp'])}(${text})`, used, shape };
        })();
    if ((kind === 'hessian' || kind === 'jacobian') && keepsN.length > 0 && b.chance(50)) {
      // A value with N, or a scalar of one, that does not pin N: its jacobian or hessian with respect to a value with N is a loop.
      const v = b.pick(keepsN);
      const text = kind === 'hessian' ? `sum(${b.pick(SMOOTH)}(${v.name}) * ${v.name})` : b.ref(v);
      Object.assign(y, { text, used: new Set([v.name]), shape: kind === 'hessian' ? [] : v.shape, named: kind === 'hessian' ? undefined : v.named });
    }
    const yValue = b.derived('', y.shape, y.used);
    if (yValue.order >= 3) continue;
    const variables = b.values.filter(
      (v) =>
        v.role !== 'direction' && size(v.shape) <= 6 && checkable(v, yValue.calls) && (kind !== 'jacobian' || size(v.shape) * size(y.shape) <= 36),
    );
    const upstream = variables.filter((v) => yValue.deps.has(v.name));
    // A jacobian or hessian with respect to a value with N is a loop when y has N too: drawn often.
    const namedUpstream = kind === 'jacobian' || kind === 'hessian' ? upstream.filter((v) => v.named) : [];
    const x = namedUpstream.length > 0 && b.chance(60) ? b.pick(namedUpstream) : upstream.length > 0 && b.chance(85) ? b.pick(upstream) : variables.length > 0 ? b.pick(variables) : undefined;
    if (!x) continue;
    let dir: string | undefined;
    if (kind === 'vjp' || kind === 'jvp' || kind === 'hvp') {
      dir = `u${directions++}`;
      const shape = kind === 'vjp' ? y.shape : x.shape;
      spec.inputs[dir] = { shape: [...(kind === 'vjp' ? shape : (x.named ?? shape))] };
      feeds[dir] = feedValue(g, shape, 'direction');
      leaf(dir, shape, 'direction');
    }
    spec.nodes[name] = `${kind}(${y.text}, ${x.name}${dir ? `, ${dir}` : ''})`;
    derivatives.push({ name, kind, y: y.text, x: x.name, dir });
    const shape = kind === 'grad' || kind === 'vjp' || kind === 'hvp' ? x.shape : kind === 'jvp' ? y.shape : kind === 'hessian' ? [...x.shape, ...x.shape] : [...y.shape, ...x.shape];
    const used = new Set([...y.used, x.name, ...(dir ? [dir] : [])]);
    const value = b.derived(name, shape, used, yValue.order + 1);
    const named = kind === 'jacobian' ? (x.named || y.named) && [...(y.named ?? y.shape), ...(x.named ?? x.shape)] : x.named && (kind === 'hessian' ? [...x.named, ...x.named] : kind === 'jvp' ? undefined : x.named);
    b.add({ ...value, calls: [...value.calls, { x: x.name, yDeps: yValue.deps }], ...(named && { named }) });
  }
  Object.assign(spec.consts, b.consts);
  spec.outputs = Object.keys(spec.nodes);
  const special: Record<string, unknown> = {};
  const large: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(feeds)) {
    special[name] = mapEntries(value, (v) => (b.chance(50) ? b.pick(SPECIAL) : v));
    const offset = b.pick([1e3, -1e3, 1e12, 1e16]);
    large[name] = mapEntries(value, (v) => offset + v);
  }
  return { spec, feeds, special, large, derivatives, guards: b.guards };
});
