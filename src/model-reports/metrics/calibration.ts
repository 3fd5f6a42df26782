/**
 * The report's calibration section: whether a predicted 10 % means 10 % (Brier, log loss, expected
 * calibration error, the reliability bins) and how each risk band's observed rate compares with what
 * it predicts and with the rate it showed on the model's own test slice.
 */
import { brier, logLoss } from '../../learning/metrics.js';
import type { RiskBand } from '../../risk-models/risk-model-bundle.js';
import type { Calibration } from '../report.types.js';
import { equalWidthBin } from './discrimination.js';
import { finiteOrNull } from './numbers.js';

export const RELIABILITY_BINS = 10;

/**
 * Reliability bins (10 equal-width bins on [0, 1], p = 1 in the last; empty bins omitted) and the
 * expected calibration error Σ_b (rows_b / n) · |observed_b − meanPredicted_b|; ECE is null on no rows.
 */
export function reliability(probability: ArrayLike<number>, labels: ArrayLike<number>, bins = RELIABILITY_BINS): { ece: number | null; bins: Calibration['reliability'] } {
  const rows = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const positives = new Float64Array(bins);
  for (let i = 0; i < probability.length; i++) {
    const b = equalWidthBin(probability[i]!, bins);
    rows[b]!++;
    predicted[b]! += probability[i]!;
    positives[b]! += labels[i] === 1 ? 1 : 0;
  }
  const out: Calibration['reliability'] = [];
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (rows[b] === 0) continue;
    const meanPredicted = predicted[b]! / rows[b]!;
    const observedRate = positives[b]! / rows[b]!;
    out.push({ binStart: b / bins, binEnd: (b + 1) / bins, rows: rows[b]!, meanPredicted, observedRate });
    ece += rows[b]! * Math.abs(observedRate - meanPredicted);
  }
  return { ece: probability.length === 0 ? null : ece / probability.length, bins: out };
}

export function expectedCalibrationError(probability: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  return reliability(probability, labels).ece;
}

/** Per band: rows whose probability falls in [min, max) (the last band includes 1), as bandOf assigns them. */
export function bandCalibration(probability: Float64Array, labels: Uint8Array, bands: readonly RiskBand[]): Calibration['bands'] {
  const rows = new Float64Array(bands.length);
  const predicted = new Float64Array(bands.length);
  const positives = new Float64Array(bands.length);
  for (let i = 0; i < probability.length; i++) {
    let b = bands.findIndex((band) => probability[i]! < band.maxProbability);
    if (b < 0) b = bands.length - 1;
    rows[b]!++;
    predicted[b]! += probability[i]!;
    positives[b]! += labels[i]!;
  }
  return bands.map((band, b) => ({
    band: band.name,
    minProbability: band.minProbability,
    maxProbability: band.maxProbability,
    rows: rows[b]!,
    meanPredicted: rows[b] === 0 ? null : predicted[b]! / rows[b]!,
    observedRate: rows[b] === 0 ? null : positives[b]! / rows[b]!,
    trainingObservedRate: band.observedRate,
  }));
}

export function calibration(probability: Float64Array, labels: Uint8Array, bands: readonly RiskBand[]): Calibration {
  const { ece, bins } = reliability(probability, labels);
  return {
    brier: finiteOrNull(brier(probability, labels)),
    logLoss: finiteOrNull(logLoss(probability, labels)),
    ece,
    reliability: bins,
    bands: bandCalibration(probability, labels, bands),
  };
}
