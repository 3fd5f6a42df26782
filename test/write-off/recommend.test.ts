/**
 * Write-off arithmetic, table-driven: every expected figure below was computed by hand (a calculator
 * for the discount factors, noted in each row) from the small test cost table, not by the code.
 *
 * Test cost table (round numbers so each row can be redone on paper):
 * - discount 10 % a year; plan term at most 12 months; without a model: 80 % / 50 % / 10 % / 50 %.
 * - plan: factor 100 %, 1 month when no report, set-up EUR 10 always, follow-up EUR 20 if unpaid.
 * - dunning: factor 50 %, 0 months, letters EUR 5 always.
 * - agency: factor 80 %, 0 months, 20 % commission, file fee EUR 10 always.
 * - court and bailiff: factor 100 %, 0 months, summons EUR 100 always, court fee EUR 100 up to
 *   EUR 500 else EUR 300 always, enforcement EUR 200 if unpaid.
 * Discount factors: 1.1^(−1/12) = 0.992089; 1.1^(−5.5/12) = 0.957257; 1.1^(−12/12) = 0.909091.
 */
import { describe, expect, it } from 'vitest';
import { defaultCollectionCostsConfig, type CollectionRoute } from '../../src/write-off/collection-costs.js';
import { discountFactor, recommendForClaim, type RecommendationInput } from '../../src/write-off/recommend.js';
import { baseInput, withConfig } from './support.js';

type Nets = Record<CollectionRoute, number | null>;
interface Row {
  name: string;
  input: RecommendationInput;
  action: 'collect' | 'offer_plan' | 'write_off' | 'refer_to_debt_help';
  route: CollectionRoute | null;
  decidedBy: string;
  probabilitySource: 'risk_model' | 'affordability' | 'assumed';
  probabilityBp: number;
  nets: Nets;
}

