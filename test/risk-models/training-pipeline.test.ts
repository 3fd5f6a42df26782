/**
 * The training pipeline on synthetic tables with a known rule (so the best achievable AUC is known):
 * the time split keeps a gap of the horizon before every cut, calibration and bands follow the slices,
 * cross-validation keeps a debtor in one fold, and the same table and seed give the same bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/learning/seeded-random.js';
import { addDays, diffDays, type IsoDate } from '../../src/platform/dates.js';
import type { TrainingTable } from '../../src/risk-features/training-table.js';
import { parseRiskModelBundle, serializeRiskModelBundle } from '../../src/risk-models/risk-model-bundle.js';
import { RiskModel } from '../../src/risk-models/risk-model.js';
import {
  BAND_EDGES,
  debtorOfId,
  fingerprintTrainingTable,
  foldsByDebtor,
  RiskTrainingError,
  splitTable,
  trainRiskModel,
} from '../../src/risk-models/training-pipeline.js';

/**
 * Debtors observed every 30 days. Each has a lasting tendency (x0, seen with noise) and a monthly
 * shock (x1); x2 is noise, missing on a fifth of rows. The truth p = σ(−3.2 + 1.4·x0 + 0.9·x1) is the
 * oracle, and the label is drawn from it.
 */
function syntheticTable(debtors: number, dates: number, seed: number, options: { dated?: boolean } = {}): TrainingTable {
  const rng = new SeededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
  const n = debtors * dates;
  const columns = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const labels = new Uint8Array(n);
  const oracle = new Float64Array(n);
  const ids: string[] = [];
  const asOf: (IsoDate | null)[] = [];
  // A segment per debtor, unknown for every seventh: never read by the model, carried to the evaluation set.
  const region: (string | null)[] = [];
  let r = 0;
  for (let d = 0; d < debtors; d++) {
    const tendency = normal();
    for (let t = 0; t < dates; t++) {
      const shock = normal();
      const date = addDays('2025-01-31', 30 * t);
      columns[0]![r] = tendency + 0.3 * normal();
      columns[1]![r] = shock;
      columns[2]![r] = rng.nextFloat() < 0.2 ? Number.NaN : normal();
      const p = 1 / (1 + Math.exp(-(-3.2 + 1.4 * tendency + 0.9 * shock)));
      oracle[r] = p;
      labels[r] = rng.nextFloat() < p ? 1 : 0;
      ids.push(`debtor-${d}@${date}`);
      asOf.push(options.dated === false ? null : date);
      region.push(d % 7 === 6 ? null : ['north', 'east', 'south'][d % 3]!);
      r++;
    }
  }
  return {
    ids,
    asOf,
    dataset: { featureNames: ['x0', 'x1', 'x2'], rowCount: n, columns, labels },
    oracle,
    featureSet: 'table',
    catalogueVersion: null,
    segments: { region },
  };
}

const FAST = { iterations: 80, threads: 1 };
const table = syntheticTable(250, 24, 11);
const trained = await trainRiskModel(table, { modelId: 'synthetic', seed: 5, learnerOptions: FAST, cvFolds: 3 });

