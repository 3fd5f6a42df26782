/**
 * Reports on the models that ship in models/ with their own evaluation.csv (the training pipeline's
 * test slice): the report re-scores those rows with the model, so its AUC, Brier, log loss and band
 * counts must be the ones training recorded in model.json on the same slice — two independent paths
 * (training's and the report's) to the same numbers.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModelReport } from '../../src/model-reports/build-report.js';
import { readEvaluationFile } from '../../src/model-reports/evaluation-csv.js';
import { readModelDirectory } from '../../src/risk-models/risk-model-bundle.js';
import { nonFiniteNumbers } from './report-support.js';

const MODELS = join(import.meta.dirname, '..', '..', 'models');
const CARD = { intendedUse: 'x', notIntendedFor: 'x', data: 'x', features: 'x', limitations: [], legalContext: 'x', reproduce: 'x' };

describe.each([
  { modelId: 'early-warning', segments: ['household_type', 'income_source', 'region'], notSupplied: ['age_band'] },
  { modelId: 'taiwan-credit-default', segments: ['age_band', 'education', 'marriage', 'sex'], notSupplied: ['household_type', 'income_source', 'region'] },
])('the report of models/$modelId on its evaluation.csv', ({ modelId, segments, notSupplied }) => {
  it('reproduces the test-slice figures training recorded, and fills stability and fairness', async () => {
    const dir = join(MODELS, modelId);
    const bundle = await readModelDirectory(dir);
    const evaluation = (await readEvaluationFile(dir, bundle.featureNames))!;
    expect(evaluation.ids).toHaveLength(bundle.metrics.rows.test);
    const report = buildModelReport({ bundle, version: null, evaluation, modelCard: CARD, resamples: 200 });

    expect(report.evaluation.rows).toBe(bundle.metrics.rows.test);
    expect(report.evaluation.positives).toBe(bundle.metrics.positives.test);
    expect(report.discrimination.auc).toBeCloseTo(bundle.metrics.testAuc, 12);
    expect(report.calibration.brier).toBeCloseTo(bundle.metrics.testBrier, 12);
    expect(report.calibration.logLoss).toBeCloseTo(bundle.metrics.testLogLoss, 12);
    // The bands were cut and counted on this slice: same rows, same observed rates.
    expect(report.calibration.bands.map((b) => b.rows)).toEqual(bundle.bands.map((b) => b.rows));
    report.calibration.bands.forEach((b) => {
      if (b.observedRate === null) expect(b.trainingObservedRate).toBeNull();
      else expect(b.observedRate).toBeCloseTo(b.trainingObservedRate!, 12);
    });
    expect(report.discrimination.aucInterval!.low).toBeLessThan(report.discrimination.auc!);
    expect(report.discrimination.aucInterval!.high).toBeGreaterThan(report.discrimination.auc!);

    const stability = report.stability!;
    expect(stability.score.psi).not.toBeNull();
    expect(stability.features).toHaveLength(bundle.featureNames.length);
    expect(stability.features.every((f) => f.psi !== null && f.bins.length > 0)).toBe(true);
    expect(stability.drift).toBe(stability.score.psi! > 0.25 || stability.features.some((f) => f.psi! > 0.25));

    expect(report.fairness.segments.map((s) => s.segment).sort()).toEqual([...segments].sort());
    expect(report.fairness.notSupplied).toEqual(notSupplied);
    expect(report.explanation.importance[0]!.meanAbsContribution).toBeGreaterThan(0);
    expect(nonFiniteNumbers(report)).toEqual([]);
  }, 120_000);
});
