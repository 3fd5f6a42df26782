/**
 * The protected amount (beslagvrije voet), hand-computed from the norm files:
 * - 2025-03-01: bijstand norms of 2025-01-01 (single 1,345.45, couple 1,922.07, pension-age single
 *   1,501.07), beslagvrije-voet maxima of 2025-01-01 (2,071.24 / 2,242.24 / 2,739.03 / 2,855.96),
 *   95 %, compensation 60 % of income above the norm;
 * - 2024-03-01: bijstand norms of 2024-01-01 (single 1,283.83, couple 1,834.04), maxima of
 *   2024-01-01 (1,996.21 / 2,162.60 / 2,631.49 / 2,747.09);
 * - 2021-06-01 and 2022-06-01: the 2021 entry with published base amounts (single 967.90, couple
 *   1,382.71) and the 2021 maxima (1,661.40 / 1,779.52 / 2,199.34 / 2,317.45);
 * - 2023-03-01: the 2023 maxima (1,872.81 / 2,015.84 / 2,470.03 / 2,509.97) with the last known
 *   base, the published 2021 amounts (no 2023 bijstand norm is in the tables);
 * - 2025-09-01 and 2026-06-01: the 2025-07-01 maxima (2,093.67 / 2,264.67 / 2,771.07 / 2,888.00)
 *   with the last known bijstand norm, 2025-01-01.
 * 95 % of a norm is rounded to the cent, half away from zero (1,278.1775 → 1,278.18).
 *
 * Housing-cost raise (housing-raise.json, 2021-01-01): share of housing in the norm 237.62; maxima
 * under 23 204.84, one person 376.89, one person at pension age 378.71, two persons 328.85 (adapted
 * 376.89), three or more 358.37 (adapted 388.24).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normsAt, type HouseholdType } from '../../src/affordability/norms/norms.js';
import { computeProtectedAmount, type HousingInput, type HousingRaiseCategory, type ProtectedBand } from '../../src/affordability/protected-income.js';

const cases: [string, HouseholdType, boolean, number, number, ProtectedBand][] = [
  // date, household, pension age, income, protected, band
  ['2025-03-01', 'single', false, 100_000, 95_000, 'at_or_below_norm'], // 95 % of 1,000.00
  ['2025-03-01', 'single', false, 134_545, 127_818, 'at_or_below_norm'], // exactly the norm: 95 % of it
  ['2025-03-01', 'single', false, 160_000, 143_091, 'middle'], // 1,278.18 + 60 % × (1,600.00 − 1,345.45) = 1,278.18 + 152.73
  ['2025-03-01', 'single', false, 400_000, 207_124, 'maximum'], // 60 % × 2,654.55 = 1,592.73 > 2,071.24 − 1,278.18
  ['2025-03-01', 'single_parent', false, 120_000, 114_000, 'at_or_below_norm'],
  ['2025-03-01', 'single_parent', false, 180_000, 155_091, 'middle'], // 1,278.18 + 60 % × 454.55 = 1,278.18 + 272.73
  ['2025-03-01', 'single_parent', false, 400_000, 224_224, 'maximum'],
  ['2025-03-01', 'couple', false, 150_000, 142_500, 'at_or_below_norm'],
  ['2025-03-01', 'couple', false, 230_000, 205_273, 'middle'], // 1,825.97 + 60 % × 377.93 = 1,825.97 + 226.76
  ['2025-03-01', 'couple', false, 500_000, 273_903, 'maximum'], // 60 % × 3,077.93 = 1,846.76 > 2,739.03 − 1,825.97
  ['2025-03-01', 'couple_with_children', false, 190_000, 180_500, 'at_or_below_norm'],
  ['2025-03-01', 'couple_with_children', false, 250_000, 217_273, 'middle'], // 1,825.97 + 60 % × 577.93 = 1,825.97 + 346.76
  ['2025-03-01', 'couple_with_children', false, 600_000, 285_596, 'maximum'],
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
  ['2022-06-01', 'single', false, 120_000, 107_660, 'middle'], // 2021 figures kept: as on 2021-06-01
  ['2022-06-01', 'single', false, 300_000, 166_140, 'maximum'], // the 2021 maximum
  ['2023-03-01', 'single', false, 90_000, 85_500, 'at_or_below_norm'], // below the norm 1,018.84 derived from the kept 2021 base
  ['2023-03-01', 'single', false, 120_000, 107_660, 'middle'], // 967.90 + 108.70, as in 2021: the base is the last known
  ['2023-03-01', 'single', false, 300_000, 187_281, 'maximum'], // 60 % × 1,981.16 = 1,188.70 > 1,872.81 − 967.90: the 2023 maximum
  ['2023-03-01', 'single_parent', false, 300_000, 201_584, 'maximum'], // 1,188.70 > 2,015.84 − 967.90
  ['2023-03-01', 'couple', false, 400_000, 247_003, 'maximum'], // 60 % × 2,544.52 = 1,526.71 > 2,470.03 − 1,382.71
  ['2023-03-01', 'couple_with_children', false, 400_000, 250_997, 'maximum'], // 1,526.71 > 2,509.97 − 1,382.71
  ['2025-09-01', 'single', false, 160_000, 143_091, 'middle'], // bijstand norm of 2025-01-01 kept: as on 2025-03-01
  ['2025-09-01', 'single', false, 400_000, 209_367, 'maximum'], // the 2025-07-01 maximum
  ['2025-09-01', 'single_parent', false, 400_000, 226_467, 'maximum'],
  ['2026-06-01', 'couple', false, 500_000, 277_107, 'maximum'], // 2025-07-01 maxima kept
  ['2026-06-01', 'couple_with_children', false, 600_000, 288_800, 'maximum'],
];

describe('protected amount (beslagvrije voet)', () => {
  it.each(cases)('%s %s (pension age %s), income %i → %i (%s)', (date, household, pensionAge, income, expected, band) => {
    const result = computeProtectedAmount({ netIncomeCents: income, household, pensionAge, norms: normsAt(date) });
    expect(result.protectedCents).toBe(expected);
    expect(result.band).toBe(band);
    expect(result.protectedCents).toBeLessThanOrEqual(income);
    expect(result.housingRaise).toBeNull();
  });

  it('says where its figures come from, and that the compensation rate is an estimate', () => {
    const result = computeProtectedAmount({ netIncomeCents: 160_000, household: 'single', pensionAge: false, norms: normsAt('2025-03-01') });
    expect(result).toMatchObject({ normCents: 134_545, baseCents: 127_818, compensationCents: 15_273, maximumCents: 207_124, normDerivedFromBase: false });
    expect(result.base).toEqual({ kind: 'bijstand_norm', validFrom: '2025-01-01', lastKnownKept: false });
    expect(result.sources.bijstandNorm).toMatch(/2025/);
    expect(result.sources.compensationRate).toMatch(/ESTIMATE/);
    const in2021 = computeProtectedAmount({ netIncomeCents: 120_000, household: 'single', pensionAge: false, norms: normsAt('2021-06-01') });
    expect(in2021).toMatchObject({ normDerivedFromBase: true, normCents: 101_884, baseCents: 96_790, base: { kind: 'published', validFrom: '2021-01-01', lastKnownKept: false } });
    const in2023 = computeProtectedAmount({ netIncomeCents: 120_000, household: 'single', pensionAge: false, norms: normsAt('2023-03-01') });
    expect(in2023).toMatchObject({ normDerivedFromBase: true, baseCents: 96_790, maximumCents: 187_281, base: { kind: 'published', validFrom: '2021-01-01', lastKnownKept: true } });
  });

  it('protects nothing of no income', () => {
    expect(computeProtectedAmount({ netIncomeCents: 0, household: 'single', pensionAge: false, norms: normsAt('2025-03-01') }).protectedCents).toBe(0);
  });
});

const housingCases: [string, HouseholdType, boolean, number, HousingInput, HousingRaiseCategory, number, number][] = [
  // description, household, pension age, income, housing, category, raise, protected — all on 2025-03-01
  ['raise below the maximum', 'single', false, 160_000, { costsCents: 60_000, allowanceCents: 25_000 }, 'onePerson', 11_238, 154_329],
  // 600.00 − 250.00 = 350.00 net; 350.00 − 237.62 = 112.38; 1,278.18 + 152.73 + 112.38 = 1,543.29
  ['raise capped at the one-person maximum', 'single', false, 250_000, { costsCents: 90_000, allowanceCents: 0 }, 'onePerson', 37_689, 234_780],
  // 900.00 − 237.62 = 662.38 > 376.89; 1,278.18 + 692.73 + 376.89 = 2,347.80
  ['no raise when the costs are within the norm', 'single', false, 160_000, { costsCents: 20_000, allowanceCents: 0 }, 'onePerson', 0, 143_091],
  ['no raise when the allowance covers the rent', 'single', false, 160_000, { costsCents: 50_000, allowanceCents: 60_000 }, 'onePerson', 0, 143_091],
  ['never more than the income', 'single', false, 160_000, { costsCents: 100_000, allowanceCents: 0 }, 'onePerson', 37_689, 160_000],
  // 1,278.18 + 152.73 + 376.89 = 1,807.80 > 1,600.00: all of the income is protected
  ['pension age, one person', 'single', true, 240_000, { costsCents: 80_000, allowanceCents: 10_000 }, 'onePersonPensionAge', 37_871, 234_409],
  // 700.00 − 237.62 = 462.38 > 378.71; 1,426.02 + 60 % × 898.93 (539.36) + 378.71 = 2,344.09
  ['couple at the maximum band', 'couple', false, 500_000, { costsCents: 90_000, allowanceCents: 0 }, 'twoPersons', 32_885, 306_788],
  // 2,739.03 + 328.85 = 3,067.88
  ['couple in an adapted dwelling', 'couple', false, 500_000, { costsCents: 90_000, allowanceCents: 0, adaptedDwelling: true }, 'twoPersonsAdapted', 37_689, 311_592],
  // 2,739.03 + 376.89 = 3,115.92
  ['couple with children: three or more', 'couple_with_children', false, 600_000, { costsCents: 90_000, allowanceCents: 0 }, 'threeOrMore', 35_837, 321_433],
  // 2,855.96 + 358.37 = 3,214.33
  ['three or more in an adapted dwelling', 'couple_with_children', false, 600_000, { costsCents: 90_000, allowanceCents: 0, adaptedDwelling: true }, 'threeOrMoreAdapted', 38_824, 324_420],
  // 2,855.96 + 388.24 = 3,244.20
  ['under 23, alone', 'single', false, 200_000, { costsCents: 70_000, allowanceCents: 0, under23: true }, 'under23', 20_484, 187_575],
  // 462.38 > 204.84; 1,278.18 + 392.73 + 204.84 = 1,875.75
  ['under 23 with a child counts as 23 or older', 'single_parent', false, 250_000, { costsCents: 90_000, allowanceCents: 0, under23: true }, 'twoPersons', 32_885, 229_976],
  // 1,278.18 + 692.73 (full compensation 2,242.24 − 1,278.18 = 964.06 not reached) + 328.85 = 2,299.76
  ['single parent with two children: three persons', 'single_parent', false, 250_000, { costsCents: 90_000, allowanceCents: 0, persons: 3 }, 'threeOrMore', 35_837, 232_928],
  // 1,970.91 + 358.37 = 2,329.28
];

describe('housing-cost raise', () => {
  it.each(housingCases)('%s', (_description, household, pensionAge, income, housing, category, raise, expected) => {
    const result = computeProtectedAmount({ netIncomeCents: income, household, pensionAge, norms: normsAt('2025-03-01'), housing });
    expect(result.housingRaise).toMatchObject({ category, raiseCents: raise, shareInNormCents: 23_762, validFrom: '2021-01-01' });
    expect(result.protectedCents).toBe(expected);
    expect(result.sources.housingRaise).toMatch(/475da Rv/);
  });

  it('uses a tenant’s share of housing in the norm over the estimate', () => {
    const norms = normsAt('2025-03-01', { housingRaise: [{ validFrom: '2025-01-01', housingShareInNormCents: 30_000 }] });
    const result = computeProtectedAmount({ netIncomeCents: 160_000, household: 'single', pensionAge: false, norms, housing: { costsCents: 60_000, allowanceCents: 25_000 } });
    // 350.00 − 300.00 = 50.00; 1,430.91 + 50.00 = 1,480.91
    expect(result.housingRaise?.raiseCents).toBe(5_000);
    expect(result.protectedCents).toBe(148_091);
    expect(norms.overridden).toEqual(['housingRaise']);
  });

  it('only ever adds, by at most the maximum, and never beyond the income', () => {
    const norms = normsAt('2025-03-01');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 800_000 }),
        fc.constantFrom<HouseholdType>('single', 'single_parent', 'couple', 'couple_with_children'),
        fc.boolean(),
        fc.record({ costsCents: fc.integer({ min: 0, max: 300_000 }), allowanceCents: fc.integer({ min: 0, max: 100_000 }), persons: fc.integer({ min: 1, max: 8 }), under23: fc.boolean(), adaptedDwelling: fc.boolean() }),
        (income, household, pensionAge, housing) => {
          const without = computeProtectedAmount({ netIncomeCents: income, household, pensionAge, norms });
          const withHousing = computeProtectedAmount({ netIncomeCents: income, household, pensionAge, norms, housing });
          const raise = withHousing.housingRaise!;
          expect(raise.raiseCents).toBeGreaterThanOrEqual(0);
          expect(raise.raiseCents).toBeLessThanOrEqual(raise.maximumRaiseCents);
          expect(withHousing.protectedCents).toBeGreaterThanOrEqual(without.protectedCents);
          expect(withHousing.protectedCents).toBeLessThanOrEqual(Math.min(income, without.protectedCents + raise.raiseCents));
        },
      ),
      { numRuns: 300 },
    );
  });
});
