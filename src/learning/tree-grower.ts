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
import { bestSplitOfFeature, buildHistogram, subtractHistogram, type SplitCandidate, type SplitConstraints } from './histogram.js';
import type { SeededRandom } from './seeded-random.js';

/** Builds full histograms (every feature) of a row range into a slot; local or over worker threads. */
export interface HistogramBuilder {
  /** The slots, one after another, each `slotSize` doubles. */
  readonly hist: Float64Array;
  readonly slotSize: number;
  readonly slotCount: number;
  build(slot: number, start: number, count: number, allRows: boolean): void;
  close(): Promise<void>;
}

/** Row list and gradients the builder reads; shared memory when workers read them too. */
export interface GrowBuffers {
  rows: Uint32Array;
  orderedGrad: Float64Array;
  orderedHess: Float64Array;
}

export interface GrowParams {
  /** 0 = unlimited */
  maxDepth: number;
  /** 0 = unlimited (nodes are then split depth-first: the tree does not depend on the order). */
  maxLeaves: number;
  constraints: SplitConstraints;
  /** Features this tree may split on (column subsampling); null = all. */
  featureMask: Uint8Array | null;
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

  constructor(
    private readonly data: BinnedData,
    private readonly buffers: GrowBuffers,
    private readonly builder: HistogramBuilder,
    private readonly grad: Float64Array,
    private readonly hess: Float64Array,
  ) {
    this.partitionScratch = new Uint32Array(data.rowCount);
    this.featureScratch = new Int32Array(data.featureCount);
    this.scratchSlot = builder.slotCount - 1;
  }

  /**
   * Grows a tree over rows[0, sampleCount) (the caller fills the row list; `allRows` says it is
   * 0..rowCount-1 in order, which lets the root histogram skip the index list).
   */
  grow(sampleCount: number, allRows: boolean, params: GrowParams): GrownTree {
    const tree: GrownTree = { feature: [], bin: [], missingGoesLeft: [], left: [], right: [], value: [], cover: [], rowStart: [], rowCount: [] };
    const nodeGrad: number[] = [];
    const nodeHess: number[] = [];
    const depth: number[] = [];
    this.freeSlots.length = 0;
    for (let s = this.scratchSlot - 1; s >= 0; s--) this.freeSlots.push(s);

    const { rows } = this.buffers;
    let rootGrad = 0;
    let rootHess = 0;
    for (let i = 0; i < sampleCount; i++) {
      const r = rows[i]!;
      rootGrad += this.grad[r]!;
      rootHess += this.hess[r]!;
    }
    const addNode = (start: number, count: number, g: number, h: number, d: number): number => {
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
      nodeGrad.push(g);
      nodeHess.push(h);
      depth.push(d);
      return id;
    };
    const splittable = (node: number): boolean => {
      const c = params.constraints;
      return (params.maxDepth === 0 || depth[node]! < params.maxDepth) && tree.rowCount[node]! >= 2 * c.minSamplesLeaf && nodeHess[node]! >= 2 * c.minChildWeight && tree.rowCount[node]! >= 2;
    };

    this.currentTree = tree;
    const candidates: Candidate[] = [];
    const root = addNode(0, sampleCount, rootGrad, rootHess, 0);
    if (splittable(root)) {
      const candidate = this.examine(root, tree, nodeGrad, nodeHess, params, allRows);
      if (candidate) candidates.push(candidate);
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
      const d = depth[node]! + 1;
      const left = addNode(start, leftCount, split.leftGrad, split.leftHess, d);
      const right = addNode(start + leftCount, count - leftCount, nodeGrad[node]! - split.leftGrad, nodeHess[node]! - split.leftHess, d);
      tree.left[node] = left;
      tree.right[node] = right;
      leaves++;
      if (params.maxLeaves !== 0 && leaves >= params.maxLeaves) break;

      const small = leftCount <= count - leftCount ? left : right;
      const large = small === left ? right : left;
      const smallNeeds = splittable(small);
      const largeNeeds = splittable(large);
      if (params.featuresPerSplit > 0) {
        for (const child of [left, right]) {
          if (!splittable(child)) continue;
          const candidate = this.examine(child, tree, nodeGrad, nodeHess, params, false);
          if (candidate) candidates.push(candidate);
        }
        continue;
      }
      if (parentSlot !== NO_SLOT && largeNeeds) {
        const slot = this.freeSlots.pop() ?? this.scratchSlot;
        this.buildFull(slot, small);
        const { hist, slotSize } = this.builder;
        subtractHistogram(hist, parentSlot * slotSize, slot * slotSize, slotSize);
        const smallCandidate = smallNeeds ? this.evaluate(small, slot, tree, nodeGrad, nodeHess, params) : null;
        this.keepOrFree(smallCandidate, slot, candidates);
        this.keepOrFree(this.evaluate(large, parentSlot, tree, nodeGrad, nodeHess, params), parentSlot, candidates);
      } else {
        if (parentSlot !== NO_SLOT) this.freeSlots.push(parentSlot);
        for (const child of [left, right]) {
          if (!splittable(child)) continue;
          const candidate = this.examine(child, tree, nodeGrad, nodeHess, params, false);
          if (candidate) candidates.push(candidate);
        }
      }
    }
    // Leaves get their outputs; an inner node's cover is its children's sum, so TreeSHAP's
    // cover fractions at every node add up to exactly one.
    for (let node = tree.feature.length - 1; node >= 0; node--) {
      if (tree.feature[node] === -1) tree.value[node] = params.leafValue(nodeGrad[node]!, nodeHess[node]!);
      else tree.cover[node] = tree.cover[tree.left[node]!]! + tree.cover[tree.right[node]!]!;
    }
    return tree;
  }

