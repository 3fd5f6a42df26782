/**
 * The WIK scale with hand-computed values: the minimum, each band edge, the maximum, VAT on top.
 * Fees by hand: 15 % of the first 2,500 = 375.00; + 10 % of the next 2,500 = 625.00 at 5,000;
 * + 5 % of the next 5,000 = 875.00 at 10,000; + 1 % of the next 190,000 = 2,775.00 at 200,000;
 * + 0.5 % above: 6,775.00 is reached at 200,000 + 4,000 / 0.005 = 1,000,000.
 */
import { describe, expect, it } from 'vitest';
import { defaultClaimNorms, ClaimNormsError } from '../../src/claims/claim-norms.js';
import { letterTerm, maximumCollectionCosts } from '../../src/claims/collection-costs.js';

const ON = '2024-06-01';

describe('maximumCollectionCosts (WIK scale, Stb. 2012, 141)', () => {
  it.each([
    // principal, scale (sum of bands), costs, minimum applied, maximum applied
    [0, 0, 0, false, false], // nothing owed, nothing to collect
    [1, 0, 4000, true, false], // 15 % of 0.01 = 0.0015 → 0.00, raised to the minimum 40.00
    [26663, 3999, 4000, true, false], // 15 % of 266.63 = 39.9945 → 39.99 → minimum
    [26666, 4000, 4000, false, false], // 15 % of 266.66 = 39.999 → 40.00: the minimum edge, reached by the scale
    [26667, 4000, 4000, false, false], // 15 % of 266.67 = 40.0005 → 40.00
    [26670, 4001, 4001, false, false], // 15 % of 266.70 = 40.005 → 40.01 (half up): the first principal above the minimum
    [250000, 37500, 37500, false, false], // 15 % of 2,500 = 375.00
    [250001, 37500, 37500, false, false], // 375.00 + 10 % of 0.01 = 375.001 → 375.00
    [500000, 62500, 62500, false, false], // 375 + 250 = 625.00
    [1000000, 87500, 87500, false, false], // 625 + 250 = 875.00
    [20000000, 277500, 277500, false, false], // 875 + 1 % of 190,000 = 2,775.00
    [20000001, 277500, 277500, false, false], // + 0.5 % of 0.01 = 0.00005 → 2,775.00
    [99999800, 677499, 677499, false, false], // 2,775 + 0.5 % of 799,998 = 6,774.99
    [100000000, 677500, 677500, false, false], // 2,775 + 0.5 % of 800,000 = 6,775.00: the maximum edge
    [100000001, 677500, 677500, false, false], // 6,775.00005 → 6,775.00
    [100001000, 677505, 677500, false, true], // 6,775.05 by the scale, capped
    [200000000, 1177500, 677500, false, true], // 2,000,000: 11,775.00 by the scale, capped at 6,775.00
  ])('%i cents: scale %i, costs %i', (principal, scale, costs, minimumApplied, maximumApplied) => {
    const result = maximumCollectionCosts(principal, { vatApplies: false, on: ON });
    expect(result.scaleCents).toBe(scale);
    expect(result.costsExcludingVatCents).toBe(costs);
    expect(result.totalCents).toBe(costs);
    expect(result.minimumApplied).toBe(minimumApplied);
    expect(result.maximumApplied).toBe(maximumApplied);
    expect(result.vat).toBeNull();
    expect(result.bands.reduce((sum, b) => sum + b.appliedToCents, 0)).toBe(principal);
  });

  it('shows each band of 1,000,000 with its fee', () => {
    const { bands } = maximumCollectionCosts(100000000, { vatApplies: false, on: ON });
    expect(bands.map((b) => [b.fromCents, b.toCents, b.rateBasisPoints, b.appliedToCents, b.feeCents])).toEqual([
      [0, 250000, 1500, 250000, 37500],
      [250000, 500000, 1000, 250000, 25000],
      [500000, 1000000, 500, 500000, 25000],
      [1000000, 20000000, 100, 19000000, 190000],
      [20000000, null, 50, 80000000, 400000],
    ]);
  });

  it.each([
    [250000, ON, 2100, 7875, 45375], // 375.00 + 21 % = 78.75 → 453.75
    [1, ON, 2100, 840, 4840], // the minimum 40.00 + 8.40
    [200000000, ON, 2100, 142275, 819775], // the maximum 6,775.00 + 1,422.75
    [26670, ON, 2100, 840, 4841], // 40.01 × 21 % = 8.4021 → 8.40
    [1, '2012-08-01', 1900, 760, 4760], // before 2012-10-01 the VAT rate was 19 %
  ])('VAT on top: %i cents on %s at %i bp adds %i, total %i', (principal, on, rate, vat, total) => {
    const result = maximumCollectionCosts(principal, { vatApplies: true, on });
    expect(result.vat).toMatchObject({ rateBasisPoints: rate, cents: vat });
    expect(result.totalCents).toBe(total);
  });

  it('has no scale before it took effect on 2012-07-01', () => {
    expect(() => maximumCollectionCosts(10000, { vatApplies: false, on: '2012-06-30' })).toThrow(ClaimNormsError);
    expect(maximumCollectionCosts(10000, { vatApplies: false, on: '2012-07-01' }).totalCents).toBe(4000);
  });

  it('refuses a fractional or negative principal', () => {
    expect(() => maximumCollectionCosts(-1, { vatApplies: false, on: ON })).toThrow(RangeError);
    expect(() => maximumCollectionCosts(1.5, { vatApplies: false, on: ON })).toThrow(RangeError);
  });
});

describe('the 14-day letter term', () => {
  it('starts the day after the letter is deemed received, two days after sending', () => {
    expect(letterTerm({ sentOn: '2024-03-01', receivedOn: null })).toEqual({
      sentOn: '2024-03-01',
      receivedOn: '2024-03-03',
      receivedOnAssumed: true,
      termFirstDay: '2024-03-04',
      termLastDay: '2024-03-17',
      costsPayableFrom: '2024-03-18',
    });
  });

  it('uses a known receipt date, and a different deemed delay when asked', () => {
    expect(letterTerm({ sentOn: '2024-03-01', receivedOn: '2024-03-02' })).toMatchObject({ receivedOnAssumed: false, termFirstDay: '2024-03-03', termLastDay: '2024-03-16', costsPayableFrom: '2024-03-17' });
    expect(letterTerm({ sentOn: '2024-03-01', receivedOn: null }, defaultClaimNorms(), 0)).toMatchObject({ receivedOn: '2024-03-01', termLastDay: '2024-03-15' });
  });

  it('crosses a month end and a leap day by calendar days', () => {
    expect(letterTerm({ sentOn: '2024-02-20', receivedOn: null })).toMatchObject({ receivedOn: '2024-02-22', termFirstDay: '2024-02-23', termLastDay: '2024-03-07' });
  });
});
