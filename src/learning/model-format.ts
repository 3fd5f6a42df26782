/**
 * The serialised model: plain JSON, versioned, readable by `predictor.ts` alone (no training code).
 *
 * Trees store raw-value thresholds, not bin numbers, so serving needs no bin mapper:
 *   value <= threshold → left, value > threshold → right, NaN → left when missingGoesLeft.
 * Node arrays are parallel; a leaf has feature = -1 and its output in `value`.
 * `cover` is the training weight (hessian sum for boosting, row count for forests) that reached the
 * node; TreeSHAP needs it.
 */
export const MODEL_FORMAT = 'draagkracht-model';
export const MODEL_FORMAT_VERSION = 1;

export interface TreeJson {
  feature: number[];
  threshold: number[];
  missingGoesLeft: boolean[];
  left: number[];
  right: number[];
  value: number[];
  cover: number[];
}

/** Boosting sums leaf values in log-odds; a forest averages leaf probabilities. */
export interface TreeEnsembleJson {
  format: typeof MODEL_FORMAT;
  formatVersion: typeof MODEL_FORMAT_VERSION;
  kind: 'gradient-boosting' | 'random-forest';
  featureNames: string[];
  /** Boosting: the starting log-odds. Forest: 0. */
  baseScore: number;
  /** What the raw output (base + sum/mean of trees) and the SHAP contributions are in. */
  outputSpace: 'log-odds' | 'probability';
  trees: TreeJson[];
  /** Options the model was trained with, kept for the model card. */
  trainingOptions: Record<string, unknown>;
}

/** A weight-of-evidence bin of one feature: values in (lower, upper], or the missing values. */
export interface WoeBinJson {
  /** null = -Infinity */
  lower: number | null;
  /** null = +Infinity */
  upper: number | null;
  missing: boolean;
  count: number;
  events: number;
  woe: number;
}

export interface ScorecardJson {
  format: typeof MODEL_FORMAT;
  formatVersion: typeof MODEL_FORMAT_VERSION;
  kind: 'scorecard';
  featureNames: string[];
  intercept: number;
  /** One per feature, in featureNames order; log-odds = intercept + Σ coefficient × woe(bin). */
  coefficients: number[];
  bins: WoeBinJson[][];
  /** Information value per feature. */
  informationValue: number[];
  outputSpace: 'log-odds';
  trainingOptions: Record<string, unknown>;
}

export interface CalibrationJson {
  kind: 'isotonic' | 'platt' | 'none';
  /** Isotonic: ascending raw-probability knots and their calibrated values (linear in between). */
  x?: number[];
  y?: number[];
  /** Platt: p = 1 / (1 + exp(-(a × logit(raw) + b))). */
  a?: number;
  b?: number;
}

export type ModelJson = TreeEnsembleJson | ScorecardJson;

/** What serving needs from any model kind; `load-model.ts` turns JSON into one. */
export interface ModelPredictor {
  readonly featureNames: readonly string[];
  readonly outputSpace: 'log-odds' | 'probability';
  /** base + Σ contributions, in outputSpace. */
  predictRaw(row: ArrayLike<number>): number;
  predictProbability(row: ArrayLike<number>): number;
  /** Exact SHAP values (TreeSHAP for trees, coefficient × centred WoE for the scorecard): base + Σ values = predictRaw(row). */
  contributions(row: ArrayLike<number>): { base: number; values: Float64Array };
}
