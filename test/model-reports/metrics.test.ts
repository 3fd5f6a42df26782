/**
 * The report's metrics on cases small enough to compute by hand, and their properties on random data.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auc as learningAuc, ks as learningKs } from '../../src/learning/metrics.js';
import { bandCalibration, reliability } from '../../src/model-reports/metrics/calibration.js';
import { confusionAt, decisions } from '../../src/model-reports/metrics/decisions.js';
import { deciles, discrimination, scoreDistribution } from '../../src/model-reports/metrics/discrimination.js';
import { fairness, MIN_SEGMENT_ROWS, segmentGaps, segmentMetrics } from '../../src/model-reports/metrics/fairness.js';
import { bootstrapAuc, bootstrapAucs, rankedAuc, rankedKs, rankedRoc, rankScores, thinCurve } from '../../src/model-reports/metrics/ranking.js';
import { binLabels, featureStability, scoreStability } from '../../src/model-reports/metrics/stability.js';
import { PSI_SHARE_FLOOR, referenceDistribution } from '../../src/model-reports/population-stability.js';
import type { RiskBand } from '../../src/risk-models/risk-model-bundle.js';

const f64 = (xs: number[]) => Float64Array.from(xs);
const u8 = (xs: number[]) => Uint8Array.from(xs);

describe('AUC, KS and ROC', () => {
  it('count a tie as one half (hand-computed)', () => {
    // Pairs (positive, negative): (0.4, 0.1) win, (0.4, 0.4) tie, (0.8, 0.1) win, (0.8, 0.4) win → 3.5 / 4.
    const ranked = rankScores(f64([0.1, 0.4, 0.4, 0.8]), u8([0, 0, 1, 1]));
    expect(rankedAuc(ranked)).toBe(0.875);
    expect([...ranked.values]).toEqual([0.1, 0.4, 0.8]);
    expect([...ranked.positives]).toEqual([0, 1, 1]);
    expect([...ranked.negatives]).toEqual([1, 1, 0]);
  });

  it('KS is the largest TPR − FPR gap and names the threshold reaching it (hand-computed)', () => {
    // Descending: 0.6 (+) 1/3−0, 0.5 (+) 2/3−0, 0.4 (−) 2/3−1/3, 0.3 (−) 0, 0.2 (+) 1−2/3, 0.1 (−) 0.
    const ranked = rankScores(f64([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), u8([0, 1, 0, 0, 1, 1]));
    expect(rankedKs(ranked)).toEqual({ ks: 2 / 3, threshold: 0.5 });
    const roc = rankedRoc(ranked);
    expect(roc[0]).toEqual({ falsePositiveRate: 0, truePositiveRate: 0, threshold: null });
    expect(roc.at(-1)).toEqual({ falsePositiveRate: 1, truePositiveRate: 1, threshold: 0.1 });
    expect(roc).toHaveLength(7);
    // 8 pairs won of 9: only the positive at 0.2 loses to the negatives at 0.3 and 0.4 (2 losses) → 7/9.
    expect(rankedAuc(ranked)).toBeCloseTo(7 / 9, 15);
  });

  it('are undefined (null in the report) with one class', () => {
    const ranked = rankScores(f64([0.1, 0.2]), u8([1, 1]));
    expect(rankedAuc(ranked)).toBeNaN();
    expect(rankedKs(ranked)).toBeNull();
    expect(rankedRoc(ranked)).toEqual([]);
    const section = discrimination(f64([0.1, 0.2]), u8([1, 1]), { seed: 1, resamples: 50 }).section;
    expect(section.auc).toBeNull();
    expect(section.aucInterval).toBeNull();
    expect(section.gini).toBeNull();
    expect(section.ks).toBeNull();
    expect(JSON.stringify(section)).not.toMatch(/NaN|Infinity/);
  });

  it('thin a long curve to at most 200 points, keeping both ends', () => {
    const points = Array.from({ length: 1001 }, (_, i) => i);
    const thin = thinCurve(points, 200);
    expect(thin).toHaveLength(200);
    expect(thin[0]).toBe(0);
    expect(thin.at(-1)).toBe(1000);
    expect(thinCurve([1, 2, 3], 200)).toEqual([1, 2, 3]);
  });

  const labelled = fc
    .array(fc.record({ p: fc.integer({ min: 0, max: 1000 }), y: fc.integer({ min: 0, max: 1 }) }), { minLength: 2, maxLength: 80 })
    .filter((rows) => rows.some((r) => r.y === 1) && rows.some((r) => r.y === 0));

  it('agree with the pairwise definition and the learner library, in [0, 1], and AUC(1 − p) = 1 − AUC', () => {
    fc.assert(
      fc.property(labelled, (rows) => {
        const p = f64(rows.map((r) => r.p / 1000));
        const y = u8(rows.map((r) => r.y));
        const ranked = rankScores(p, y);
        const a = rankedAuc(ranked);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(1);
        expect(a).toBe(learningAuc(p, y));
        expect(rankedKs(ranked)!.ks).toBe(learningKs(p, y));
        // p on a 1/1000 grid: 1 − p keeps every tie and creates none.
        const flipped = rankedAuc(rankScores(p.map((x) => 1 - x), y));
        expect(flipped).toBeCloseTo(1 - a, 12);
      }),
      { numRuns: 200 },
    );
  });

  it('bootstrap intervals contain the point estimate and are the same for the same seed', () => {
    fc.assert(
      fc.property(
        labelled.filter((rows) => rows.filter((r) => r.y === 1).length >= 5 && rows.filter((r) => r.y === 0).length >= 5),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (rows, seed) => {
          const p = f64(rows.map((r) => r.p / 1000));
          const y = u8(rows.map((r) => r.y));
          const ranked = rankScores(p, y);
          const interval = bootstrapAuc(ranked, y, { seed, resamples: 200 })!;
          const a = rankedAuc(ranked);
          expect(interval.low).toBeLessThanOrEqual(a);
          expect(interval.high).toBeGreaterThanOrEqual(a);
          expect(interval.resamples).toBe(200);
          expect(bootstrapAuc(ranked, y, { seed, resamples: 200 })).toEqual(interval);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a paired bootstrap of a model against itself gives a zero-width difference; against a worse model, a difference below zero', () => {
    const n = 400;
    const p = new Float64Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      p[i] = (i % 100) / 100;
      y[i] = (i * 7919) % 100 < (i % 100) ? 1 : 0;
    }
    const ranked = rankScores(p, y);
    const self = bootstrapAucs([ranked, ranked], y, { seed: 3, resamples: 300 });
    expect(self.difference).toMatchObject({ low: 0, high: 0 });
    // A model that only tells the lower half from the upper half loses most of the ranking: clearly worse on paired resamples.
    const coarse = rankScores(p.map((x) => Math.floor(x * 2) / 2), y);
    const paired = bootstrapAucs([ranked, coarse], y, { seed: 3, resamples: 300 });
    expect(rankedAuc(coarse)).toBeLessThan(rankedAuc(ranked));
    expect(paired.difference!.high).toBeLessThanOrEqual(0);
    expect(paired.intervals[0]).toEqual(bootstrapAuc(ranked, y, { seed: 3, resamples: 300 }));
  });
});

describe('deciles and score distribution', () => {
  it('split 20 rows into ten pairs by descending probability, with lift and gain (hand-computed)', () => {
    // p = 0.95, 0.90, ..., 0.00; positives at the top four and one at the bottom: 5 positives, rate 0.25.
    const p = f64(Array.from({ length: 20 }, (_, i) => (19 - i) * 0.05));
    const y = u8(Array.from({ length: 20 }, (_, i) => (i < 4 || i === 19 ? 1 : 0)));
    const d = deciles(p, y);
    expect(d).toHaveLength(10);
    expect(d[0]).toMatchObject({ decile: 1, rows: 2, positives: 2, observedRate: 1, lift: 4, cumulativeGain: 0.4, cumulativeLift: 4 });
    expect(d[1]).toMatchObject({ decile: 2, rows: 2, positives: 2, lift: 4, cumulativeGain: 0.8, cumulativeLift: 4 });
    expect(d[2]).toMatchObject({ positives: 0, lift: 0, cumulativeGain: 0.8 });
    expect(d[2]!.cumulativeLift).toBeCloseTo(0.8 / 0.3, 12);
    expect(d[9]).toMatchObject({ positives: 1, lift: 2, cumulativeGain: 1, cumulativeLift: 1, minProbability: 0 });
    expect(d[0]!.maxProbability).toBeCloseTo(0.95, 12);
  });

  it('bins the score in twenty equal-width bins by outcome, p = 1 in the last', () => {
    const dist = scoreDistribution(f64([0, 0.049, 0.05, 0.5, 1]), u8([0, 1, 1, 0, 1]));
    expect(dist).toHaveLength(20);
    expect(dist[0]).toMatchObject({ binStart: 0, binEnd: 0.05, negatives: 1, positives: 1 });
    expect(dist[1]).toMatchObject({ negatives: 0, positives: 1 });
    expect(dist[10]).toMatchObject({ negatives: 1, positives: 0 });
    expect(dist[19]).toMatchObject({ negatives: 0, positives: 1 });
  });
});

describe('calibration', () => {
  it('ECE on five rows (hand-computed): (0.05 + 2 × 0.35 + 0.25 + 0.95) / 5 = 0.39', () => {
    const { ece, bins } = reliability(f64([0.05, 0.12, 0.18, 0.75, 0.95]), u8([0, 0, 1, 1, 0]));
    expect(ece).toBeCloseTo(0.39, 14);
    expect(bins.map((b) => b.rows)).toEqual([1, 2, 1, 1]);
    expect(bins[1]).toMatchObject({ binStart: 0.1, binEnd: 0.2, observedRate: 0.5 });
    expect(bins[1]!.meanPredicted).toBeCloseTo(0.15, 15);
  });

  it('puts 0.1 in the second bin and 1 in the last; ECE is 0 when every bin is exact and null on no rows', () => {
    const { bins } = reliability(f64([0.1, 1]), u8([0, 1]));
    expect(bins.map((b) => b.binStart)).toEqual([0.1, 0.9]);
    expect(reliability(f64([0.5, 0.5, 0, 1]), u8([1, 0, 0, 1])).ece).toBe(0);
    expect(reliability(f64([]), u8([])).ece).toBeNull();
  });

  const bands: RiskBand[] = [
    { name: 'very_low', minProbability: 0, maxProbability: 0.02, observedRate: 0.01, rows: 10 },
    { name: 'low', minProbability: 0.02, maxProbability: 0.05, observedRate: 0.03, rows: 10 },
    { name: 'medium', minProbability: 0.05, maxProbability: 0.15, observedRate: null, rows: 0 },
    { name: 'high', minProbability: 0.15, maxProbability: 0.3, observedRate: 0.2, rows: 10 },
    { name: 'very_high', minProbability: 0.3, maxProbability: 1, observedRate: 0.5, rows: 10 },
  ];

  it('per band: rows in [min, max), the last band including 1, with the training-time rate beside', () => {
    const out = bandCalibration(f64([0.01, 0.02, 0.04, 0.3, 1]), u8([0, 1, 0, 1, 1]), bands);
    expect(out.map((b) => b.rows)).toEqual([1, 2, 0, 0, 2]);
    expect(out[1]).toMatchObject({ band: 'low', observedRate: 0.5, trainingObservedRate: 0.03 });
    expect(out[1]!.meanPredicted).toBeCloseTo(0.03, 15);
    expect(out[2]).toMatchObject({ meanPredicted: null, observedRate: null, trainingObservedRate: null });
    expect(out[4]).toMatchObject({ observedRate: 1, meanPredicted: 0.65 });
  });

  it('decisions: at the operating threshold and each band edge but the first (hand-computed)', () => {
    const p = f64([0.01, 0.1, 0.2, 0.2, 0.5, 0.9]);
    const y = u8([0, 1, 0, 1, 1, 0]);
    const c = confusionAt(p, y, 0.2, 'operating');
    expect(c).toMatchObject({ truePositives: 2, falsePositives: 2, trueNegatives: 1, falseNegatives: 1, flaggedRate: 4 / 6, precision: 0.5, falsePositiveRate: 2 / 3, specificity: 1 / 3 });
    expect(c.recall).toBeCloseTo(2 / 3, 15);
    const all = decisions(p, y, 0.2, bands);
    expect(all.map((d) => d.label)).toEqual(['operating', 'low', 'medium', 'high', 'very_high']);
    expect(all[3]).toMatchObject({ threshold: 0.15, truePositives: 2, falsePositives: 2 });
    expect(confusionAt(f64([0.1]), u8([0]), 0.5, 'x')).toMatchObject({ precision: null, recall: null, falsePositiveRate: 0 });
  });
});

describe('stability', () => {
  it('PSI by hand: shares 1/2, 1/2 → 1/4, 3/4 gives ¼ ln 3, and the characteristic shift weighs the moved shares', () => {
    const reference = { edges: [1], counts: [50, 50, 0], positives: [5, 20, 0], meanContribution: [-0.2, 0.4, null] };
    const window = f64([...Array<number>(25).fill(0.5), ...Array<number>(75).fill(2)]);
    const labels = u8([...Array<number>(25).fill(0), ...Array<number>(60).fill(0), ...Array<number>(15).fill(1)]);
    const s = featureStability('x', reference, window, labels, null);
    expect(s.psi).toBeCloseTo(0.25 * Math.log(3), 14);
    expect(s.reading).toBe('shifted');
    // (0.25 − 0.5) × −0.2 + (0.75 − 0.5) × 0.4 = 0.05 + 0.1
    expect(s.characteristicShift).toBeCloseTo(0.15, 14);
    expect(s.bins.map((b) => b.label)).toEqual(['≤ 1', '> 1', 'missing']);
    expect(s.bins[0]).toMatchObject({ referenceShare: 0.5, windowShare: 0.25, referenceObservedRate: 0.1, windowObservedRate: 0 });
    expect(s.bins[1]).toMatchObject({ referenceObservedRate: 0.4, windowObservedRate: 0.2 });
    expect(s.bins[2]).toMatchObject({ referenceObservedRate: null, windowObservedRate: null, meanContribution: null });
  });

  it('floors an empty bin at 1e-4 and counts only rows with a known outcome in the observed rates', () => {
    const reference = { edges: [1], counts: [100, 0, 0], positives: [10, 0, 0], meanContribution: [0, null, null] };
    const window = f64([...Array<number>(90).fill(0), ...Array<number>(10).fill(5)]);
    const labels = u8(Array.from({ length: 100 }, (_, i) => (i >= 95 ? 1 : 0)));
    const known = u8(Array.from({ length: 100 }, (_, i) => (i >= 90 && i < 95 ? 0 : 1)));
    const s = featureStability('x', reference, window, labels, known);
    const expected = (0.9 - 1) * Math.log(0.9) + (0.1 - PSI_SHARE_FLOOR) * Math.log(0.1 / PSI_SHARE_FLOOR);
    expect(s.psi).toBeCloseTo(expected, 14);
    expect(s.reading).toBe('shifted');
    expect(s.bins[1]).toMatchObject({ windowShare: 0.1, windowObservedRate: 1 });
    expect(s.characteristicShift).toBe(0);
  });

  it('PSI ≥ 0, and 0 for a population against itself', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(-1)), { minLength: 1, maxLength: 200 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(-1)), { minLength: 1, maxLength: 200 }),
        (a, b) => {
          const toValues = (xs: number[]) => f64(xs.map((x) => (x < 0 ? Number.NaN : x / 7)));
          const ref = referenceDistribution(toValues(a));
          const same = scoreStability(ref, toValues(a));
          expect(same.psi).toBe(0);
          expect(same.reading).toBe('stable');
          const other = scoreStability(ref, toValues(b));
          expect(other.psi).toBeGreaterThanOrEqual(0);
          expect(other.bins).toHaveLength(ref.edges.length + 2);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('labels bins as people read them', () => {
    expect(binLabels([0.1 + 0.2, 2])).toEqual(['≤ 0.3', '0.3 – 2', '> 2', 'missing']);
    expect(binLabels([])).toEqual(['any value', 'missing']);
  });
});

describe('fairness', () => {
  it('measures each group, states the gaps over groups large enough, and lists known segments not supplied', () => {
    const n = 200;
    const p = new Float64Array(n);
    const y = new Uint8Array(n);
    const household: (string | null)[] = [];
    for (let i = 0; i < n; i++) {
      // 'single' rows (even i) are flagged at 0.3 half the time; 'family' rows (odd i) never.
      const single = i % 2 === 0;
      p[i] = single ? (i % 4 === 0 ? 0.4 : 0.1) : 0.1;
      y[i] = i % 10 === 0 ? 1 : 0;
      household.push(single ? 'single' : 'family');
    }
    household[1] = null;
    const segments = { household_type: household, region: Array.from({ length: n }, (_, i) => (i < 5 ? 'tiny' : 'big')), 'creditor.unit': Array.from({ length: n }, () => 'a') };
    const result = fairness(segments, p, y, 0.3);
    expect(result.notSupplied).toEqual(['income_source', 'age_band']);
    expect(result.segments.map((s) => s.segment)).toEqual(['household_type', 'region', 'creditor.unit']);
    const hh = result.segments[0]!;
    expect(hh.groups.map((g) => [g.value, g.rows])).toEqual([
      ['family', 99],
      ['single', 100],
    ]);
    const single = hh.groups[1]!;
    expect(single.flaggedRate).toBe(0.5);
    // Positives are the rows with i % 10 === 0 (all singles); flagged among them when i % 20 === 0: 10 of 20.
    expect(single.positives).toBe(20);
    expect(single.truePositiveRate).toBe(0.5);
    expect(single.falsePositiveRate).toBe(0.5);
    expect(hh.gaps.flaggedRate).toBe(0.5);
    expect(hh.gaps.falsePositiveRate).toBe(0.5);
    // Families have no positives: no TPR or AUC, so nothing to compare them on.
    expect(hh.gaps.truePositiveRate).toBeNull();
    expect(hh.gaps.auc).toBeNull();
    expect(hh.gaps.calibrationGap).toBeCloseTo(0.05, 14);
    expect(hh.statements[0]).toMatch(/household_type: .*flagged.* from 0\.0 % \(family, 99 rows\) to 50\.0 % \(single, 100 rows\), a gap of 50\.0 percentage points/);
    // region: 'tiny' has 5 rows, below MIN_SEGMENT_ROWS, so there is nothing to compare.
    const region = result.segments[1]!;
    expect(region.groups).toHaveLength(2);
    expect(region.gaps).toEqual({ auc: null, flaggedRate: null, falsePositiveRate: null, truePositiveRate: null, calibrationGap: null });
    expect(region.statements[0]).toContain(`${MIN_SEGMENT_ROWS} or more rows`);
    expect(JSON.stringify(result)).not.toMatch(/NaN/);
  });

  it('segment metrics of a group without positives leave AUC and TPR null', () => {
    const m = segmentMetrics('s', 'v', f64([0.2, 0.4]), u8([0, 0]), 0.3);
    expect(m).toMatchObject({ rows: 2, positives: 0, auc: null, truePositiveRate: null, falsePositiveRate: 0.5, flaggedRate: 0.5, observedRate: 0 });
    expect(segmentGaps('s', [m, { ...m, value: 'w' }], 1).gaps.auc).toBeNull();
  });
});
