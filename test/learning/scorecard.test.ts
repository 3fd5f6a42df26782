import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Dataset } from '../../src/learning/dataset.js';
import { auc } from '../../src/learning/metrics.js';
import {
  binFeature,
  formatScorecardPoints,
  ScorecardFormatError,
  ScorecardPredictor,
  scoreFromPoints,
  scorecardPoints,
  trainScorecard,
  validateScorecard,
} from '../../src/learning/scorecard.js';
import { SeededRandom } from '../../src/learning/seeded-random.js';

/**
 * Known truth, additive in the log-odds (what a scorecard can represent): a monotone risk (x0),
 * a U-shaped risk (x1: both ends risky), missingness that raises the risk (x2 missing in a quarter
 * of the rows), and pure noise (x3). About 15 % positives.
 */
function additiveData(rowCount: number, seed: number): { data: Dataset; truth: Float64Array } {
  const rng = new SeededRandom(seed);
  const columns = Array.from({ length: 4 }, () => new Float64Array(rowCount));
  const labels = new Uint8Array(rowCount);
  const truth = new Float64Array(rowCount);
  for (let i = 0; i < rowCount; i++) {
    const x0 = rng.nextFloat() * 10;
    const x1 = rng.nextFloat() * 2 - 1;
    const x2Missing = rng.nextFloat() < 0.25;
    const x2 = x2Missing ? Number.NaN : rng.nextFloat();
    columns[0]![i] = x0;
    columns[1]![i] = x1;
    columns[2]![i] = x2;
    columns[3]![i] = rng.nextFloat();
    const logit = -2.6 + 0.3 * x0 + 2.0 * x1 * x1 + (x2Missing ? 1.0 : -0.5 * x2);
    truth[i] = 1 / (1 + Math.exp(-logit));
    labels[i] = rng.nextFloat() < truth[i]! ? 1 : 0;
  }
  return { data: { featureNames: ['x0', 'x1', 'x2', 'x3'], rowCount, columns, labels }, truth };
}

const presentWoes = (bins: { missing: boolean; woe: number }[]) => bins.filter((b) => !b.missing).map((b) => b.woe);

