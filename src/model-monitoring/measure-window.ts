/**
 * What one monitoring window says about a model version: the pure computation, no database or clock.
 *
 * Stability: PSI of the stored score and of every feature against the bundle's reference profile (the
 * training population; the score's reference is the calibration slice, see evaluation-set.ts), binned
 * by population-stability.ts only, the module the model report uses, so a window and the report's
 * stability section bin exactly alike and can never disagree about what "drift" means.
 *
 * Performance: on the rows whose outcome has matured, AUC, Brier and ECE by the report's own metric
 * functions (the ranking AUC of metrics/ranking.ts and the calibration section of
 * metrics/calibration.ts), so a monitored AUC is the report's AUC on those rows, number for number.
 *
 * Drift: the score's PSI or any feature's PSI above the threshold (by default PSI_ACT, 0.25, the
 * report's own "shifted" reading).
 */
import type { ReferenceProfile } from '../model-reports/evaluation-set.js';
import { calibration } from '../model-reports/metrics/calibration.js';
import { finiteOrNull } from '../model-reports/metrics/numbers.js';
import { rankedAuc, rankScores } from '../model-reports/metrics/ranking.js';
import { binCounts, psiFromCounts, type BinnedDistribution } from '../model-reports/population-stability.js';
import type { RiskBand } from '../risk-models/risk-model-bundle.js';

/**
 * Fewer scores than this give no PSI. With B bins, a window of n rows drawn from the reference itself
 * has an expected PSI of about (B − 1) / n from sampling alone: with the ten decile bins (plus the
 * missing bin) that is 0.05 at 200 rows, a fifth of the 0.25 drift threshold, so that chance alone
 * seldom flags one of some 36–85 features. Below it, a flag would say more about the count than about
 * the population.
 */
export const MIN_STABILITY_ROWS = 200;
/**
 * Fewer matured rows than this give no AUC, Brier or ECE: at an arrears rate of about 7 %, 100 rows
 * hold some seven positives, already the least a Brier score or reliability bin means anything on.
 */
export const MIN_OUTCOME_ROWS = 100;
/** AUC also needs this many rows of each outcome: with fewer positives one debtor moves it by more than 0.05. */
export const MIN_OUTCOME_CLASS_ROWS = 10;

export interface WindowRows {
  /** The stored (calibrated) probability of each row. */
  probability: Float64Array;
  /** One column per feature of the model, in its featureNames order; NaN = missing. */
  columns: readonly Float64Array[];
  /** 1 where the row's outcome window has passed, so its label is known. */
  matured: Uint8Array;
  /** 0/1 outcome; meaningless where matured is 0. */
  labels: Uint8Array;
}

export interface WindowModel {
  featureNames: readonly string[];
  /** The training population in summary; a bundle without one gives no PSI at all. */
  reference?: ReferenceProfile | undefined;
  bands: readonly RiskBand[];
}

export interface WindowMeasurement {
  rows: number;
  scorePsi: number | null;
  /** Every feature of the model, in its order; null where no PSI could be computed. */
  featurePsi: Record<string, number | null>;
  maxFeaturePsi: number | null;
  maxFeature: string | null;
  rowsWithOutcome: number;
  auc: number | null;
  brier: number | null;
  ece: number | null;
  drift: boolean;
}

function windowPsi(reference: BinnedDistribution | undefined, values: ArrayLike<number>): number | null {
  if (!reference || reference.counts.length !== reference.edges.length + 2) return null;
  return finiteOrNull(psiFromCounts(reference.counts, binCounts(reference.edges, values)));
}

export function measureWindow(model: WindowModel, rows: WindowRows, driftPsi: number): WindowMeasurement {
  const n = rows.probability.length;
  if (rows.columns.length !== model.featureNames.length) throw new RangeError(`${rows.columns.length} columns for ${model.featureNames.length} features`);
  for (const column of rows.columns) if (column.length !== n) throw new RangeError('a feature column differs in length from the scores');
  if (rows.matured.length !== n || rows.labels.length !== n) throw new RangeError('outcome arrays differ in length from the scores');

  const enough = n >= MIN_STABILITY_ROWS && model.reference !== undefined;
  const scorePsi = enough ? windowPsi(model.reference!.score, rows.probability) : null;
  const featurePsi: Record<string, number | null> = {};
  let maxFeaturePsi: number | null = null;
  let maxFeature: string | null = null;
  model.featureNames.forEach((name, f) => {
    const value = enough ? windowPsi(model.reference!.features[name], rows.columns[f]!) : null;
    featurePsi[name] = value;
    // Ties keep the first feature in the model's order, so the same window always names the same one.
    if (value !== null && (maxFeaturePsi === null || value > maxFeaturePsi)) {
      maxFeaturePsi = value;
      maxFeature = name;
    }
  });

  const matured: number[] = [];
  for (let i = 0; i < n; i++) if (rows.matured[i] === 1) matured.push(i);
  let auc: number | null = null;
  let brier: number | null = null;
  let ece: number | null = null;
  if (matured.length >= MIN_OUTCOME_ROWS) {
    const probability = Float64Array.from(matured, (i) => rows.probability[i]!);
    const labels = Uint8Array.from(matured, (i) => rows.labels[i]!);
    const positives = labels.reduce((a, b) => a + b, 0);
    if (positives >= MIN_OUTCOME_CLASS_ROWS && labels.length - positives >= MIN_OUTCOME_CLASS_ROWS) auc = finiteOrNull(rankedAuc(rankScores(probability, labels)));
    const calibrated = calibration(probability, labels, model.bands);
    brier = calibrated.brier;
    ece = calibrated.ece;
  }

  const drift = (scorePsi ?? 0) > driftPsi || (maxFeaturePsi ?? 0) > driftPsi;
  return { rows: n, scorePsi, featurePsi, maxFeaturePsi, maxFeature, rowsWithOutcome: matured.length, auc, brier, ece, drift };
}