  private keepOrFree(candidate: Candidate | null, slot: number, candidates: Candidate[]): void {
    if (candidate && slot !== this.scratchSlot) {
      candidate.slot = slot;
      candidates.push(candidate);
      return;
    }
    if (candidate) candidates.push(candidate);
    if (slot !== this.scratchSlot) this.freeSlots.push(slot);
  }

  /** Builds the node's histogram (into a kept slot when one is free) and finds its best split. */
  private examine(node: number, tree: GrownTree, nodeGrad: number[], nodeHess: number[], params: GrowParams, allRows: boolean): Candidate | null {
    if (params.featuresPerSplit > 0) return this.examineSampled(node, tree, nodeGrad, nodeHess, params);
    const slot = this.freeSlots.pop() ?? this.scratchSlot;
    this.buildFull(slot, node, allRows);
    const candidate = this.evaluate(node, slot, tree, nodeGrad, nodeHess, params);
    if (candidate && slot !== this.scratchSlot) candidate.slot = slot;
    else if (slot !== this.scratchSlot) this.freeSlots.push(slot);
    return candidate;
  }

  private gather(start: number, count: number): void {
    const { rows, orderedGrad, orderedHess } = this.buffers;
    const grad = this.grad;
    const hess = this.hess;
    const end = start + count;
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      orderedGrad[i] = grad[r]!;
      orderedHess[i] = hess[r]!;
    }
  }

  private buildFull(slot: number, node: number, allRows = false): void {
    const start = this.currentTree!.rowStart[node]!;
    const count = this.currentTree!.rowCount[node]!;
    this.gather(start, count);
    this.builder.build(slot, start, count, allRows);
  }

  private currentTree: GrownTree | null = null;

  private evaluate(node: number, slot: number, tree: GrownTree, nodeGrad: number[], nodeHess: number[], params: GrowParams): Candidate | null {
    const best = newSplit(params.constraints.minGain);
    const base = slot * this.builder.slotSize;
    const mask = params.featureMask;
    for (let f = 0; f < this.data.featureCount; f++) {
      if (mask && mask[f] === 0) continue;
      bestSplitOfFeature(this.builder.hist, base, this.data.offsets, f, nodeGrad[node]!, nodeHess[node]!, tree.rowCount[node]!, params.constraints, best);
    }
    return best.feature >= 0 ? { node, slot: NO_SLOT, split: best } : null;
  }

  /** Random-forest split: histograms of a few randomly drawn features only, in scratch space. */
  private examineSampled(node: number, tree: GrownTree, nodeGrad: number[], nodeHess: number[], params: GrowParams): Candidate | null {
    const rng = params.rng!;
    const pool = this.featureScratch;
    let available = 0;
    for (let f = 0; f < this.data.featureCount; f++) if (!params.featureMask || params.featureMask[f] !== 0) pool[available++] = f;
    const take = Math.min(params.featuresPerSplit, available);
    for (let i = 0; i < take; i++) {
      const j = i + rng.nextInt(available - i);
      const t = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = t;
    }
    const chosen = Array.from(pool.subarray(0, take)).sort((a, b) => a - b);
    const start = tree.rowStart[node]!;
    const count = tree.rowCount[node]!;
    this.gather(start, count);
    const { hist, slotSize } = this.builder;
    const base = this.scratchSlot * slotSize;
    const { rows, orderedGrad, orderedHess } = this.buffers;
    const best = newSplit(params.constraints.minGain);
    for (const f of chosen) {
      buildHistogram(hist, base, this.data.bins, this.data.rowCount, this.data.offsets, f, f + 1, rows, start, count, orderedGrad, orderedHess, false);
      bestSplitOfFeature(hist, base, this.data.offsets, f, nodeGrad[node]!, nodeHess[node]!, count, params.constraints, best);
    }
    return best.feature >= 0 ? { node, slot: NO_SLOT, split: best } : null;
  }

  /** Stable in-place partition of the node's rows; returns the left count. */
  private partition(start: number, count: number, split: SplitCandidate): number {
    const { rows } = this.buffers;
    const bins = this.data.bins;
    const column = split.feature * this.data.rowCount;
    const missingBin = this.data.binCounts[split.feature]!;
    const threshold = split.bin;
    const missingLeft = split.missingGoesLeft;
    const scratch = this.partitionScratch;
    let write = start;
    let spilled = 0;
    const end = start + count;
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      const b = bins[column + r]!;
      const goesLeft = b === missingBin ? missingLeft : b <= threshold;
      if (goesLeft) rows[write++] = r;
      else scratch[spilled++] = r;
    }
    rows.set(scratch.subarray(0, spilled), write);
    return write - start;
  }
}

function newSplit(minGain: number): SplitCandidate {
  return { gain: minGain, feature: -1, bin: 0, missingGoesLeft: false, leftGrad: 0, leftHess: 0, leftCount: 0 };
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

