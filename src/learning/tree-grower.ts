/**
 * Grows one tree on binned data from per-row gradients and hessians — the engine shared by gradient
 * boosting (second-order gain, leaf-wise best-first growth like LightGBM/HistGradientBoosting) and
 * the random forest (λ = 0, G = Σ w·y, H = Σ w: Gini gain, leaves hold P(y = 1)).
 *
 * Rows live in one index array; a node owns a contiguous range of it, and a split partitions that
 * range in place, stably (row order inside a node stays ascending, which keeps floating-point sums —
 * and so the model — identical from run to run). Only the smaller child's histogram is built; the
 * larger child's is the parent's minus the smaller's.
 */
import type { BinnedData } from './binning.js';
import { RESULT_SIZE, STEP, bestSplitOfFeature, buildHistogram, gatherGradients, type SplitCandidate, type SplitConstraints } from './histogram.js';
import type { EngineBuffers, StepRunner } from './histogram-threads.js';
import type { SeededRandom } from './seeded-random.js';

export interface GrowParams {
  /** 0 = unlimited */
  maxDepth: number;
  /** 0 = unlimited (nodes are then split depth-first: the tree does not depend on the order). */
  maxLeaves: number;
  constraints: SplitConstraints;
  /** Whether buffers.featureMask limits this tree's features (column subsampling). */
  useFeatureMask: boolean;
  /** > 0: each split draws this many features at random (random forest); histograms then cover only those. */
  featuresPerSplit: number;
  rng: SeededRandom | null;
  leafValue: (grad: number, hess: number) => number;
}

export interface GrownTree {
  feature: number[];
  bin: number[];
  missingGoesLeft: boolean[];
  left: number[];
  right: number[];
  value: number[];
  cover: number[];
  /** Each node's range in the row list after growing: a leaf's rows are rows[rowStart, rowStart + rowCount). */
  rowStart: number[];
  rowCount: number[];
}

interface Candidate {
  node: number;
  slot: number;
  split: SplitCandidate;
}

const NO_SLOT = -1;

export class TreeGrower {
  private readonly partitionScratch: Uint32Array;
  private readonly featureScratch: Int32Array;
  private readonly freeSlots: number[] = [];
  /** The last slot is scratch space: a histogram there is used at once and never kept. */
  private readonly scratchSlot: number;
  private tree: GrownTree = emptyTree();
  private nodeGrad: number[] = [];
  private nodeHess: number[] = [];
  private depth: number[] = [];
  private params!: GrowParams;

  constructor(
    private readonly data: BinnedData,
    private readonly buffers: EngineBuffers,
    private readonly runner: StepRunner,
  ) {
    this.partitionScratch = new Uint32Array(data.rowCount);
    this.featureScratch = new Int32Array(data.featureCount);
    this.scratchSlot = runner.slotCount - 1;
  }

  /**
   * Grows a tree over rows[0, sampleCount) of the row list, which the caller fills (`allRows` says
   * it is 0..rowCount-1 in order, which lets the root histogram skip the index list).
   */
  grow(sampleCount: number, allRows: boolean, params: GrowParams): GrownTree {
    this.params = params;
    this.tree = emptyTree();
    this.nodeGrad = [];
    this.nodeHess = [];
    this.depth = [];
    this.freeSlots.length = 0;
    for (let s = this.scratchSlot - 1; s >= 0; s--) this.freeSlots.push(s);
    const tree = this.tree;
    const { rows, grad, hess } = this.buffers;
    let rootGrad = 0;
    let rootHess = 0;
    for (let i = 0; i < sampleCount; i++) {
      const r = rows[i]!;
      rootGrad += grad[r]!;
      rootHess += hess[r]!;
    }
    const candidates: Candidate[] = [];
    const root = this.addNode(0, sampleCount, rootGrad, rootHess, 0);
    if (this.splittable(root)) {
      if (params.featuresPerSplit > 0) this.push(candidates, root, this.examineSampled(root), NO_SLOT);
      else this.buildAndSearch(candidates, root, allRows);
    }
    let leaves = 1;
    while (candidates.length > 0 && (params.maxLeaves === 0 || leaves < params.maxLeaves)) {
      let pick = candidates.length - 1;
      if (params.maxLeaves !== 0) {
        pick = 0;
        for (let c = 1; c < candidates.length; c++) {
          const a = candidates[c]!;
          const b = candidates[pick]!;
          if (a.split.gain > b.split.gain || (a.split.gain === b.split.gain && a.node < b.node)) pick = c;
        }
      }
      const { node, slot: parentSlot, split } = candidates[pick]!;
      candidates.splice(pick, 1);
      const start = tree.rowStart[node]!;
      const count = tree.rowCount[node]!;
      const leftCount = this.partition(start, count, split);
      tree.feature[node] = split.feature;
      tree.bin[node] = split.bin;
      tree.missingGoesLeft[node] = split.missingGoesLeft;
      const d = this.depth[node]! + 1;
      const left = this.addNode(start, leftCount, split.leftGrad, split.leftHess, d);
      const right = this.addNode(start + leftCount, count - leftCount, this.nodeGrad[node]! - split.leftGrad, this.nodeHess[node]! - split.leftHess, d);
      tree.left[node] = left;
      tree.right[node] = right;
      leaves++;
      if (params.maxLeaves !== 0 && leaves >= params.maxLeaves) break;

      if (params.featuresPerSplit > 0) {
        for (const child of [left, right]) if (this.splittable(child)) this.push(candidates, child, this.examineSampled(child), NO_SLOT);
        continue;
      }
      const small = leftCount <= count - leftCount ? left : right;
      const large = small === left ? right : left;
      const smallNeeds = this.splittable(small);
      const largeNeeds = this.splittable(large);
      if (!smallNeeds && !largeNeeds) {
        this.release(parentSlot);
      } else if (parentSlot !== NO_SLOT && largeNeeds) {
        // Build the smaller child, turn the parent's histogram into the larger child's, search both.
        const slot = this.freeSlots.pop() ?? this.scratchSlot;
        const [a, b] = this.runStep(small, slot, false, parentSlot, smallNeeds ? small : -1, slot, large, parentSlot);
        this.push(candidates, small, a, slot);
        this.push(candidates, large, b, parentSlot);
      } else if (parentSlot !== NO_SLOT) {
        // Only the smaller child can split: it takes over the parent's slot.
        const [a] = this.runStep(small, parentSlot, false, NO_SLOT, small, parentSlot, -1, NO_SLOT);
        this.push(candidates, small, a, parentSlot);
      } else {
        for (const child of [small, large]) if (this.splittable(child)) this.buildAndSearch(candidates, child, false);
      }
    }
    for (const candidate of candidates) this.release(candidate.slot);
    // Leaves get their outputs; an inner node's cover is its children's sum, so TreeSHAP's
    // cover fractions at every node add up to exactly one.
    for (let node = tree.feature.length - 1; node >= 0; node--) {
      if (tree.feature[node] === -1) tree.value[node] = params.leafValue(this.nodeGrad[node]!, this.nodeHess[node]!);
      else tree.cover[node] = tree.cover[tree.left[node]!]! + tree.cover[tree.right[node]!]!;
    }
    return tree;
  }

