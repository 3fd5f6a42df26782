import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyCalibration, applyCalibrationAll, CalibrationError, fitIsotonic, fitPlatt, validateCalibration } from '../../src/learning/calibration.js';
import { auc, brier } from '../../src/learning/metrics.js';
import { SeededRandom } from '../../src/learning/seeded-random.js';

const sigmoid = (f: number) => 1 / (1 + Math.exp(-f));

function gaussian(rng: SeededRandom): number {
  const u = Math.max(Number.MIN_VALUE, rng.nextFloat());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}

/**
 * A score that ranks perfectly by the true probability but is badly calibrated: raw = p³ (far too
 * low) — what an over-regularised or class-weighted model looks like.
 */
function miscalibrated(n: number, seed: number): { raw: Float64Array; truth: Float64Array; labels: Uint8Array } {
  const rng = new SeededRandom(seed);
  const raw = new Float64Array(n);
  const truth = new Float64Array(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = sigmoid(-1.5 + 1.3 * gaussian(rng));
    truth[i] = p;
    raw[i] = p ** 3;
    labels[i] = rng.nextFloat() < p ? 1 : 0;
  }
  return { raw, truth, labels };
}

describe('isotonic calibration', () => {
  it('pools adjacent violators exactly as worked out by hand', () => {
    // y = 1, 0, 1, 1 at x = 1..4: the first two violate and pool to ½; the rest stay at 1 (clamped).
    const c = fitIsotonic([1, 2, 3, 4], [1, 0, 1, 1]);
    expect(c.kind).toBe('isotonic');
    expect(c.x).toEqual([1, 2, 3, 4]);
    expect(c.y).toEqual([0.5, 0.5, 1 - 1e-6, 1 - 1e-6]);
    // Between the knots 2 and 3 the curve is linear.
    expect(applyCalibration(c, 2.5)).toBeCloseTo((0.5 + 1 - 1e-6) / 2, 12);
    // Outside the knots it is flat.
    expect(applyCalibration(c, -10)).toBe(0.5);
    expect(applyCalibration(c, 10)).toBe(1 - 1e-6);
  });

  it('pools equal scores first and uses the weights', () => {
    // x = 1 twice (labels 0 and 1 → ½), x = 2 with label 0 weighted 3: violation, pooled (½·2 + 0·3)/5 = 0.2.
    const c = fitIsotonic([1, 1, 2], [0, 1, 0], [1, 1, 3]);
    expect(c.x).toEqual([1, 2]);
    expect(c.y![0]).toBeCloseTo(0.2, 15);
    expect(c.y![1]).toBeCloseTo(0.2, 15);
  });

  it('compresses a long constant run to its two ends', () => {
    const raw = Array.from({ length: 1000 }, (_, i) => i / 1000);
    const labels = raw.map((x) => (x < 0.5 ? 0 : 1));
    const c = fitIsotonic(raw, labels);
    expect(c.x).toEqual([0, 0.499, 0.5, 0.999]);
    expect(c.y).toEqual([1e-6, 1e-6, 1 - 1e-6, 1 - 1e-6]);
  });

  it('is monotone and within [1e-6, 1 − 1e-6] whatever it is fitted on', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ x: fc.double({ min: 0, max: 1, noNaN: true }), y: fc.integer({ min: 0, max: 1 }) }), { minLength: 1, maxLength: 80 }),
        fc.array(fc.double({ min: -0.5, max: 1.5, noNaN: true }), { minLength: 2, maxLength: 20 }),
        (rows, probes) => {
          const c = fitIsotonic(rows.map((r) => r.x), rows.map((r) => r.y));
          for (let i = 1; i < c.x!.length; i++) {
            expect(c.x![i]!).toBeGreaterThan(c.x![i - 1]!);
            expect(c.y![i]!).toBeGreaterThanOrEqual(c.y![i - 1]!);
          }
          const sorted = [...probes].sort((a, b) => a - b);
          const out = sorted.map((p) => applyCalibration(c, p));
          for (let i = 0; i < out.length; i++) {
            expect(out[i]!).toBeGreaterThanOrEqual(1e-6);
            expect(out[i]!).toBeLessThanOrEqual(1 - 1e-6);
            if (i > 0) expect(out[i]!).toBeGreaterThanOrEqual(out[i - 1]!);
          }
          // A stored calibration reads back as itself.
          expect(validateCalibration(JSON.parse(JSON.stringify(c)))).toEqual(c);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fitted values minimise the squared error among monotone fits (no small change does better)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 2, maxLength: 12 }), (labels) => {
        const x = labels.map((_, i) => i);
        const c = fitIsotonic(x, labels);
        const fitted = x.map((xi) => applyCalibration(c, xi));
        const sse = (values: number[]) => values.reduce((s, v, i) => s + (v - labels[i]!) ** 2, 0);
        const base = sse(fitted);
        // Moving any suffix up or down by a small step, where that stays monotone, must not reduce
        // the error (beyond the 1e-6 clamp).
        for (let k = 0; k < x.length; k++) {
          for (const delta of [-0.01, 0.01]) {
            const moved = fitted.map((v, i) => (i >= k ? v + delta : v));
            if (moved.some((v, i) => v < 0 || v > 1 || (i > 0 && v < moved[i - 1]!))) continue;
            expect(sse(moved)).toBeGreaterThanOrEqual(base - 1e-4);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('brings a mis-calibrated score close to the true probability on fresh rows (Brier and error against truth)', () => {
    const fit = miscalibrated(20_000, 1);
    const test = miscalibrated(20_000, 2);
    const c = fitIsotonic(fit.raw, fit.labels);
    const calibrated = applyCalibrationAll(c, test.raw);
    const rawBrier = brier(test.raw, test.labels);
    const calibratedBrier = brier(calibrated, test.labels);
    const oracleBrier = brier(test.truth, test.labels);
    expect(calibratedBrier).toBeLessThan(rawBrier - 0.01);
    expect(calibratedBrier - oracleBrier).toBeLessThan(0.002);
    let meanAbsError = 0;
    let rawMeanAbsError = 0;
    for (let i = 0; i < test.truth.length; i++) {
      meanAbsError += Math.abs(calibrated[i]! - test.truth[i]!) / test.truth.length;
      rawMeanAbsError += Math.abs(test.raw[i]! - test.truth[i]!) / test.truth.length;
    }
    expect(meanAbsError).toBeLessThan(0.03);
    expect(rawMeanAbsError).toBeGreaterThan(0.1);
    // Ranking kept (isotonic can only merge, never reorder).
    expect(auc(calibrated, test.labels)).toBeGreaterThan(auc(test.raw, test.labels) - 0.005);
  });

  it('refuses empty input, bad labels and NaN', () => {
    expect(() => fitIsotonic([], [])).toThrow(CalibrationError);
    expect(() => fitIsotonic([0.1], [2])).toThrow(/label 0 is 2/);
    expect(() => fitIsotonic([Number.NaN], [1])).toThrow(CalibrationError);
    expect(() => applyCalibration({ kind: 'isotonic', x: [0], y: [0.5] }, Number.NaN)).toThrow(CalibrationError);
  });
});

describe('Platt calibration', () => {
  it('recovers known a and b from outcomes drawn with p = σ(a·logit(raw) + b)', () => {
    const rng = new SeededRandom(7);
    const n = 60_000;
    const raw = new Float64Array(n);
    const labels = new Uint8Array(n);
    const [a, b] = [1.7, -0.8];
    for (let i = 0; i < n; i++) {
      const z = 1.5 * gaussian(rng);
      raw[i] = sigmoid(z);
      labels[i] = rng.nextFloat() < sigmoid(a * z + b) ? 1 : 0;
    }
    const c = fitPlatt(raw, labels);
    expect(c.kind).toBe('platt');
    expect(c.a!).toBeCloseTo(a, 1);
    expect(c.b!).toBeCloseTo(b, 1);
    expect(Math.abs(c.a! - a)).toBeLessThan(0.05);
    expect(Math.abs(c.b! - b)).toBeLessThan(0.05);
    expect(applyCalibration(c, 0.5)).toBeCloseTo(sigmoid(c.b!), 12);
  });

  it('stays finite on a perfectly separable slice (the smoothed targets at work)', () => {
    const c = fitPlatt([0.1, 0.2, 0.3, 0.7, 0.8, 0.9], [0, 0, 0, 1, 1, 1]);
    expect(Number.isFinite(c.a!)).toBe(true);
    expect(Number.isFinite(c.b!)).toBe(true);
    expect(applyCalibration(c, 0.9)).toBeLessThan(1);
    expect(applyCalibration(c, 0.9)).toBeGreaterThan(applyCalibration(c, 0.1));
  });

  it('is the identity-ish map for an already calibrated score', () => {
    const rng = new SeededRandom(9);
    const n = 40_000;
    const raw = new Float64Array(n);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      raw[i] = sigmoid(-1 + gaussian(rng));
      labels[i] = rng.nextFloat() < raw[i]! ? 1 : 0;
    }
    const c = fitPlatt(raw, labels);
    expect(Math.abs(c.a! - 1)).toBeLessThan(0.05);
    expect(Math.abs(c.b!)).toBeLessThan(0.05);
  });
});

describe('stored calibrations', () => {
  it('validates what it reads and applies none as the identity', () => {
    expect(applyCalibration(validateCalibration({ kind: 'none' }), 0.37)).toBe(0.37);
    expect(() => validateCalibration({ kind: 'platt', a: 1 })).toThrow(CalibrationError);
    expect(() => validateCalibration({ kind: 'isotonic', x: [0, 1], y: [0.6, 0.4] })).toThrow(/not below/);
    expect(() => validateCalibration({ kind: 'spline' })).toThrow(/unknown calibration kind/);
  });
});
