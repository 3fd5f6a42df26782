/**
 * The reference profile a trained bundle carries: its bins are population-stability's bins of the
 * train slice (features) and of the calibrated calibration slice (score), its positives and mean
 * contributions are what a hand count over those rows gives, and building it never changes the model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/learning/seeded-random.js';
import { binIndex, referenceDistribution } from '../../src/model-reports/population-stability.js';
import { buildReferenceProfile, contributionSample, REFERENCE_CONTRIBUTION_ROWS } from '../../src/model-reports/reference-profile.js';
import { addDays, type IsoDate } from '../../src/platform/dates.js';
import type { TrainingTable } from '../../src/risk-features/training-table.js';
import { serializeRiskModelBundle } from '../../src/risk-models/risk-model-bundle.js';
import { RiskModel } from '../../src/risk-models/risk-model.js';
import { DEFAULT_HORIZON_DAYS, splitTable, trainRiskModel } from '../../src/risk-models/training-pipeline.js';

/** Debtors every 30 days; p = σ(−2.5 + 1.2·x0 + 0.8·x1); x1 is whole (0–3), x2 noise missing on a quarter of rows. */
function table(debtors: number, dates: number, seed: number): TrainingTable {
  const rng = new SeededRandom(seed);
  const n = debtors * dates;
  const columns = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const labels = new Uint8Array(n);
  const ids: string[] = [];
  const asOf: IsoDate[] = [];
  let r = 0;
  for (let d = 0; d < debtors; d++) {
    const tendency = 3 * rng.nextFloat() - 1.5;
    for (let t = 0; t < dates; t++) {
      columns[0]![r] = tendency + rng.nextFloat() - 0.5;
      columns[1]![r] = rng.nextInt(4);
      columns[2]![r] = rng.nextFloat() < 0.25 ? Number.NaN : rng.nextFloat();
      labels[r] = rng.nextFloat() < 1 / (1 + Math.exp(-(-2.5 + 1.2 * columns[0]![r]! + 0.8 * columns[1]![r]!))) ? 1 : 0;
      const date = addDays('2025-01-31', 30 * t);
      ids.push(`debtor-${d}@${date}`);
      asOf.push(date);
      r++;
    }
  }
  return { ids, asOf, dataset: { featureNames: ['x0', 'x1', 'x2'], rowCount: n, columns, labels }, oracle: null, featureSet: 'table', catalogueVersion: null, segments: {} };
}

const FAST = { iterations: 60, threads: 1 };
const SEED = 3;
const data = table(300, 20, 21);
const { bundle } = await trainRiskModel(data, { modelId: 'profiled', seed: SEED, learnerOptions: FAST });
const split = splitTable(data, DEFAULT_HORIZON_DAYS, SEED, true);

