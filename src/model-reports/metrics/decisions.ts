/** The report's decisions section: who would be flagged at a threshold, and how often rightly. */
import type { RiskBand } from '../../risk-models/risk-model-bundle.js';
import type { ConfusionAt } from '../report.types.js';
import { ratio } from './numbers.js';

/** Rows with probability ≥ threshold are flagged. */
export function confusionAt(probability: ArrayLike<number>, labels: ArrayLike<number>, threshold: number, label: string): ConfusionAt {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < probability.length; i++) {
    const flagged = probability[i]! >= threshold;
    if (labels[i] === 1) {
      if (flagged) tp++;
      else fn++;
    } else if (flagged) fp++;
    else tn++;
  }
  const n = probability.length;
  return {
    threshold,
    label,
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: tn,
    falseNegatives: fn,
    flaggedRate: n === 0 ? 0 : (tp + fp) / n,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    falsePositiveRate: ratio(fp, fp + tn),
    specificity: ratio(tn, fp + tn),
  };
}

/**
 * At the operating threshold, then at the lower edge of every band but the first (whose edge, 0,
 * flags everybody and says nothing).
 */
export function decisions(probability: ArrayLike<number>, labels: ArrayLike<number>, operatingThreshold: number, bands: readonly RiskBand[]): ConfusionAt[] {
  return [
    confusionAt(probability, labels, operatingThreshold, 'operating'),
    ...bands.slice(1).map((band) => confusionAt(probability, labels, band.minProbability, band.name)),
  ];
}
