/**
 * Standard dunning and the draagkracht policy on the same 150 households (seed 12), 12 months,
 * measured against the world's hidden truth. The invariants the issue asks for must hold on this
 * world; the figures themselves are printed (the bench prints them for 2,000 households).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { comparePolicies, stepPrices, type ComparisonResult } from '../../src/policy-simulation/compare-policies.js';
import { resolveSimulation, simulateHousehold } from '../../src/simulation/simulate-households.js';
import { wikCollectionCosts } from '../../src/simulation/creditor-process.js';
import { toDayNumber } from '../../src/platform/dates.js';
import { DraagkrachtPolicy } from '../../src/policy-simulation/draagkracht-policy.js';

const WORLD = { households: 150, months: 12, seed: 12 } as const;

let result: ComparisonResult;
beforeAll(() => {
  result = comparePolicies(WORLD);
  console.log(JSON.stringify(result.outcomes, null, 1));
});

describe('comparing policies on the same households', () => {
  it('runs both policies on the same households', () => {
    expect(result.outcomes.standard_dunning.households).toBe(WORLD.households);
    expect(result.outcomes.draagkracht.households).toBe(WORLD.households);
    // The world has arrears to handle under both, or the comparison would say nothing.
    expect(result.outcomes.standard_dunning.householdsInArrears).toBeGreaterThan(5);
    expect(result.outcomes.draagkracht.householdsInArrears).toBeGreaterThan(5);
  });

  it('draagkracht pushes no household below its protected income; standard dunning does', () => {
    expect(result.outcomes.draagkracht.householdMonthsPushedBelowProtected).toBe(0);
    expect(result.outcomes.draagkracht.householdsPushedBelowProtected).toBe(0);
    expect(result.outcomes.standard_dunning.householdsPushedBelowProtected).toBeGreaterThan(0);
  });

  it('offers can\'t-pay households plans that are affordable by the hidden truth in at least 95 % of cases', () => {
    const d = result.outcomes.draagkracht;
    expect(d.plansOfferedToCantPay).toBeGreaterThanOrEqual(5);
    expect(d.plansOfferedToCantPayAffordableByTruth / d.plansOfferedToCantPay).toBeGreaterThanOrEqual(0.95);
  });

  it('standard dunning charges the WIK costs on its hand-overs; draagkracht charges costs only where it hands over', () => {
    const s = result.outcomes.standard_dunning;
    expect(s.agencyHandOvers).toBeGreaterThan(0);
    expect(s.costsChargedToDebtorsCents).toBeGreaterThanOrEqual(s.agencyHandOvers * 4_000);
    const d = result.outcomes.draagkracht;
    if (d.agencyHandOvers === 0) expect(d.costsChargedToDebtorsCents).toBe(0);
    else expect(d.costsChargedToDebtorsCents).toBeGreaterThanOrEqual(d.agencyHandOvers * 4_000);
  });

  it('adds up', () => {
    const prices = stepPrices();
    for (const o of Object.values(result.outcomes)) {
      expect(o.netRecoveredCents).toBe(o.recoveredCents - o.collectionCostsCents);
      expect(o.plansKept + o.plansBroken).toBeLessThanOrEqual(o.plansAgreed);
      expect(o.agreedPlansAffordableByTruth).toBeLessThanOrEqual(o.plansAgreed);
      expect(o.plansOfferedToCantPayAffordableByTruth).toBeLessThanOrEqual(o.plansOfferedToCantPay);
      expect(o.referralsEntered).toBeLessThanOrEqual(o.referralsMade);
      expect(o.householdsPushedBelowProtected).toBeLessThanOrEqual(o.householdMonthsPushedBelowProtected);
      expect(o.costsPaidByDebtorsCents).toBeLessThanOrEqual(o.costsChargedToDebtorsCents);
      // Every contact and letter costs the creditor something: the costs are at least those.
      expect(o.collectionCostsCents).toBeGreaterThanOrEqual(o.contacts * prices.contactCents + o.fourteenDayLetters * prices.fourteenDayLetterCents);
    }
    // Today's creditor makes no referrals and offers no plans by the bank data.
    expect(result.outcomes.standard_dunning.referralsMade).toBe(0);
    expect(result.outcomes.standard_dunning.plansOfferedToCantPay).toBe(0);
  });
});

describe('the costs charged on a hand-over', () => {
  it('are the WIK maximum of src/claims for every hand-over of the world, under both policies', () => {
    const resolved = resolveSimulation({ ...WORLD, households: 60, truthRuns: 0 });
    let handOvers = 0;
    for (const policy of [undefined, () => new DraagkrachtPolicy()]) {
      for (let i = 0; i < resolved.households; i++) {
        const charged: { principal: number; costs: number; day: number }[] = [];
        const household = simulateHousehold(resolved, i, {
          ...(policy ? { policy } : {}),
          ledger: { invoicePaid() {}, agencyPaid() {}, handedOver: (day, principal, costs) => charged.push({ day, principal, costs }) },
        });
        const events = household.events.filter((e) => e.type === 'handed_to_collection');
        expect(charged.map((c) => c.principal)).toEqual(events.map((e) => e.amountCents));
        for (const c of charged) expect(c.costs).toBe(wikCollectionCosts(c.principal, c.day));
        for (const e of events) expect(charged.some((c) => c.day === toDayNumber(e.occurredOn))).toBe(true);
        handOvers += charged.length;
      }
    }
    expect(handOvers).toBeGreaterThan(0);
  });
});
