/** Properties of the write-off arithmetic over random claims, probabilities and cost tables. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLLECTION_ROUTES, defaultCollectionCostsConfig, type CollectionCostsConfig, type RouteCosts } from '../../src/write-off/collection-costs.js';
import { recommendForClaim, type RecommendationInput } from '../../src/write-off/recommend.js';

const fixedStep = fc.record({ step: fc.constantFrom('a', 'b', 'c'), cents: fc.integer({ min: 0, max: 200_000 }), incurred: fc.constantFrom('always' as const, 'if_unpaid' as const), source: fc.constant('random') });

const routeCosts: fc.Arbitrary<RouteCosts> = fc.record({
  probabilityFactorBasisPoints: fc.integer({ min: 0, max: 10_000 }),
  months: fc.integer({ min: 0, max: 36 }),
  commissionBasisPoints: fc.integer({ min: 0, max: 10_000 }),
  steps: fc.array(fixedStep, { maxLength: 4 }),
  source: fc.constant('random'),
});

/** A random cost table with fixed step costs (no amount bands), on top of the shipped defaults. */
const config: fc.Arbitrary<CollectionCostsConfig> = fc.record({ rate: fc.integer({ min: 0, max: 3000 }), plan: routeCosts, dunning: routeCosts, agency: routeCosts, court: routeCosts }).map(({ rate, plan, dunning, agency, court }) => {
  const c = defaultCollectionCostsConfig();
  c.annualDiscountRateBasisPoints = rate;
  c.routes = { plan: { ...plan, months: Math.max(1, plan.months) }, standard_dunning: dunning, agency, court_and_bailiff: court };
  return c;
});

const amount = fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 100_000_000_000 }));
const probability = fc.double({ min: 0, max: 1, noNaN: true });

function input(config: CollectionCostsConfig, totalDueCents: number, arrearsProbability: number | null, affordability: RecommendationInput['affordability'] = null): RecommendationInput {
  return {
    claim: { claimId: null, reference: 'INV', debtorId: '00000000-0000-4000-8000-000000000001', totalDueCents },
    riskModel: arrearsProbability === null ? null : { arrearsProbability, modelId: 'm', version: 1, horizonDays: 90 },
    affordability,
    history: { paidInvoices: 0, sharePaidLate: null, cannotOrWontPayReturnsLast365Days: 0 },
    deceasedReturnEventIds: [],
    otherDebts: null,
    config,
  };
}

describe('recommendForClaim, properties', () => {
  it('a route’s net value never falls as the payment probability rises', () => {
    fc.assert(
      fc.property(config, amount, probability, probability, (c, a, x, y) => {
        // Payment probability is 1 − arrears: the lower arrears probability is the likelier payer.
        const [likely, unlikely] = x <= y ? [x, y] : [y, x];
        const high = recommendForClaim(input(c, a, likely)).routes;
        const low = recommendForClaim(input(c, a, unlikely)).routes;
        COLLECTION_ROUTES.forEach((_, i) => expect(high[i]!.netCents!).toBeGreaterThanOrEqual(low[i]!.netCents!));
      }),
      { numRuns: 500 },
    );
  });

  it('a route’s net value never falls as the amount rises (fixed step costs)', () => {
    fc.assert(
      fc.property(config, amount, fc.integer({ min: 0, max: 1_000_000 }), probability, (c, a, more, p) => {
        const small = recommendForClaim(input(c, a, p)).routes;
        const large = recommendForClaim(input(c, a + more, p)).routes;
        COLLECTION_ROUTES.forEach((_, i) => expect(large[i]!.netCents!).toBeGreaterThanOrEqual(small[i]!.netCents!));
      }),
      { numRuns: 500 },
    );
  });

  it('with the shipped court-fee bands: never falls as the amount rises within one band', () => {
    const edges = [0, 50000, 150000, 250000, 500000, 1250000, 100_000_000_000];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: edges.length - 2 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), probability, (band, u, v, p) => {
        const lo = edges[band]! + 1;
        const hi = edges[band + 1]!;
        const [a, b] = [lo + Math.floor(Math.min(u, v) * (hi - lo)), lo + Math.floor(Math.max(u, v) * (hi - lo))];
        const c = defaultCollectionCostsConfig();
        const small = recommendForClaim(input(c, a, p)).routes;
        const large = recommendForClaim(input(c, b, p)).routes;
        COLLECTION_ROUTES.forEach((_, i) => expect(large[i]!.netCents!).toBeGreaterThanOrEqual(small[i]!.netCents!));
      }),
      { numRuns: 300 },
    );
  });

  it('never recommends collecting or a plan unless the chosen route nets more than zero and at least every other route', () => {
    const affordability = fc.option(fc.record({ lowCents: fc.integer({ min: 0, max: 200_000 }), highCents: fc.integer({ min: 0, max: 400_000 }), asOf: fc.constant('2026-12-01') }), { nil: null });
    fc.assert(
      fc.property(config, amount, fc.option(probability, { nil: null }), affordability, (c, a, p, aff) => {
        const r = recommendForClaim(input(c, a, p, aff));
        const nets = r.routes.filter((x) => x.netCents !== null).map((x) => x.netCents!);
        if (nets.every((n) => n <= 0)) expect(r.action).toBe('write_off');
        if (r.action === 'collect' || r.action === 'offer_plan') {
          const chosen = r.routes.find((x) => x.route === r.route)!;
          expect(chosen.netCents!).toBeGreaterThan(0);
          expect(chosen.netCents!).toBe(Math.max(...nets));
          expect(r.action === 'offer_plan').toBe(r.route === 'plan');
        }
      }),
      { numRuns: 500 },
    );
  });
});
