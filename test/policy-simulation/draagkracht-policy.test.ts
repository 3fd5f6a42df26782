/**
 * The draagkracht policy's decisions and the comparison's arithmetic, by hand where it can be and
 * on a simulated world where the decisions depend on a household's life.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWorkingDay } from '../../src/analytics/calendar/dutch-holidays.js';
import { stepPrices } from '../../src/policy-simulation/compare-policies.js';
import { DraagkrachtPolicy, defaultDraagkrachtSettings } from '../../src/policy-simulation/draagkracht-policy.js';
import { affordableByTruth, type TrueMargins } from '../../src/policy-simulation/household-truth.js';
import type { PlanOptionsResult } from '../../src/repayment-plans/plan-options.js';
import { wikCollectionCosts } from '../../src/simulation/creditor-process.js';
import { isoDateOf } from '../../src/simulation/dutch-calendar.js';
import { resolveSimulation, simulateHousehold } from '../../src/simulation/simulate-households.js';
import { WORLD as SIMULATED_WORLD } from '../../src/simulation/world-parameters.js';
import { toDayNumber } from '../../src/platform/dates.js';

describe('the creditor\'s cost of each step, from the write-off cost table', () => {
  it('prices each step as src/write-off/collection-costs.json says', () => {
    // Three reminder letters EUR 4.50 → EUR 1.50 a contact; 14-day letter EUR 10; plan set-up EUR 10;
    // follow-up EUR 12; a referral the staff time of a plan set-up; hand-over file EUR 15; commission 15 %.
    expect(stepPrices()).toEqual({
      contactCents: 150,
      fourteenDayLetterCents: 1000,
      planSetUpCents: 1000,
      planFollowUpCents: 1200,
      referralCents: 1000,
      handOverFileCents: 1500,
      agencyCommissionBasisPoints: 1500,
    });
  });
});

describe('affordable by the hidden truth', () => {
  const margins: TrueMargins = { stableIncomeCents: 200_000, affordableCents: 30_000, protectedCents: 180_000, aboveProtectedCents: 20_000 };
  it.each([
    [0, true],
    [19_999, true],
    [20_000, true],
    [20_001, false],
    [30_000, false],
  ])('an instalment of %i cents against EUR 300 affordable and EUR 200 above the protected amount: %s', (instalment, expected) => {
    expect(affordableByTruth(instalment, margins)).toBe(expected);
  });
  it('is bounded by the affordable amount when that is the lower one', () => {
    const tight = { ...margins, affordableCents: 15_000 };
    expect(affordableByTruth(15_000, tight)).toBe(true);
    expect(affordableByTruth(15_001, tight)).toBe(false);
  });
});

describe('the WIK costs on a hand-over', () => {
  const day = toDayNumber('2025-06-02');
  it.each([
    [1, 4_000],
    [26_666, 4_000],
    [26_667, 4_000],
    [100_000, 15_000],
    [250_000, 37_500],
    [300_000, 42_500],
    [500_000, 62_500],
  ])('on a principal of %i cents are %i cents', (principal, costs) => {
    // 15 % of the first EUR 2,500, 10 % of the next EUR 2,500, at least EUR 40.
    expect(wikCollectionCosts(principal, day)).toBe(costs);
  });

  it('are what the simulator always charged (15 %, at least EUR 40) up to EUR 2,500', () => {
    const c = SIMULATED_WORLD.creditor;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 250_000 }), (principal) => {
        expect(wikCollectionCosts(principal, day)).toBe(Math.max(c.collectionCostsMinimumCents, Math.round(principal * c.collectionCostsShare)));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('the draagkracht policy on simulated households', () => {
  it('offers only plans under the ceiling, contacts on working days after the case opens, and books what it does', () => {
    const resolved = resolveSimulation({ households: 120, months: 12, seed: 31, truthRuns: 0 });
    const settings = defaultDraagkrachtSettings();
    let offers = 0;
    let casesContacted = 0;
    for (let i = 0; i < resolved.households; i++) {
      const offered: { day: number; offer: PlanOptionsResult }[] = [];
      const opened: number[] = [];
      let agreed = 0;
      let writtenOff = 0;
      const household = simulateHousehold(resolved, i, {
        policy: () =>
          new DraagkrachtPolicy(settings, {
            caseOpened: (day) => opened.push(day),
            offered: (day, offer) => offered.push({ day, offer }),
            agreed: () => (agreed += 1),
            wroteOff: (_day, cents) => (writtenOff += cents),
          }),
      });
      for (const { day, offer } of offered) {
        offers += 1;
        for (const option of offer.options) {
          expect(option.largestInstalmentCents).toBeLessThanOrEqual(offer.ceiling.cents);
          expect(option.instalments.reduce((s, x) => s + x.amountCents, 0)).toBe(option.totalCents);
          for (const instalment of option.instalments) expect(toDayNumber(instalment.dueDate)).toBeGreaterThan(day);
        }
      }
      const contacts = household.events.filter((e) => e.type === 'reminder_sent' && e.stage === 'reminder' && e.invoiceId !== undefined);
      for (const contact of contacts) {
        expect(isWorkingDay(contact.occurredOn)).toBe(true);
        const day = toDayNumber(contact.occurredOn);
        // Every contact belongs to a case opened on or before it, at least the set days past due.
        expect(opened.some((o) => o <= day)).toBe(true);
      }
      if (contacts.length > 0) casesContacted += 1;
      expect(household.events.filter((e) => e.type === 'arrangement_started')).toHaveLength(agreed);
      // Write-offs are the policy's own, unless an agency returned a claim it could not collect.
      if (!household.events.some((e) => e.type === 'handed_to_collection')) {
        expect(household.events.reduce((s, e) => s + (e.type === 'written_off' ? e.amountCents : 0), 0)).toBe(writtenOff);
      }
      // The policy runs from the start date only: nothing of it before.
      for (const e of household.events) if (e.type === 'arrangement_started') expect(e.occurredOn >= isoDateOf(toDayNumber(resolved.startDate))).toBe(true);
    }
    expect(offers).toBeGreaterThan(5);
    expect(casesContacted).toBeGreaterThan(5);
  });
});
