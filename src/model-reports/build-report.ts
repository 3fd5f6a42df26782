/**
 * Builds a model report (report.types.ts) from a model bundle and an evaluation set: every section
 * but the charts (the caller adds chart specifications drawn from these numbers) and the model card
 * (given). Pure computation: no database, no HTTP, no clock, no Math.random — the same bundle, set
 * and seed give the same report, number for number.
 *
 * Which rows count where:
 * - the set is first cut to MAX_EVALUATION_ROWS by a seeded sample when larger (rowsUsed says so);
 * - discrimination, calibration, decisions, fairness and the comparison use the rows whose outcome
 *   is known (evaluation.outcomeKnown); rows still inside their outcome window have no label yet;
 * - stability and the explanation use every row: a population can be compared and explained before
 *   its outcomes are in.
 */
import { brier, logLoss } from '../learning/metrics.js';
import { deriveSeed, SeededRandom } from '../learning/seeded-random.js';
import { RiskModel } from '../risk-models/risk-model.js';
import type { RiskModelBundle } from '../risk-models/risk-model-bundle.js';
import { MAX_EVALUATION_ROWS, type EvaluationSet } from './evaluation-set.js';
import { calibration, expectedCalibrationError } from './metrics/calibration.js';
import { decisions } from './metrics/decisions.js';
import { discrimination } from './metrics/discrimination.js';
import { explanation } from './metrics/explanation.js';
import { fairness } from './metrics/fairness.js';
import { finiteOrNull } from './metrics/numbers.js';
import { bootstrapAucs, rankedAuc, rankedKs, rankScores } from './metrics/ranking.js';
import { stability } from './metrics/stability.js';
import {
  MODEL_REPORT_FORMAT,
  MODEL_REPORT_FORMAT_VERSION,
  type ModelCardSection,
  type ModelComparison,
  type ModelReport,
  type MonitoringSummary,
} from './report.types.js';

export const DEFAULT_REPORT_SEED = 1;
export const DEFAULT_RESAMPLES = 1_000;

export interface BuildReportInput {
  /** Scored through RiskModel.fromBundle, so the report describes exactly what is served. */
  bundle: RiskModelBundle;
  version: number | null;
  evaluation: EvaluationSet;
  modelCard: ModelCardSection;
  challenger?: { bundle: RiskModelBundle; version: number | null } | null;
  monitoring?: MonitoringSummary | null;
  /** Default: the lower edge of the bundle's 'high' band. */
  operatingThreshold?: number;
  /** Default 1. */
  seed?: number;
  /** Bootstrap resamples, default 1,000. */
  resamples?: number;
}

export class EvaluationSetError extends RangeError {
  override name = 'EvaluationSetError';
}

/** Independent seeded streams, one per use, so changing one part (e.g. resamples) leaves the others as they were. */
const STREAM = { rows: 0, bootstrap: 1, explanation: 2, comparison: 3 } as const;

/** Checks that the set fits the model and its arrays agree in length. */
export function checkEvaluationFits(bundle: RiskModelBundle, evaluation: EvaluationSet): void {
  const n = evaluation.ids.length;
  const names = evaluation.featureNames;
  if (names.length !== bundle.featureNames.length || names.some((name, f) => name !== bundle.featureNames[f])) {
    const missing = bundle.featureNames.filter((name) => !names.includes(name));
    throw new EvaluationSetError(`the evaluation set's features differ from model ${bundle.modelId}'s${missing.length > 0 ? ` (missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})` : ' (order)'}`);
  }
  if (evaluation.columns.length !== names.length) throw new EvaluationSetError(`${evaluation.columns.length} columns for ${names.length} features`);
  evaluation.columns.forEach((column, f) => {
    if (column.length !== n) throw new EvaluationSetError(`column ${names[f]} has ${column.length} values for ${n} rows`);
  });
  if (evaluation.labels.length !== n) throw new EvaluationSetError(`${evaluation.labels.length} labels for ${n} rows`);
  if (evaluation.asOf.length !== n) throw new EvaluationSetError(`${evaluation.asOf.length} as-of dates for ${n} rows`);
  if (evaluation.outcomeKnown && evaluation.outcomeKnown.length !== n) throw new EvaluationSetError(`${evaluation.outcomeKnown.length} outcome flags for ${n} rows`);
  for (const [segment, values] of Object.entries(evaluation.segments)) {
    if (values.length !== n) throw new EvaluationSetError(`segment ${segment} has ${values.length} values for ${n} rows`);
  }
  for (let i = 0; i < n; i++) {
    const known = evaluation.outcomeKnown ? evaluation.outcomeKnown[i] === 1 : true;
    if (known && evaluation.labels[i] !== 0 && evaluation.labels[i] !== 1) throw new EvaluationSetError(`label ${i} is ${evaluation.labels[i]}, not 0 or 1`);
  }
}