const rows: Row[] = [
  {
    // p 50 % (no model, no report). plan: 100000 × 50 % = 50000 × 0.992089 = 49604; costs 1000 + 2000 × 50 % = 2000 → 47604.
    // dunning: p 25 %: 25000 − 500 = 24500. agency: p 40 %: 40000 − 20 % 8000 = 32000 − 1000 = 31000.
    // court: p 50 %: 50000 − (10000 + 30000 + 20000 × 50 %) = 0.
    name: 'plan route: assumed probability, plan wins',
    input: baseInput(),
    action: 'offer_plan', route: 'plan', decidedBy: 'expected_value', probabilitySource: 'assumed', probabilityBp: 5000,
    nets: { plan: 47604, standard_dunning: 24500, agency: 31000, court_and_bailiff: 0 },
  },
  {
    // dunning factor 100 %: 50000 − 500 = 49500 > plan 47604.
    name: 'standard dunning route wins',
    input: baseInput({ config: withConfig((c) => (c.routes.standard_dunning.probabilityFactorBasisPoints = 10000)) }),
    action: 'collect', route: 'standard_dunning', decidedBy: 'expected_value', probabilitySource: 'assumed', probabilityBp: 5000,
    nets: { plan: 47604, standard_dunning: 49500, agency: 31000, court_and_bailiff: 0 },
  },
  {
    // agency factor 100 %, no commission: 50000 − 1000 = 49000 > plan 47604.
    name: 'agency route wins',
    input: baseInput({ config: withConfig((c) => Object.assign(c.routes.agency, { probabilityFactorBasisPoints: 10000, commissionBasisPoints: 0 })) }),
    action: 'collect', route: 'agency', decidedBy: 'expected_value', probabilitySource: 'assumed', probabilityBp: 5000,
    nets: { plan: 47604, standard_dunning: 24500, agency: 49000, court_and_bailiff: 0 },
  },
  {
    // model: arrears 5 % → p 95 %. EUR 10,000 at EUR 100–200 a month takes 50+ months > 12: no plan.
    // dunning p 47.5 %: 475000 − 500 = 474500. agency p 76 %: 760000 − 152000 − 1000 = 607000.
    // court p 95 %: 950000 − (10000 + 30000 + 20000 × 5 %) = 909000.
    name: 'court and bailiff route wins; no affordable plan; probability from the risk model',
    input: baseInput({ amount: 1_000_000, riskModel: { arrearsProbability: 0.05, modelId: 'm', version: 3, horizonDays: 90 }, affordability: { lowCents: 10000, highCents: 20000, asOf: '2026-12-01' } }),
    action: 'collect', route: 'court_and_bailiff', decidedBy: 'expected_value', probabilitySource: 'risk_model', probabilityBp: 9500,
    nets: { plan: null, standard_dunning: 474500, agency: 607000, court_and_bailiff: 909000 },
  },
  {
    // agency after 12 months: 32000 × 1.1^(−1) = 32000 × 0.909091 = 29090.9 → 29091; − 1000 = 28091.
    name: 'discounting: the agency’s money a year later',
    input: baseInput({ config: withConfig((c) => (c.routes.agency.months = 12)) }),
    action: 'offer_plan', route: 'plan', decidedBy: 'expected_value', probabilitySource: 'assumed', probabilityBp: 5000,
    nets: { plan: 47604, standard_dunning: 24500, agency: 28091, court_and_bailiff: 0 },
  },
  {
    // EUR 10, p 50 %: plan 500 × 0.992089 = 496 − 2000 = −1504; dunning 250 − 500 = −250;
    // agency 400 − 80 − 1000 = −680; court 500 − (10000 + 10000 (band ≤ EUR 500) + 10000) = −29500.
    // Small but no history (0 paid invoices): the rule does not apply; every net is negative.
    name: 'every route negative: write off',
    input: baseInput({ amount: 1000 }),
    action: 'write_off', route: null, decidedBy: 'expected_value', probabilitySource: 'assumed', probabilityBp: 5000,
    nets: { plan: -1504, standard_dunning: -250, agency: -680, court_and_bailiff: -29500 },
  },
  {
    // EUR 50 (at the threshold), p 90 %; 5 paid, 20 % late, no bad returns: good history → rule.
    // Nets as in the next row: collecting would pay, the rule still writes it off.
    name: 'small claim with a good history: written off by rule',
    input: baseInput({ amount: 5000, riskModel: { arrearsProbability: 0.1, modelId: 'm', version: 1, horizonDays: 90 }, history: { paidInvoices: 5, sharePaidLate: 0.2, cannotOrWontPayReturnsLast365Days: 0 } }),
    action: 'write_off', route: null, decidedBy: 'rule:small_claim_good_history', probabilitySource: 'risk_model', probabilityBp: 9000,
    nets: { plan: 3264, standard_dunning: 1750, agency: 1880, court_and_bailiff: -17500 },
  },
  {
    // Same claim, 40 % paid late: not a good history. plan 4500 × 0.992089 = 4464 − (1000 + 2000 × 10 %) = 3264;
    // dunning 2250 − 500 = 1750; agency 3600 − 720 − 1000 = 1880; court 4500 − (10000 + 10000 + 2000) = −17500.
    name: 'small claim, history not good enough: expected value decides',
    input: baseInput({ amount: 5000, riskModel: { arrearsProbability: 0.1, modelId: 'm', version: 1, horizonDays: 90 }, history: { paidInvoices: 5, sharePaidLate: 0.4, cannotOrWontPayReturnsLast365Days: 0 } }),
    action: 'offer_plan', route: 'plan', decidedBy: 'expected_value', probabilitySource: 'risk_model', probabilityBp: 9000,
    nets: { plan: 3264, standard_dunning: 1750, agency: 1880, court_and_bailiff: -17500 },
  },
  {
    name: 'MD07 return: collection stops (before the complex-debt rule)',
    input: baseInput({ deceasedReturnEventIds: ['ev-md07'], otherDebts: { collectors: ['A', 'B', 'C'], paydayCreditTransactionIds: [], creditorsWithReturns: [], transactionIds: ['t1'] } }),
    action: 'write_off', route: null, decidedBy: 'rule:deceased_debtor', probabilitySource: 'assumed', probabilityBp: 5000,
    nets: { plan: 47604, standard_dunning: 24500, agency: 31000, court_and_bailiff: 0 },
  },
  {
    name: 'complex debt: two different collectors paid',
    input: baseInput({ otherDebts: { collectors: ['Incasso A', 'Deurwaarder B'], paydayCreditTransactionIds: [], creditorsWithReturns: [], transactionIds: ['t1', 't2'] } }),
    action: 'refer_to_debt_help', route: null, decidedBy: 'rule:complex_debt', probabilitySource: 'assumed', probabilityBp: 5000,
    nets: { plan: 47604, standard_dunning: 24500, agency: 31000, court_and_bailiff: 0 },
  },
  {
    name: 'complex debt: payday credit alone',
    input: baseInput({ otherDebts: { collectors: ['Incasso A'], paydayCreditTransactionIds: ['t9'], creditorsWithReturns: [], transactionIds: ['t9'] } }),
    action: 'refer_to_debt_help', route: null, decidedBy: 'rule:complex_debt', probabilitySource: 'assumed', probabilityBp: 5000,
    nets: { plan: 47604, standard_dunning: 24500, agency: 31000, court_and_bailiff: 0 },
  },
  {
    name: 'below every complex-debt threshold: expected value decides',
    input: baseInput({ otherDebts: { collectors: ['Incasso A'], paydayCreditTransactionIds: [], creditorsWithReturns: ['X', 'Y'], transactionIds: ['t1'] } }),
    action: 'offer_plan', route: 'plan', decidedBy: 'expected_value', probabilitySource: 'assumed', probabilityBp: 5000,
    nets: { plan: 47604, standard_dunning: 24500, agency: 31000, court_and_bailiff: 0 },
  },
  {
    // No discount; dunning factor 100 % with EUR 20 letters: 50000 − 2000 = 48000 = plan 50000 − 2000.
    name: 'tie between plan and dunning: the plan (gentler) wins',
    input: baseInput({ config: withConfig((c) => { c.annualDiscountRateBasisPoints = 0; c.routes.standard_dunning.probabilityFactorBasisPoints = 10000; c.routes.standard_dunning.steps[0]!.cents = 2000; }) }),
    action: 'offer_plan', route: 'plan', decidedBy: 'expected_value', probabilitySource: 'assumed', probabilityBp: 5000,
    nets: { plan: 48000, standard_dunning: 48000, agency: 31000, court_and_bailiff: 0 },
  },
  {
    // Report with no room at all: p 10 % (affordability), no plan. No discount.
    // dunning factor 100 %: 10000 − 500 = 9500; agency factor 100 %, no commission, EUR 5 fee: 10000 − 500 = 9500;
    // court: 10000 − (10000 + 30000 + 20000 × 90 %) = −48000. Tie dunning/agency: dunning.
    name: 'tie between dunning and agency: dunning wins; probability from affordability (not affordable)',
    input: baseInput({
      affordability: { lowCents: 0, highCents: 0, asOf: '2026-12-01' },
      config: withConfig((c) => { c.annualDiscountRateBasisPoints = 0; c.routes.standard_dunning.probabilityFactorBasisPoints = 10000; Object.assign(c.routes.agency, { probabilityFactorBasisPoints: 10000, commissionBasisPoints: 0 }); c.routes.agency.steps[0]!.cents = 500; }),
    }),
    action: 'collect', route: 'standard_dunning', decidedBy: 'expected_value', probabilitySource: 'affordability', probabilityBp: 1000,
    nets: { plan: null, standard_dunning: 9500, agency: 9500, court_and_bailiff: -48000 },
  },
  {
    // EUR 1,000 at EUR 100 a month: 10 months ≤ 12 → p 80 %; plan money waits (10 + 1) / 2 = 5.5 months.
    // plan 80000 × 0.957257 = 76581 − (1000 + 2000 × 20 %) = 75181; dunning 40000 − 500 = 39500;
    // agency 64000 − 12800 − 1000 = 50200; court 80000 − (10000 + 30000 + 4000) = 36000.
    name: 'plan from the affordable low instalment; probability from affordability',
    input: baseInput({ affordability: { lowCents: 10000, highCents: 20000, asOf: '2026-12-01' } }),
    action: 'offer_plan', route: 'plan', decidedBy: 'expected_value', probabilitySource: 'affordability', probabilityBp: 8000,
    nets: { plan: 75181, standard_dunning: 39500, agency: 50200, court_and_bailiff: 36000 },
  },
  {
    // EUR 2,000: 20 months at EUR 100 (too long), 10 months at EUR 200 → p 50 %, plan at the high instalment.
    // plan 100000 × 0.957257 = 95726 − 2000 = 93726; dunning 50000 − 500 = 49500;
    // agency 80000 − 16000 − 1000 = 63000; court 100000 − (10000 + 30000 + 10000) = 50000.
    name: 'plan only at the high instalment',
    input: baseInput({ amount: 200000, affordability: { lowCents: 10000, highCents: 20000, asOf: '2026-12-01' } }),
    action: 'offer_plan', route: 'plan', decidedBy: 'expected_value', probabilitySource: 'affordability', probabilityBp: 5000,
    nets: { plan: 93726, standard_dunning: 49500, agency: 63000, court_and_bailiff: 50000 },
  },
];

