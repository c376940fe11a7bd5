/**
 * JSON (RFC 8259) with positions: syntax errors are `SymgradError`s placed at `line:column`
 * (1-based) of the offending character. Iterative, so no input can overflow the stack; objects
 * have a null prototype, so a `"__proto__"` key is an ordinary key.
 */
import { SymgradError } from '../errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

type JsonObject = { [key: string]: JsonValue };

/** An array or object still being filled; `key` is the object key whose value comes next. */
type Open = { kind: '['; items: JsonValue[] } | { kind: '{'; members: JsonObject; key: string };

const ESCAPES = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);
const LITERALS = new Map<string, JsonValue>([
  ['true', true],
  ['false', false],
  ['null', null],
]);
const WORD = /[A-Za-z0-9_]+/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

export function parseJson(text: string, options: { maxDepth?: number } = {}): JsonValue {
  return new JsonParser(text, options.maxDepth ?? 256).parse();
}

class JsonParser {
  private readonly start: number;
  private pos: number;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {
    // A byte-order mark is allowed (RFC 8259 section 8.1) and does not count as a column.
    this.start = this.pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  parse(): JsonValue {
    const open: Open[] = [];
    for (;;) {
      this.skipSpace();
      let value = this.valueOrOpen(open);
      if (value === undefined) continue; // a non-empty container was opened: read its first entry
      // Store the value in its container; close every container that ends right after it.
      for (;;) {
        const top = open.at(-1);
        if (!top) {
          this.skipSpace();
          if (this.pos < this.text.length) this.fail('trailing characters after the JSON value');
          return value;
        }
        if (top.kind === '[') top.items.push(value);
        else top.members[top.key] = value;
        this.skipSpace();
        const close = top.kind === '[' ? ']' : '}';
        if (this.text[this.pos] === ',') {
          this.pos++;
          if (top.kind === '{') top.key = this.key(top.members);
          break;
        }
        if (this.text[this.pos] !== close) {
          this.expected(`expected ',' or '${close}' after ${top.kind === '[' ? 'array element' : 'object member'}`);
        }
        this.pos++;
        open.pop();
        value = top.kind === '[' ? top.items : top.members;
      }
    }
  }

  /** A complete value, or undefined after pushing a newly opened non-empty container. */
  private valueOrOpen(open: Open[]): JsonValue | undefined {
    const ch = this.text[this.pos];
    if (ch === '[' || ch === '{') {
      if (open.length >= this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`);
      this.pos++;
      this.skipSpace();
      if (ch === '[') {
        if (this.text[this.pos] === ']') {
          this.pos++;
          return [];
        }
        open.push({ kind: '[', items: [] });
      } else {
        const members: JsonObject = Object.create(null);
        if (this.text[this.pos] === '}') {
          this.pos++;
          return members;
        }
        open.push({ kind: '{', members, key: this.key(members) });
      }
      return undefined;
    }
    if (ch === '"') return this.string();
    if (ch === '-' || isDigit(ch)) return this.number();
    WORD.lastIndex = this.pos;
    const word = WORD.exec(this.text)?.[0];
    if (word === undefined || !LITERALS.has(word)) this.unexpected();
    this.pos += word.length;
    return LITERALS.get(word)!;
  }

  /** An object key and its colon; the key must not repeat one already in `members`. */
  private key(members: JsonObject): string {
    this.skipSpace();
    if (this.text[this.pos] !== '"') this.expected('expected a string as object key');
    const at = this.pos;
    const key = this.string();
    if (Object.hasOwn(members, key)) this.fail(`duplicate key ${quote(key)}`, at);
    this.skipSpace();
    if (this.text[this.pos] !== ':') this.expected("expected ':' after object key");
    this.pos++;
    return key;
  }

  private string(): string {
    const open = this.pos++;
    let out = '';
    let chunk = this.pos; // start of the text not yet copied to `out`
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string', open);
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x22) {
        out += this.text.slice(chunk, this.pos++);
        return out;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += this.text.slice(chunk, this.pos);
      const e = this.text[this.pos + 1];
      if (e === undefined) this.fail('unterminated string', open);
      if (e === 'u') {
        const hex = this.text.slice(this.pos + 2, this.pos + 6);
        if (!HEX4.test(hex)) this.fail('invalid unicode escape, expected \\u and four hex digits');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 6;
      } else {
        const escaped = ESCAPES.get(e);
        if (escaped === undefined) this.fail(`invalid escape ${quote(`\\${e}`)}`);
        out += escaped;
        this.pos += 2;
      }
      chunk = this.pos;
    }
  }

  private number(): number {
    const start = this.pos;
    if (this.text[this.pos] === '-') this.pos++;
    if (this.text[this.pos] === '0') {
      this.pos++;
      if (isDigit(this.text[this.pos])) this.fail('leading zero in number');
    } else this.digits("expected a digit after '-'");
    if (this.text[this.pos] === '.') {
      this.pos++;
      this.digits("expected a digit after '.'");
    }
    if (this.text[this.pos] === 'e' || this.text[this.pos] === 'E') {
      this.pos++;
      if (this.text[this.pos] === '+' || this.text[this.pos] === '-') this.pos++;
      this.digits('expected a digit in the exponent');
    }
    const value = Number(this.text.slice(start, this.pos));
    if (!Number.isFinite(value)) this.fail('number out of range', start);
    return value;
  }

  /** One or more digits. */
  private digits(message: string): void {
    if (!isDigit(this.text[this.pos])) this.expected(message);
    while (isDigit(this.text[this.pos])) this.pos++;
  }

  private skipSpace(): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') return;
      this.pos++;
    }
  }

  /** Fails with `message`, or with `unexpected end of input` if the text ended. */
  private expected(message: string): never {
    this.fail(this.pos >= this.text.length ? 'unexpected end of input' : message);
  }

  private unexpected(): never {
    if (this.pos >= this.text.length) this.fail('unexpected end of input');
    WORD.lastIndex = this.pos;
    const token = WORD.exec(this.text)?.[0] ?? String.fromCodePoint(this.text.codePointAt(this.pos)!);
    this.fail(`unexpected ${quote(token)}`);
  }

  private fail(message: string, offset = this.pos): never {
    const before = this.text.slice(0, offset);
    const line = before.split('\n').length;
    const lineStart = Math.max(before.lastIndexOf('\n') + 1, this.start);
    const column = [...this.text.slice(lineStart, offset)].length + 1;
    throw new SymgradError(`${line}:${column}`, message);
  }
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/** `'text'` if plain printable ASCII, else a JSON string with every other character escaped. */
function quote(token: string): string {
  const short = token.length > 40 ? `${token.slice(0, 40)}...` : token;
  if (/^[\x20-\x26\x28-\x7e]*$/.test(short)) return `'${short}'`;
  return JSON.stringify(short).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