describe('weight-of-evidence binning', () => {
  it('computes WoE and information value as worked out by hand', () => {
    // Two bins: x = 1 holds 1 event in 4 rows, x = 2 holds 3 in 4. E = N = 4, K = 2, smoothing ½:
    // woe(≤1) = ln((1.5/5) / (3.5/5)) = ln(3/7), woe(>1) = ln(7/3); IV = 2 × 0.4 × ln(7/3).
    const values = Float64Array.from([1, 1, 1, 1, 2, 2, 2, 2]);
    const labels = Uint8Array.from([0, 0, 0, 1, 0, 1, 1, 1]);
    const b = binFeature(values, labels, undefined, { preBins: 2, minBinShare: 0, monotone: 'never', mergeChiSquare: 0 });
    expect(b.bins).toHaveLength(3);
    expect(b.bins[0]).toMatchObject({ lower: null, upper: 1, missing: false, count: 4, events: 1 });
    expect(b.bins[0]!.woe).toBeCloseTo(Math.log(3 / 7), 14);
    expect(b.bins[1]).toMatchObject({ lower: 1, upper: null, missing: false, count: 4, events: 3 });
    expect(b.bins[1]!.woe).toBeCloseTo(Math.log(7 / 3), 14);
    // No missing values in training: the missing bin is empty and neutral.
    expect(b.bins[2]).toEqual({ lower: null, upper: null, missing: true, count: 0, events: 0, woe: 0 });
    expect(b.informationValue).toBeCloseTo(0.8 * Math.log(7 / 3), 14);
    // ChiMerge: expected 2 events and 2 non-events per bin, χ² = 4 × 1²/2 = 2 < 3.84 → one bin.
    const merged = binFeature(values, labels, undefined, { preBins: 2, minBinShare: 0, monotone: 'never' });
    expect(merged.bins.filter((bin) => !bin.missing)).toHaveLength(1);
    expect(binFeature(values, labels, undefined, { preBins: 2, minBinShare: 0, monotone: 'never', mergeChiSquare: 1.99 }).bins).toHaveLength(3);
  });

  it('finds a monotone risk, keeps a U-shaped one, gives missing values their own WoE and noise almost no IV', async () => {
    const { data } = additiveData(30_000, 1);
    const model = await trainScorecard(data);
    const [x0, x1, x2, x3] = model.bins;
    const w0 = presentWoes(x0!);
    expect(w0.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < w0.length; i++) expect(w0[i]!).toBeGreaterThan(w0[i - 1]!);
    // U shape: both outer bins riskier than the middle one. Forcing monotone would lose it.
    const w1 = presentWoes(x1!);
    const middle = Math.min(...w1);
    expect(w1[0]!).toBeGreaterThan(middle + 0.5);
    expect(w1.at(-1)!).toBeGreaterThan(middle + 0.5);
    // Missing is riskier than any present value of x2 here.
    const missingBin = x2!.find((b) => b.missing)!;
    expect(missingBin.count).toBeGreaterThan(6000);
    expect(missingBin.woe).toBeGreaterThan(Math.max(...presentWoes(x2!)));
    expect(model.informationValue[3]!).toBeLessThan(0.02);
    for (const f of [0, 1, 2]) expect(model.informationValue[f]!).toBeGreaterThan(0.1);
    // Coefficients on WoE of a true, additive effect are near 1; noise gets little weight.
    for (const f of [0, 1, 2]) expect(model.coefficients[f]!).toBeGreaterThan(0.7);
    // ChiMerge collapses noise to (nearly) one bin, so it moves no score by more than a hair; without
    // it the noise keeps eight bins of chance WoE differences and a coefficient near 1.
    const noiseSwing = (m: typeof model) => Math.abs(m.coefficients[3]!) * (Math.max(...presentWoes(m.bins[3]!)) - Math.min(...presentWoes(m.bins[3]!)));
    expect(presentWoes(x3!).length).toBeLessThanOrEqual(2);
    expect(noiseSwing(model)).toBeLessThan(0.05);
    const unmerged = await trainScorecard(data, { mergeChiSquare: 0 });
    expect(presentWoes(unmerged.bins[3]!).length).toBeGreaterThan(4);
    expect(noiseSwing(unmerged)).toBeGreaterThan(noiseSwing(model));
    // The information-value line, when asked for, gives noise coefficient 0.
    expect((await trainScorecard(data, { minInformationValue: 0.02 })).coefficients[3]).toBe(0);
  });

  it('ranks fresh rows close to the oracle on additive truth', async () => {
    const { data: train } = additiveData(30_000, 2);
    const { data: test, truth } = additiveData(20_000, 3);
    const predicted = new ScorecardPredictor(await trainScorecard(train)).predictColumns(test.columns);
    const oracle = auc(truth, test.labels);
    expect(auc(predicted, test.labels)).toBeGreaterThan(oracle - 0.01);
    // …and the one-feature scorecard of x0 alone does much worse, so the bound above means something.
    expect(oracle - auc(test.columns[0]!, test.labels)).toBeGreaterThan(0.05);
  });

  it('is deterministic: the same data gives the same scorecard, byte for byte', async () => {
    const { data } = additiveData(5000, 4);
    expect(JSON.stringify(await trainScorecard(data))).toBe(JSON.stringify(await trainScorecard(data)));
  });
});

