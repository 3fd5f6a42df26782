/** planState on hand-built plans: paid, late, missed, reminders, completion with the reward, breach. */
import { describe, expect, it } from 'vitest';
import type { PlanStateInput } from '../../src/repayment-plans/plan-state.js';
import { nextIncomeDayAfter, planState } from '../../src/repayment-plans/plan-state.js';

const salary23 = { schedule: { kind: 'day-of-month' as const, dayOfMonth: 23, shift: 'previous' as const, months: null }, windowDays: 1 };
const policy = { graceDays: 3, missedAfterDays: 14, breachAfterMissed: 2 };

// Three instalments of 100.00; 40.00 of costs waived when kept, taken off the last one.
const plan: PlanStateInput = {
  acceptedOn: '2026-12-07',
  instalments: [
    { number: 1, dueDate: '2026-12-24', incomeDate: '2026-12-23', amountCents: 10_000, amountIfKeptCents: 10_000, reference: 'RF1' },
    { number: 2, dueDate: '2027-01-25', incomeDate: '2027-01-22', amountCents: 10_000, amountIfKeptCents: 10_000, reference: 'RF2' },
    { number: 3, dueDate: '2027-02-24', incomeDate: '2027-02-23', amountCents: 10_000, amountIfKeptCents: 6_000, reference: 'RF3' },
  ],
  rewards: [{ kind: 'costs_waived_at_completion', cents: 4_000 }],
  income: salary23,
  replannedOn: null,
};

const states = (s: ReturnType<typeof planState>) => s.instalments.map((i) => i.state);

describe('planState', () => {
  it('is upcoming before anything is due', () => {
    const s = planState(plan, [], '2026-12-10', policy);
    expect(s.status).toBe('active');
    expect(states(s)).toEqual(['upcoming', 'upcoming', 'upcoming']);
    expect(s.expectedCents).toBe(26_000);
    expect(s.rewardsAvailable).toEqual(plan.rewards);
    expect(s.nextInstalmentNumber).toBe(1);
  });

  it('completes with the reward when every instalment is paid on time', () => {
    const payments = [
      { paidOn: '2026-12-24', amountCents: 10_000 },
      { paidOn: '2027-01-27', amountCents: 10_000 }, // two days late: within the 3 grace days
      { paidOn: '2027-02-24', amountCents: 6_000 },
    ];
    const s = planState(plan, payments, '2027-03-01', policy);
    expect(states(s)).toEqual(['paid', 'paid', 'paid']);
    expect(s).toMatchObject({ status: 'completed', completedOn: '2027-02-24', kept: true, paidCents: 26_000, outstandingCents: 0, rewardsEarned: plan.rewards, rewardsAvailable: [] });
  });

  it('pays instalments in order whatever the payment was matched to, and in parts', () => {
    const s = planState(plan, [{ paidOn: '2026-12-20', amountCents: 4_000 }, { paidOn: '2026-12-23', amountCents: 16_000 }], '2027-01-05', policy);
    // 200.00 by the 23rd pays instalments 1 and 2.
    expect(s.instalments.map((i) => [i.state, i.paidOn, i.paidCents])).toEqual([
      ['paid', '2026-12-23', 10_000],
      ['paid', '2026-12-23', 10_000],
      ['upcoming', null, 0],
    ]);
  });

  it('marks an unpaid instalment late after the grace days, with a reminder on the next income day, then missed', () => {
    const late = planState(plan, [], '2026-12-28', policy);
    // Due 24 Dec + 3 grace days = 27 Dec; the next salary after that is 22 Jan 2027 (the 23rd is a Saturday).
    expect(late.instalments[0]).toMatchObject({ state: 'late', reminderDueOn: '2027-01-22', missedOn: null });
    expect(late.kept).toBe(false);
    expect(late.rewardsAvailable).toEqual([]);
    const missed = planState(plan, [], '2027-01-07', policy);
    expect(missed.instalments[0]).toMatchObject({ state: 'missed', missedOn: '2027-01-07' });
    expect(missed.status).toBe('active');
  });

  it('loses the reward after a late payment: the full last instalment is due', () => {
    const payments = [
      { paidOn: '2026-12-31', amountCents: 10_000 }, // a week late
      { paidOn: '2027-01-25', amountCents: 10_000 },
      { paidOn: '2027-02-24', amountCents: 6_000 },
    ];
    const s = planState(plan, payments, '2027-02-26', policy);
    expect(states(s)).toEqual(['paid_late', 'paid', 'due']);
    expect(s.instalments[2]).toMatchObject({ expectedCents: 10_000, paidCents: 6_000 });
    expect(s).toMatchObject({ status: 'active', kept: false, outstandingCents: 4_000, rewardsEarned: [] });
    const done = planState(plan, [...payments, { paidOn: '2027-03-02', amountCents: 4_000 }], '2027-03-05', policy);
    expect(done).toMatchObject({ status: 'completed', completedOn: '2027-03-02', rewardsEarned: [] });
    // The rest of the last instalment came after its grace days.
    expect(states(done)).toEqual(['paid_late', 'paid', 'paid_late']);
  });

  it('is breached on the day the second instalment is missed', () => {
    const s = planState(plan, [], '2027-02-10', policy);
    // Missed on 24 Dec + 14 = 7 Jan and on 25 Jan + 14 = 8 Feb.
    expect(s).toMatchObject({ status: 'breached', breachedOn: '2027-02-08' });
    expect(s.nextInstalmentNumber).toBeNull();
    // One day before the second miss it is still active.
    expect(planState(plan, [], '2027-02-07', policy).status).toBe('active');
  });

  it('counts an instalment paid after it was missed as missed once', () => {
    const s = planState(plan, [{ paidOn: '2027-01-10', amountCents: 10_000 }], '2027-02-09', policy);
    expect(s.instalments.map((i) => [i.state, i.missedOn])).toEqual([
      ['paid_late', '2027-01-07'],
      ['missed', '2027-02-08'],
      ['upcoming', null],
    ]);
    expect(s.status).toBe('breached');
  });

  it('shows a replanned plan as replanned from that day', () => {
    const replanned = { ...plan, replannedOn: '2027-01-10' };
    expect(planState(replanned, [], '2027-01-09', policy).status).toBe('active');
    expect(planState(replanned, [], '2027-01-10', policy)).toMatchObject({ status: 'replanned', nextInstalmentNumber: null });
  });

  it('reports a surplus beyond what the plan asks', () => {
    const s = planState(plan, [{ paidOn: '2026-12-20', amountCents: 30_000 }], '2026-12-21', policy);
    expect(s).toMatchObject({ status: 'completed', surplusCents: 4_000, rewardsEarned: plan.rewards });
  });
});

describe('nextIncomeDayAfter', () => {
  it.each([
    ['2026-12-27', salary23, '2027-01-22'],
    ['2027-01-21', salary23, '2027-01-22'],
    ['2027-01-22', salary23, '2027-02-23'],
    ['2026-12-24', null, '2026-12-28'], // no income known: the next working day
  ])('after %s', (after, income, expected) => {
    expect(nextIncomeDayAfter(after, income)).toBe(expected);
  });
});
