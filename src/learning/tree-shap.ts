/**
 * Exact TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent individualized feature attribution for
 * tree ensembles", Algorithm 2): the Shapley values of one tree's output for one row in
 * O(leaves × depth²), where "feature unknown" means averaging over the children by training cover.
 * Summed over trees they satisfy base + Σ φ = the model's raw output (log-odds for boosting).
 *
 * The path is kept in four parallel typed arrays; each recursion level works on its own copy of
 * the path, laid out after its parent's (levels need (depth+1)(depth+2)/2 entries in all).
 */
import type { FlatTrees } from './flat-trees.js';

export class TreeShapWorkspace {
  readonly feature: Int32Array;
  readonly zero: Float64Array;
  readonly one: Float64Array;
  readonly weight: Float64Array;

  constructor(maxDepth: number) {
    const size = ((maxDepth + 2) * (maxDepth + 3)) / 2 + 2;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }
}

/** Adds scale × φ of the tree at `root` for `row` into phi. */
export function treeShap(flat: FlatTrees, root: number, row: ArrayLike<number>, phi: Float64Array, scale: number, ws: TreeShapWorkspace): void {
  recurse(flat, root, row, phi, scale, ws, 0, 0, 1, 1, -1);
}

function recurse(
  flat: FlatTrees,
  node: number,
  row: ArrayLike<number>,
  phi: Float64Array,
  scale: number,
  ws: TreeShapWorkspace,
  parentOffset: number,
  uniqueDepth: number,
  parentZero: number,
  parentOne: number,
  parentFeature: number,
): void {
  // This level's path: a copy of the parent's (uniqueDepth entries), then extended by one.
  const offset = parentOffset + uniqueDepth;
  if (uniqueDepth > 0) {
    ws.feature.copyWithin(offset, parentOffset, parentOffset + uniqueDepth);
    ws.zero.copyWithin(offset, parentOffset, parentOffset + uniqueDepth);
    ws.one.copyWithin(offset, parentOffset, parentOffset + uniqueDepth);
    ws.weight.copyWithin(offset, parentOffset, parentOffset + uniqueDepth);
  }
  extendPath(ws, offset, uniqueDepth, parentZero, parentOne, parentFeature);

  const f = flat.feature[node]!;
  if (f < 0) {
    const v = flat.value[node]! * scale;
    for (let i = 1; i <= uniqueDepth; i++) {
      const w = unwoundPathSum(ws, offset, uniqueDepth, i);
      const feature = ws.feature[offset + i]!;
      phi[feature] = phi[feature]! + w * (ws.one[offset + i]! - ws.zero[offset + i]!) * v;
    }
    return;
  }
  const x = row[f]!;
  const goLeft = x !== x ? flat.missingGoesLeft[node] === 1 : x <= flat.threshold[node]!;
  const hot = goLeft ? flat.left[node]! : flat.right[node]!;
  const cold = goLeft ? flat.right[node]! : flat.left[node]!;
  const hotCover = flat.cover[hot]!;
  const coldCover = flat.cover[cold]!;
  const w = hotCover + coldCover;
  const hotZero = w > 0 ? hotCover / w : 0.5;
  const coldZero = w > 0 ? coldCover / w : 0.5;
  let incomingZero = 1;
  let incomingOne = 1;
  let depth = uniqueDepth;
  // A feature already on the path is undone first: a feature counts once however often it splits.
  let k = 0;
  for (; k <= depth; k++) if (ws.feature[offset + k] === f) break;
  if (k <= depth) {
    incomingZero = ws.zero[offset + k]!;
    incomingOne = ws.one[offset + k]!;
    unwindPath(ws, offset, depth, k);
    depth -= 1;
  }
  recurse(flat, hot, row, phi, scale, ws, offset, depth + 1, hotZero * incomingZero, incomingOne, f);
  recurse(flat, cold, row, phi, scale, ws, offset, depth + 1, coldZero * incomingZero, 0, f);
}

function extendPath(ws: TreeShapWorkspace, offset: number, depth: number, zero: number, one: number, feature: number): void {
  const weight = ws.weight;
  ws.feature[offset + depth] = feature;
  ws.zero[offset + depth] = zero;
  ws.one[offset + depth] = one;
  weight[offset + depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    weight[offset + i + 1] = weight[offset + i + 1]! + (one * weight[offset + i]! * (i + 1)) / (depth + 1);
    weight[offset + i] = (zero * weight[offset + i]! * (depth - i)) / (depth + 1);
  }
}

function unwindPath(ws: TreeShapWorkspace, offset: number, depth: number, pathIndex: number): void {
  const weight = ws.weight;
  const one = ws.one[offset + pathIndex]!;
  const zero = ws.zero[offset + pathIndex]!;
  let nextOnePortion = weight[offset + depth]!;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = weight[offset + i]!;
      weight[offset + i] = (nextOnePortion * (depth + 1)) / ((i + 1) * one);
      nextOnePortion = tmp - (weight[offset + i]! * zero * (depth - i)) / (depth + 1);
    } else {
      weight[offset + i] = (weight[offset + i]! * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = pathIndex; i < depth; i++) {
    ws.feature[offset + i] = ws.feature[offset + i + 1]!;
    ws.zero[offset + i] = ws.zero[offset + i + 1]!;
    ws.one[offset + i] = ws.one[offset + i + 1]!;
  }
}

function unwoundPathSum(ws: TreeShapWorkspace, offset: number, depth: number, pathIndex: number): number {
  const weight = ws.weight;
  const one = ws.one[offset + pathIndex]!;
  const zero = ws.zero[offset + pathIndex]!;
  let nextOnePortion = weight[offset + depth]!;
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = (nextOnePortion * (depth + 1)) / ((i + 1) * one);
      total += tmp;
      nextOnePortion = weight[offset + i]! - (tmp * zero * (depth - i)) / (depth + 1);
    } else if (zero !== 0) {
      total += weight[offset + i]! / zero / ((depth - i) / (depth + 1));
    }
  }
  return total;
}