describe('recommendForClaim, hand-computed', () => {
  it.each(rows)('$name', (row) => {
    const r = recommendForClaim(row.input);
    expect(r.action).toBe(row.action);
    expect(r.route).toBe(row.route);
    expect(r.decidedBy.kind === 'rule' ? `rule:${r.decidedBy.rule}` : 'expected_value').toBe(row.decidedBy);
    expect(r.probability.source).toBe(row.probabilitySource);
    expect(r.probability.paymentProbabilityBasisPoints).toBe(row.probabilityBp);
    const nets = Object.fromEntries(r.routes.map((route) => [route.route, route.netCents]));
    expect(nets).toEqual(row.nets);
    // Every rule is named in every answer, whichever decided.
    expect(r.rules.map((x) => x.rule)).toEqual(['deceased_debtor', 'complex_debt', 'small_claim_good_history']);
    for (const route of r.routes) {
      if (route.netCents === null) continue;
      expect(route.netCents).toBe(route.discountedRecoveryCents - route.expectedCostsCents);
      expect(route.expectedCostsCents).toBe(route.steps.reduce((s, x) => s + x.expectedCents, 0));
    }
  });

  it('shows each figure of a route: the agency in the discounting row', () => {
    const r = recommendForClaim(rows[4]!.input);
    const agency = r.routes.find((x) => x.route === 'agency')!;
    expect(agency).toMatchObject({ paymentProbabilityBasisPoints: 4000, expectedRecoveryCents: 40000, commissionCents: 8000, months: 12, discountedRecoveryCents: 29091, expectedCostsCents: 1000, netCents: 28091 });
    expect(agency.discountFactor).toBeCloseTo(0.909091, 6);
    expect(agency.arithmetic).toContain('× 0.909091 = EUR 290.91');
  });

  it('the plan row: its length, instalment and average wait', () => {
    const plan = recommendForClaim(rows[14]!.input).routes.find((x) => x.route === 'plan')!;
    expect(plan.plan).toEqual({ months: 10, instalmentCents: 10000, basis: 'affordable_low' });
    expect(plan.months).toBe(5.5);
    expect(plan.discountFactor).toBeCloseTo(0.957257, 6);
    expect(plan.steps).toEqual([{ step: 'set_up', cents: 1000, incurred: 'always', expectedCents: 1000 }, { step: 'follow_up', cents: 2000, incurred: 'if_unpaid', expectedCents: 400 }]);
  });

  it('says when the complex-debt rule could not be decided (no bank data)', () => {
    const r = recommendForClaim(baseInput({ otherDebts: null }));
    expect(r.rules.find((x) => x.rule === 'complex_debt')).toMatchObject({ applies: null });
    expect(r.action).toBe('offer_plan');
  });

  it('discountFactor: 10 % a year over 12 months is 1/1.1; no months, no discount', () => {
    expect(discountFactor(1000, 12)).toBeCloseTo(1 / 1.1, 12);
    expect(discountFactor(800, 0)).toBe(1);
  });

  it('the shipped defaults load and pass their own checks', () => {
    const config = defaultCollectionCostsConfig();
    expect(config.maxPlanMonths).toBe(18);
    // EUR 501 is in the second court-fee band (2022 griffierecht for a legal person: EUR 322).
    const r = recommendForClaim(baseInput({ amount: 50100, config }));
    expect(r.routes.find((x) => x.route === 'court_and_bailiff')!.steps.find((s) => s.step === 'court_fee')!.cents).toBe(32200);
  });
});