describe('the reference profile of a trained bundle', () => {
  const reference = bundle.reference!;
  const rowsOf = (rows: readonly number[], f: number) => Float64Array.from(rows, (r) => data.dataset.columns[f]![r]!);

  it('bins every feature as population-stability bins the train slice, with the arrears counted per bin', () => {
    expect(reference.slices).toEqual({ features: 'train', score: 'calibration' });
    expect(reference.rows).toEqual({ features: split.train.length, score: split.calibration.length });
    data.dataset.featureNames.forEach((name, f) => {
      const values = rowsOf(split.train, f);
      const expected = referenceDistribution(values);
      const feature = reference.features[name]!;
      expect(feature.edges).toEqual(expected.edges);
      expect(feature.counts).toEqual(expected.counts);
      const positives = new Array<number>(expected.counts.length).fill(0);
      split.train.forEach((r, i) => {
        if (data.dataset.labels[r] === 1) positives[binIndex(expected.edges, values[i]!)]!++;
      });
      expect(feature.positives).toEqual(positives);
    });
    // x1 takes four values: four bins, not ten with six empty; x2's missing values have their own (last) bin.
    expect(reference.features.x1!.edges).toEqual([0, 1, 2, 3]);
    const missing = split.train.filter((r) => Number.isNaN(data.dataset.columns[2]![r]!)).length;
    expect(missing).toBeGreaterThan(0);
    expect(reference.features.x2!.counts.at(-1)).toBe(missing);
  });

  it('bins the calibrated score of the calibration slice', () => {
    const model = RiskModel.fromBundle(bundle);
    const scores = model.scoreColumns(data.dataset.featureNames.map((_, f) => rowsOf(split.calibration, f)));
    expect(reference.score).toEqual(referenceDistribution(scores));
  });

  it('averages the exact contributions of a seeded sample of training rows per bin', () => {
    const sample = contributionSample(split.train.length, SEED, REFERENCE_CONTRIBUTION_ROWS);
    expect(reference.contributionSampleRows).toBe(Math.min(REFERENCE_CONTRIBUTION_ROWS, split.train.length));
    expect(sample).toHaveLength(reference.contributionSampleRows);
    const model = RiskModel.fromBundle(bundle);
    data.dataset.featureNames.forEach((name, f) => {
      const feature = reference.features[name]!;
      const sums = new Array<number>(feature.counts.length).fill(0);
      const counts = new Array<number>(feature.counts.length).fill(0);
      for (const i of sample) {
        const r = split.train[i]!;
        const row = Float64Array.from(data.dataset.columns, (column) => column[r]!);
        const bin = binIndex(feature.edges, row[f]!);
        sums[bin]! += model.score(row).contributions[f]!;
        counts[bin]!++;
      }
      expect(feature.meanContribution).toEqual(sums.map((s, b) => (counts[b]! > 0 ? s / counts[b]! : null)));
    });
    // The rule raises the risk with x0: its high bins push up, its low bins down.
    const x0 = reference.features.x0!.meanContribution;
    expect(x0[0]!).toBeLessThan(0);
    expect(x0[x0.length - 3]!).toBeGreaterThan(0);
  });

  it('does not change what is trained: without it the bundle is the same, byte for byte', async () => {
    const { bundle: plain } = await trainRiskModel(data, { modelId: 'profiled', seed: SEED, learnerOptions: FAST, referenceProfile: false });
    expect(plain.reference).toBeUndefined();
    const { reference: _reference, ...withoutProfile } = bundle;
    expect(serializeRiskModelBundle(plain)).toBe(serializeRiskModelBundle(withoutProfile));
  });
});

describe('buildReferenceProfile', () => {
  it('counts, positives and mean contributions by hand on a small case', () => {
    // Ten rows: x = 1..9 and a missing one; labels on x ≥ 8 and on the missing row.
    const x = Float64Array.from([3, 1, 2, Number.NaN, 5, 4, 6, 7, 8, 9]);
    const labels = Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 0, 1, 1]);
    const profile = buildReferenceProfile({
      featureNames: ['x'],
      trainColumns: [x],
      trainLabels: labels,
      calibrationScores: Float64Array.from([0.1, 0.2, 0.2, 0.4]),
      contributions: (row) => [Number.isNaN(row[0]!) ? -1 : 2 * row[0]!],
      seed: 1,
    });
    const feature = profile.features.x!;
    // Nine present values; edge k is the ⌈9k/10⌉-th smallest, so every value is an edge; the missing row has the last bin.
    expect(feature.edges).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(feature.counts).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1]);
    expect(feature.positives).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1]);
    expect(feature.meanContribution).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, null, -1]);
    expect(profile.score).toEqual({ edges: [0.1, 0.2, 0.4], counts: [1, 2, 1, 0, 0] });
    expect(profile.rows).toEqual({ features: 10, score: 4 });
    expect(profile.contributionSampleRows).toBe(10);
  });

  it('samples at most sampleRows rows, the same ones for the same seed (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (rows, size, seed) => {
        const sample = contributionSample(rows, seed, size);
        expect(sample).toHaveLength(Math.min(rows, size));
        expect(new Set(sample).size).toBe(sample.length);
        for (let i = 1; i < sample.length; i++) expect(sample[i]!).toBeGreaterThan(sample[i - 1]!);
        expect(sample.every((r) => r >= 0 && r < rows)).toBe(true);
        expect(contributionSample(rows, seed, size)).toEqual(sample);
      }),
    );
  });
});
