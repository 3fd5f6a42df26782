/**
 * The model report's JSON: everything a model-risk committee asks about one model version on one
 * evaluation window. The HTML page is rendered from exactly this object (and nothing else), so what
 * people read and what machines read cannot disagree. Every chart's Vega-Lite specification is in
 * `charts`, data inlined, so analysts can restyle it.
 *
 * Conventions: probabilities and rates are numbers in [0, 1]; a measure that is undefined on the data
 * (AUC with one class, a rate over zero rows) is null, never NaN (JSON has no NaN).
 */
import type { PsiReading } from './population-stability.js';
import type { RiskBandName, RiskLearner } from '../risk-models/risk-model-bundle.js';

export const MODEL_REPORT_FORMAT = 'draagkracht-model-report';
export const MODEL_REPORT_FORMAT_VERSION = 1;

export interface ConfidenceInterval {
  low: number;
  high: number;
  /** e.g. 0.95 */
  level: number;
  /** Bootstrap resamples (stratified by outcome, seeded). */
  resamples: number;
}

export interface Discrimination {
  auc: number | null;
  aucInterval: ConfidenceInterval | null;
  gini: number | null;
  giniInterval: ConfidenceInterval | null;
  ks: number | null;
  /** The probability at which KS is reached. */
  ksThreshold: number | null;
  /** At most ~200 points, thinned evenly along the curve, first (0,0) and last (1,1) kept. */
  roc: { falsePositiveRate: number; truePositiveRate: number; threshold: number | null }[];
  /** Deciles by descending probability: decile 1 is the riskiest 10 %. */
  deciles: {
    decile: number;
    rows: number;
    positives: number;
    minProbability: number;
    maxProbability: number;
    meanProbability: number;
    observedRate: number | null;
    /** observedRate / overall rate. */
    lift: number | null;
    /** Share of all positives in deciles 1..d. */
    cumulativeGain: number | null;
    cumulativeLift: number | null;
  }[];
  /** Histogram of probability by outcome, 20 equal-width bins on [0, 1]. */
  scoreDistribution: { binStart: number; binEnd: number; negatives: number; positives: number }[];
}

export interface Calibration {
  brier: number | null;
  logLoss: number | null;
  /** Expected calibration error: Σ (rows_b / n) · |observed_b − meanPredicted_b| over the reliability bins. */
  ece: number | null;
  /** Reliability bins: 10 equal-width bins on [0, 1] (empty bins omitted). */
  reliability: { binStart: number; binEnd: number; rows: number; meanPredicted: number; observedRate: number }[];
  bands: { band: RiskBandName; minProbability: number; maxProbability: number; rows: number; meanPredicted: number | null; observedRate: number | null; trainingObservedRate: number | null }[];
}

export interface ConfusionAt {
  /** Rows with probability ≥ threshold are flagged. */
  threshold: number;
  /** Why this threshold: 'operating' or the band it opens ('low', 'medium', ...). */
  label: string;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
  /** Share of rows flagged. */
  flaggedRate: number;
  precision: number | null;
  recall: number | null;
  falsePositiveRate: number | null;
  specificity: number | null;
}

export interface FeatureStability {
  feature: string;
  psi: number | null;
  reading: PsiReading | null;
  /** Characteristic analysis: Σ_bins (windowShare − referenceShare) × meanContribution, in outputSpace: how much this feature's shift moved the mean raw score. */
  characteristicShift: number | null;
  bins: { label: string; referenceShare: number; windowShare: number; referenceObservedRate: number | null; windowObservedRate: number | null; meanContribution: number | null }[];
}

export interface Stability {
  /** What the window is compared with (see ReferenceProfile). */
  reference: string;
  score: { psi: number | null; reading: PsiReading | null; bins: { label: string; referenceShare: number; windowShare: number }[] };
  /** Every feature, sorted by PSI descending. */
  features: FeatureStability[];
  /** True when the score's PSI or any feature's exceeds the drift threshold (0.25). */
  drift: boolean;
}

export interface Explanation {
  outputSpace: 'log-odds' | 'probability';
  /** Mean |contribution| per feature over the evaluation rows (sampled), descending. */
  importance: { feature: string; meanAbsContribution: number; share: number }[];
  /** Top features: (value, contribution) pairs, at most 1,000 points each (seeded sample). */
  dependence: { feature: string; points: { value: number | null; contribution: number }[] }[];
  /** Scorecards only: the WoE bins and information value per feature. */
  scorecard: { feature: string; informationValue: number; bins: { label: string; woe: number; points: number | null; rows: number | null; eventRate: number | null }[] }[] | null;
  rowsExplained: number;
}