  private addNode(start: number, count: number, g: number, h: number, d: number): number {
    const tree = this.tree;
    const id = tree.feature.length;
    tree.feature.push(-1);
    tree.bin.push(0);
    tree.missingGoesLeft.push(false);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(0);
    tree.cover.push(h);
    tree.rowStart.push(start);
    tree.rowCount.push(count);
    this.nodeGrad.push(g);
    this.nodeHess.push(h);
    this.depth.push(d);
    return id;
  }

  private splittable(node: number): boolean {
    const p = this.params;
    const c = p.constraints;
    const count = this.tree.rowCount[node]!;
    return (p.maxDepth === 0 || this.depth[node]! < p.maxDepth) && count >= 2 && count >= 2 * c.minSamplesLeaf && this.nodeHess[node]! >= 2 * c.minChildWeight;
  }

  private release(slot: number): void {
    if (slot !== NO_SLOT && slot !== this.scratchSlot) this.freeSlots.push(slot);
  }

  /** A found split becomes a candidate holding its histogram slot (scratch is never held); no split frees the slot. */
  private push(candidates: Candidate[], node: number, split: SplitCandidate | null, slot: number): void {
    if (!split) {
      this.release(slot);
      return;
    }
    candidates.push({ node, slot: slot === this.scratchSlot ? NO_SLOT : slot, split });
  }

  private buildAndSearch(candidates: Candidate[], node: number, allRows: boolean): void {
    const slot = this.freeSlots.pop() ?? this.scratchSlot;
    const [a] = this.runStep(node, slot, allRows, NO_SLOT, node, slot, -1, NO_SLOT);
    this.push(candidates, node, a, slot);
  }

  /** One node step (see STEP): build `buildNode` into `buildSlot`, optionally subtract, search nodes a and b. */
  private runStep(buildNode: number, buildSlot: number, allRows: boolean, subtractInto: number, a: number, aSlot: number, b: number, bSlot: number): [SplitCandidate | null, SplitCandidate | null] {
    const step = this.runner.step;
    const tree = this.tree;
    const c = this.params.constraints;
    step[STEP.BUILD_SLOT] = buildSlot;
    step[STEP.START] = tree.rowStart[buildNode]!;
    step[STEP.COUNT] = tree.rowCount[buildNode]!;
    step[STEP.ALL_ROWS] = allRows ? 1 : 0;
    step[STEP.SUBTRACT_INTO] = subtractInto;
    step[STEP.A_SLOT] = a >= 0 ? aSlot : -1;
    step[STEP.A_GRAD] = a >= 0 ? this.nodeGrad[a]! : 0;
    step[STEP.A_HESS] = a >= 0 ? this.nodeHess[a]! : 0;
    step[STEP.A_COUNT] = a >= 0 ? tree.rowCount[a]! : 0;
    step[STEP.B_SLOT] = b >= 0 ? bSlot : -1;
    step[STEP.B_GRAD] = b >= 0 ? this.nodeGrad[b]! : 0;
    step[STEP.B_HESS] = b >= 0 ? this.nodeHess[b]! : 0;
    step[STEP.B_COUNT] = b >= 0 ? tree.rowCount[b]! : 0;
    step[STEP.L2] = c.l2;
    step[STEP.MIN_CHILD_WEIGHT] = c.minChildWeight;
    step[STEP.MIN_SAMPLES_LEAF] = c.minSamplesLeaf;
    step[STEP.MIN_GAIN] = c.minGain;
    step[STEP.USE_MASK] = this.params.useFeatureMask ? 1 : 0;
    this.runner.run();
    return [this.readResult(0, a), this.readResult(1, b)];
  }

