/**
 * Ranking measures of the report (AUC, KS, the ROC curve) and their bootstrap, on scores sorted once.
 *
 * The scores are sorted a single time into groups of equal score ("ties"); every row only remembers
 * its group. AUC then needs nothing but the number of positives and negatives per group:
 *   AUC = Σ_g pos_g · (negatives in lower groups + ½ neg_g) / (P · N),
 * which is the pairwise definition (ties count one half). A bootstrap resample changes only those
 * counts, so 1,000 resamples cost 1,000 passes over the rows and groups instead of 1,000 sorts, and a
 * paired resample (champion and challenger on the same drawn rows) is one draw counted into two models'
 * groups. Sums of integer counts (and halves) are exact in doubles, so the point estimate equals
 * src/learning/metrics.ts `auc` bit for bit.
 */
import { SeededRandom } from '../../learning/seeded-random.js';
import type { ConfidenceInterval } from '../report.types.js';

export interface RankedScores {
  /** Distinct scores, ascending. */
  values: Float64Array;
  /** Group (index into values) of every row. */
  groupOf: Int32Array;
  /** Rows with label 1 / label 0 per group. */
  positives: Float64Array;
  negatives: Float64Array;
  totalPositives: number;
  totalNegatives: number;
}

/** Sorts the scores once (NaN scores are refused: a NaN has no rank). */
export function rankScores(scores: ArrayLike<number>, labels: ArrayLike<number>): RankedScores {
  const n = scores.length;
  if (labels.length !== n) throw new RangeError(`${n} scores for ${labels.length} labels`);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i]!)) throw new RangeError(`score ${i} is NaN`);
    order[i] = i;
  }
  order.sort((a, b) => scores[a]! - scores[b]! || a - b);
  const groupOf = new Int32Array(n);
  const values: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const s = scores[i]!;
    if (values.length === 0 || s !== values[values.length - 1]) values.push(s);
    groupOf[i] = values.length - 1;
  }
  const positives = new Float64Array(values.length);
  const negatives = new Float64Array(values.length);
  let totalPositives = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1) {
      positives[groupOf[i]!]!++;
      totalPositives++;
    } else negatives[groupOf[i]!]!++;
  }
  return { values: Float64Array.from(values), groupOf, positives, negatives, totalPositives, totalNegatives: n - totalPositives };
}

/** AUC from per-group counts (ascending groups); NaN when a class is absent. */
export function aucFromCounts(positives: ArrayLike<number>, negatives: ArrayLike<number>): number {
  let wins = 0;
  let negativesBelow = 0;
  let p = 0;
  for (let g = 0; g < positives.length; g++) {
    wins += positives[g]! * (negativesBelow + 0.5 * negatives[g]!);
    negativesBelow += negatives[g]!;
    p += positives[g]!;
  }
  return p === 0 || negativesBelow === 0 ? Number.NaN : wins / (p * negativesBelow);
}

export function rankedAuc(ranked: RankedScores): number {
  return aucFromCounts(ranked.positives, ranked.negatives);
}

export interface RocPointOut {
  falsePositiveRate: number;
  truePositiveRate: number;
  /** Rows with probability ≥ threshold are flagged; null for the first point (nobody flagged). */
  threshold: number | null;
}

/** One point per distinct score, from (0, 0) to (1, 1); empty when a class is absent. */
export function rankedRoc(ranked: RankedScores): RocPointOut[] {
  const { totalPositives: P, totalNegatives: N } = ranked;
  if (P === 0 || N === 0) return [];
  const points: RocPointOut[] = [{ falsePositiveRate: 0, truePositiveRate: 0, threshold: null }];
  let tp = 0;
  let fp = 0;
  for (let g = ranked.values.length - 1; g >= 0; g--) {
    tp += ranked.positives[g]!;
    fp += ranked.negatives[g]!;
    points.push({ falsePositiveRate: fp / N, truePositiveRate: tp / P, threshold: ranked.values[g]! });
  }
  return points;
}

/**
 * KS: max |TPR − FPR| over thresholds (ties never split), and the highest threshold reaching it.
 * The absolute value keeps KS a distance between the two score distributions whichever way a model
 * ranks (src/learning/metrics.ts does the same).
 */
export function rankedKs(ranked: RankedScores): { ks: number; threshold: number } | null {
  let best = -1;
  let threshold = Number.NaN;
  for (const point of rankedRoc(ranked)) {
    const gap = Math.abs(point.truePositiveRate - point.falsePositiveRate);
    if (gap > best) {
      best = gap;
      threshold = point.threshold ?? Number.POSITIVE_INFINITY;
    }
  }
  if (best < 0) return null;
  return { ks: best, threshold };
}

