/**
 * The protected amount (beslagvrije voet), hand-computed from the norm files:
 * - 2025-03-01: bijstand norms of 2025-01-01 (single 1,345.45, couple 1,922.07, pension-age single
 *   1,501.07), beslagvrije-voet entry of 2024-01-01 (95 %, maxima 1,996.21 / 2,162.60 / 2,631.49 /
 *   2,747.09, compensation 60 % of income above the norm);
 * - 2024-03-01: bijstand norms of 2024-01-01 (single 1,283.83, couple 1,834.04), same maxima;
 * - 2021-06-01: the 2021 entry with published base amounts (single 967.90, couple 1,382.71) and the
 *   2021 maxima (1,661.40 / 1,779.52 / 2,199.34 / 2,317.45).
 * 95 % of a norm is rounded to the cent, half away from zero (1,278.1775 → 1,278.18).
 */
import { describe, expect, it } from 'vitest';
import { normsAt, type HouseholdType } from '../../src/affordability/norms/norms.js';
import { computeProtectedAmount, type ProtectedBand } from '../../src/affordability/protected-income.js';

const cases: [string, HouseholdType, boolean, number, number, ProtectedBand][] = [
  // date, household, pension age, income, protected, band
  ['2025-03-01', 'single', false, 100_000, 95_000, 'at_or_below_norm'], // 95 % of 1,000.00
  ['2025-03-01', 'single', false, 134_545, 127_818, 'at_or_below_norm'], // exactly the norm: 95 % of it
  ['2025-03-01', 'single', false, 160_000, 143_091, 'middle'], // 1,278.18 + 60 % × (1,600.00 − 1,345.45) = 1,278.18 + 152.73
  ['2025-03-01', 'single', false, 400_000, 199_621, 'maximum'], // 60 % × 2,654.55 = 1,592.73 > 1,996.21 − 1,278.18
  ['2025-03-01', 'single_parent', false, 120_000, 114_000, 'at_or_below_norm'],
  ['2025-03-01', 'single_parent', false, 180_000, 155_091, 'middle'], // 1,278.18 + 60 % × 454.55 = 1,278.18 + 272.73
  ['2025-03-01', 'single_parent', false, 400_000, 216_260, 'maximum'],
  ['2025-03-01', 'couple', false, 150_000, 142_500, 'at_or_below_norm'],
  ['2025-03-01', 'couple', false, 230_000, 205_273, 'middle'], // 1,825.97 + 60 % × 377.93 = 1,825.97 + 226.76
  ['2025-03-01', 'couple', false, 500_000, 263_149, 'maximum'],
  ['2025-03-01', 'couple_with_children', false, 190_000, 180_500, 'at_or_below_norm'],
  ['2025-03-01', 'couple_with_children', false, 250_000, 217_273, 'middle'], // 1,825.97 + 60 % × 577.93 = 1,825.97 + 346.76
  ['2025-03-01', 'couple_with_children', false, 600_000, 274_709, 'maximum'],
  ['2025-03-01', 'single', true, 200_000, 172_538, 'middle'], // pension-age norm 1,501.07: 1,426.02 + 60 % × 498.93 = 1,426.02 + 299.36
  ['2024-03-01', 'single', false, 100_000, 95_000, 'at_or_below_norm'],
  ['2024-03-01', 'single', false, 130_000, 122_934, 'middle'], // above the 2024 norm 1,283.83: 1,219.64 + 60 % × 16.17 = 1,219.64 + 9.70
  ['2025-03-01', 'single', false, 130_000, 123_500, 'at_or_below_norm'], // the same income is below the 2025 norm
  ['2024-03-01', 'single', false, 160_000, 140_934, 'middle'], // 1,219.64 + 60 % × 316.17 = 1,219.64 + 189.70
  ['2024-03-01', 'single', false, 400_000, 199_621, 'maximum'],
  ['2024-03-01', 'couple', false, 230_000, 202_192, 'middle'], // 1,742.34 + 60 % × 465.96 = 1,742.34 + 279.58
  ['2021-06-01', 'single', false, 90_000, 85_500, 'at_or_below_norm'],
  ['2021-06-01', 'single', false, 120_000, 107_660, 'middle'], // norm 967.90 / 95 % = 1,018.84: 967.90 + 60 % × 181.16 = 967.90 + 108.70
  ['2021-06-01', 'single', false, 300_000, 166_140, 'maximum'],
  ['2021-06-01', 'couple', false, 160_000, 146_942, 'middle'], // norm 1,455.48: 1,382.71 + 60 % × 144.52 = 1,382.71 + 86.71
  ['2021-06-01', 'couple_with_children', false, 400_000, 231_745, 'maximum'],
];

describe('protected amount (beslagvrije voet)', () => {
  it.each(cases)('%s %s (pension age %s), income %i → %i (%s)', (date, household, pensionAge, income, expected, band) => {
    const result = computeProtectedAmount({ netIncomeCents: income, household, pensionAge, norms: normsAt(date) });
    expect(result.protectedCents).toBe(expected);
    expect(result.band).toBe(band);
    expect(result.protectedCents).toBeLessThanOrEqual(income);
  });

  it('says where its figures come from, and that the compensation rate is an estimate', () => {
    const result = computeProtectedAmount({ netIncomeCents: 160_000, household: 'single', pensionAge: false, norms: normsAt('2025-03-01') });
    expect(result).toMatchObject({ normCents: 134_545, baseCents: 127_818, compensationCents: 15_273, maximumCents: 199_621, normDerivedFromBase: false });
    expect(result.sources.bijstandNorm).toMatch(/2025/);
    expect(result.sources.compensationRate).toMatch(/ESTIMATE/);
    const in2021 = computeProtectedAmount({ netIncomeCents: 120_000, household: 'single', pensionAge: false, norms: normsAt('2021-06-01') });
    expect(in2021).toMatchObject({ normDerivedFromBase: true, normCents: 101_884, baseCents: 96_790 });
  });

  it('protects nothing of no income', () => {
    expect(computeProtectedAmount({ netIncomeCents: 0, household: 'single', pensionAge: false, norms: normsAt('2025-03-01') }).protectedCents).toBe(0);
  });
});
