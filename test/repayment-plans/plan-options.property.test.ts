/** Properties of planOptions over random claims, affordability and income schedules. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWorkingDay } from '../../src/analytics/calendar/dutch-holidays.js';
import type { IncomeSchedule } from '../../src/analytics/income-days.js';
import { addDays, diffDays } from '../../src/platform/dates.js';
import { planInputsFromReport, planOptions, type PlanOptionsInput, type PlanReportInput } from '../../src/repayment-plans/plan-options.js';
import { DEFAULT_REPAYMENT_PLAN_POLICY } from '../../src/repayment-plans/plan-policy.js';

const schedule: fc.Arbitrary<IncomeSchedule> = fc.oneof(
  fc.record({ kind: fc.constant('day-of-month' as const), dayOfMonth: fc.integer({ min: 1, max: 31 }), shift: fc.constantFrom('next' as const, 'previous' as const, 'none' as const), months: fc.constant(null) }),
  fc.record({ kind: fc.constant('four-weekly' as const), anchorDate: fc.integer({ min: 0, max: 27 }).map((d) => addDays('2026-01-05', d)), shift: fc.constantFrom('next' as const, 'previous' as const) }),
  fc.record({ kind: fc.constant('weekly' as const), weekday: fc.integer({ min: 1, max: 5 }), shift: fc.constantFrom('next' as const, 'previous' as const) }),
);

const input: fc.Arbitrary<PlanOptionsInput> = fc
  .record({
    asOf: fc.integer({ min: 0, max: 2000 }).map((d) => addDays('2024-01-01', d)),
    claims: fc.array(fc.record({ claimId: fc.uuid(), totalDueCents: fc.integer({ min: 1, max: 2_000_000 }), costsOutstandingCents: fc.integer({ min: 0, max: 50_000 }) }), { minLength: 1, maxLength: 4 }),
    income: fc.integer({ min: 0, max: 600_000 }),
    protectedShare: fc.integer({ min: 0, max: 10_000 }),
    lowShare: fc.integer({ min: 0, max: 10_000 }),
    highExtra: fc.integer({ min: 0, max: 100_000 }),
    schedule: fc.option(schedule, { nil: null }),
    windowDays: fc.integer({ min: 0, max: 5 }),
    maxTermMonths: fc.integer({ min: 1, max: 36 }),
    minimumInstalmentCents: fc.integer({ min: 0, max: 5_000 }),
    discountBp: fc.integer({ min: 0, max: 1_000 }),
    waive: fc.boolean(),
  })
  .map((r) => {
    const protectedCents = Math.floor((r.income * r.protectedShare) / 10_000);
    // The low end may even exceed income − protected: planOptions must still respect the floor.
    const lowCents = Math.floor((r.income * r.lowShare) / 10_000);
    return {
      asOf: r.asOf,
      claims: r.claims.map((c) => ({ ...c, costsOutstandingCents: Math.min(c.costsOutstandingCents, c.totalDueCents) })),
      affordability: { lowCents, highCents: lowCents + r.highExtra, incomeCents: r.income, protectedCents },
      income: r.schedule === null ? null : { schedule: r.schedule, windowDays: r.windowDays },
      policy: {
        ...DEFAULT_REPAYMENT_PLAN_POLICY,
        maxTermMonths: r.maxTermMonths,
        minimumInstalmentCents: r.minimumInstalmentCents,
        payNow: { withinDays: 3, waiveCosts: r.waive },
        rewards: { costsWaivedAtCompletion: r.waive, lastInstalmentDiscountBasisPoints: r.discountBp },
      },
    };
  });

describe('planOptions, properties', () => {
  it('sums exactly, stays under the affordable range and above the protected income, falls due 1–2 working days after an income day', () => {
    fc.assert(
      fc.property(input, (inp) => {
        const result = planOptions(inp);
        const total = inp.claims.reduce((s, c) => s + c.totalDueCents, 0);
        expect(result.totalDueCents).toBe(total);
        expect(result.options.length).toBeLessThanOrEqual(4);
        expect(result.affordable).toBe(result.options.length > 0);
        if (!result.affordable) expect(result.recommendation).not.toBeNull();
        for (const option of result.options) {
          const sum = option.instalments.reduce((s, i) => s + i.amountCents, 0);
          const sumIfKept = option.instalments.reduce((s, i) => s + i.amountIfKeptCents, 0);
          expect(sumIfKept).toBe(option.totalIfKeptCents);
          expect(sum).toBe(total);
          if (option.kind !== 'pay_now') {
            expect(option.instalments.length).toBe(option.months);
            expect(option.months).toBeLessThanOrEqual(inp.policy.maxTermMonths);
          }
          for (const inst of option.instalments) {
            expect(Number.isSafeInteger(inst.amountCents)).toBe(true);
            expect(inst.amountCents).toBeGreaterThan(0);
            expect(inst.amountIfKeptCents).toBeGreaterThanOrEqual(0);
            expect(inst.amountIfKeptCents).toBeLessThanOrEqual(inst.amountCents);
            // Paying now is offered at its reduced amount; a plan's instalments at their full amounts.
            const offered = option.kind === 'pay_now' ? inst.amountIfKeptCents : inst.amountCents;
            expect(offered).toBeGreaterThan(0);
            expect(offered).toBeLessThanOrEqual(inp.affordability.lowCents);
            expect(offered).toBeLessThanOrEqual(inp.affordability.highCents);
            expect(inp.affordability.incomeCents - offered).toBeGreaterThanOrEqual(inp.affordability.protectedCents);
            expect(inst.dueDate > inp.asOf).toBe(true);
            if (option.kind !== 'pay_now') {
              expect(isWorkingDay(inst.dueDate)).toBe(true);
              if (inp.income !== null) {
                expect(inst.incomeDate).not.toBeNull();
                const gap = diffDays(inst.dueDate, inst.incomeDate!);
                expect(gap).toBeGreaterThanOrEqual(1);
                // 1 or 2 working days: at most the longest run of days off (Christmas after a weekend) in between.
                expect(gap).toBeLessThanOrEqual(6);
                expect(inst.incomeDate! > inp.asOf).toBe(true);
              }
            }
          }
          for (let i = 1; i < option.instalments.length; i += 1) expect(option.instalments[i]!.dueDate > option.instalments[i - 1]!.dueDate).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('planInputsFromReport, properties', () => {
  const report: fc.Arbitrary<PlanReportInput> = fc
    .record({
      stable: fc.integer({ min: 0, max: 800_000 }),
      protectedCents: fc.integer({ min: 0, max: 400_000 }),
      low: fc.integer({ min: 0, max: 300_000 }),
      highExtra: fc.integer({ min: 0, max: 100_000 }),
      drop: fc.option(fc.record({ recent: fc.integer({ min: 0, max: 800_000 }), stopped: fc.integer({ min: 0, max: 2 }), lastMonth: fc.integer({ min: 0, max: 800_000 }) }), { nil: null }),
    })
    .map((r) => ({
      affordableInstalment: { lowCents: r.low, highCents: r.low + r.highExtra },
      average: { stableIncomeCents: r.stable },
      protectedAmount: { protectedCents: r.protectedCents },
      incomeDays: [],
      flags: r.drop === null ? [] : [{ code: 'income_drop' as const, figures: { recentAverageCents: r.drop.recent, earlierAverageCents: r.stable, thresholdCents: 0, stoppedSalaryStreams: r.drop.stopped, lastSalaryDate: null } }],
      months: [{ month: '2026-10', stableIncomeCents: r.stable }, { month: '2026-11', stableIncomeCents: r.drop?.lastMonth ?? r.stable }],
    }));

  it('never counts more than stable income above protected + margin, and a flagged drop never raises the ceiling', () => {
    fc.assert(
      fc.property(report, fc.integer({ min: 0, max: 2_000 }), (rep, marginBp) => {
        const { affordability: a } = planInputsFromReport(rep, { protectedMarginBasisPoints: marginBp });
        const margin = Math.round((rep.average.stableIncomeCents * marginBp) / 10_000);
        expect(a.protectedCents).toBe(rep.protectedAmount.protectedCents + margin);
        expect(a.incomeCents).toBeLessThanOrEqual(rep.average.stableIncomeCents);
        expect(a.incomeCents).toBeGreaterThanOrEqual(0);
        expect(a.lowCents).toBeLessThanOrEqual(rep.affordableInstalment.lowCents);
        expect(a.highCents).toBeLessThanOrEqual(rep.affordableInstalment.highCents);
        const drop = rep.flags[0]?.figures;
        if (drop !== undefined) expect(a.incomeCents).toBeLessThanOrEqual(Math.max(0, drop['recentAverageCents'] as number));
        const ceiling = (x: typeof a) => Math.max(0, Math.min(x.lowCents, x.highCents, x.incomeCents - x.protectedCents));
        const withoutDrop = planInputsFromReport({ ...rep, flags: [] }, { protectedMarginBasisPoints: marginBp }).affordability;
        expect(ceiling(a)).toBeLessThanOrEqual(ceiling(withoutDrop));
      }),
      { numRuns: 500 },
    );
  });
});
