/**
 * Statutory interest with hand-computed values (actual/365, rounded half up per period), then
 * properties over random claims.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClaimNormsError, contractualRateTable, defaultClaimNorms } from '../../src/claims/claim-norms.js';
import { statutoryInterest } from '../../src/claims/statutory-interest.js';
import { addDays } from '../../src/platform/dates.js';

const consumer = defaultClaimNorms().consumerInterest;
const commercial = defaultClaimNorms().commercialInterest;
const periodsOf = (r: ReturnType<typeof statutoryInterest>) => r.periods.map((p) => [p.from, p.through, p.days, p.baseCents, p.rateBasisPoints, p.interestCents]);

describe('the dated tables', () => {
  it('validate, give every entry a public source, and mark the derived figure', () => {
    const norms = defaultClaimNorms();
    for (const entry of [...norms.consumerInterest.entries, ...norms.commercialInterest.entries, ...norms.wikScale, ...norms.vat]) {
      expect(entry.source, entry.validFrom).toMatch(/e-justice\.europa\.eu|metaalunie\.nl|wetten\.overheid\.nl|belastingdienst\.nl/);
    }
    expect(norms.consumerInterest.entries.map((e) => [e.validFrom, e.rateBasisPoints])).toEqual([
      ['2011-07-01', 400],
      ['2012-07-01', 300],
      ['2015-01-01', 200],
      ['2023-01-01', 400],
      ['2023-07-01', 600],
      ['2024-01-01', 700],
      ['2024-07-01', 700],
    ]);
    expect(norms.consumerInterest.entries.find((e) => e.validFrom === '2023-01-01')?.derivation).toMatch(/^DERIVATION/);
  });
});

describe('statutoryInterest, by hand', () => {
  it('within one year at one rate', () => {
    // EUR 1,000 × 7 % × 91/365 (1 March to 30 May 2024) = 17.452… → 17.45
    const r = statutoryInterest(100000, '2024-03-01', '2024-05-30', consumer);
    expect(periodsOf(r)).toEqual([['2024-03-01', '2024-05-30', 91, 100000, 700, 1745]]);
    expect(r.totalInterestCents).toBe(1745);
    expect(r.interestOutstandingCents).toBe(1745);
    expect(r.principalOutstandingCents).toBe(100000);
  });

  it('across a rate change', () => {
    // June 2023 at 4 %: 1,000 × 0.04 × 30/365 = 3.2877 → 3.29; July at 6 %: 1,000 × 0.06 × 31/365 = 5.0959 → 5.10
    const r = statutoryInterest(100000, '2023-06-01', '2023-07-31', consumer);
    expect(periodsOf(r)).toEqual([
      ['2023-06-01', '2023-06-30', 30, 100000, 400, 329],
      ['2023-07-01', '2023-07-31', 31, 100000, 600, 510],
    ]);
    expect(r.totalInterestCents).toBe(839);
  });

  it('across an anniversary, adding the year’s interest to the base, and keeping the last known rate', () => {
    // Year 1 (2024, a leap year): 1,000 × 7 % × 182/365 = 34.904 → 34.90; × 184/365 = 35.288 → 35.29; together 70.19.
    // 2025-01-01: base 1,070.19; × 7 % × 90/365 = 18.4717 → 18.47, at the 2024-07-01 rate kept past its period.
    const r = statutoryInterest(100000, '2024-01-01', '2025-03-31', consumer);
    expect(periodsOf(r)).toEqual([
      ['2024-01-01', '2024-06-30', 182, 100000, 700, 3490],
      ['2024-07-01', '2024-12-31', 184, 100000, 700, 3529],
      ['2025-01-01', '2025-03-31', 90, 107019, 700, 1847],
    ]);
    expect(r.capitalisations).toEqual([{ on: '2025-01-01', cents: 7019 }]);
    expect(r.totalInterestCents).toBe(8866);
    expect(r.interestOutstandingCents).toBe(8866);
    expect(r.periods.map((p) => p.lastKnownKept)).toEqual([false, false, true]);
  });

  it('with a part payment: interest first, then principal (art. 6:44 BW)', () => {
    // March 2024: 1,000 × 7 % × 31/365 = 5.945 → 5.95. On 1 April 500.00 pays 5.95 interest and 494.05 principal.
    // April: 505.95 × 7 % × 30/365 = 2.9110 → 2.91.
    const r = statutoryInterest(100000, '2024-03-01', '2024-04-30', consumer, { payments: [{ on: '2024-04-01', cents: 50000 }] });
    expect(periodsOf(r)).toEqual([
      ['2024-03-01', '2024-03-31', 31, 100000, 700, 595],
      ['2024-04-01', '2024-04-30', 30, 50595, 700, 291],
    ]);
    expect(r.payments).toEqual([{ on: '2024-04-01', cents: 50000, toCostsCents: 0, toInterestCents: 595, toPrincipalCents: 49405, unallocatedCents: 0 }]);
    expect(r.totalInterestCents).toBe(886);
    expect(r.interestPaidCents).toBe(595);
    expect(r.interestOutstandingCents).toBe(291);
    expect(r.principalOutstandingCents).toBe(50595);
  });

  it('pays costs before interest once they are payable, and reports an overpayment as left over', () => {
    const r = statutoryInterest(100000, '2024-03-01', '2024-04-30', consumer, { payments: [{ on: '2024-04-01', cents: 120000 }], costs: { cents: 15000, payableFrom: '2024-03-20' } });
    expect(r.payments[0]).toEqual({ on: '2024-04-01', cents: 120000, toCostsCents: 15000, toInterestCents: 595, toPrincipalCents: 100000, unallocatedCents: 4405 });
    expect(r.costsOutstandingCents).toBe(0);
    expect(r.principalOutstandingCents).toBe(0);
    expect(r.totalInterestCents).toBe(595); // April runs on a base of 0
  });

  it('counts a payment made before default against the principal only', () => {
    const r = statutoryInterest(100000, '2024-03-01', '2024-03-31', consumer, { payments: [{ on: '2024-02-10', cents: 40000 }] });
    // 600 × 7 % × 31/365 = 3.567 → 3.57
    expect(r.totalInterestCents).toBe(357);
    expect(r.principalOutstandingCents).toBe(60000);
  });

  it('has no periods before the first day of default', () => {
    const r = statutoryInterest(100000, '2024-03-01', '2024-02-29', consumer);
    expect(r.periods).toEqual([]);
    expect(r.totalInterestCents).toBe(0);
  });

  it('keeps a contract rate simple: no interest on interest', () => {
    // 1,000 × 10 % × 366/365 = 100.27 in 2024; 2025-01-01 to 2025-12-31 the base stays 1,000: 100.00
    const r = statutoryInterest(100000, '2024-01-01', '2025-12-31', contractualRateTable(1000), { compoundYearly: false });
    expect(r.capitalisations).toEqual([]);
    expect(periodsOf(r)).toEqual([
      ['2024-01-01', '2024-12-31', 366, 100000, 1000, 10027],
      ['2025-01-01', '2025-12-31', 365, 100000, 1000, 10000],
    ]);
  });

  it('refuses days the table has no rate for', () => {
    expect(() => statutoryInterest(100000, '2023-12-01', '2024-01-31', commercial)).toThrow(ClaimNormsError);
    // 1,000 × 12.5 % × 31/365 = 10.616 → 10.62
    expect(statutoryInterest(100000, '2024-01-01', '2024-01-31', commercial).totalInterestCents).toBe(1062);
  });

  it('stays exact where floats would not (EUR 1 billion over ten years)', () => {
    const r = statutoryInterest(100_000_000_000, '2014-01-01', '2023-12-31', consumer);
    expect(r.totalInterestCents).toBe(r.periods.reduce((sum, p) => sum + p.interestCents, 0));
    expect(Number.isSafeInteger(r.totalInterestCents)).toBe(true);
  });
});

const START = '2012-01-01';
const day = (max: number) => fc.nat({ max }).map((n) => addDays(START, n));
const payment = fc.record({ on: day(5000), cents: fc.integer({ min: 1, max: 5_000_000 }) });

describe('statutoryInterest, properties', () => {
  it('the periods add up to the total exactly, and no interest is negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), day(3000), fc.nat({ max: 2500 }), fc.array(payment, { maxLength: 6 }), (principal, first, span, payments) => {
        const r = statutoryInterest(principal, first, addDays(first, span), consumer, { payments });
        expect(r.totalInterestCents).toBe(r.periods.reduce((sum, p) => sum + p.interestCents, 0));
        expect(r.periods.every((p) => p.interestCents >= 0 && p.days > 0)).toBe(true);
        expect(r.periods.reduce((sum, p) => sum + p.days, 0)).toBe(span + 1);
        expect(r.interestPaidCents + r.interestOutstandingCents).toBe(r.totalInterestCents);
        const allocated = r.payments.reduce((s, p) => s + p.toCostsCents + p.toInterestCents + p.toPrincipalCents + p.unallocatedCents - p.cents, 0);
        expect(allocated).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('interest never falls as the end date moves later', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), day(3000), fc.nat({ max: 2000 }), fc.nat({ max: 400 }), fc.array(payment, { maxLength: 4 }), (principal, first, span, more, payments) => {
        const earlier = statutoryInterest(principal, first, addDays(first, span), consumer, { payments });
        const later = statutoryInterest(principal, first, addDays(first, span + more), consumer, { payments });
        expect(later.totalInterestCents).toBeGreaterThanOrEqual(earlier.totalInterestCents);
      }),
      { numRuns: 300 },
    );
  });
});
