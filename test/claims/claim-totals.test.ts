/**
 * A claim's totals on a date and the 14-day letter rule, by hand. The claim: EUR 1,000 due 2024-02-14,
 * statutory consumer interest (7 %) from 2024-02-15; a 14-day letter sent 2024-03-01 is deemed received
 * 2024-03-03, its term runs 2024-03-04 to 2024-03-17, costs may be charged from 2024-03-18. The WIK
 * maximum on EUR 1,000 is 15 % = EUR 150.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimTotals, collectionCostsChargeable, type Claim } from '../../src/claims/claim-totals.js';
import { addDays } from '../../src/platform/dates.js';

const claim = (overrides: Partial<Claim> = {}): Claim => ({
  principalCents: 100000,
  dueDate: '2024-02-14',
  costsChargedCents: 15000,
  interestBasis: 'statutory_consumer',
  contractualRateBasisPoints: null,
  vatOnCosts: false,
  fourteenDayLetter: { sentOn: '2024-03-01', receivedOn: null },
  payments: [],
  ...overrides,
});

describe('collectionCostsChargeable', () => {
  it('allows no costs without a letter, and flags costs charged anyway', () => {
    const r = collectionCostsChargeable(claim({ fourteenDayLetter: null }), '2024-06-01');
    expect(r).toMatchObject({ status: 'no_letter', chargeableCents: 0, notChargeableCents: 15000, flags: ['charged_before_allowed'] });
    expect(r.maximum.totalCents).toBe(15000);
  });

  it('treats a letter sent after the date as not sent yet', () => {
    expect(collectionCostsChargeable(claim(), '2024-02-29').status).toBe('no_letter');
  });

  it('allows no costs on the term’s last day, and the costs from the day after', () => {
    expect(collectionCostsChargeable(claim(), '2024-03-17')).toMatchObject({ status: 'term_running', chargeableCents: 0 });
    const after = collectionCostsChargeable(claim(), '2024-03-18');
    expect(after).toMatchObject({ status: 'chargeable', chargeableCents: 15000, notChargeableCents: 0, flags: [] });
    expect(after.letter).toMatchObject({ receivedOn: '2024-03-03', termLastDay: '2024-03-17', costsPayableFrom: '2024-03-18' });
  });

  it('allows no costs when the claim, interest included, was paid by the end of the term', () => {
    // Interest 2024-02-15 to 2024-03-16 (a payment counts from the start of its day): 31 days × 1,000 × 7 % / 365 = 5.945 → 5.95.
    const paid = claim({ payments: [{ on: '2024-03-17', cents: 100595 }] });
    expect(collectionCostsChargeable(paid, '2024-06-01')).toMatchObject({ status: 'paid_by_end_of_term', chargeableCents: 0 });
    expect(claimTotals(paid, '2024-06-01').totalDueCents).toBe(0);
  });

  it('allows no costs when the whole principal was paid by the end of the term, though some interest is still due (policy)', () => {
    // 1,000.00 paid on the last day: 5.95 to interest, 994.05 to principal (art. 6:44 BW); 5.95 principal stays open, but no costs.
    const r = collectionCostsChargeable(claim({ payments: [{ on: '2024-03-17', cents: 100000 }] }), '2024-06-01');
    expect(r).toMatchObject({ status: 'paid_by_end_of_term', chargeableCents: 0 });
    expect(r.explanation).toContain('EUR 5.95 was still due then');
    expect(claimTotals(claim({ payments: [{ on: '2024-03-17', cents: 100000 }] }), '2024-03-18').totalDueCents).toBe(595);
  });

  it('computes the maximum on the principal open at the end of the term', () => {
    // 800.00 paid on the last day: 5.95 interest first, then 794.05 principal; 205.95 stays open → 15 % = 30.89 → the minimum EUR 40.
    const r = collectionCostsChargeable(claim({ payments: [{ on: '2024-03-17', cents: 80000 }] }), '2024-06-01');
    expect(r).toMatchObject({ status: 'chargeable', chargeableCents: 4000, notChargeableCents: 11000, flags: ['charged_above_maximum'] });
    expect(r.maximum).toMatchObject({ principalCents: 20595, scaleCents: 3089, minimumApplied: true });
    // A payment after the term does not lower the base: 800.00 on 2024-03-18 leaves the maximum on 1,000.
    expect(collectionCostsChargeable(claim({ payments: [{ on: '2024-03-18', cents: 80000 }] }), '2024-06-01').maximum.principalCents).toBe(100000);
  });

  it('caps costs charged above the WIK maximum, and adds VAT only when asked', () => {
    expect(collectionCostsChargeable(claim({ costsChargedCents: 20000 }), '2024-04-01')).toMatchObject({ chargeableCents: 15000, notChargeableCents: 5000, flags: ['charged_above_maximum'] });
    expect(collectionCostsChargeable(claim({ costsChargedCents: 20000, vatOnCosts: true }), '2024-04-01')).toMatchObject({ chargeableCents: 18150, notChargeableCents: 1850 });
  });

  it('uses a known receipt date', () => {
    const known = claim({ fourteenDayLetter: { sentOn: '2024-03-01', receivedOn: '2024-03-02' } });
    expect(collectionCostsChargeable(known, '2024-03-16').status).toBe('term_running');
    expect(collectionCostsChargeable(known, '2024-03-17').status).toBe('chargeable');
  });
});

describe('claimTotals', () => {
  it('adds principal, interest and chargeable costs, with the arithmetic', () => {
    // Interest 2024-02-15 to 2024-05-14: 90 days × 1,000 × 7 % / 365 = 17.260 → 17.26
    const t = claimTotals(claim(), '2024-05-14');
    expect(t).toMatchObject({ principalOutstandingCents: 100000, interestOutstandingCents: 1726, costsOutstandingCents: 15000, totalDueCents: 116726, interestFrom: '2024-02-15', lastKnownKept: false });
    expect(t.arithmetic).toContain('2024-02-15 to 2024-05-14: EUR 1000.00 × 7.00 % × 90/365 = EUR 17.26');
    expect(t.arithmetic.at(-1)).toBe('Total due: principal EUR 1000.00 + interest EUR 17.26 + costs EUR 150.00 = EUR 1167.26.');
  });

  it('lets a later payment go to costs first, then interest, then principal', () => {
    // To 2024-03-31: 46 days → 1,000 × 7 % × 46/365 = 8.82; 2024-04-01 pays 150.00 costs, 8.82 interest, 141.18 principal.
    const t = claimTotals(claim({ payments: [{ on: '2024-04-01', cents: 30000 }] }), '2024-04-01');
    expect(t.interest.payments[0]).toMatchObject({ toCostsCents: 15000, toInterestCents: 882, toPrincipalCents: 14118 });
    // 2024-04-01 itself: 858.82 × 7 % / 365 = 0.1647 → 0.16
    expect(t).toMatchObject({ principalOutstandingCents: 85882, costsOutstandingCents: 0, interestOutstandingCents: 16, totalDueCents: 85898, paidCents: 30000 });
  });

  it('says when the last known rate was kept past its period', () => {
    const t = claimTotals(claim(), '2025-06-01');
    expect(t.lastKnownKept).toBe(true);
    expect(t.ratesUsed.map((r) => [r.validFrom, r.lastKnownKept])).toEqual([
      ['2024-01-01', false],
      ['2024-07-01', true],
    ]);
  });

  it('charges no interest on the basis none, and a contract rate without compounding', () => {
    expect(claimTotals(claim({ interestBasis: 'none' }), '2025-06-01').interestOutstandingCents).toBe(0);
    // 2024-02-15 to 2025-02-14: 366 days × 1,000 × 10 % / 365 = 100.27, one period: nothing changes base or rate.
    const contract = claimTotals(claim({ interestBasis: 'contractual', contractualRateBasisPoints: 1000 }), '2025-02-14');
    expect(contract.interestOutstandingCents).toBe(10027);
    expect(contract.interest.capitalisations).toEqual([]);
  });
});

describe('claimTotals, properties', () => {
  const day = (max: number) => fc.nat({ max }).map((n) => addDays('2023-01-01', n));
  const randomClaim = fc.record({
    principalCents: fc.integer({ min: 1, max: 50_000_000 }),
    dueDate: day(400),
    costsChargedCents: fc.integer({ min: 0, max: 1_000_000 }),
    vatOnCosts: fc.boolean(),
    letterAfter: fc.option(fc.integer({ min: 1, max: 60 })),
    payments: fc.array(fc.record({ on: day(900), cents: fc.integer({ min: 1, max: 20_000_000 }) }), { maxLength: 4 }),
  });

  it('never counts more costs than charged or than the WIK maximum, none before the term has passed, and adds up', () => {
    fc.assert(
      fc.property(randomClaim, day(1000), ({ letterAfter, ...c }, asOf) => {
        const input: Claim = { ...c, interestBasis: 'statutory_consumer', contractualRateBasisPoints: null, fourteenDayLetter: letterAfter === null ? null : { sentOn: addDays(c.dueDate, letterAfter), receivedOn: null } };
        const t = claimTotals(input, asOf);
        expect(t.costsChargeableCents).toBeLessThanOrEqual(Math.min(c.costsChargedCents, t.costs.maximum.totalCents));
        if (t.costs.letter === null || asOf < t.costs.letter.costsPayableFrom) expect(t.costsChargeableCents).toBe(0);
        expect(t.costsOutstandingCents).toBeLessThanOrEqual(t.costsChargeableCents);
        expect(t.totalDueCents).toBe(t.principalOutstandingCents + t.interestOutstandingCents + t.costsOutstandingCents);
        expect(t.interestAccruedCents).toBe(t.interest.periods.reduce((sum, p) => sum + p.interestCents, 0));
      }),
      { numRuns: 300 },
    );
  });
});
