import { constantValue } from '../builder.js';
import type { Node } from '../graph.js';
import { strideExprs, type LoopContext } from './indexing.js';
import { kernelOf } from './kernels/index.js';
import type { Shape } from '../shape.js';

/** How a node's values are read: one literal everywhere, or a base buffer through strides (one per axis of the node). */
export type Access = { readonly kind: 'literal'; readonly value: number } | { readonly kind: 'strided'; readonly base: Node; readonly strides: readonly string[] };

/** Ops that only move data are read through with index arithmetic instead of copying. */
export function isView(node: Node): boolean {
  return node.def.movement === 'view' || constantValue(node) !== undefined;
}

/**
 * Resolves reshape, transpose, broadcast_to and uniform constants into accesses of a stored base.
 * A view that someone needs as a contiguous buffer (a kernel op's input, an output, or the input
 * of a reshape whose access is not contiguous) is recorded in `copies`: it gets a buffer of its own,
 * filled by a copy loop that reads through the view.
 */
export class Views {
  private readonly memo = new Map<Node, Access>();
  readonly copies = new Set<Node>();

  /** For the stride helpers of indexing.ts. */
  readonly context: LoopContext;

  constructor(dim: (d: Shape[number]) => string) {
    this.context = { dim, local: (hint) => `$${hint}` };
  }

  /** The access of node: its own buffer if it is stored or copied, else through its view. */
  of(node: Node): Access {
    if (this.copies.has(node)) return this.own(node);
    let access = this.memo.get(node);
    if (!access) {
      access = this.through(node);
      this.memo.set(node, access);
    }
    return access;
  }

  /** The access a view resolves to, ignoring whether the view itself has been copied. */
  through(node: Node): Access {
    const value = constantValue(node);
    if (value !== undefined) return { kind: 'literal', value };
    if (node.def.movement !== 'view') return this.own(node);
    const x = node.inputs[0];
    const inner = this.of(x);
    if (inner.kind === 'literal') return inner;
    const strides = kernelOf(node).view!(node, inner.strides);
    if (strides === null) return { kind: 'strided', base: this.contiguous(x), strides: strideExprs(this.context, node.shape) };
    return { kind: 'strided', base: inner.base, strides };
  }

  /** A node whose buffer holds x's values contiguously: x's base when the view is an alias, else x itself (copied). */
  contiguous(x: Node): Node {
    const access = this.of(x);
    if (access.kind === 'strided' && this.isContiguous(access, x.shape)) return access.base;
    this.copies.add(x);
    return x;
  }

  /** Row-major strides, ignoring axes of size 1 (their stride never matters). */
  isContiguous(access: Access, shape: Shape): boolean {
    if (access.kind !== 'strided') return false;
    const own = strideExprs(this.context, shape);
    return shape.every((d, a) => d === 1 || access.strides[a] === own[a]);
  }

  private own(node: Node): Access {
    return { kind: 'strided', base: node, strides: strideExprs(this.context, node.shape) };
  }
}
