/** planOptions on hand-computed cases: amounts, due dates after a payday, rewards, and the unaffordable answers. */
import { describe, expect, it } from 'vitest';
import { instalmentAmounts, instalmentIncomeDates, planIncomeBasis, planInputsFromReport, planOptions, workingDaysAfter, type PlanOptionsInput, type PlanReportInput } from '../../src/repayment-plans/plan-options.js';
import { DEFAULT_REPAYMENT_PLAN_POLICY } from '../../src/repayment-plans/plan-policy.js';

// Salary on the 23rd, moved to the working day before when that is a weekend or holiday; arrives on the day.
const salary23 = { schedule: { kind: 'day-of-month' as const, dayOfMonth: 23, shift: 'previous' as const, months: null }, windowDays: 1 };

const base: PlanOptionsInput = {
  asOf: '2026-12-07',
  claims: [{ claimId: 'c1', totalDueCents: 120_000, costsOutstandingCents: 15_000 }],
  affordability: { lowCents: 25_000, highCents: 40_000, incomeCents: 200_000, protectedCents: 150_000 },
  income: salary23,
  policy: DEFAULT_REPAYMENT_PLAN_POLICY,
};

describe('instalmentAmounts', () => {
  it.each([
    [120_000, 5, [24_000, 24_000, 24_000, 24_000, 24_000]],
    [100_000, 3, [33_333, 33_333, 33_334]],
    [101, 2, [50, 51]],
    [17, 18, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17]],
  ])('%i cents in %i instalments', (total, count, expected) => {
    expect(instalmentAmounts(total, count)).toEqual(expected);
  });
});

describe('workingDaysAfter', () => {
  it.each([
    ['2026-12-23', 1, '2026-12-24'], // Wednesday → Thursday
    ['2026-12-24', 1, '2026-12-28'], // Thursday → Christmas and Boxing Day and the weekend skipped
    ['2026-12-24', 2, '2026-12-29'],
    ['2027-04-23', 1, '2027-04-26'], // Friday → Monday (King's Day is Tuesday the 27th)
    ['2027-04-23', 2, '2027-04-28'],
  ])('%s + %i working day(s) = %s', (date, count, expected) => {
    expect(workingDaysAfter(date, count)).toBe(expected);
  });
});

describe('instalmentIncomeDates', () => {
  it('takes one income day per month, the first after the offer', () => {
    // 23 Jan 2027 is a Saturday → Friday 22nd; 23 May 2027 a Sunday → Friday 21st.
    expect(instalmentIncomeDates('2026-12-07', 6, salary23)).toEqual(['2026-12-23', '2027-01-22', '2027-02-23', '2027-03-23', '2027-04-23', '2027-05-21']);
  });

  it('skips the income day of the offer month when the offer comes after it', () => {
    expect(instalmentIncomeDates('2026-12-23', 2, salary23)).toEqual(['2027-01-22', '2027-02-23']);
  });

  it('takes one of four weekly paydays a month', () => {
    const weekly = { schedule: { kind: 'weekly' as const, weekday: 5, shift: 'previous' as const }, windowDays: 0 };
    // Fridays from 11 Dec 2026; windows start 8 Dec, 8 Jan, 8 Feb.
    expect(instalmentIncomeDates('2026-12-07', 3, weekly)).toEqual(['2026-12-11', '2027-01-08', '2027-02-12']);
  });
});

