/**
 * A loaded risk model: turns one feature row into a calibrated probability, its band and its reasons.
 *
 * The reasons are the model's exact contributions (TreeSHAP for trees, coefficient × centred weight of
 * evidence for the scorecard): base + Σ contributions equals the raw output, so the reasons given to a
 * debtor are the whole story of the score, not an approximation of it. The raw output is log-odds for
 * boosting and the scorecard and a probability for a random forest (its trees average probabilities);
 * `outputSpace` says which, and a client must not add forest contributions as log-odds.
 */
import { applyCalibration } from '../learning/calibration.js';
import { loadModel } from '../learning/load-model.js';
import type { ModelJson, ModelPredictor } from '../learning/model-format.js';
import { ScorecardFormatError } from '../learning/scorecard.js';
import { bandOf, ModelBundleError, parseRiskModelBundle, type RiskBand, type RiskModelBundle } from './risk-model-bundle.js';

export interface ScoreReason {
  feature: string;
  /** The feature's value in the row; null when missing. */
  value: number | null;
  /** Its share of the raw output, in outputSpace; positive raises the risk. */
  contribution: number;
}

export interface RiskScore {
  /** Calibrated probability of arrears within the horizon. */
  probability: number;
  /** The model's own probability before calibration. */
  rawProbability: number;
  /** The raw model output in outputSpace (log-odds for boosting and the scorecard; a probability for a forest): base + Σ contributions. */
  logOdds: number;
  outputSpace: 'log-odds' | 'probability';
  /** The model's expected raw output over its training data, in outputSpace. */
  base: number;
  /** One per feature, in bundle.featureNames order. */
  contributions: Float64Array;
  /** The largest contributions by absolute size, largest first. */
  reasons: ScoreReason[];
  band: RiskBand['name'];
}

export const DEFAULT_TOP_REASONS = 5;

export class RiskModel {
  private constructor(
    readonly bundle: RiskModelBundle,
    private readonly predictor: ModelPredictor,
  ) {}

  /** Validates the bundle (and, through loadModel, its trees or scorecard) before anything is scored with it. */
  static fromBundle(bundle: RiskModelBundle): RiskModel {
    const checked = parseRiskModelBundle(bundle);
    return new RiskModel(checked, predictorOf(checked.model));
  }

  get featureNames(): readonly string[] {
    return this.bundle.featureNames;
  }

  score(row: Float64Array, options: { topReasons?: number } = {}): RiskScore {
    this.checkRow(row);
    const { base, values } = this.predictor.contributions(row);
    const logOdds = this.predictor.predictRaw(row);
    const rawProbability = this.predictor.predictProbability(row);
    const probability = applyCalibration(this.bundle.calibration, rawProbability);
    return {
      probability,
      rawProbability,
      logOdds,
      outputSpace: this.predictor.outputSpace,
      base,
      contributions: values,
      reasons: topReasons(this.bundle.featureNames, row, values, options.topReasons ?? DEFAULT_TOP_REASONS),
      band: bandOf(this.bundle.bands, probability).name,
    };
  }

  /** Calibrated probabilities for many rows held column by column (bundle.featureNames order). */
  scoreColumns(columns: Float64Array[]): Float64Array {
    if (columns.length !== this.bundle.featureNames.length) throw new RangeError(`${columns.length} columns for ${this.bundle.featureNames.length} features`);
    const rows = columns[0]?.length ?? 0;
    for (const column of columns) if (column.length !== rows) throw new RangeError('columns differ in length');
    const row = new Float64Array(columns.length);
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      for (let f = 0; f < columns.length; f++) row[f] = columns[f]![i]!;
      out[i] = applyCalibration(this.bundle.calibration, this.predictor.predictProbability(row));
    }
    return out;
  }

  private checkRow(row: Float64Array): void {
    if (row.length !== this.bundle.featureNames.length) throw new RangeError(`a row of ${row.length} values for ${this.bundle.featureNames.length} features`);
  }
}

/**
 * The predictor of any model kind. The engine's loadModel reads tree ensembles; a scorecard is read by
 * its own module (validated first, as loadModel validates trees). When loadModel learns scorecards
 * this becomes a plain loadModel call.
 */
export function predictorOf(model: ModelJson): ModelPredictor {
  try {
    return loadModel(model);
  } catch (error) {
    if (error instanceof ScorecardFormatError) throw new ModelBundleError(`model: ${error.message}`);
    throw error;
  }
}

/** Ties in size keep feature order, so the same row always gives the same reasons. */
function topReasons(names: readonly string[], row: Float64Array, values: Float64Array, count: number): ScoreReason[] {
  const order = Array.from(values.keys()).sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!) || a - b);
  return order.slice(0, Math.max(0, count)).map((f) => ({ feature: names[f]!, value: Number.isNaN(row[f]!) ? null : row[f]!, contribution: values[f]! }));
}
