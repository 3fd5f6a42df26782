/**
 * The report of a scorecard (trained on the Taiwan credit-card data, test/fixtures/credit/taiwan):
 * the explanation carries the WoE/IV table, read from the model itself, and the importance agrees with
 * what the scorecard's own contributions (coefficient × centred WoE) give row by row.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScorecardJson } from '../../src/learning/model-format.js';
import { ScorecardPredictor } from '../../src/learning/scorecard.js';
import { buildModelReport, rowsUsed } from '../../src/model-reports/build-report.js';
import { MAX_EVALUATION_ROWS, type EvaluationSet } from '../../src/model-reports/evaluation-set.js';
import type { ModelReport } from '../../src/model-reports/report.types.js';
import type { RiskModelBundle } from '../../src/risk-models/risk-model-bundle.js';
import { trainRiskModel } from '../../src/risk-models/training-pipeline.js';
import { loadTaiwan } from '../learning/taiwan-data.js';

const CARD = { intendedUse: 'x', notIntendedFor: 'x', data: 'x', features: 'x', limitations: [], legalContext: 'x', reproduce: 'x' };

let bundle: RiskModelBundle;
let evaluation: EvaluationSet;
let report: ModelReport;

beforeAll(async () => {
  const { train, holdout } = loadTaiwan();
  // Every fourth training row keeps the scorecard quick to fit; the hold-out is the evaluation set.
  const rows = Array.from({ length: Math.floor(train.rowCount / 4) }, (_, i) => i * 4);
  const dataset = { ...train, rowCount: rows.length, columns: train.columns.map((c) => Float64Array.from(rows, (i) => c[i]!)), labels: Uint8Array.from(rows, (i) => train.labels[i]!) };
  ({ bundle } = await trainRiskModel(
    { ids: rows.map((i) => `taiwan-${i}`), asOf: rows.map(() => null), dataset, oracle: null, featureSet: 'table', catalogueVersion: null, segments: {} },
    { modelId: 'taiwan-scorecard', learner: 'scorecard' },
  ));
  const n = 3000;
  evaluation = {
    description: 'Taiwan hold-out (IDs divisible by 5), first 3,000',
    window: { from: null, to: null },
    ids: Array.from({ length: n }, (_, i) => `h${i}`),
    asOf: Array.from({ length: n }, () => null),
    featureNames: [...holdout.featureNames],
    columns: holdout.columns.map((c) => c.slice(0, n)),
    labels: holdout.labels.slice(0, n),
    outcomeKnown: null,
    // X2 is sex (1 male, 2 female) in the Taiwan data: a segment the report must measure.
    segments: { sex: Array.from(holdout.columns[holdout.featureNames.indexOf('X2')]!.slice(0, n), (v) => (v === 1 ? 'male' : 'female')) },
  };
  report = buildModelReport({ bundle, version: 1, evaluation, modelCard: CARD, resamples: 200 });
}, 120_000);

describe('a scorecard report', () => {
  it('carries the WoE/IV table of the model, features by information value', () => {
    const model = bundle.model as ScorecardJson;
    const table = report.explanation.scorecard!;
    expect(table).toHaveLength(model.featureNames.length);
    const ivs = table.map((t) => t.informationValue);
    expect(ivs).toEqual([...ivs].sort((a, b) => b - a));
    for (const entry of table) {
      const f = model.featureNames.indexOf(entry.feature);
      expect(entry.informationValue).toBe(model.informationValue[f]);
      expect(entry.bins.map((b) => b.woe)).toEqual(model.bins[f]!.map((b) => b.woe));
      expect(entry.bins.map((b) => b.rows)).toEqual(model.bins[f]!.map((b) => b.count));
      expect(entry.bins.at(-1)!.label).toBe('missing');
      entry.bins.forEach((b, k) => {
        const bin = model.bins[f]![k]!;
        expect(b.eventRate).toBe(bin.count > 0 ? bin.events / bin.count : null);
        // More points = lower risk: a riskier bin (higher WoE) never earns more points when the coefficient is positive.
        if (model.coefficients[f]! > 0 && k > 0 && !bin.missing && !model.bins[f]![k - 1]!.missing) {
          expect(Math.sign(b.points! - entry.bins[k - 1]!.points!)).toBe(-Math.sign(bin.woe - model.bins[f]![k - 1]!.woe) || 0);
        }
      });
    }
  });

  it('ranks features by the mean |coefficient × centred WoE| of the rows explained', () => {
    const predictor = new ScorecardPredictor(bundle.model as ScorecardJson);
    const sums = new Float64Array(bundle.featureNames.length);
    const row = new Float64Array(bundle.featureNames.length);
    const n = evaluation.ids.length;
    expect(report.explanation.rowsExplained).toBe(2000);
    expect(report.explanation.outputSpace).toBe('log-odds');
    // All 3,000 rows would give nearly the same ranking as the 2,000 sampled: the top feature agrees.
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < row.length; f++) row[f] = evaluation.columns[f]![i]!;
      const { values } = predictor.contributions(row);
      for (let f = 0; f < row.length; f++) sums[f]! += Math.abs(values[f]!);
    }
    const top = bundle.featureNames[sums.indexOf(Math.max(...sums))];
    expect(report.explanation.importance[0]!.feature).toBe(top);
    const shares = report.explanation.importance.reduce((a, b) => a + b.share, 0);
    expect(shares).toBeCloseTo(1, 12);
  });

  it('measures the sex segment, with gaps stated for the two groups', () => {
    const sex = report.fairness.segments.find((s) => s.segment === 'sex')!;
    expect(sex.groups.map((g) => g.value)).toEqual(['female', 'male']);
    expect(sex.groups.reduce((a, g) => a + g.rows, 0)).toBe(3000);
    expect(sex.gaps.auc).not.toBeNull();
    expect(sex.statements.length).toBe(5);
    expect(report.discrimination.auc!).toBeGreaterThan(0.7);
    expect(report.fairness.notSupplied).toEqual(['household_type', 'income_source', 'age_band', 'region']);
  });

  it('scores a seeded sample of MAX_EVALUATION_ROWS rows when the set is larger, and says so', () => {
    // The Taiwan hold-out ten times over: 60,000 rows.
    const { holdout } = loadTaiwan();
    const copies = 10;
    const n = holdout.rowCount * copies;
    expect(n).toBeGreaterThan(MAX_EVALUATION_ROWS);
    const big: EvaluationSet = {
      description: 'Taiwan hold-out, ten copies',
      window: { from: null, to: null },
      ids: Array.from({ length: n }, (_, i) => `r${i}`),
      asOf: Array.from({ length: n }, () => null),
      featureNames: [...holdout.featureNames],
      columns: holdout.columns.map((c) => Float64Array.from({ length: n }, (_, i) => c[i % holdout.rowCount]!)),
      labels: Uint8Array.from({ length: n }, (_, i) => holdout.labels[i % holdout.rowCount]!),
      outcomeKnown: null,
      segments: {},
    };
    const r = buildModelReport({ bundle, version: 1, evaluation: big, modelCard: CARD, resamples: 20 });
    expect(r.evaluation.rows).toBe(n);
    expect(r.evaluation.rowsUsed).toBe(MAX_EVALUATION_ROWS);
    expect(r.evaluation.positives).toBe(copies * holdout.labels.reduce((a, b) => a + b, 0));
    const used = rowsUsed(n, 1)!;
    expect(r.calibration.reliability.reduce((a, b) => a + b.rows, 0)).toBe(MAX_EVALUATION_ROWS);
    const usedPositives = used.reduce((a, i) => a + big.labels[i]!, 0);
    expect(r.discrimination.deciles.reduce((a, d) => a + d.positives, 0)).toBe(usedPositives);
  }, 120_000);
});
