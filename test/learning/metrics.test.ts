import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { auc, brier, ks, logLoss, MetricInputError, rocCurve } from '../../src/learning/metrics.js';

/** The definition itself: over every (positive, negative) pair, 1 if the positive scores higher, ½ on a tie. */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

/** max over every possible threshold t of |P(s >= t | y = 1) − P(s >= t | y = 0)|, by brute force. */
function bruteKs(scores: number[], labels: number[]): number {
  const positives = labels.filter((y) => y === 1).length;
  const negatives = labels.length - positives;
  let best = 0;
  for (const t of scores) {
    let tp = 0;
    let fp = 0;
    scores.forEach((s, i) => {
      if (s < t) return;
      if (labels[i] === 1) tp++;
      else fp++;
    });
    best = Math.max(best, Math.abs(tp / positives - fp / negatives));
  }
  return best;
}

// Scores from a small set, so ties are common; at least one row of each class.
const scoredRows = fc
  .array(fc.record({ score: fc.integer({ min: 0, max: 6 }).map((k) => k / 6), label: fc.integer({ min: 0, max: 1 }) }), { minLength: 2, maxLength: 60 })
  .filter((rows) => rows.some((r) => r.label === 1) && rows.some((r) => r.label === 0));

describe('auc', () => {
  it('equals the pairwise definition, ties counting one half', () => {
    fc.assert(
      fc.property(scoredRows, (rows) => {
        const scores = rows.map((r) => r.score);
        const labels = rows.map((r) => r.label);
        expect(auc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
      }),
      { numRuns: 300 },
    );
  });

  it('equals the trapezoid area under its own ROC curve', () => {
    fc.assert(
      fc.property(scoredRows, (rows) => {
        const scores = rows.map((r) => r.score);
        const labels = rows.map((r) => r.label);
        const curve = rocCurve(scores, labels);
        let area = 0;
        for (let i = 1; i < curve.length; i++) {
          area += ((curve[i]!.falsePositiveRate - curve[i - 1]!.falsePositiveRate) * (curve[i]!.truePositiveRate + curve[i - 1]!.truePositiveRate)) / 2;
        }
        expect(auc(scores, labels)).toBeCloseTo(area, 12);
        expect(curve[0]).toEqual({ threshold: Number.POSITIVE_INFINITY, falsePositiveRate: 0, truePositiveRate: 0 });
        expect(curve.at(-1)!.falsePositiveRate).toBe(1);
        expect(curve.at(-1)!.truePositiveRate).toBe(1);
      }),
      { numRuns: 200 },
    );
  });

  it('turns into 1 − AUC when the scores are negated', () => {
    fc.assert(
      fc.property(scoredRows, (rows) => {
        const scores = rows.map((r) => r.score);
        const labels = rows.map((r) => r.label);
        expect(auc(scores.map((s) => -s), labels)).toBeCloseTo(1 - auc(scores, labels), 12);
      }),
    );
  });

  it('matches values worked out by hand', () => {
    // Pairs (pos, neg): (0.35, 0.1) win, (0.35, 0.4) loss, (0.8, 0.1) win, (0.8, 0.4) win → 3/4.
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    // One tie among four pairs: (0.5 vs 0.5) = ½, the other three are wins → 3.5/4.
    expect(auc([0.5, 0.9, 0.5, 0.2], [1, 1, 0, 0])).toBe(0.875);
    expect(auc([1, 2, 3], [0, 1, 1])).toBe(1);
    expect(auc([3, 2, 1], [0, 1, 1])).toBe(0);
  });

  it('is NaN with one class and refuses NaN scores, bad labels and mismatched lengths', () => {
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
    expect(auc([], [])).toBeNaN();
    expect(() => auc([Number.NaN, 0.2], [0, 1])).toThrow(MetricInputError);
    expect(() => auc([0.1, 0.2], [0, 2])).toThrow(/label 1 is 2/);
    expect(() => auc([0.1], [0, 1])).toThrow(/1 scores for 2 labels/);
  });

  it('handles a large input in one sort (agrees with the pairwise count on a sample built to be exact)', () => {
    // 100,000 rows: scores i mod 1000, label 1 when (i mod 1000) >= 600 or i mod 7 == 0.
    const n = 100_000;
    const scores = new Float64Array(n);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      scores[i] = i % 1000;
      labels[i] = i % 1000 >= 600 || i % 7 === 0 ? 1 : 0;
    }
    // Compare with the pairwise formula evaluated on the 1000 distinct scores (counts per score).
    const pos = new Float64Array(1000);
    const neg = new Float64Array(1000);
    for (let i = 0; i < n; i++) (labels[i] === 1 ? pos : neg)[scores[i]!]! += 1;
    let wins = 0;
    let negBelow = 0;
    let totalPos = 0;
    let totalNeg = 0;
    for (let s = 0; s < 1000; s++) {
      wins += pos[s]! * negBelow + 0.5 * pos[s]! * neg[s]!;
      negBelow += neg[s]!;
      totalPos += pos[s]!;
      totalNeg += neg[s]!;
    }
    expect(auc(scores, labels)).toBeCloseTo(wins / (totalPos * totalNeg), 12);
  });
});

describe('ks', () => {
  it('equals the brute-force largest gap between the class score distributions', () => {
    fc.assert(
      fc.property(scoredRows, (rows) => {
        const scores = rows.map((r) => r.score);
        const labels = rows.map((r) => r.label);
        expect(ks(scores, labels)).toBeCloseTo(bruteKs(scores, labels), 12);
      }),
      { numRuns: 200 },
    );
  });

  it('matches a value worked out by hand', () => {
    // Thresholds 0.8: TPR ½, FPR 0 → gap ½; 0.4: ½, ½; 0.35: 1, ½ → ½; 0.1: 1, 1.
    expect(ks([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.5);
    expect(ks([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(ks([1, 2], [1, 1])).toBeNaN();
  });
});

describe('logLoss and brier', () => {
  it('match values worked out by hand', () => {
    expect(logLoss([0.9, 0.1], [1, 0])).toBeCloseTo(-Math.log(0.9), 14);
    expect(logLoss([0.5, 0.25], [1, 1])).toBeCloseTo((Math.log(2) + Math.log(4)) / 2, 14);
    expect(brier([0.9, 0.2], [1, 0])).toBeCloseTo((0.01 + 0.04) / 2, 15);
    expect(brier([1, 0], [1, 0])).toBe(0);
  });

  it('stay finite on a confident mistake and refuse probabilities outside [0, 1]', () => {
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(1e-15), 6);
    expect(() => logLoss([1.2], [1])).toThrow(MetricInputError);
    expect(() => brier([-0.1], [0])).toThrow(/outside \[0, 1\]/);
    expect(brier([], [])).toBeNaN();
  });

  it('are smallest for the true probability (both are proper scoring rules)', () => {
    // Labels drawn with p = 0.3 exactly: 3 positives in 10. Any other constant forecast does worse.
    const labels = [1, 0, 0, 1, 0, 0, 1, 0, 0, 0];
    const at = (p: number) => labels.map(() => p);
    for (const other of [0.1, 0.2, 0.25, 0.35, 0.5]) {
      expect(logLoss(at(0.3), labels)).toBeLessThan(logLoss(at(other), labels));
      expect(brier(at(0.3), labels)).toBeLessThan(brier(at(other), labels));
    }
  });
});
