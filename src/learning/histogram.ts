/**
 * Gradient histograms and the split search over them. A histogram holds, for every bin of every
 * feature, [sum of gradients, sum of hessians, row count] (three doubles per bin, features one after
 * another at `offsets`). These kernels run on the main thread and inside the histogram workers; they
 * take plain typed arrays so the same code serves both.
 */

export const HIST_STRIDE = 3;

/**
 * Adds the rows rows[start..start+count) to the histogram of features [featureFrom, featureTo) at
 * hist[histBase..]. Gradients are read in row-list order (orderedGrad[start + i] belongs to
 * rows[start + i]), gathered once per node so every feature's loop reads them sequentially. When
 * `allRows` is set the node holds every row 0..count-1 in order and the row list is skipped.
 *
 * Each feature's sums are accumulated by one thread in row order, so the result does not depend on
 * how features are divided among threads.
 */
export function buildHistogram(
  hist: Float64Array,
  histBase: number,
  bins: Uint8Array,
  rowCount: number,
  offsets: Int32Array,
  featureFrom: number,
  featureTo: number,
  rows: Uint32Array,
  start: number,
  count: number,
  orderedGrad: Float64Array,
  orderedHess: Float64Array,
  allRows: boolean,
): void {
  for (let f = featureFrom; f < featureTo; f++) {
    const from = histBase + offsets[f]! * HIST_STRIDE;
    const to = histBase + offsets[f + 1]! * HIST_STRIDE;
    hist.fill(0, from, to);
    const column = f * rowCount;
    if (allRows) {
      for (let i = 0; i < count; i++) {
        const at = from + bins[column + i]! * HIST_STRIDE;
        hist[at] = hist[at]! + orderedGrad[i]!;
        hist[at + 1] = hist[at + 1]! + orderedHess[i]!;
        hist[at + 2] = hist[at + 2]! + 1;
      }
    } else {
      const end = start + count;
      for (let i = start; i < end; i++) {
        const at = from + bins[column + rows[i]!]! * HIST_STRIDE;
        hist[at] = hist[at]! + orderedGrad[i]!;
        hist[at + 1] = hist[at + 1]! + orderedHess[i]!;
        hist[at + 2] = hist[at + 2]! + 1;
      }
    }
  }
}

/** hist[target] −= hist[source] over one whole histogram: the sibling's histogram from the parent's. */
export function subtractHistogram(hist: Float64Array, targetBase: number, sourceBase: number, length: number): void {
  for (let i = 0; i < length; i++) hist[targetBase + i] = hist[targetBase + i]! - hist[sourceBase + i]!;
}

export interface SplitConstraints {
  l2: number;
  minChildWeight: number;
  minSamplesLeaf: number;
  /** A split must improve the objective by more than this. */
  minGain: number;
}

export interface SplitCandidate {
  gain: number;
  feature: number;
  /** Values in bins <= bin go left. */
  bin: number;
  missingGoesLeft: boolean;
  leftGrad: number;
  leftHess: number;
  leftCount: number;
}

/**
 * The best split of one feature, or leaves `best` as it is. Gain is the second-order objective
 * improvement G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ); with λ = 0, G = Σ w·y and H = Σ w it is
 * half the weighted Gini impurity decrease, which is how the random forest uses the same search.
 * Missing values are tried on both sides; when a node has none, they follow the larger child.
 */
export function bestSplitOfFeature(
  hist: Float64Array,
  histBase: number,
  offsets: Int32Array,
  feature: number,
  totalGrad: number,
  totalHess: number,
  totalCount: number,
  c: SplitConstraints,
  best: SplitCandidate,
): void {
  const from = histBase + offsets[feature]! * HIST_STRIDE;
  const valueBins = offsets[feature + 1]! - offsets[feature]! - 1;
  const missingAt = from + valueBins * HIST_STRIDE;
  const missingGrad = hist[missingAt]!;
  const missingHess = hist[missingAt + 1]!;
  const missingCount = hist[missingAt + 2]!;
  const l2 = c.l2;
  const parentScore = (totalGrad * totalGrad) / (totalHess + l2);
  const minCount = c.minSamplesLeaf;
  const minHess = c.minChildWeight;
  let gradSum = 0;
  let hessSum = 0;
  let countSum = 0;
  const lastBin = missingCount > 0 ? valueBins - 1 : valueBins - 2;
  for (let b = 0; b <= lastBin; b++) {
    const at = from + b * HIST_STRIDE;
    gradSum += hist[at]!;
    hessSum += hist[at + 1]!;
    countSum += hist[at + 2]!;
    if (countSum === 0) continue;
    // Missing values to the right.
    {
      const rightCount = totalCount - countSum;
      const rightHess = totalHess - hessSum;
      if (countSum >= minCount && rightCount >= minCount && hessSum >= minHess && rightHess >= minHess) {
        const rightGrad = totalGrad - gradSum;
        const gain = (gradSum * gradSum) / (hessSum + l2) + (rightGrad * rightGrad) / (rightHess + l2) - parentScore;
        if (gain > best.gain) {
          best.gain = gain;
          best.feature = feature;
          best.bin = b;
          // Without missing values in the node, missing values at prediction time follow the larger child.
          best.missingGoesLeft = missingCount === 0 && countSum >= rightCount;
          best.leftGrad = gradSum;
          best.leftHess = hessSum;
          best.leftCount = countSum;
        }
      }
    }
    if (missingCount > 0 && b < valueBins - 1) {
      const leftCount = countSum + missingCount;
      const leftHess = hessSum + missingHess;
      const rightCount = totalCount - leftCount;
      const rightHess = totalHess - leftHess;
      if (leftCount >= minCount && rightCount >= minCount && leftHess >= minHess && rightHess >= minHess) {
        const leftGrad = gradSum + missingGrad;
        const rightGrad = totalGrad - leftGrad;
        const gain = (leftGrad * leftGrad) / (leftHess + l2) + (rightGrad * rightGrad) / (rightHess + l2) - parentScore;
        if (gain > best.gain) {
          best.gain = gain;
          best.feature = feature;
          best.bin = b;
          best.missingGoesLeft = true;
          best.leftGrad = leftGrad;
          best.leftHess = leftHess;
          best.leftCount = leftCount;
        }
      }
    }
  }
}
