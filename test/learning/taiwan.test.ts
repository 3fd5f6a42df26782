/**
 * Real credit data: the Taiwan credit-card default set (Yeh & Lien 2009, UCI, CC BY 4.0), trained on
 * the rows whose ID is not divisible by 5 and judged on the 6,000 that are. Reference AUCs measured
 * on this split with scikit-learn / xgboost: logistic regression 0.729, random forest 0.787,
 * HistGradientBoosting 0.789, xgboost 0.790. The bounds sit a little under what our learners reach
 * (scorecard 0.780, GBDT with its defaults 0.792), so a quality regression fails here.
 */
import { describe, expect, it } from 'vitest';
import { formatNumericCsv, NumericCsvError, parseNumericCsv } from '../../src/learning/csv.js';
import { trainGradientBoosting } from '../../src/learning/gradient-boosting.js';
import { auc, brier } from '../../src/learning/metrics.js';
import { TreeEnsemblePredictor } from '../../src/learning/predictor.js';
import { ScorecardPredictor, scorecardPoints, trainScorecard } from '../../src/learning/scorecard.js';
import { loadTaiwan } from './taiwan-data.js';

const { train, holdout } = loadTaiwan();

describe('Taiwan credit-card default data', () => {
  it('is the published set: 30,000 rows, 23 features, 22.12 % defaults, a 24,000 / 6,000 split by ID', () => {
    expect(train.rowCount + holdout.rowCount).toBe(30_000);
    expect(holdout.rowCount).toBe(6000);
    expect(train.featureNames).toEqual(Array.from({ length: 23 }, (_, i) => `X${i + 1}`));
    const defaults = train.labels.reduce((a, b) => a + b, 0) + holdout.labels.reduce((a, b) => a + b, 0);
    expect(defaults).toBe(6636);
  });

  it('the scorecard beats plain logistic regression (0.729) on the hold-out: AUC ≥ 0.775', async () => {
    const model = await trainScorecard(train);
    const predictor = new ScorecardPredictor(model);
    const p = predictor.predictColumns(holdout.columns);
    expect(auc(p, holdout.labels)).toBeGreaterThanOrEqual(0.775);
    // Probabilities mean something too: better Brier than always predicting the base rate.
    const baseRate = train.labels.reduce((a, b) => a + b, 0) / train.rowCount;
    expect(brier(p, holdout.labels)).toBeLessThan(brier(new Float64Array(holdout.rowCount).fill(baseRate), holdout.labels) - 0.02);
    // The latest repayment status (X6) is the strongest feature, as in the literature.
    const strongest = model.informationValue.indexOf(Math.max(...model.informationValue));
    expect(model.featureNames[strongest]).toBe('X6');
    // Being further behind on the latest repayment costs points.
    const x6 = scorecardPoints(model).features[5]!.bins.filter((b) => !b.bin.missing);
    expect(x6[0]!.points).toBeGreaterThan(x6.at(-1)!.points);
  });

  it('gradient boosting with its default options reaches AUC ≥ 0.789 on the hold-out (goal 0.790)', async () => {
    const model = await trainGradientBoosting(train);
    const p = new TreeEnsemblePredictor(model).predictColumns(holdout.columns);
    expect(auc(p, holdout.labels)).toBeGreaterThanOrEqual(0.789);
  }, 60_000);
});

describe('numeric CSV reader (how the Taiwan file and the bench tables are read)', () => {
  it('reads numbers and missing cells, and writes what it reads back', () => {
    const table = parseNumericCsv('a,b,c\n1,,3.5\n-2,NaN,1e3\n');
    expect(table.header).toEqual(['a', 'b', 'c']);
    expect(table.rowCount).toBe(2);
    expect(Array.from(table.columns[0]!)).toEqual([1, -2]);
    expect(Array.from(table.columns[1]!)).toEqual([Number.NaN, Number.NaN]);
    expect(Array.from(table.columns[2]!)).toEqual([3.5, 1000]);
    const text = formatNumericCsv(table.header, table.columns);
    expect(text).toBe('a,b,c\n1,,3.5\n-2,,1000\n');
    expect(formatNumericCsv(table.header, table.columns, 'nan')).toBe('a,b,c\n1,nan,3.5\n-2,nan,1000\n');
  });

  it('names the file, line and column of a bad cell or a short or long line', () => {
    expect(() => parseNumericCsv('a,b\n1,2\n3,x\n', 'data.csv')).toThrow(new NumericCsvError('data.csv: line 3, column b: "x" is not a number'));
    expect(() => parseNumericCsv('a,b\n1\n', 'data.csv')).toThrow(/data.csv: line 2 has 1 fields, the header 2/);
    expect(() => parseNumericCsv('a,b\n1,2,3\n', 'data.csv')).toThrow(/line 2 has more than 2 fields/);
  });
});
