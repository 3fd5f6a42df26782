/**
 * The window measurement on its own: it bins exactly as the model report's stability section (the
 * same PSI for the score and every feature on the same rows), flags drift only above the threshold,
 * and leaves out what too few rows cannot support.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stability } from '../../src/model-reports/metrics/stability.js';
import { PSI_ACT } from '../../src/model-reports/population-stability.js';
import { MIN_OUTCOME_CLASS_ROWS, MIN_OUTCOME_ROWS, MIN_STABILITY_ROWS, measureWindow, type WindowRows } from '../../src/model-monitoring/measure-window.js';
import { computeFeatures, featureRow } from '../../src/risk-features/compute-features.js';
import { normsAt } from '../../src/affordability/norms/norms.js';
import { parseRiskModelBundle } from '../../src/risk-models/risk-model-bundle.js';
import { RiskModel } from '../../src/risk-models/risk-model.js';
import { population } from './monitoring-support.js';

const bundle = parseRiskModelBundle(JSON.parse(readFileSync(new URL('../../models/early-warning-data-points/model.json', import.meta.url), 'utf8')));

function rowsOf(kind: 'stable' | 'shifted', size: number): WindowRows {
  const members = population(kind, size);
  const vectors = members.map((m) => featureRow(computeFeatures({ asOf: m.asOf, bank: null, events: m.household.events, norms: normsAt(m.asOf) }, 'data-points-only'), bundle.featureNames));
  const columns = bundle.featureNames.map((_, f) => Float64Array.from(vectors, (v) => v[f]!));
  return { probability: RiskModel.fromBundle(bundle).scoreColumns(columns), columns, matured: new Uint8Array(size), labels: new Uint8Array(size) };
}

describe('measureWindow', () => {
  const stableRows = rowsOf('stable', 250);
  const shiftedRows = rowsOf('shifted', 250);

  it('gives the report’s PSI for the score and every feature on the same rows', () => {
    for (const rows of [stableRows, shiftedRows]) {
      const measured = measureWindow(bundle, rows, PSI_ACT);
      const report = stability(bundle.reference, bundle.featureNames, rows.columns as Float64Array[], rows.probability, rows.labels, rows.matured)!;
      expect(measured.scorePsi).toBe(report.score.psi);
      for (const feature of report.features) expect(measured.featurePsi[feature.feature], feature.feature).toBe(feature.psi);
      expect(measured.drift).toBe(report.drift);
      expect(measured.maxFeaturePsi).toBe(report.features[0]!.psi);
    }
    expect(measureWindow(bundle, stableRows, PSI_ACT).drift).toBe(false);
    expect(measureWindow(bundle, shiftedRows, PSI_ACT).drift).toBe(true);
  });

  it('flags drift only above the threshold it is given', () => {
    const measured = measureWindow(bundle, stableRows, PSI_ACT);
    const largest = Math.max(measured.scorePsi!, measured.maxFeaturePsi!);
    expect(measureWindow(bundle, stableRows, largest).drift).toBe(false);
    expect(measureWindow(bundle, stableRows, largest * 0.999).drift).toBe(true);
  });

  it('computes no PSI below the row minimum, and no outcome measures below theirs', () => {
    const few = MIN_STABILITY_ROWS - 1;
    const cut = (rows: WindowRows, n: number): WindowRows => ({ probability: rows.probability.slice(0, n), columns: rows.columns.map((c) => c.slice(0, n)), matured: rows.matured.slice(0, n), labels: rows.labels.slice(0, n) });
    const small = measureWindow(bundle, cut(shiftedRows, few), PSI_ACT);
    expect(small).toMatchObject({ rows: few, scorePsi: null, maxFeaturePsi: null, maxFeature: null, drift: false });
    expect(Object.values(small.featurePsi).every((v) => v === null)).toBe(true);
    expect(measureWindow({ ...bundle, reference: undefined }, stableRows, PSI_ACT)).toMatchObject({ scorePsi: null, drift: false });

    // Outcomes: matured rows below the minimum give nulls; enough of them but one class too small gives no AUC.
    const withOutcomes = (matured: number, positives: number): WindowRows => {
      const rows = cut(stableRows, 250);
      rows.matured.fill(0);
      rows.labels.fill(0);
      for (let i = 0; i < matured; i++) rows.matured[i] = 1;
      for (let i = 0; i < positives; i++) rows.labels[i] = 1;
      return rows;
    };
    expect(measureWindow(bundle, withOutcomes(MIN_OUTCOME_ROWS - 1, 20), PSI_ACT)).toMatchObject({ rowsWithOutcome: MIN_OUTCOME_ROWS - 1, auc: null, brier: null, ece: null });
    const fewPositives = measureWindow(bundle, withOutcomes(MIN_OUTCOME_ROWS, MIN_OUTCOME_CLASS_ROWS - 1), PSI_ACT);
    expect(fewPositives.auc).toBeNull();
    expect(fewPositives.brier).not.toBeNull();
    expect(measureWindow(bundle, withOutcomes(MIN_OUTCOME_ROWS, MIN_OUTCOME_CLASS_ROWS), PSI_ACT).auc).not.toBeNull();
  });
});