describe('planOptions', () => {
  it('offers a short, a medium and the longest plan when paying now does not fit', () => {
    const result = planOptions(base);
    // Ceiling: min(250.00, 400.00, 2000.00 − 1500.00) = 250.00. Pay now 1200.00 − 150.00 costs = 1050.00 > 250.00.
    expect(result.ceiling.cents).toBe(25_000);
    expect(result.affordable).toBe(true);
    expect(result.options.map((o) => [o.kind, o.months])).toEqual([
      ['short', 5], // 1200.00 / 5 = 240.00 ≤ 250.00; 4 months would be 300.00
      ['medium', 12], // round((5 + 18) / 2) = 12: 100.00 a month
      ['longest', 18], // 1200.00 / 18 = 66.66, last 66.78
    ]);
    const longest = result.options[2]!;
    expect(longest.instalments[0]!.amountCents).toBe(6_666);
    expect(longest.instalments[17]!.amountCents).toBe(120_000 - 17 * 6_666);
    // Kept to the end: the 150.00 costs come off the last instalments (66.78, then 66.66, then 16.56 of the 16th).
    expect(longest.totalIfKeptCents).toBe(105_000);
    expect(longest.instalments.slice(15).map((i) => i.amountIfKeptCents)).toEqual([6_666 - 1_656, 0, 0]);
    expect(longest.rewards).toEqual([{ kind: 'costs_waived_at_completion', cents: 15_000 }]);
    // Salary day 23 Dec 2026 (Wednesday), due one working day later.
    expect(longest.instalments[0]).toMatchObject({ incomeDate: '2026-12-23', dueDate: '2026-12-24' });
    // 22 Jan 2027 is a Friday: due Monday the 25th.
    expect(longest.instalments[1]).toMatchObject({ incomeDate: '2027-01-22', dueDate: '2027-01-25' });
    expect(result.recommendation).toBeNull();
  });

  it('offers paying now with the costs waived when it fits in a month', () => {
    const result = planOptions({ ...base, claims: [{ claimId: 'c1', totalDueCents: 30_000, costsOutstandingCents: 8_000 }] });
    const payNow = result.options[0]!;
    expect(payNow).toMatchObject({ kind: 'pay_now', totalIfKeptCents: 22_000, rewards: [{ kind: 'costs_waived_if_paid_now', cents: 8_000 }] });
    // Paid by the 10th: 220.00; later the whole 300.00 stays due.
    expect(payNow.instalments).toEqual([{ number: 1, dueDate: '2026-12-10', incomeDate: null, amountCents: 30_000, amountIfKeptCents: 22_000 }]);
    // 300.00 in 2 months (150.00) is short; the longest: 300.00 / 10.00 minimum = 30 → capped at 18 months.
    expect(result.options.map((o) => [o.kind, o.months])).toEqual([
      ['pay_now', 0],
      ['short', 2],
      ['medium', 10],
      ['longest', 18],
    ]);
  });

  it('falls due two working days after an income whose window is wider than a day', () => {
    const result = planOptions({ ...base, income: { ...salary23, windowDays: 3 } });
    expect(result.options[0]!.instalments[0]).toMatchObject({ incomeDate: '2026-12-23', dueDate: '2026-12-28' });
  });

  it('keeps the longest plan at the minimum instalment for a small claim', () => {
    const result = planOptions({ ...base, claims: [{ claimId: 'c1', totalDueCents: 4_500, costsOutstandingCents: 0 }], affordability: { ...base.affordability, lowCents: 2_000 } });
    // 45.00 / 10.00 = 4 months; the short plan: 3 months of 15.00 ≤ 20.00.
    expect(result.options.map((o) => [o.kind, o.months, o.largestInstalmentCents])).toEqual([
      ['short', 3, 1_500],
      ['longest', 4, 1_125],
    ]);
  });

  it('gives a discount on the last instalment', () => {
    const result = planOptions({ ...base, policy: { ...DEFAULT_REPAYMENT_PLAN_POLICY, rewards: { costsWaivedAtCompletion: false, lastInstalmentDiscountBasisPoints: 250 } } });
    const longest = result.options.at(-1)!;
    // 2.5 % of 1200.00 = 30.00 off the last instalment 66.78.
    expect(longest.rewards).toEqual([{ kind: 'last_instalment_discount', cents: 3_000 }]);
    expect(longest.instalments.at(-1)!.amountIfKeptCents).toBe(6_678 - 3_000);
  });

  it('never goes below the protected income even when the report’s range would allow it', () => {
    const result = planOptions({ ...base, affordability: { lowCents: 25_000, highCents: 40_000, incomeCents: 160_000, protectedCents: 150_000 } });
    // income − protected = 100.00: 1200.00 over 18 months is 66.78 at most, fine; 12 months is 100.00, 11 is 109.09.
    expect(result.ceiling.cents).toBe(10_000);
    expect(result.options.map((o) => o.months)).toEqual([12, 15, 18]);
  });

  it('recommends debt help when nothing is left above the protected amount', () => {
    const result = planOptions({ ...base, affordability: { lowCents: 0, highCents: 5_000, incomeCents: 150_000, protectedCents: 150_000 } });
    expect(result.affordable).toBe(false);
    expect(result.options).toEqual([]);
    expect(result.recommendation?.kind).toBe('refer_to_debt_help');
  });

  it('recommends a write-off of what cannot be repaid within the maximum term', () => {
    const result = planOptions({ ...base, affordability: { ...base.affordability, lowCents: 5_000 } });
    // 18 × 50.00 = 900.00 of 1200.00 fits; 300.00 does not.
    expect(result.recommendation).toMatchObject({ kind: 'consider_write_off', payableWithinTermCents: 90_000, remainderCents: 30_000 });
  });

  it('without a predicted income, falls due on a working day a month apart and says so', () => {
    const result = planOptions({ ...base, income: null });
    expect(result.dueDateBasis).toBe('no_income_day');
    // 7 Jan 2027 is a Thursday; 7 Feb a Sunday → Monday the 8th.
    expect(result.options[0]!.instalments.slice(0, 2).map((i) => i.dueDate)).toEqual(['2027-01-07', '2027-02-08']);
  });

  it('adds up several claims and their costs', () => {
    const result = planOptions({ ...base, claims: [{ claimId: 'a', totalDueCents: 70_000, costsOutstandingCents: 10_000 }, { claimId: 'b', totalDueCents: 50_000, costsOutstandingCents: 5_000 }] });
    expect(result.totalDueCents).toBe(120_000);
    expect(result.costsOutstandingCents).toBe(15_000);
    expect(result.claimIds).toEqual(['a', 'b']);
  });
});

