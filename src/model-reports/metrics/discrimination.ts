/**
 * The report's discrimination section: how well the probability ranks rows that fell into arrears
 * above rows that did not (AUC, Gini, KS, ROC), how the riskiest deciles concentrate them (lift and
 * gain), and the score's distribution by outcome.
 */
import type { Discrimination } from '../report.types.js';
import { finiteOrNull, ratio } from './numbers.js';
import { bootstrapAuc, rankedAuc, rankedKs, rankedRoc, rankScores, thinCurve, type RankedScores } from './ranking.js';

export const ROC_MAX_POINTS = 200;
export const SCORE_DISTRIBUTION_BINS = 20;

export interface DiscriminationOptions {
  seed: number;
  resamples: number;
}

/** Everything in Discrimination; `ranked` is returned for the comparison's paired bootstrap. */
export function discrimination(probability: Float64Array, labels: Uint8Array, options: DiscriminationOptions): { section: Discrimination; ranked: RankedScores } {
  const ranked = rankScores(probability, labels);
  const auc = finiteOrNull(rankedAuc(ranked));
  const aucInterval = auc === null ? null : bootstrapAuc(ranked, labels, options);
  const ks = rankedKs(ranked);
  return {
    ranked,
    section: {
      auc,
      aucInterval,
      gini: auc === null ? null : 2 * auc - 1,
      giniInterval: aucInterval && { ...aucInterval, low: 2 * aucInterval.low - 1, high: 2 * aucInterval.high - 1 },
      ks: ks ? ks.ks : null,
      ksThreshold: ks ? finiteOrNull(ks.threshold) : null,
      roc: thinCurve(rankedRoc(ranked), ROC_MAX_POINTS),
      deciles: deciles(probability, labels),
      scoreDistribution: scoreDistribution(probability, labels),
    },
  };
}

/**
 * Ten groups by descending probability, sizes differing by at most one row. Rows tied on a decile
 * boundary are split by their position in the set (deterministic, and the only way to keep ten equal
 * groups when a calibration maps many rows to the same probability).
 */
export function deciles(probability: Float64Array, labels: Uint8Array): Discrimination['deciles'] {
  const n = probability.length;
  if (n === 0) return [];
  const order = Array.from(probability.keys()).sort((a, b) => probability[b]! - probability[a]! || a - b);
  let totalPositives = 0;
  for (let i = 0; i < n; i++) totalPositives += labels[i]!;
  const overallRate = totalPositives / n;
  const out: Discrimination['deciles'] = [];
  let cumulativePositives = 0;
  let cumulativeRows = 0;
  for (let d = 1; d <= 10; d++) {
    const start = Math.floor(((d - 1) * n) / 10);
    const end = Math.floor((d * n) / 10);
    if (end === start) continue;
    let positives = 0;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = start; k < end; k++) {
      const i = order[k]!;
      positives += labels[i]!;
      sum += probability[i]!;
      min = Math.min(min, probability[i]!);
      max = Math.max(max, probability[i]!);
    }
    const rows = end - start;
    cumulativePositives += positives;
    cumulativeRows += rows;
    const observedRate = positives / rows;
    out.push({
      decile: d,
      rows,
      positives,
      minProbability: min,
      maxProbability: max,
      meanProbability: sum / rows,
      observedRate,
      lift: totalPositives === 0 ? null : observedRate / overallRate,
      cumulativeGain: ratio(cumulativePositives, totalPositives),
      cumulativeLift: totalPositives === 0 ? null : cumulativePositives / cumulativeRows / overallRate,
    });
  }
  return out;
}

/** Equal-width bin of a probability on [0, 1] (1 itself in the last bin). */
export function equalWidthBin(p: number, bins: number): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
}

export function scoreDistribution(probability: Float64Array, labels: Uint8Array, bins = SCORE_DISTRIBUTION_BINS): Discrimination['scoreDistribution'] {
  const out = Array.from({ length: bins }, (_, b) => ({ binStart: b / bins, binEnd: (b + 1) / bins, negatives: 0, positives: 0 }));
  for (let i = 0; i < probability.length; i++) {
    const bin = out[equalWidthBin(probability[i]!, bins)]!;
    if (labels[i] === 1) bin.positives++;
    else bin.negatives++;
  }
  return out;
}
