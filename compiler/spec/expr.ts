/**
 * The expression language of SPEC section 2, parsed to an AST. Function names are not checked
 * here. Errors are `SymgradError`s placed at `column N` (1-based) of the offending token.
 */
import { SymgradError } from '../errors.js';

export type BinaryFunction =
  | 'add' | 'sub' | 'mul' | 'div' | 'matmul' | 'pow'
  | 'less' | 'less_equal' | 'greater' | 'greater_equal' | 'equal' | 'not_equal';
export type KwValue = number | boolean | number[];
export interface Kwarg {
  name: string;
  value: KwValue;
  pos: number;
}
/** `pos` is the 0-based offset of the token that starts the construct (for binary: the operator). */
export type Expr =
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'name'; name: string; pos: number }
  | { kind: 'call'; callee: string; args: Expr[]; kwargs: Kwarg[]; pos: number }
  | { kind: 'unary'; op: 'neg'; operand: Expr; pos: number }
  | { kind: 'binary'; op: BinaryFunction; left: Expr; right: Expr; pos: number };

/** Left-associative binary levels, lowest precedence first. */
const LEVELS: ReadonlyMap<string, BinaryFunction>[] = [
  new Map([['<', 'less'], ['<=', 'less_equal'], ['>', 'greater'], ['>=', 'greater_equal'], ['==', 'equal'], ['!=', 'not_equal']]),
  new Map([['+', 'add'], ['-', 'sub']]),
  new Map([['*', 'mul'], ['/', 'div'], ['@', 'matmul']]),
];
const OPERATORS = ['**', '<=', '>=', '==', '!=', '+', '-', '*', '/', '@', '^', '<', '>', '(', ')', ',', '=', '[', ']'];
const NUMBER = /(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER_TAIL = /[A-Za-z0-9_.]*/y;
const SPACE = /[ \t\n\r]*/y;

/** `bad` ends the token list at a lexical error; its `text` is the message. */
interface Token {
  kind: 'number' | 'name' | 'op' | 'end' | 'bad';
  text: string;
  pos: number;
  value: number;
}

export function parseExpression(text: string, limits: { maxLength?: number; maxDepth?: number } = {}): Expr {
  const maxLength = limits.maxLength ?? 10000;
  if (text.length > maxLength) throw new SymgradError('column 1', `expression longer than ${maxLength} characters`);
  return new ExprParser(tokenize(text), limits.maxDepth ?? 200).parse();
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (let pos = matchEnd(SPACE, text, 0); pos < text.length; ) {
    const token = readToken(text, pos);
    tokens.push(token);
    if (token.kind === 'bad') return tokens;
    pos = matchEnd(SPACE, text, pos + token.text.length);
  }
  tokens.push({ kind: 'end', text: '', pos: text.length, value: 0 });
  return tokens;
}

function readToken(text: string, pos: number): Token {
  const numberEnd = matchEnd(NUMBER, text, pos);
  if (numberEnd > pos) {
    const literal = text.slice(pos, matchEnd(NUMBER_TAIL, text, numberEnd));
    if (literal.length > numberEnd - pos) return bad(pos, `invalid number ${quote(literal)}`);
    const value = Number(literal);
    if (!Number.isFinite(value)) return bad(pos, `number out of range ${quote(literal)}`);
    return { kind: 'number', text: literal, pos, value };
  }
  const nameEnd = matchEnd(NAME, text, pos);
  if (nameEnd > pos) return { kind: 'name', text: text.slice(pos, nameEnd), pos, value: 0 };
  const op = OPERATORS.find((o) => text.startsWith(o, pos));
  if (op) return { kind: 'op', text: op, pos, value: 0 };
  return bad(pos, `unknown character ${quote(String.fromCodePoint(text.codePointAt(pos)!))}`);
}

function bad(pos: number, message: string): Token {
  return { kind: 'bad', text: message, pos, value: 0 };
}

/** Where a match of the sticky `pattern` at `pos` ends; `pos` if there is none. */
function matchEnd(pattern: RegExp, text: string, pos: number): number {
  pattern.lastIndex = pos;
  return pattern.test(text) ? pattern.lastIndex : pos;
}

class ExprParser {
  private index = 0;
  /** Constructs (parentheses, calls, unary, exponents) open around the current token. */
  private depth = 0;
  /** Nesting height of each built node (parentheses included); leaves are 0. */
  private readonly heights = new Map<Expr, number>();

  constructor(
    private readonly tokens: Token[],
    private readonly maxDepth: number,
  ) {}

  parse(): Expr {
    const expr = this.binary(0);
    const rest = this.peek();
    if (rest.kind !== 'end') this.unexpected(rest);
    return expr;
  }

  private binary(level: number): Expr {
    if (level === LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (let t = this.peek(); t.kind === 'op' && LEVELS[level].has(t.text); t = this.peek()) {
      this.next();
      const right = this.binary(level + 1);
      left = this.node({ kind: 'binary', op: LEVELS[level].get(t.text)!, left, right, pos: t.pos }, left, right);
    }
    return left;
  }

  private unary(): Expr {
    const t = this.peek();
    if (!this.atOp('-') && !this.atOp('+')) return this.power();
    this.next();
    this.enter(t);
    const operand = this.unary();
    this.depth--;
    return t.text === '+' ? operand : this.node({ kind: 'unary', op: 'neg', operand, pos: t.pos }, operand);
  }

  /** Right-associative; the exponent may start with a unary sign (`2^-x`). */
  private power(): Expr {
    const base = this.primary();
    const t = this.peek();
    if (!this.atOp('^') && !this.atOp('**')) return base;
    this.next();
    this.enter(t);
    const exponent = this.unary();
    this.depth--;
    return this.node({ kind: 'binary', op: 'pow', left: base, right: exponent, pos: t.pos }, base, exponent);
  }

  private primary(): Expr {
    const t = this.next();
    if (t.kind === 'number') return { kind: 'number', value: t.value, pos: t.pos };
    if (t.kind === 'name') {
      return this.atOp('(') ? this.call(t) : { kind: 'name', name: t.text, pos: t.pos };
    }
    if (t.kind !== 'op' || t.text !== '(') this.unexpected(t);
    this.enter(t);
    const inner = this.binary(0);
    if (!this.eat(')')) this.fail(this.peek(), `expected ')' to close '(' at column ${t.pos + 1}`);
    this.depth--;
    this.heights.set(inner, this.height(inner) + 1);
    return inner;
  }

  private call(callee: Token): Expr {
    const open = this.next();
    this.enter(open);
    const args: Expr[] = [];
    const kwargs: Kwarg[] = [];
    if (!this.atOp(')')) {
      do {
        const t = this.peek();
        const next = this.tokens[this.index + 1];
        if (t.kind === 'name' && next.kind === 'op' && next.text === '=') {
          if (kwargs.some((k) => k.name === t.text)) this.fail(t, `repeated keyword ${quote(t.text)}`);
          this.index += 2;
          kwargs.push({ name: t.text, value: this.keywordValue(t.text), pos: t.pos });
        } else {
          if (kwargs.length > 0) this.fail(t, 'positional argument after keyword argument');
          args.push(this.binary(0));
        }
      } while (this.eat(','));
    }
    if (!this.eat(')')) this.fail(this.peek(), `expected ',' or ')' to close '(' at column ${open.pos + 1}`);
    this.depth--;
    return this.node({ kind: 'call', callee: callee.text, args, kwargs, pos: callee.pos }, ...args);
  }

  private keywordValue(name: string): KwValue {
    const t = this.peek();
    if (t.kind === 'name' && (t.text === 'true' || t.text === 'false')) {
      this.next();
      return t.text === 'true';
    }
    if (!this.eat('[')) return this.keywordNumber(name);
    const list: number[] = [];
    if (this.eat(']')) return list;
    do list.push(this.keywordNumber(name));
    while (this.eat(','));
    if (!this.eat(']')) this.fail(this.peek(), `expected ',' or ']' to close '[' at column ${t.pos + 1}`);
    return list;
  }

  private keywordNumber(name: string): number {
    const sign = this.eat('-') ? -1 : 1;
    const t = this.next();
    if (t.kind !== 'number') {
      this.fail(t, `expected a number, true/false or a list of numbers for keyword ${quote(name)}`);
    }
    return sign * t.value;
  }

  /** Records the height of a new node over its children and checks the depth limit. */
  private node<E extends Expr>(expr: E, ...children: Expr[]): E {
    const height = 1 + children.reduce((max, child) => Math.max(max, this.height(child)), 0);
    if (this.depth + height > this.maxDepth) this.tooDeep(expr.pos);
    this.heights.set(expr, height);
    return expr;
  }

  private height(expr: Expr): number {
    return this.heights.get(expr) ?? 0;
  }

  /** Opens a nested construct; checked before recursing, so the stack stays bounded. */
  private enter(t: Token): void {
    if (++this.depth > this.maxDepth) this.tooDeep(t.pos);
  }

  private tooDeep(pos: number): never {
    throw new SymgradError(`column ${pos + 1}`, `expression nested deeper than ${this.maxDepth}`);
  }

  private peek(): Token {
    const t = this.tokens[this.index];
    if (t.kind === 'bad') this.fail(t, t.text);
    return t;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.index++;
    return t;
  }

  private atOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }

  private eat(text: string): boolean {
    const found = this.atOp(text);
    if (found) this.index++;
    return found;
  }

  private unexpected(t: Token): never {
    this.fail(t, t.kind === 'end' ? 'unexpected end of expression' : `unexpected ${quote(t.text)}`);
  }

  private fail(t: Token, message: string): never {
    throw new SymgradError(`column ${t.pos + 1}`, message);
  }
}

/** `'text'` if plain printable ASCII, else a JSON string with every other character escaped. */
function quote(token: string): string {
  const short = token.length > 40 ? `${token.slice(0, 40)}...` : token;
  if (/^[\x20-\x26\x28-\x7e]*$/.test(short)) return `'${short}'`;
  return JSON.stringify(short).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
