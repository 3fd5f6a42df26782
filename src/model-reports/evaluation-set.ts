/**
 * What a model report is computed from.
 *
 * EvaluationSet: rows the model did not learn from (by default the training pipeline's test slice),
 * with their outcome and the segments they belong to. Stored beside the model: `evaluation.csv` in a
 * model directory, a table row per registry version. Probabilities are not stored: the report scores
 * the rows with the model itself, so a report can never describe a different model than the one served.
 *
 * ReferenceProfile: the population the model was built on, summarised so that stability can be
 * measured later without keeping the training rows: per feature the decile bins of the training slice
 * with counts, arrears counts and the mean contribution of each bin (for characteristic analysis),
 * and the score's bins on the calibration slice. The score's reference is the calibration slice
 * because training rows are scored in sample, where a boosted model is sharper than on any new
 * population: measured against them, every window would look shifted.
 *
 * EVALUATION_CSV layout: `id,asOf,label,segment.<name>...,<feature>...` (features in the bundle's
 * order, empty cell = missing, segment cells empty when unknown).
 */
import type { IsoDate } from '../platform/dates.js';
import type { BinnedDistribution } from './population-stability.js';

export const EVALUATION_FILE = 'evaluation.csv';
/** Segment columns carry this prefix in evaluation and outcome CSVs. */
export const SEGMENT_PREFIX = 'segment.';
/** The segments a report knows by name (any other segment.<name> column is reported too). */
export const KNOWN_SEGMENTS = ['household_type', 'income_source', 'age_band', 'region'] as const;
/** The report scores and explains at most this many rows (a seeded sample beyond; the report says so). */
export const MAX_EVALUATION_ROWS = 50_000;

export interface EvaluationSet {
  /** Which rows these are, in words (e.g. "test slice: latest 15 % of as-of dates"). */
  description: string;
  window: { from: IsoDate | null; to: IsoDate | null };
  ids: string[];
  asOf: (IsoDate | null)[];
  /** Same names and order as the model's. */
  featureNames: string[];
  columns: Float64Array[];
  /** 0/1 outcome; meaningless where outcomeKnown says 0. */
  labels: Uint8Array;
  /**
   * 1 where the outcome window has passed and the label is known; null when every label is known.
   * Rows from a recent scoring window have features (so stability can be measured) before they have
   * outcomes; discrimination and calibration use only rows with a known outcome.
   */
  outcomeKnown: Uint8Array | null;
  /** segment name (without prefix) → value per row, null when unknown. */
  segments: Record<string, (string | null)[]>;
}

export interface FeatureReference extends BinnedDistribution {
  /** Arrears (label 1) per bin, same bins as counts. */
  positives: number[];
  /** Mean contribution (SHAP, in the model's output space) of the sampled training rows in each bin; null for an empty bin. */
  meanContribution: (number | null)[];
}

export interface ReferenceProfile {
  /** Rows of the slices summarised. */
  rows: { features: number; score: number };
  /** Which slices: 'train' for features, 'calibration' for the score (see above). */
  slices: { features: 'train'; score: 'calibration' };
  /** Calibrated probability, binned on the calibration slice. */
  score: BinnedDistribution;
  /** Per feature name, in the bundle's featureNames order. */
  features: Record<string, FeatureReference>;
  /** Training rows sampled (seeded) for the mean contributions. */
  contributionSampleRows: number;
}
