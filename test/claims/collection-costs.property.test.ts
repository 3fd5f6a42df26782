/** Properties of the WIK maximum over random principals. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maximumCollectionCosts } from '../../src/claims/collection-costs.js';

const principal = fc.oneof(fc.integer({ min: 1, max: 30_000 }), fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 1, max: 100_000_000_000 }));

describe('maximumCollectionCosts, properties', () => {
  it('lies within EUR 40 and EUR 6,775 for every positive principal, and the bands cover the principal', () => {
    fc.assert(
      fc.property(principal, (p) => {
        const r = maximumCollectionCosts(p, { vatApplies: false, on: '2024-01-01' });
        expect(r.totalCents).toBeGreaterThanOrEqual(4000);
        expect(r.totalCents).toBeLessThanOrEqual(677500);
        expect(r.bands.reduce((sum, b) => sum + b.appliedToCents, 0)).toBe(p);
        expect(r.scaleCents).toBe(r.bands.reduce((sum, b) => sum + b.feeCents, 0));
      }),
      { numRuns: 500 },
    );
  });

  it('never falls as the principal rises, with or without VAT', () => {
    fc.assert(
      fc.property(principal, fc.integer({ min: 0, max: 10_000_000 }), fc.boolean(), (p, more, vatApplies) => {
        const lower = maximumCollectionCosts(p, { vatApplies, on: '2024-01-01' });
        const higher = maximumCollectionCosts(p + more, { vatApplies, on: '2024-01-01' });
        expect(higher.totalCents).toBeGreaterThanOrEqual(lower.totalCents);
      }),
      { numRuns: 500 },
    );
  });
});
