/**
 * buildModelReport on the starter model (models/early-warning, 85 features, 49 trees) with evaluation
 * sets of known structure (report-support.ts): labels drawn from the model's own probabilities, so it
 * is calibrated on them by construction; a reference profile from a population drawn the same way, so
 * an unshifted window is stable and a window with one feature moved must show drift in that feature.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TreeEnsembleJson } from '../../src/learning/model-format.js';
import { auc, brier, logLoss } from '../../src/learning/metrics.js';
import { buildModelReport, EvaluationSetError, predictionsCsv, rowsUsed, scoreEvaluation, type BuildReportInput } from '../../src/model-reports/build-report.js';
import type { EvaluationSet } from '../../src/model-reports/evaluation-set.js';
import { PSI_ACT } from '../../src/model-reports/population-stability.js';
import type { ModelCardSection, ModelReport } from '../../src/model-reports/report.types.js';
import { readModelDirectory, type RiskModelBundle } from '../../src/risk-models/risk-model-bundle.js';
import { nonFiniteNumbers, referenceFrom, syntheticEvaluation } from './report-support.js';

const MODEL_DIR = join(import.meta.dirname, '..', '..', 'models', 'early-warning');

const CARD: ModelCardSection = {
  intendedUse: 'early help',
  notIntendedFor: 'automated refusal',
  data: 'synthetic',
  features: '85',
  limitations: ['synthetic rows'],
  legalContext: 'EU AI Act high-risk; GDPR art. 22: a human decides',
  reproduce: 'npm run model:starter',
};

const SEGMENTS = { household_type: ['single', 'couple', 'family'], income_source: ['salary', 'benefits'], 'creditor.portfolio': ['a', 'b'] };

function only<T extends Float64Array | Uint8Array>(array: T, keep: (i: number) => boolean): T {
  return array.filter((_, i) => keep(i)) as T;
}

let bundle: RiskModelBundle;
let evaluation: EvaluationSet;
let report: ModelReport;
let topFeature: number;

beforeAll(async () => {
  const plain = await readModelDirectory(MODEL_DIR);
  const train = syntheticEvaluation(plain, { rows: 1000, seed: 11 });
  const calibrationSet = syntheticEvaluation(plain, { rows: 1000, seed: 12 });
  bundle = { ...plain, reference: referenceFrom(plain, train, calibrationSet) };
  evaluation = syntheticEvaluation(bundle, { rows: 1200, seed: 13, segments: SEGMENTS, unknownOutcome: 0.1 });
  report = buildModelReport({ bundle, version: 3, evaluation, modelCard: CARD, resamples: 300 });
  topFeature = bundle.featureNames.indexOf(report.explanation.importance[0]!.feature);
}, 120_000);

describe('buildModelReport on the starter model', () => {
  it('fills every section, with no NaN or infinity anywhere', () => {
    expect(nonFiniteNumbers(report)).toEqual([]);
    expect(report.format).toBe('draagkracht-model-report');
    expect(report.model).toMatchObject({ modelId: 'early-warning', version: 3, learner: 'gradient-boosting', featureSet: 'bank-and-data-points', fingerprint: bundle.fingerprint });
    expect(report.evaluation).toMatchObject({ rows: 1200, rowsUsed: 1200, operatingThreshold: 0.15 });
    const d = report.discrimination;
    expect(d.auc).not.toBeNull();
    expect(d.aucInterval).toMatchObject({ level: 0.95, resamples: 300 });
    expect(d.gini).toBeCloseTo(2 * d.auc! - 1, 15);
    expect(d.roc.length).toBeLessThanOrEqual(200);
    expect(d.roc[0]).toMatchObject({ falsePositiveRate: 0, truePositiveRate: 0, threshold: null });
    expect(d.roc.at(-1)).toMatchObject({ falsePositiveRate: 1, truePositiveRate: 1 });
    expect(d.deciles).toHaveLength(10);
    expect(d.deciles.at(-1)!.cumulativeGain).toBe(1);
    expect(d.scoreDistribution).toHaveLength(20);
    expect(report.calibration.bands.map((b) => b.band)).toEqual(['very_low', 'low', 'medium', 'high', 'very_high']);
    expect(report.calibration.bands.map((b) => b.trainingObservedRate)).toEqual(bundle.bands.map((b) => b.observedRate));
    expect(report.decisions.map((c) => c.label)).toEqual(['operating', 'low', 'medium', 'high', 'very_high']);
    expect(report.stability!.features).toHaveLength(85);
    expect(report.explanation.importance).toHaveLength(85);
    expect(report.explanation.rowsExplained).toBe(1200);
    expect(report.explanation.dependence).toHaveLength(6);
    expect(report.explanation.dependence.map((x) => x.feature)).toEqual(report.explanation.importance.slice(0, 6).map((x) => x.feature));
    for (const dep of report.explanation.dependence) expect(dep.points.length).toBe(1000);
    expect(report.explanation.scorecard).toBeNull();
    expect(report.explanation.outputSpace).toBe('log-odds');
    expect(report.fairness.segments.map((s) => s.segment)).toEqual(['household_type', 'income_source', 'creditor.portfolio']);
    expect(report.fairness.notSupplied).toEqual(['age_band', 'region']);
    for (const s of report.fairness.segments) expect(s.statements.length).toBeGreaterThan(0);
    expect(report.comparison).toBeNull();
    expect(report.monitoring).toBeNull();
    expect(report.modelCard).toEqual(CARD);
    expect(report.charts).toEqual([]);
    expect(report.seed).toBe(1);
  });

  it('measures the rows with a known outcome with the same numbers as the learner library, on the probabilities scoreEvaluation gives', () => {
    const probability = scoreEvaluation(bundle, evaluation);
    const known = (i: number) => evaluation.outcomeKnown![i] === 1;
    const p = only(probability, known);
    const y = only(evaluation.labels, known);
    expect(p.length).toBeLessThan(1200);
    expect(report.evaluation.positives).toBe(y.reduce((a, b) => a + b, 0));
    expect(report.discrimination.auc).toBe(auc(p, y));
    expect(report.calibration.brier).toBe(brier(p, y));
    expect(report.calibration.logLoss).toBe(logLoss(p, y));
    expect(report.calibration.reliability.reduce((a, b) => a + b.rows, 0)).toBe(p.length);
    const operating = report.decisions[0]!;
    expect(operating.truePositives + operating.falsePositives + operating.trueNegatives + operating.falseNegatives).toBe(p.length);
    expect(report.fairness.segments[0]!.groups.reduce((a, g) => a + g.rows, 0)).toBeLessThanOrEqual(p.length);
  });

  it('finds the model calibrated and ranking better than chance on rows whose labels it generated', () => {
    const { discrimination, calibration } = report;
    expect(discrimination.aucInterval!.low).toBeGreaterThan(0.5);
    expect(discrimination.aucInterval!.low).toBeLessThanOrEqual(discrimination.auc!);
    expect(discrimination.aucInterval!.high).toBeGreaterThanOrEqual(discrimination.auc!);
    // Labels ~ Bernoulli(p): the only calibration error is sampling noise.
    expect(calibration.ece!).toBeLessThan(0.05);
    for (const bin of calibration.reliability.filter((b) => b.rows >= 200)) expect(Math.abs(bin.observedRate - bin.meanPredicted)).toBeLessThan(0.1);
    // Deciles by descending probability: the top decile's mean probability is the highest.
    expect(discrimination.deciles[0]!.meanProbability).toBeGreaterThanOrEqual(discrimination.deciles[9]!.meanProbability);
  });

  it('sees a window drawn like the reference as stable, and a shift in one feature as drift in that feature', () => {
    // Stability counts every row, outcome known or not: shares are multiples of 1/1200.
    for (const bin of report.stability!.score.bins) expect(bin.windowShare * 1200).toBeCloseTo(Math.round(bin.windowShare * 1200), 9);
    expect(report.stability!.score.bins.reduce((a, b) => a + Math.round(b.windowShare * 1200), 0)).toBe(1200);
    expect(report.stability!.drift).toBe(false);
    expect(report.stability!.score.psi!).toBeLessThan(0.1);
    for (const f of report.stability!.features) expect(f.psi!).toBeLessThan(PSI_ACT);
    const psis = report.stability!.features.map((f) => f.psi!);
    expect(psis).toEqual([...psis].sort((a, b) => b - a));

    const name = bundle.featureNames[topFeature]!;
    const values = bundle.reference!.features[name]!.edges;
    const shift = 3 * (values[values.length - 1]! - values[0]! || 1);
    const shifted = syntheticEvaluation(bundle, { rows: 1200, seed: 13, shift: { [topFeature]: shift } });
    const moved = buildModelReport({ bundle, version: 3, evaluation: shifted, modelCard: CARD, resamples: 0 });
    expect(moved.stability!.drift).toBe(true);
    expect(moved.stability!.features[0]!.feature).toBe(name);
    expect(moved.stability!.features[0]!.reading).toBe('shifted');
    expect(moved.stability!.features[0]!.characteristicShift).not.toBeNull();
    expect(moved.stability!.features[1]!.psi!).toBeLessThan(PSI_ACT);
    expect(moved.discrimination.aucInterval).toBeNull();
  });

  it('is the same for the same seed; another seed changes the samples, not the point estimates', () => {
    const input: BuildReportInput = { bundle, version: 3, evaluation, modelCard: CARD, resamples: 300 };
    expect(JSON.stringify(buildModelReport(input))).toBe(JSON.stringify(report));
    const other = buildModelReport({ ...input, seed: 2 });
    expect(other.discrimination.auc).toBe(report.discrimination.auc);
    expect(other.discrimination.aucInterval).not.toEqual(report.discrimination.aucInterval);
    expect(other.seed).toBe(2);
  });

  it('compares a challenger on the same rows, with a paired interval for the AUC difference', () => {
    const model = bundle.model as TreeEnsembleJson;
    // The first five trees of the same ensemble: a weaker model with the same features.
    const challenger: RiskModelBundle = { ...bundle, modelId: 'early-warning-5-trees', model: { ...model, trees: model.trees.slice(0, 5) } };
    const withChallenger = buildModelReport({ bundle, version: 3, evaluation, modelCard: CARD, resamples: 300, challenger: { bundle: challenger, version: 1 } });
    const c = withChallenger.comparison!;
    expect(c.champion).toMatchObject({ modelId: 'early-warning', version: 3, auc: report.discrimination.auc, brier: report.calibration.brier, ece: report.calibration.ece });
    expect(c.challenger.modelId).toBe('early-warning-5-trees');
    expect(c.rows).toBe(report.calibration.reliability.reduce((a, b) => a + b.rows, 0));
    expect(c.difference.auc).toBeCloseTo(c.challenger.auc! - c.champion.auc!, 15);
    expect(c.aucDifferenceInterval!.low).toBeLessThanOrEqual(c.difference.auc!);
    expect(c.aucDifferenceInterval!.high).toBeGreaterThanOrEqual(c.difference.auc!);
    // Against itself the difference is exactly zero on every resample.
    const self = buildModelReport({ bundle, version: 3, evaluation, modelCard: CARD, resamples: 100, challenger: { bundle, version: 3 } }).comparison!;
    expect(self.aucDifferenceInterval).toMatchObject({ low: 0, high: 0 });
    expect(self.difference).toEqual({ auc: 0, ks: 0, brier: 0, ece: 0 });
  });

  it('says when the evaluation set does not fit the model', () => {
    const swapped = { ...evaluation, featureNames: [...evaluation.featureNames].reverse() };
    expect(() => buildModelReport({ bundle, version: 3, evaluation: swapped, modelCard: CARD })).toThrow(EvaluationSetError);
    const short = { ...evaluation, labels: evaluation.labels.slice(1) };
    expect(() => buildModelReport({ bundle, version: 3, evaluation: short, modelCard: CARD })).toThrow(/labels for 1200 rows/);
  });

  it('uses rows without a known outcome for stability and explanation only', () => {
    const pending = { ...evaluation, outcomeKnown: new Uint8Array(evaluation.ids.length) };
    const r = buildModelReport({ bundle, version: 3, evaluation: pending, modelCard: CARD, resamples: 50 });
    expect(nonFiniteNumbers(r)).toEqual([]);
    expect(r.evaluation).toMatchObject({ rows: 1200, rowsUsed: 1200, positives: 0 });
    expect(r.discrimination).toMatchObject({ auc: null, aucInterval: null, gini: null, ks: null, roc: [], deciles: [] });
    expect(r.calibration).toMatchObject({ brier: null, logLoss: null, ece: null, reliability: [] });
    expect(r.decisions[0]).toMatchObject({ truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0, precision: null });
    expect(r.fairness.segments).toEqual([]);
    // The population is the same, so stability and the explanation are exactly the full report's.
    expect(r.stability!.score).toEqual(report.stability!.score);
    expect(r.stability!.features.map((f) => [f.feature, f.psi, f.characteristicShift])).toEqual(report.stability!.features.map((f) => [f.feature, f.psi, f.characteristicShift]));
    expect(r.stability!.features.every((f) => f.bins.every((b) => b.windowObservedRate === null))).toBe(true);
    expect(r.explanation).toEqual(report.explanation);
  });

  it('leaves stability null for a bundle without a reference profile', () => {
    const { reference: _reference, ...withoutReference } = bundle;
    const small = syntheticEvaluation(bundle, { rows: 300, seed: 14 });
    const r = buildModelReport({ bundle: withoutReference, version: null, evaluation: small, modelCard: CARD, resamples: 50, operatingThreshold: 0.3 });
    expect(r.stability).toBeNull();
    expect(r.evaluation.operatingThreshold).toBe(0.3);
    expect(r.fairness).toEqual({ segments: [], notSupplied: ['household_type', 'income_source', 'age_band', 'region'] });
    expect(nonFiniteNumbers(r)).toEqual([]);
  });
});

describe('predictions CSV (what scripts/model-report-reference.py --predictions reads)', () => {
  it('holds id,probability,label,outcomeKnown per row, probabilities read back exactly, no label where the outcome is unknown', () => {
    const probability = scoreEvaluation(bundle, evaluation);
    const lines = predictionsCsv(evaluation, probability).trimEnd().split('\n');
    expect(lines[0]).toBe('id,probability,label,outcomeKnown');
    expect(lines).toHaveLength(1201);
    lines.slice(1).forEach((line, i) => {
      const [id, p, label, known] = line.split(',');
      expect(id).toBe(evaluation.ids[i]);
      expect(Number(p)).toBe(probability[i]);
      expect(known).toBe(String(evaluation.outcomeKnown![i]));
      expect(label).toBe(known === '1' ? String(evaluation.labels[i]) : '');
    });
  });
});

describe('rows used', () => {
  it('all rows up to the maximum; beyond, a seeded ascending sample of exactly the maximum', () => {
    expect(rowsUsed(100, 1, 100)).toBeNull();
    const sample = rowsUsed(1000, 1, 300)!;
    expect(sample).toHaveLength(300);
    expect(new Set(sample).size).toBe(300);
    expect([...sample]).toEqual([...sample].sort((a, b) => a - b));
    expect(rowsUsed(1000, 1, 300)).toEqual(sample);
    expect(rowsUsed(1000, 2, 300)).not.toEqual(sample);
  });
});