describe('scorecard predictions', () => {
  it('contributions plus the base equal the log-odds for any row, missing and out-of-range values included', async () => {
    const { data } = additiveData(8000, 5);
    const model = await trainScorecard(data);
    const predictor = new ScorecardPredictor(model);
    const value = fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.constant(Number.NaN));
    fc.assert(
      fc.property(fc.tuple(value, value, value, value), (row) => {
        const { base, values } = predictor.contributions(row);
        const raw = predictor.predictRaw(row);
        expect(base + values.reduce((a, b) => a + b, 0)).toBeCloseTo(raw, 10);
        let direct = model.intercept;
        row.forEach((x, f) => {
          direct += model.coefficients[f]! * model.bins[f]![predictor.binIndex(f, x)]!.woe;
        });
        expect(raw).toBeCloseTo(direct, 12);
        expect(predictor.predictProbability(row)).toBeCloseTo(1 / (1 + Math.exp(-raw)), 14);
      }),
      { numRuns: 500 },
    );
    // The base is the log-odds at the mean WoE: contributions average to zero over the training rows.
    const sums = new Float64Array(4);
    for (let i = 0; i < data.rowCount; i++) {
      const { values } = predictor.contributions(data.columns.map((c) => c[i]!));
      values.forEach((v, f) => (sums[f] = sums[f]! + v / data.rowCount));
    }
    for (const s of sums) expect(Math.abs(s)).toBeLessThan(1e-9);
  });

  it('predicts the same in batch as row by row', async () => {
    const { data } = additiveData(3000, 6);
    const predictor = new ScorecardPredictor(await trainScorecard(data));
    const batch = predictor.predictColumns(data.columns);
    for (let i = 0; i < 200; i++) expect(batch[i]!).toBeCloseTo(predictor.predictProbability(data.columns.map((c) => c[i]!)), 14);
  });
});

describe('points table', () => {
  it('adds up to offset + factor × ln(good:bad odds) for every row, with pdo points per doubling', async () => {
    const { data } = additiveData(6000, 7);
    const model = await trainScorecard(data);
    const predictor = new ScorecardPredictor(model);
    const table = scorecardPoints(model, { pdo: 20, basePoints: 600, baseOdds: 50 });
    expect(table.factor).toBeCloseTo(20 / Math.LN2, 12);
    expect(table.offset).toBeCloseTo(600 - (20 / Math.LN2) * Math.log(50), 12);
    for (let i = 0; i < 300; i++) {
      const row = data.columns.map((c) => c[i]!);
      const p = predictor.predictProbability(row);
      const expected = table.offset + table.factor * Math.log((1 - p) / p);
      expect(scoreFromPoints(table, predictor, row)).toBeCloseTo(expected, 8);
    }
    // The scale's anchors: odds 50:1 is 600 points, 100:1 is 620.
    const scoreAt = (oddsGood: number) => table.offset + table.factor * Math.log(oddsGood);
    expect(scoreAt(50)).toBeCloseTo(600, 10);
    expect(scoreAt(100)).toBeCloseTo(620, 10);
    // Riskier bins earn fewer points.
    const x0 = table.features[0]!.bins.filter((b) => !b.bin.missing);
    expect(x0[0]!.points).toBeGreaterThan(x0.at(-1)!.points);
    const text = formatScorecardPoints(table);
    expect(text).toMatch(/^starting points /);
    expect(text).toContain('x2\tmissing\t');
  });
});

describe('stored scorecards', () => {
  it('validate after a JSON round trip and predict the same; broken ones are refused with the reason', async () => {
    const { data } = additiveData(3000, 8);
    const model = await trainScorecard(data);
    const copy = JSON.parse(JSON.stringify(model)) as Record<string, unknown>;
    const reread = new ScorecardPredictor(validateScorecard(copy));
    const original = new ScorecardPredictor(model);
    for (let i = 0; i < 50; i++) {
      const row = data.columns.map((c) => c[i]!);
      expect(reread.predictRaw(row)).toBe(original.predictRaw(row));
    }
    const broken = (edit: (m: { bins: { lower: number | null; upper: number | null; missing: boolean }[][]; coefficients: number[] }) => void) => {
      const m = JSON.parse(JSON.stringify(model)) as Parameters<typeof edit>[0] & Record<string, unknown>;
      edit(m);
      return () => validateScorecard(m);
    };
    expect(broken((m) => m.coefficients.pop())).toThrow(ScorecardFormatError);
    expect(broken((m) => (m.bins[0]![1]!.lower = 12345))).toThrow(/ascending and contiguous/);
    expect(broken((m) => m.bins[0]!.pop())).toThrow(/exactly one missing bin/);
    expect(broken((m) => (m.bins[1]!.at(-2)!.upper = 99))).toThrow(/unbounded above/);
  });

  it('refuse bad options', async () => {
    const { data } = additiveData(100, 9);
    await expect(trainScorecard(data, { maxBins: 0 })).rejects.toThrow(/maxBins/);
    await expect(trainScorecard(data, { monotone: 'sometimes' as never })).rejects.toThrow(/monotone/);
  });
});
