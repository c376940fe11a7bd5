import { staticSize } from '../shape.js';
import { jsNumber } from '../literals.js';
import { liveValues, type Scalar, type ScalarProgram } from './scalar.js';
import type { ScalarNames } from './straight.js';

/** An instruction: an expression tree whose leaves are values held in slots. */
interface Instruction {
  readonly value: number;
  /** The opcode's key: the tree's shape, with `#` for each operand. */
  readonly key: string;
  readonly operands: readonly number[];
}

/** Limits on one instruction's tree: operations inlined, operands read. */
const MAX_TREE_OPS = 8;
const MAX_OPERANDS = 4;
const MAX_OPCODES = 200;

/**
 * A very long expanded program as a tape: each instruction is [opcode, out, operands…] (slot
 * indices into the value array $v), run by one small dispatch loop that V8 optimizes once,
 * however long the program. An instruction computes a small expression tree: values used once are
 * inlined into their reader (so exp(−v²) is one dispatch, not three), as long as the number of
 * distinct trees stays small. Slots hold literals, then the leaves' elements, then temporaries,
 * reused as soon as their last reader has run.
 */
export function emitTape(program: ScalarProgram, names: ScalarNames): { module: string[]; state: string[]; functions: string[]; entry: string; slots: number } {
  const { values } = program;
  const live = liveValues(program);
  const uses = new Int32Array(values.length);
  values.forEach((v, r) => {
    if (v.kind === 'op' && live[r]) for (const a of v.args) uses[a]++;
  });
  for (const refs of program.outputs.values()) for (const r of refs) uses[r] += 2;

  const instructions: Instruction[] = [];
  const inline = (r: number) => values[r].kind === 'op' && uses[r] === 1;
  /** Which values a tree rooted at r inlines: single-use arguments, breadth first, while it stays small (arrays: trees are tiny). */
  const inlinedInto = (r: number): number[] => {
    const inlined = [r];
    const operands: number[] = [];
    const addArgs = (a: number, into: number[]) => {
      for (const b of (values[a] as { args: readonly number[] }).args) {
        if (values[b].kind !== 'literal' && !into.includes(b) && !inlined.includes(b) && !operands.includes(b)) into.push(b);
      }
    };
    addArgs(r, operands);
    for (let next = 0; next < inlined.length && inlined.length < MAX_TREE_OPS; next++) {
      for (const a of (values[inlined[next]] as { args: readonly number[] }).args) {
        if (!inline(a) || inlined.includes(a) || inlined.length >= MAX_TREE_OPS) continue;
        const added: number[] = [];
        addArgs(a, added);
        if (operands.length - 1 + added.length > MAX_OPERANDS) continue;
        inlined.push(a);
        operands.splice(operands.indexOf(a), 1, ...added);
      }
    }
    return inlined;
  };
  /** The tree's opcode key, numbering its operands in `operands` (`#k` is operand k, `=v` a literal). */
  const treeKey = (r: number, inlined: readonly number[], operands: number[]): string => {
    const v = values[r] as Extract<Scalar, { kind: 'op' }>;
    let key = `${v.op.key}(`;
    for (let i = 0; i < v.args.length; i++) {
      const a = v.args[i];
      const arg = values[a];
      if (i > 0) key += ',';
      if (arg.kind === 'literal') key += `=${jsNumber(arg.value)}`;
      else if (inlined.includes(a)) key += treeKey(a, inlined, operands);
      else {
        let k = operands.indexOf(a);
        if (k < 0) k = operands.push(a) - 1;
        key += `#${k}`;
      }
    }
    return `${key})`;
  };
  /** The tree's expression, reading operand k as `ak` (written once per opcode). */
  const treeExpr = (r: number, inlined: readonly number[], operands: readonly number[]): string => {
    const v = values[r] as Extract<Scalar, { kind: 'op' }>;
    return v.op.expr(
      v.args.map((a) => {
        const arg = values[a];
        if (arg.kind === 'literal') return names.literal(arg.value);
        return inlined.includes(a) ? treeExpr(a, inlined, operands) : `a${operands.indexOf(a)}`;
      }),
    );
  };
  // From the last value back: each value not absorbed into a later tree roots a tree of its own.
  const absorbed = new Uint8Array(values.length);
  const exprs = new Map<string, string>();
  for (let r = values.length - 1; r >= 0; r--) {
    if (values[r].kind !== 'op' || !live[r] || absorbed[r]) continue;
    let inlined = inlinedInto(r);
    let operands: number[] = [];
    let key = treeKey(r, inlined, operands);
    if (!exprs.has(key) && exprs.size >= MAX_OPCODES) {
      [inlined, operands] = [[r], []];
      key = treeKey(r, inlined, operands);
    }
    if (!exprs.has(key)) exprs.set(key, treeExpr(r, inlined, operands));
    for (const a of inlined) absorbed[a] = 1;
    instructions.push({ value: r, key, operands });
  }
  instructions.reverse();

  // Slots: literals, then each leaf's elements, then temporaries reused after their last read.
  const slotOf = new Int32Array(values.length).fill(-1);
  const literals: number[] = [];
  let slots = 0;
  values.forEach((v, r) => {
    if (v.kind === 'literal') {
      literals.push(v.value);
      slotOf[r] = slots++;
    }
  });
  const leaves = new Map<string, number>();
  values.forEach((v, r) => {
    if (v.kind !== 'leaf') return;
    const name = names.buffer(v.node);
    if (!leaves.has(name)) {
      leaves.set(name, slots);
      slots += staticSize(v.node.shape)!;
    }
    slotOf[r] = leaves.get(name)! + v.index;
  });
  const lastRead = new Int32Array(values.length).fill(-1);
  instructions.forEach((ins, k) => {
    for (const a of ins.operands) lastRead[a] = k;
  });
  for (const refs of program.outputs.values()) for (const r of refs) lastRead[r] = instructions.length;
  const opcodes = new Map<string, { code: number; arity: number }>();
  const code: number[] = [];
  const free: number[] = [];
  instructions.forEach((ins, k) => {
    const { operands } = ins;
    for (let i = 0; i < operands.length; i++) {
      const a = operands[i];
      if (lastRead[a] === k && values[a].kind === 'op' && operands.indexOf(a) === i) free.push(slotOf[a]);
    }
    slotOf[ins.value] = free.length > 0 ? free.pop()! : slots++;
    let entry = opcodes.get(ins.key);
    if (!entry) opcodes.set(ins.key, (entry = { code: opcodes.size, arity: operands.length }));
    code.push(entry.code, slotOf[ins.value]);
    for (const a of operands) code.push(slotOf[a]);
  });

  const t = (annotation: string) => (names.ts ? annotation : '');
  const module = [
    `/** The tape (${instructions.length} instructions): per instruction its opcode, its result's slot in $v, then its operands' slots. */`,
    `const $tape = new Int32Array([${code.join(',')}]);`,
    `const $tapeLiterals = new Float64Array([${literals.map(jsNumber).join(', ')}]);`,
    '',
    '/** Runs the tape over the value array v. */',
    `function $runTape(v${t(': Float64Array')}, tape${t(': Int32Array')})${t(': void')} {`,
    '  for (let pc = 0, end = tape.length; pc < end; ) {',
    '    switch (tape[pc]) {',
    ...[...opcodes].map(([key, { code: c, arity }]) => {
      const loads = Array.from({ length: arity }, (_, k) => `const a${k} = v[tape[pc + ${k + 2}]${t('!')}]${t('!')};`).join(' ');
      return `      case ${c}: { ${loads} v[tape[pc + 1]${t('!')}] = ${exprs.get(key)}; pc += ${arity + 2}; break; }`;
    }),
    "      default: throw new Error('bad opcode ' + tape[pc]);",
    '    }',
    '  }',
    '}',
    '',
  ];
  const body = [...leaves].map(([name, base]) => `$v.set(${name}, ${base});`);
  body.push('$runTape($v, $tape);');
  for (const [node, refs] of program.outputs) {
    if (node.def.leaf === 'fed') continue;
    refs.forEach((r, e) => {
      const v = values[r];
      body.push(`${names.buffer(node)}[${e}] = ${v.kind === 'literal' ? names.literal(v.value) : `$v[${slotOf[r]}]${t('!')}`};`);
    });
  }
  const state = [`const $v = new Float64Array(${slots});`, '$v.set($tapeLiterals);'];
  return { module, state, functions: ['function $compute() {', ...body.map((l) => `  ${l}`), '}', ''], entry: '$compute', slots };
}