describe('trainRiskModel', () => {
  it('learns the known rule: test AUC close to the oracle\'s, a calibrated Brier score, bands that rise', () => {
    const { bundle } = trained;
    const m = bundle.metrics;
    expect(m.split).toBe('time-ordered');
    expect(m.oracleAuc).not.toBeNull();
    expect(m.testAuc).toBeGreaterThan(m.oracleAuc! - 0.04);
    expect(m.testAuc).toBeLessThanOrEqual(m.oracleAuc! + 0.03);
    expect(m.rows.train + m.rows.calibration + m.rows.test + m.rowsDroppedForGap).toBe(table.dataset.rowCount);
    expect(bundle.bands.reduce((a, b) => a + b.rows, 0)).toBe(m.rows.test);
    expect(bundle.bands.map((b) => b.maxProbability).slice(0, 4)).toEqual([...BAND_EDGES]);
    const rates = bundle.bands.filter((b) => b.rows >= 30).map((b) => b.observedRate!);
    expect(rates.length).toBeGreaterThanOrEqual(3);
    expect(rates).toEqual([...rates].sort((a, b) => a - b));
    // Brier of a calibrated model is near the oracle's own on the same rows; a constant guess is worse.
    const base = m.positives.test / m.rows.test;
    expect(m.testBrier).toBeLessThan(base * (1 - base));
    expect(parseRiskModelBundle(JSON.parse(serializeRiskModelBundle(bundle)))).toBeTruthy();
  });

  it('records the data window, fingerprint, seed and learner; scores through RiskModel', () => {
    const { bundle } = trained;
    expect(bundle.window.to).toBe(addDays('2025-01-31', 30 * 23));
    expect(bundle.fingerprint).toBe(fingerprintTrainingTable(table));
    expect(bundle.seed).toBe(5);
    expect(bundle.learner).toBe('gradient-boosting');
    expect(bundle.model.trainingOptions).not.toHaveProperty('threads');
    const model = RiskModel.fromBundle(bundle);
    const score = model.score(Float64Array.from([2, 1.5, 0]));
    expect(score.probability).toBeGreaterThan(model.score(Float64Array.from([-2, -1.5, 0])).probability);
  });

  it('chooses isotonic calibration with ≥ 50 calibration positives, Platt below', async () => {
    expect(trained.bundle.metrics.positives.calibration).toBeGreaterThanOrEqual(50);
    expect(trained.bundle.calibration.kind).toBe('isotonic');
    const small = await trainRiskModel(syntheticTable(60, 24, 12), { modelId: 'small', learnerOptions: FAST });
    expect(small.bundle.metrics.positives.calibration).toBeLessThan(50);
    expect(small.bundle.calibration.kind).toBe('platt');
    expect(small.bundle.metrics.calibration).toBe('platt');
  });

  it('gives byte-identical bundles for the same table and seed, and a different one for another seed', async () => {
    const again = await trainRiskModel(syntheticTable(250, 24, 11), { modelId: 'synthetic', seed: 5, learnerOptions: FAST, cvFolds: 3 });
    expect(serializeRiskModelBundle(again.bundle)).toBe(serializeRiskModelBundle(trained.bundle));
    expect(Array.from(again.oof!.probability)).toEqual(Array.from(trained.oof!.probability));
    const otherSeed = await trainRiskModel(table, { modelId: 'synthetic', seed: 6, learnerOptions: { ...FAST, rowSubsample: 0.8 } });
    expect(serializeRiskModelBundle(otherSeed.bundle)).not.toBe(serializeRiskModelBundle(trained.bundle));
  });

  it('cross-validates by debtor: out-of-fold probabilities for every row, fold AUCs near the test AUC', () => {
    const { oof, bundle } = trained;
    expect(oof!.ids).toEqual(table.ids);
    expect(Array.from(oof!.labels)).toEqual(Array.from(table.dataset.labels));
    expect(oof!.probability.every((p) => p > 0 && p < 1)).toBe(true);
    const cv = bundle.metrics.cv!;
    expect(cv.folds).toBe(3);
    expect(cv.auc).toHaveLength(3);
    expect(cv.meanAuc).toBeCloseTo(cv.auc.reduce((a, b) => a + b, 0) / 3, 12);
    expect(Math.abs(cv.meanAuc - bundle.metrics.testAuc)).toBeLessThan(0.06);
  });

  it('splits an undated table at random and says so', async () => {
    const { bundle } = await trainRiskModel(syntheticTable(250, 8, 13, { dated: false }), { modelId: 'undated', learnerOptions: FAST });
    expect(bundle.metrics.split).toBe('random');
    expect(bundle.metrics.rowsDroppedForGap).toBe(0);
    expect(bundle.window).toEqual({ from: null, to: null });
    expect(bundle.metrics.rows.test).toBe(2000 - Math.floor(0.85 * 2000));
  });

  it('trains a random forest and a scorecard through the same pipeline', async () => {
    for (const learner of ['random-forest', 'scorecard'] as const) {
      const options = learner === 'random-forest' ? { trees: 30, maxDepth: 8, minSamplesLeaf: 5, threads: 1 } : {};
      const { bundle } = await trainRiskModel(table, { modelId: learner, learner, learnerOptions: options });
      expect(bundle.learner).toBe(learner);
      expect(bundle.metrics.testAuc).toBeGreaterThan(bundle.metrics.oracleAuc! - 0.06);
      const score = RiskModel.fromBundle(bundle).score(Float64Array.from([1, 1, Number.NaN]));
      expect(Math.abs(score.contributions.reduce((a, b) => a + b, score.base) - score.logOdds)).toBeLessThan(1e-9);
    }
  });

  it('refuses a single class, too few dates, a partly dated table and more folds than debtors', async () => {
    const one = syntheticTable(40, 24, 14);
    one.dataset.labels.fill(0);
    await expect(trainRiskModel(one, { modelId: 'x' })).rejects.toThrow(/both classes/);
    await expect(trainRiskModel(syntheticTable(200, 3, 15), { modelId: 'x', learnerOptions: FAST })).rejects.toThrow(RiskTrainingError);
    const partly = syntheticTable(40, 24, 16);
    partly.asOf[3] = null;
    await expect(trainRiskModel(partly, { modelId: 'x' })).rejects.toThrow(/no as-of date/);
    await expect(trainRiskModel(syntheticTable(4, 24, 17), { modelId: 'x', cvFolds: 5 })).rejects.toThrow(/5 folds need at least 5 debtors; the table has 96 rows of 4 debtors/);
  });
});