describe('planInputsFromReport: the ceiling rule the policy simulation validated', () => {
  // A report with a steady salary of 2000.00, holiday pay lifting the average income to 2200.00, a
  // protected amount of 1500.00 and an affordable range of 250.00–400.00.
  const steady: PlanReportInput = {
    affordableInstalment: { lowCents: 25_000, highCents: 40_000 },
    average: { stableIncomeCents: 200_000 },
    protectedAmount: { protectedCents: 150_000 },
    incomeDays: [],
    flags: [],
    months: [
      { month: '2026-10', stableIncomeCents: 200_000 },
      { month: '2026-11', stableIncomeCents: 200_000 },
    ],
  };
  const drop = (figures: Record<string, number | string | null>): PlanReportInput => ({ ...steady, flags: [{ code: 'income_drop', figures }] });

  it.each([
    // margin bp, protected + margin: 1500.00 + 2000.00 × bp / 10000
    [0, 150_000],
    [500, 160_000], // 5 % of 2000.00 = 100.00
    [250, 155_000],
    [1_000, 170_000],
  ])('counts stable income and adds a margin of %i bp to the protected amount', (bp, protectedCents) => {
    const { affordability } = planInputsFromReport(steady, { protectedMarginBasisPoints: bp });
    expect(affordability).toMatchObject({ lowCents: 25_000, highCents: 40_000, incomeCents: 200_000, protectedCents });
    // The offer's arithmetic says how the figures were read.
    expect(planOptions({ ...base, affordability }).arithmetic[1]).toContain('average stable income');
  });

  it('bounds the income by the recent average after a drop, and lowers the range by what was lost', () => {
    const report = drop({ recentAverageCents: 170_000, earlierAverageCents: 220_000, thresholdCents: 154_000, stoppedSalaryStreams: 0, lastSalaryDate: null });
    expect(planIncomeBasis(report)).toEqual({ incomeCents: 170_000, source: 'recent_stable_income' });
    const { affordability } = planInputsFromReport(report, { protectedMarginBasisPoints: 500 });
    // Lost 2000.00 − 1700.00 = 300.00: low 250.00 → 0, high 400.00 → 100.00; the margin stays 5 % of the average 2000.00.
    expect(affordability).toMatchObject({ lowCents: 0, highCents: 10_000, incomeCents: 170_000, protectedCents: 160_000 });
    // 1700.00 − 1600.00 = 100.00 above the floor, but the low end is 0: no plan.
    expect(planOptions({ ...base, affordability }).ceiling.cents).toBe(0);
  });

  it('after a drop of 100.00, the ceiling comes down by 100.00', () => {
    const report = drop({ recentAverageCents: 190_000, earlierAverageCents: 210_000, thresholdCents: 147_000, stoppedSalaryStreams: 0, lastSalaryDate: null });
    const { affordability } = planInputsFromReport(report, { protectedMarginBasisPoints: 500 });
    expect(affordability).toMatchObject({ lowCents: 15_000, highCents: 30_000, incomeCents: 190_000, protectedCents: 160_000 });
    // min(150.00, 300.00, 1900.00 − 1600.00 = 300.00) = 150.00; without the drop min(250.00, 400.00, 400.00) = 250.00.
    expect(planOptions({ ...base, affordability }).ceiling.cents).toBe(15_000);
  });

  it('takes the last month’s stable income when a salary stopped', () => {
    const report = { ...drop({ recentAverageCents: 150_000, earlierAverageCents: 220_000, thresholdCents: 154_000, stoppedSalaryStreams: 1, lastSalaryDate: '2026-10-23' }), months: [{ month: '2026-10', stableIncomeCents: 200_000 }, { month: '2026-11', stableIncomeCents: 100_000 }] };
    expect(planIncomeBasis(report)).toEqual({ incomeCents: 100_000, source: 'last_month_stable_income' });
    const { affordability } = planInputsFromReport(report, { protectedMarginBasisPoints: 500 });
    // 1000.00 left of 2000.00: the range is gone and income is below protected + margin.
    expect(affordability).toMatchObject({ lowCents: 0, highCents: 0, incomeCents: 100_000, protectedCents: 160_000 });
    expect(planOptions({ ...base, affordability }).recommendation?.kind).toBe('refer_to_debt_help');
  });

  it('never raises the income above the average when the recent figure is higher', () => {
    expect(planIncomeBasis(drop({ recentAverageCents: 250_000, earlierAverageCents: 400_000, thresholdCents: 280_000, stoppedSalaryStreams: 0, lastSalaryDate: null }))).toEqual({ incomeCents: 200_000, source: 'average_stable_income' });
  });

  it('refuses a negative or fractional margin', () => {
    expect(() => planInputsFromReport(steady, { protectedMarginBasisPoints: -1 })).toThrow(RangeError);
    expect(() => planInputsFromReport(steady, { protectedMarginBasisPoints: 2.5 })).toThrow(RangeError);
  });
});