  private readResult(which: number, node: number): SplitCandidate | null {
    if (node < 0) return null;
    const r = this.runner.results;
    const at = which * RESULT_SIZE;
    if (r[at + 1]! < 0) return null;
    return { gain: r[at]!, feature: r[at + 1]!, bin: r[at + 2]!, missingGoesLeft: r[at + 3] === 1, leftGrad: r[at + 4]!, leftHess: r[at + 5]!, leftCount: r[at + 6]! };
  }

  /** Random-forest split: histograms of a few randomly drawn features only, in scratch space. */
  private examineSampled(node: number): SplitCandidate | null {
    const params = this.params;
    const rng = params.rng!;
    const pool = this.featureScratch;
    const featureCount = this.data.featureCount;
    for (let f = 0; f < featureCount; f++) pool[f] = f;
    const take = Math.min(params.featuresPerSplit, featureCount);
    for (let i = 0; i < take; i++) {
      const j = i + rng.nextInt(featureCount - i);
      const t = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = t;
    }
    const chosen = Array.from(pool.subarray(0, take)).sort((a, b) => a - b);
    const tree = this.tree;
    const start = tree.rowStart[node]!;
    const count = tree.rowCount[node]!;
    const { hist, slotSize } = this.runner;
    const base = this.scratchSlot * slotSize;
    const { rows, grad, hess, orderedGrad, orderedHess } = this.buffers;
    gatherGradients(rows, start, count, grad, hess, orderedGrad, orderedHess);
    const best: SplitCandidate = { gain: params.constraints.minGain, feature: -1, bin: 0, missingGoesLeft: false, leftGrad: 0, leftHess: 0, leftCount: 0 };
    for (const f of chosen) {
      buildHistogram(hist, base, this.data.bins, this.data.rowCount, this.data.offsets, f, f + 1, rows, start, count, grad, hess, orderedGrad, orderedHess, false);
      bestSplitOfFeature(hist, base, this.data.offsets, f, this.nodeGrad[node]!, this.nodeHess[node]!, count, params.constraints, best);
    }
    return best.feature >= 0 ? best : null;
  }

  /** Stable in-place partition of the node's rows; returns the left count. */
  private partition(start: number, count: number, split: SplitCandidate): number {
    const { rows } = this.buffers;
    const column = this.data.bins.subarray(split.feature * this.data.rowCount, (split.feature + 1) * this.data.rowCount);
    const missingBin = this.data.binCounts[split.feature]!;
    const threshold = split.bin;
    const missingLeft = split.missingGoesLeft;
    const scratch = this.partitionScratch;
    let write = start;
    let spilled = 0;
    const end = start + count;
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      const b = column[r]!;
      const goesLeft = b === missingBin ? missingLeft : b <= threshold;
      if (goesLeft) rows[write++] = r;
      else scratch[spilled++] = r;
    }
    rows.set(scratch.subarray(0, spilled), write);
    return write - start;
  }
}

function emptyTree(): GrownTree {
  return { feature: [], bin: [], missingGoesLeft: [], left: [], right: [], value: [], cover: [], rowStart: [], rowCount: [] };
}

/** Adds a grown tree's output to every row of binned data (validation rows, rows outside a subsample). */
export function addBinnedTree(tree: GrownTree, data: BinnedData, out: Float64Array, scale = 1): void {
  const { bins, rowCount, binCounts } = data;
  const { feature, bin, missingGoesLeft, left, right, value } = tree;
  if (feature[0] === -1) {
    const v = value[0]! * scale;
    for (let i = 0; i < rowCount; i++) out[i] = out[i]! + v;
    return;
  }
  const featureArr = Int32Array.from(feature);
  const binArr = Int32Array.from(bin);
  const missingLeftArr = Uint8Array.from(missingGoesLeft, (x) => (x ? 1 : 0));
  const leftArr = Int32Array.from(left);
  const rightArr = Int32Array.from(right);
  const missingBinArr = Int32Array.from(feature, (f) => (f >= 0 ? binCounts[f]! : 0));
  for (let i = 0; i < rowCount; i++) {
    let node = 0;
    let f = featureArr[0]!;
    while (f !== -1) {
      const b = bins[f * rowCount + i]!;
      const goLeft = b === missingBinArr[node]! ? missingLeftArr[node] === 1 : b <= binArr[node]!;
      node = goLeft ? leftArr[node]! : rightArr[node]!;
      f = featureArr[node]!;
    }
    out[i] = out[i]! + value[node]! * scale;
  }
}
