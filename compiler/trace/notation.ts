import { isLoop, loopNotation } from '../loops/body.js';
import type { AttrValue, Node } from '../graph.js';

/** Infix ops in the lecture's notation, with their precedence (higher binds tighter). */
const INFIX: Readonly<Record<string, { symbol: string; precedence: number }>> = {
  less: { symbol: ' < ', precedence: 0 },
  less_equal: { symbol: ' <= ', precedence: 0 },
  greater: { symbol: ' > ', precedence: 0 },
  greater_equal: { symbol: ' >= ', precedence: 0 },
  equal: { symbol: ' == ', precedence: 0 },
  not_equal: { symbol: ' != ', precedence: 0 },
  add: { symbol: ' + ', precedence: 1 },
  sub: { symbol: ' - ', precedence: 1 },
  mul: { symbol: '·', precedence: 2 },
  div: { symbol: ' / ', precedence: 2 },
  matmul: { symbol: ' @ ', precedence: 2 },
  pow: { symbol: '^', precedence: 4 },
};
const UNARY = 3;
const ATOM = 5;
/** Function names as the lecture writes them. */
const RENAMED: Readonly<Record<string, string>> = { log: 'ln' };

/**
 * An expression in the lecture's notation (`ln(v0)`, `v̄3·v0 + v̄4·cos(v1)`). `name` gives the
 * nodes shown by name (trace rows, adjoint symbols); scalar constants print as numbers and every
 * other node is written out in place. `leading` operands of a commutative op are written first.
 */
export function notation(node: Node, name: (node: Node) => string | undefined, leading: (node: Node) => boolean = () => false): string {
  const show = (n: Node): { text: string; precedence: number } => {
    const named = name(n);
    if (named !== undefined) return { text: named, precedence: ATOM };
    const scalar = scalarValue(n);
    if (scalar !== undefined) return { text: formatNumber(scalar), precedence: scalar < 0 || Object.is(scalar, -0) ? UNARY : ATOM };
    if (n.def.leaf === 'fed') return { text: n.attrs.name as string, precedence: ATOM };
    const infix = INFIX[n.op];
    if (infix && n.inputs.length === 2) {
      // The graph orders commutative operands by id; the lecture writes the adjoint first (v̄3·v0).
      const swap = n.def.commutative && leading(n.inputs[1]) && !leading(n.inputs[0]);
      const [left, right] = (swap ? [n.inputs[1], n.inputs[0]] : n.inputs).map(show);
      const wrapRight = right.precedence < infix.precedence || (right.precedence === infix.precedence && !n.def.associative);
      // `^` is right-associative: its left operand needs parentheses at equal precedence.
      const wrapLeft = left.precedence < infix.precedence || (n.op === 'pow' && left.precedence === infix.precedence);
      return { text: `${wrap(left.text, wrapLeft)}${infix.symbol}${wrap(right.text, wrapRight)}`, precedence: infix.precedence };
    }
    if (n.op === 'neg') {
      const operand = show(n.inputs[0]);
      return { text: `-${wrap(operand.text, operand.precedence <= UNARY)}`, precedence: UNARY };
    }
    if (isLoop(n)) return { text: loopNotation(n, (input) => show(input).text), precedence: ATOM };
    const args = [...n.inputs.map((input) => show(input).text), ...Object.entries(n.attrs).map(([k, v]) => `${k}=${formatAttr(v)}`)];
    return { text: `${RENAMED[n.op] ?? n.op}(${args.join(', ')})`, precedence: ATOM };
  };
  return show(node).text;
}

/** The value of a constant scalar node. */
export function scalarValue(node: Node): number | undefined {
  return node.def.leaf === 'known' && node.shape.length === 0 ? (node.attrs.value as readonly number[])[0] : undefined;
}

/** Shortest exact form, for numbers written inside expressions. */
export function formatNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

function formatAttr(value: AttrValue): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  const shown = value.slice(0, 8).map((v) => (typeof v === 'number' ? formatNumber(v) : v));
  return `[${shown.join(', ')}${value.length > 8 ? ', …' : ''}]`;
}

function wrap(text: string, parenthesize: boolean): string {
  return parenthesize ? `(${text})` : text;
}