describe('the time split', () => {
  it('never lets an outcome window reach a later slice, and keeps dates whole (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 900 }), { minLength: 40, maxLength: 400 }),
        fc.integer({ min: 1, max: 120 }),
        fc.boolean(),
        (days, horizon, earlyStopping) => {
          const n = days.length;
          const asOf = days.map((d) => addDays('2024-01-01', d));
          const labels = Uint8Array.from(days, (_, i) => i % 2);
          const t: TrainingTable = {
            ids: days.map((_, i) => `d${i}@${asOf[i]}`),
            asOf,
            dataset: { featureNames: ['x'], rowCount: n, columns: [new Float64Array(n)], labels },
            oracle: null,
            featureSet: 'table',
            catalogueVersion: null,
            segments: {},
          };
          let split;
          try {
            split = splitTable(t, horizon, 1, earlyStopping);
          } catch (error) {
            if (error instanceof RiskTrainingError) return;
            throw error;
          }
          const dates = (rows: number[]) => rows.map((r) => asOf[r]!);
          const first = (rows: number[]) => dates(rows).sort()[0]!;
          const last = (rows: number[]) => dates(rows).sort().at(-1)!;
          expect(diffDays(first(split.calibration), last(split.train))).toBeGreaterThan(horizon);
          expect(diffDays(first(split.test), last(split.calibration))).toBeGreaterThan(horizon);
          const used = new Set([...split.train, ...split.calibration, ...split.test]);
          expect(used.size).toBe(split.train.length + split.calibration.length + split.test.length);
          expect(split.dropped).toBe(n - used.size);
          // A dropped row sits within the horizon of the next slice, so it could not have been kept.
          for (let r = 0; r < n; r++) {
            if (used.has(r)) continue;
            const date = asOf[r]!;
            expect(date < first(split.test)).toBe(true);
            const nextStart = date < first(split.calibration) ? first(split.calibration) : first(split.test);
            expect(diffDays(nextStart, date)).toBeLessThanOrEqual(horizon);
          }
          if (split.validation.length > 0) {
            expect(diffDays(first(split.validation), last(split.fit))).toBeGreaterThan(horizon);
            expect(split.validation.every((r) => split.train.includes(r))).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps calibration and test near 15 % each on monthly dates', () => {
    const split = splitTable(syntheticTable(100, 30, 18), 90, 1, true);
    expect(split.test.length).toBeGreaterThanOrEqual(0.13 * 3000);
    expect(split.calibration.length).toBeGreaterThanOrEqual(0.13 * 3000);
    expect(split.calibration.length).toBeLessThanOrEqual(0.2 * 3000);
  });
});

describe('folds by debtor', () => {
  it('puts all rows of a debtor in one fold and spreads debtors evenly (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 400 })), { minLength: 10, maxLength: 200 }), fc.integer({ min: 2, max: 6 }), (rows, folds) => {
        const ids = rows.map(([debtor, day]) => `ref-${debtor}@${addDays('2025-01-01', day)}`);
        const debtors = new Set(rows.map(([d]) => d)).size;
        if (debtors < folds) {
          expect(() => foldsByDebtor(ids, folds, 1)).toThrow(RiskTrainingError);
          return;
        }
        const fold = foldsByDebtor(ids, folds, 1);
        const foldOf = new Map<string, number>();
        const debtorsPerFold = new Array<Set<string>>(folds).fill(new Set()).map(() => new Set<string>());
        ids.forEach((id, i) => {
          const debtor = debtorOfId(id);
          if (foldOf.has(debtor)) expect(fold[i]).toBe(foldOf.get(debtor));
          foldOf.set(debtor, fold[i]!);
          debtorsPerFold[fold[i]!]!.add(debtor);
        });
        const sizes = debtorsPerFold.map((s) => s.size);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('reads the debtor from ids with @ or | before the date, and keeps other ids whole', () => {
    expect(debtorOfId('sim-1-0000004@2026-03-01')).toBe('sim-1-0000004');
    expect(debtorOfId('a@b|2026-03-01')).toBe('a@b');
    expect(debtorOfId('12345')).toBe('12345');
  });
});