export interface SegmentMetrics {
  segment: string;
  value: string;
  rows: number;
  positives: number;
  meanPredicted: number;
  observedRate: number | null;
  auc: number | null;
  brier: number | null;
  ece: number | null;
  /** At the operating threshold. */
  flaggedRate: number;
  falsePositiveRate: number | null;
  truePositiveRate: number | null;
}

export interface Fairness {
  /** Per segment (household_type, income_source, age_band, region, ...): one entry per value with ≥ 1 row. */
  segments: {
    segment: string;
    groups: SegmentMetrics[];
    /** Largest minus smallest over groups with ≥ MIN_SEGMENT_ROWS rows (null when fewer than two such groups). */
    gaps: { auc: number | null; flaggedRate: number | null; falsePositiveRate: number | null; truePositiveRate: number | null; calibrationGap: number | null };
    /** Plain sentences stating the largest gaps. */
    statements: string[];
  }[];
  /** Segments the evaluation set did not supply (e.g. age_band without creditor data). */
  notSupplied: string[];
}

export interface ModelComparison {
  champion: { modelId: string; version: number | null; auc: number | null; gini: number | null; ks: number | null; brier: number | null; ece: number | null; logLoss: number | null };
  challenger: { modelId: string; version: number | null; auc: number | null; gini: number | null; ks: number | null; brier: number | null; ece: number | null; logLoss: number | null };
  /** Same window for both; differences challenger − champion. */
  difference: { auc: number | null; ks: number | null; brier: number | null; ece: number | null };
  /** Bootstrap CI of the AUC difference on paired resamples. */
  aucDifferenceInterval: ConfidenceInterval | null;
  rows: number;
}

/** One monitoring run's reading of one model version over one window (see src/model-monitoring). */
export interface MonitoringPoint {
  computedAt: string;
  windowFrom: string;
  windowTo: string;
  /** Scores in the window (each debtor's latest score in it). */
  rows: number;
  scorePsi: number | null;
  maxFeaturePsi: number | null;
  /** Feature with the largest PSI. */
  maxFeature: string | null;
  /** Scores whose outcome window has passed; AUC, Brier and ECE are computed on these only. */
  rowsWithOutcome: number;
  auc: number | null;
  brier: number | null;
  ece: number | null;
  drift: boolean;
}

export interface MonitoringSummary {
  /** Latest monitoring point for this model version, if any. */
  latest: MonitoringPoint | null;
  drift: boolean;
  /** The time series, oldest first (the report's monitoring chart); absent when not asked for. */
  points?: MonitoringPoint[];
}

export interface ModelCardSection {
  intendedUse: string;
  notIntendedFor: string;
  data: string;
  features: string;
  limitations: string[];
  legalContext: string;
  reproduce: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** Vega-Lite v6 specification with its data inlined. */
  spec: Record<string, unknown>;
}

export interface ModelReport {
  format: typeof MODEL_REPORT_FORMAT;
  formatVersion: typeof MODEL_REPORT_FORMAT_VERSION;
  model: {
    modelId: string;
    version: number | null;
    learner: RiskLearner;
    featureSet: string;
    catalogueVersion: string | null;
    horizonDays: number;
    fingerprint: string;
    codeVersion: string;
    trainingWindow: { from: string | null; to: string | null };
    trainingMetrics: Record<string, unknown>;
  };
  evaluation: {
    description: string;
    window: { from: string | null; to: string | null };
    rows: number;
    positives: number;
    /** Rows scored when the set was larger than MAX_EVALUATION_ROWS (a seeded sample), else equal to rows. */
    rowsUsed: number;
    operatingThreshold: number;
  };
  discrimination: Discrimination;
  calibration: Calibration;
  decisions: ConfusionAt[];
  stability: Stability | null;
  explanation: Explanation;
  fairness: Fairness;
  comparison: ModelComparison | null;
  monitoring: MonitoringSummary | null;
  modelCard: ModelCardSection;
  charts: ChartSpec[];
  /** Seed of the bootstrap and samples, so the report reproduces. */
  seed: number;
}