/**
 * Calibrated probabilities of every row of the set, in its order: what the report scores. Above
 * MAX_EVALUATION_ROWS the report uses only the rows rowsUsed picks, so a check of its figures from
 * these probabilities must take the same rows.
 */
export function scoreEvaluation(bundle: RiskModelBundle, evaluation: EvaluationSet): Float64Array {
  checkEvaluationFits(bundle, evaluation);
  return RiskModel.fromBundle(bundle).scoreColumns(evaluation.columns);
}

/** Rows the report uses: all, or a seeded sample of MAX_EVALUATION_ROWS (ascending, so the set's order is kept). */
export function rowsUsed(rows: number, seed: number, max = MAX_EVALUATION_ROWS): Int32Array | null {
  if (rows <= max) return null;
  return new SeededRandom(deriveSeed(seed, STREAM.rows)).sampleWithoutReplacement(rows, max);
}

function take<T extends Float64Array | Uint8Array>(array: T, rows: Int32Array | null): T {
  if (!rows) return array;
  const out = new (array.constructor as new (n: number) => T)(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = array[rows[k]!]!;
  return out;
}

function takeList<T>(list: readonly T[], rows: Int32Array | null): T[] {
  return rows ? Array.from(rows, (i) => list[i]!) : [...list];
}

/** Which of the (used) rows have a known outcome. */
function knownRows(outcomeKnown: Uint8Array | null, n: number): Int32Array | null {
  if (!outcomeKnown) return null;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (outcomeKnown[i] === 1) out.push(i);
  return out.length === n ? null : Int32Array.from(out);
}

function operatingThresholdOf(bundle: RiskModelBundle, given: number | undefined): number {
  if (given !== undefined) {
    if (!(given >= 0 && given <= 1)) throw new RangeError(`operating threshold ${given} is not a probability`);
    return given;
  }
  const high = bundle.bands.find((band) => band.name === 'high');
  if (!high) throw new RangeError(`model ${bundle.modelId} has no 'high' band to take the operating threshold from`);
  return high.minProbability;
}

function headline(bundle: RiskModelBundle, version: number | null, probability: Float64Array, labels: Uint8Array) {
  const ranked = rankScores(probability, labels);
  const auc = finiteOrNull(rankedAuc(ranked));
  return {
    ranked,
    summary: {
      modelId: bundle.modelId,
      version,
      auc,
      gini: auc === null ? null : 2 * auc - 1,
      ks: rankedKs(ranked)?.ks ?? null,
      brier: probability.length === 0 ? null : finiteOrNull(brier(probability, labels)),
      ece: expectedCalibrationError(probability, labels),
      logLoss: probability.length === 0 ? null : finiteOrNull(logLoss(probability, labels)),
    },
  };
}

const difference = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : b - a);

function comparison(
  champion: { bundle: RiskModelBundle; version: number | null; probability: Float64Array },
  challenger: { bundle: RiskModelBundle; version: number | null; probability: Float64Array },
  labels: Uint8Array,
  options: { seed: number; resamples: number },
): ModelComparison {
  const a = headline(champion.bundle, champion.version, champion.probability, labels);
  const b = headline(challenger.bundle, challenger.version, challenger.probability, labels);
  const paired = a.summary.auc === null || b.summary.auc === null ? null : bootstrapAucs([a.ranked, b.ranked], labels, options).difference;
  return {
    champion: a.summary,
    challenger: b.summary,
    difference: {
      auc: difference(a.summary.auc, b.summary.auc),
      ks: difference(a.summary.ks, b.summary.ks),
      brier: difference(a.summary.brier, b.summary.brier),
      ece: difference(a.summary.ece, b.summary.ece),
    },
    aucDifferenceInterval: paired,
    rows: labels.length,
  };
}