/** At most maxPoints points taken evenly along the curve by position; the first and last are kept. */
export function thinCurve<T>(points: readonly T[], maxPoints = 200): T[] {
  if (points.length <= maxPoints) return [...points];
  const out: T[] = [];
  for (let k = 0; k < maxPoints; k++) out.push(points[Math.round((k * (points.length - 1)) / (maxPoints - 1))]!);
  return out;
}

/** Quantile of sorted values with linear interpolation (numpy's default), q in [0, 1]. */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (position - lo) * (sorted[hi]! - sorted[lo]!);
}

function rowsOfClass(labels: ArrayLike<number>, rows: number, label: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < rows; i++) if ((labels[i] === 1 ? 1 : 0) === label) out.push(i);
  return Int32Array.from(out);
}

/** Percentile interval of the finite resample values (null when none is finite). */
function percentileInterval(values: Float64Array, level: number, resamples: number): ConfidenceInterval | null {
  const finite = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
  if (finite.length === 0) return null;
  const tail = (1 - level) / 2;
  return { low: sortedQuantile(finite, tail), high: sortedQuantile(finite, 1 - tail), level, resamples };
}

export interface BootstrapOptions {
  seed: number;
  resamples: number;
  level?: number;
}

/**
 * Percentile bootstrap interval of the AUC, stratified by outcome: every resample draws exactly as many
 * positives and as many negatives as the data has (with replacement), so no resample loses a class.
 * Null when a class is absent or resamples is 0.
 */
export function bootstrapAuc(ranked: RankedScores, labels: ArrayLike<number>, options: BootstrapOptions): ConfidenceInterval | null {
  return bootstrapAucs([ranked], labels, options).intervals[0] ?? null;
}

export interface PairedBootstrap {
  /** One interval per model, same order. */
  intervals: (ConfidenceInterval | null)[];
  /** Interval of AUC(last model) − AUC(first model) on the same resamples; null unless two models. */
  difference: ConfidenceInterval | null;
}

/** AUC of one model on drawn rows (with repeats), from per-group counts. */
function resampledAuc(model: RankedScores, positives: Int32Array, negatives: Int32Array, counts: { positives: Int32Array; negatives: Int32Array }): number {
  const groupOf = model.groupOf;
  const pos = counts.positives;
  const neg = counts.negatives;
  pos.fill(0);
  neg.fill(0);
  for (let k = 0; k < positives.length; k++) pos[groupOf[positives[k]!]!]!++;
  for (let k = 0; k < negatives.length; k++) neg[groupOf[negatives[k]!]!]!++;
  return aucFromCounts(pos, neg);
}

/**
 * Stratified bootstrap for one or more models scored on the same rows (paired: each resample's rows
 * are counted into every model's groups, so the difference's interval reflects the correlation
 * between the two models).
 */
export function bootstrapAucs(models: readonly RankedScores[], labels: ArrayLike<number>, options: BootstrapOptions): PairedBootstrap {
  const level = options.level ?? 0.95;
  const result: PairedBootstrap = { intervals: models.map(() => null), difference: null };
  const first = models[0];
  if (!first) return result;
  const rows = first.groupOf.length;
  for (const m of models) if (m.groupOf.length !== rows) throw new RangeError('paired models must be scored on the same rows');
  const positiveRows = rowsOfClass(labels, rows, 1);
  const negativeRows = rowsOfClass(labels, rows, 0);
  if (positiveRows.length === 0 || negativeRows.length === 0 || options.resamples <= 0) return result;
  const scratch = models.map((m) => ({ positives: new Int32Array(m.values.length), negatives: new Int32Array(m.values.length) }));
  const random = new SeededRandom(options.seed);
  const samples = models.map(() => new Float64Array(options.resamples));
  // Draw the rows once per resample, then count them into each model's groups: the same draws for
  // every model is what makes the resamples paired.
  const drawnPositives = new Int32Array(positiveRows.length);
  const drawnNegatives = new Int32Array(negativeRows.length);
  for (let r = 0; r < options.resamples; r++) {
    for (let k = 0; k < drawnPositives.length; k++) drawnPositives[k] = positiveRows[random.nextInt(positiveRows.length)]!;
    for (let k = 0; k < drawnNegatives.length; k++) drawnNegatives[k] = negativeRows[random.nextInt(negativeRows.length)]!;
    for (let m = 0; m < models.length; m++) samples[m]![r] = resampledAuc(models[m]!, drawnPositives, drawnNegatives, scratch[m]!);
  }
  result.intervals = samples.map((s) => percentileInterval(s, level, options.resamples));
  if (models.length === 2) {
    const difference = new Float64Array(options.resamples);
    for (let r = 0; r < options.resamples; r++) difference[r] = samples[1]![r]! - samples[0]![r]!;
    result.difference = percentileInterval(difference, level, options.resamples);
  }
  return result;
}
