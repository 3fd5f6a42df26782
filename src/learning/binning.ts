/**
 * Histogram binning: each feature's values are mapped to at most 255 bins cut at quantiles of the
 * training data, plus one bin for missing values (NaN). Trees are then grown on the small integer
 * bins (one byte per value, histograms of a few hundred entries per feature) instead of sorted raw
 * values, which is what makes training linear in the rows.
 *
 * A bin b of feature f holds the values x with thresholds[f][b-1] < x <= thresholds[f][b]; so the
 * binned split "bin <= b" is exactly the raw split "x <= thresholds[f][b]", and the model can store
 * raw thresholds and serve without the bin mapper.
 */
import type { Dataset } from './dataset.js';
import { SeededRandom, deriveSeed } from './seeded-random.js';

export const MAX_BINS = 255;
/** Quantiles are taken from at most this many rows (chosen by the seed): enough for 255 bins, cheap on a million rows. */
export const BINNING_SAMPLE_ROWS = 200_000;
/**
 * The stored threshold of a split that sends every non-missing value left and only missing values
 * right. Number.MAX_VALUE survives JSON (Infinity does not) and every finite value is <= it.
 */
export const ALL_VALUES_THRESHOLD = Number.MAX_VALUE;

export interface BinMapper {
  /** Per feature: ascending cut points; feature f has thresholds[f].length + 1 value bins. */
  thresholds: Float64Array[];
  /** Per feature: the number of value bins; the missing bin's index equals it. */
  binCounts: Uint16Array;
}

/** Values bins then the missing bin, per feature, laid out one feature after another. */
export interface BinnedData {
  rowCount: number;
  featureCount: number;
  /** bins[f * rowCount + row]: column-major, so a feature's bins are contiguous. */
  bins: Uint8Array;
  binCounts: Uint16Array;
  /** histogram offset (in bins) of each feature; offsets[featureCount] = total bins incl. missing bins. */
  offsets: Int32Array;
}

export function fitBinMapper(data: Dataset, maxBins: number, seed: number): BinMapper {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_BINS) throw new RangeError(`maxBins must be an integer in [2, ${MAX_BINS}]`);
  const n = data.rowCount;
  let sample: Int32Array | null = null;
  if (n > BINNING_SAMPLE_ROWS) sample = new SeededRandom(deriveSeed(seed, 0x6269)).sampleWithoutReplacement(n, BINNING_SAMPLE_ROWS);
  const thresholds: Float64Array[] = [];
  const binCounts = new Uint16Array(data.columns.length);
  const values = new Float64Array(sample ? sample.length : n);
  for (let f = 0; f < data.columns.length; f++) {
    const column = data.columns[f]!;
    let m = 0;
    if (sample) {
      for (let i = 0; i < sample.length; i++) {
        const v = column[sample[i]!]!;
        if (v === v) values[m++] = v;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const v = column[i]!;
        if (v === v) values[m++] = v;
      }
    }
    const cuts = quantileThresholds(values.subarray(0, m).sort(), maxBins);
    thresholds.push(cuts);
    binCounts[f] = cuts.length + 1;
  }
  return { thresholds, binCounts };
}

/**
 * Cut points for sorted values: between every pair of distinct values when there are few enough,
 * else at the value quantiles, always halfway between two neighbouring distinct values (so a cut
 * never coincides with a training value and ties stay in one bin).
 */
function quantileThresholds(sorted: Float64Array, maxBins: number): Float64Array {
  const m = sorted.length;
  if (m === 0) return new Float64Array(0);
  const distinct: number[] = [];
  const endIndex: number[] = []; // index just past the last copy of each distinct value
  for (let i = 0; i < m; i++) {
    const v = sorted[i]!;
    if (distinct.length === 0 || v !== distinct[distinct.length - 1]) {
      if (distinct.length > 0) endIndex.push(i);
      distinct.push(v);
    }
  }
  endIndex.push(m);
  const cuts: number[] = [];
  if (distinct.length <= maxBins) {
    for (let d = 0; d + 1 < distinct.length; d++) cuts.push(midpoint(distinct[d]!, distinct[d + 1]!));
    return Float64Array.from(cuts);
  }
  let d = 0;
  for (let q = 1; q < maxBins; q++) {
    const rank = Math.floor((q * m) / maxBins); // the value at this rank falls left of the cut
    while (d < distinct.length && endIndex[d]! <= rank) d++;
    if (d + 1 >= distinct.length) break;
    const cut = midpoint(distinct[d]!, distinct[d + 1]!);
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]!) cuts.push(cut);
  }
  return Float64Array.from(cuts);
}

/** A value in [a, b) between a < b: the midpoint, or a itself when a and b are neighbouring doubles. */
function midpoint(a: number, b: number): number {
  const mid = a + (b - a) / 2;
  if (!(mid < b) || !Number.isFinite(mid)) return a;
  return mid;
}

/** The bin of a value: the number of thresholds below it; NaN goes to the missing bin. */
export function binOf(thresholds: Float64Array, value: number): number {
  if (value !== value) return thresholds.length + 1;
  let lo = 0;
  let hi = thresholds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (thresholds[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Maps a dataset's columns to bins; `shared` puts the bins in shared memory for worker threads. */
export function binData(mapper: BinMapper, columns: readonly Float64Array[], rowCount: number, shared = false): BinnedData {
  const featureCount = columns.length;
  if (featureCount !== mapper.thresholds.length) throw new RangeError(`${featureCount} columns for a mapper of ${mapper.thresholds.length} features`);
  const size = featureCount * rowCount;
  const bins = shared ? new Uint8Array(new SharedArrayBuffer(size)) : new Uint8Array(size);
  for (let f = 0; f < featureCount; f++) {
    const thresholds = mapper.thresholds[f]!;
    const column = columns[f]!;
    const missingBin = thresholds.length + 1;
    const base = f * rowCount;
    const t = thresholds.length;
    for (let i = 0; i < rowCount; i++) {
      const v = column[i]!;
      if (v !== v) {
        bins[base + i] = missingBin;
        continue;
      }
      let lo = 0;
      let hi = t;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (thresholds[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      bins[base + i] = lo;
    }
  }
  return { rowCount, featureCount, bins, binCounts: mapper.binCounts, offsets: histogramOffsets(mapper.binCounts) };
}

export function histogramOffsets(binCounts: Uint16Array): Int32Array {
  const offsets = new Int32Array(binCounts.length + 1);
  for (let f = 0; f < binCounts.length; f++) offsets[f + 1] = offsets[f]! + binCounts[f]! + 1;
  return offsets;
}

/** The raw threshold that reproduces the binned split "bin <= bin". */
export function rawThreshold(mapper: BinMapper, feature: number, bin: number): number {
  const thresholds = mapper.thresholds[feature]!;
  return bin < thresholds.length ? thresholds[bin]! : ALL_VALUES_THRESHOLD;
}