export function buildModelReport(input: BuildReportInput): ModelReport {
  const { bundle, evaluation } = input;
  const seed = input.seed ?? DEFAULT_REPORT_SEED;
  const resamples = input.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 0) throw new RangeError(`resamples must be a non-negative integer, got ${resamples}`);
  checkEvaluationFits(bundle, evaluation);
  const model = RiskModel.fromBundle(bundle);
  const threshold = operatingThresholdOf(bundle, input.operatingThreshold);
  const totalRows = evaluation.ids.length;

  // The rows used (all, or a seeded sample), then within them the rows with a known outcome.
  const used = rowsUsed(totalRows, seed);
  const columns = evaluation.columns.map((c) => take(c, used));
  const labelsUsed = take(evaluation.labels, used);
  const outcomeKnownUsed = evaluation.outcomeKnown ? take(evaluation.outcomeKnown, used) : null;
  const probabilityUsed = model.scoreColumns(columns);
  const n = probabilityUsed.length;
  const known = knownRows(outcomeKnownUsed, n);
  const probability = take(probabilityUsed, known);
  const labels = take(labelsUsed, known);
  const segments = Object.fromEntries(Object.entries(evaluation.segments).map(([name, values]) => [name, takeList(takeList(values, used), known)]));

  let positives = 0;
  for (let i = 0; i < totalRows; i++) if (!evaluation.outcomeKnown || evaluation.outcomeKnown[i] === 1) positives += evaluation.labels[i]!;

  const discriminationResult = discrimination(probability, labels, { seed: deriveSeed(seed, STREAM.bootstrap), resamples });

  let comparisonSection: ModelComparison | null = null;
  if (input.challenger) {
    checkEvaluationFits(input.challenger.bundle, evaluation);
    const challengerProbability = take(RiskModel.fromBundle(input.challenger.bundle).scoreColumns(columns), known);
    comparisonSection = comparison(
      { bundle, version: input.version, probability },
      { bundle: input.challenger.bundle, version: input.challenger.version, probability: challengerProbability },
      labels,
      { seed: deriveSeed(seed, STREAM.comparison), resamples },
    );
  }

  return {
    format: MODEL_REPORT_FORMAT,
    formatVersion: MODEL_REPORT_FORMAT_VERSION,
    model: {
      modelId: bundle.modelId,
      version: input.version,
      learner: bundle.learner,
      featureSet: bundle.featureSet,
      catalogueVersion: bundle.catalogueVersion,
      horizonDays: bundle.horizonDays,
      fingerprint: bundle.fingerprint,
      codeVersion: bundle.codeVersion,
      trainingWindow: { from: bundle.window.from, to: bundle.window.to },
      trainingMetrics: { ...bundle.metrics },
    },
    evaluation: {
      description: evaluation.description,
      window: { from: evaluation.window.from, to: evaluation.window.to },
      rows: totalRows,
      positives,
      rowsUsed: n,
      operatingThreshold: threshold,
    },
    discrimination: discriminationResult.section,
    calibration: calibration(probability, labels, bundle.bands),
    decisions: decisions(probability, labels, threshold, bundle.bands),
    stability: stability(bundle.reference, bundle.featureNames, columns, probabilityUsed, labelsUsed, outcomeKnownUsed),
    explanation: explanation(model, columns, { seed: deriveSeed(seed, STREAM.explanation) }),
    fairness: fairness(segments, probability, labels, threshold),
    comparison: comparisonSection,
    monitoring: input.monitoring ?? null,
    modelCard: input.modelCard,
    charts: [],
    seed,
  };
}

/** Header of the predictions CSV that scripts/model-report-reference.py reads (its mode 2); keep it exactly so. */
export const PREDICTIONS_CSV_HEADER = 'id,probability,label,outcomeKnown';

/**
 * The probabilities a report used, one row per evaluation row, for checking the report's figures with
 * another implementation: `id,probability,label,outcomeKnown`; probabilities written in full (the
 * shortest text that reads back as the same double), label empty when the outcome is not known.
 */
export function predictionsCsv(evaluation: EvaluationSet, probability: Float64Array): string {
  if (probability.length !== evaluation.ids.length) throw new RangeError(`${probability.length} probabilities for ${evaluation.ids.length} rows`);
  const lines = [PREDICTIONS_CSV_HEADER];
  for (let i = 0; i < probability.length; i++) {
    const known = !evaluation.outcomeKnown || evaluation.outcomeKnown[i] === 1;
    lines.push(`${csvCell(evaluation.ids[i]!)},${String(probability[i]!)},${known ? evaluation.labels[i]! : ''},${known ? 1 : 0}`);
  }
  return `${lines.join('\n')}\n`;
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
