/**
 * Trees of a model flattened into one set of typed arrays (children as absolute indices), the form
 * prediction and TreeSHAP walk: no per-node objects, and one array read per step.
 */
import type { TreeJson } from './model-format.js';

export interface FlatTrees {
  feature: Int32Array;
  threshold: Float64Array;
  missingGoesLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  cover: Float64Array;
  /** Index of each tree's root. */
  roots: Int32Array;
  /** Deepest root-to-leaf path over all trees (edges). */
  maxDepth: number;
}

export function flattenTrees(trees: readonly TreeJson[]): FlatTrees {
  let total = 0;
  for (const tree of trees) total += tree.feature.length;
  const flat: FlatTrees = {
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    missingGoesLeft: new Uint8Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    value: new Float64Array(total),
    cover: new Float64Array(total),
    roots: new Int32Array(trees.length),
    maxDepth: 0,
  };
  let at = 0;
  trees.forEach((tree, t) => {
    flat.roots[t] = at;
    for (let node = 0; node < tree.feature.length; node++) {
      const i = at + node;
      flat.feature[i] = tree.feature[node]!;
      flat.threshold[i] = tree.threshold[node]!;
      flat.missingGoesLeft[i] = tree.missingGoesLeft[node] ? 1 : 0;
      flat.left[i] = tree.feature[node]! < 0 ? -1 : at + tree.left[node]!;
      flat.right[i] = tree.feature[node]! < 0 ? -1 : at + tree.right[node]!;
      flat.value[i] = tree.value[node]!;
      flat.cover[i] = tree.cover[node]!;
    }
    flat.maxDepth = Math.max(flat.maxDepth, treeDepth(tree));
    at += tree.feature.length;
  });
  return flat;
}

function treeDepth(tree: TreeJson): number {
  let deepest = 0;
  const stack: number[] = [0, 0];
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const node = stack.pop()!;
    if (tree.feature[node]! < 0) {
      if (depth > deepest) deepest = depth;
      continue;
    }
    stack.push(tree.left[node]!, depth + 1, tree.right[node]!, depth + 1);
  }
  return deepest;
}

/** The leaf a row reaches from a root: x <= threshold goes left, NaN follows missingGoesLeft. */
export function leafOf(flat: FlatTrees, root: number, row: ArrayLike<number>): number {
  const { feature, threshold, missingGoesLeft, left, right } = flat;
  let node = root;
  let f = feature[node]!;
  while (f >= 0) {
    const x = row[f]!;
    const goLeft = x !== x ? missingGoesLeft[node] === 1 : x <= threshold[node]!;
    node = goLeft ? left[node]! : right[node]!;
    f = feature[node]!;
  }
  return node;
}

/** The cover-weighted mean output of a tree: its value when nothing is known of the row. */
export function expectedValue(flat: FlatTrees, root: number): number {
  const { feature, left, right, value, cover } = flat;
  const visit = (node: number): number => {
    if (feature[node]! < 0) return value[node]!;
    const l = left[node]!;
    const r = right[node]!;
    const w = cover[l]! + cover[r]!;
    if (!(w > 0)) return (visit(l) + visit(r)) / 2;
    return (cover[l]! * visit(l) + cover[r]! * visit(r)) / w;
  };
  return visit(root);
}
