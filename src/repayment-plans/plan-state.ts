/**
 * How a plan stands on a date: each instalment upcoming, due, paid, paid late, late or missed; the
 * reminder due on the next income day after an instalment was not paid; completion, breach, and the
 * rewards earned. Pure: the plan, its matched payments and the policy in, the state out.
 *
 * Rules
 * - Money paid to the plan counts in order: instalment k is paid on the day the payments so far
 *   reach what instalments 1..k ask. Paying one instalment in two parts or two at once both work, and
 *   a payment matched to instalment 3 that arrives early still pays instalment 1 first.
 * - On time is on or before the due date plus the policy's grace days. While every instalment so far
 *   was on time the plan is "kept" and the smaller if-kept amounts apply (the reward); the first
 *   instalment that is not on time ends that, and from then on the full amounts count, including the
 *   reward already taken off earlier ones.
 * - Not paid after the grace days: late, with a reminder due on the next predicted income day (the
 *   day money is there to pay from). Not paid `missedAfterDays` after the due date: missed. The
 *   plan is breached on the day the `breachAfterMissed`-th instalment is missed, unless it was
 *   completed first; an instalment paid after being missed still counts as missed once.
 */
import { DUTCH_HOLIDAY_RULES, isWorkingDay, type HolidayCalendar } from '../analytics/calendar/dutch-holidays.js';
import { upcomingDates } from '../analytics/income-days.js';
import { addDays, type IsoDate } from '../platform/dates.js';
import type { PlanIncome, PlanReward } from './plan-options.js';
import type { RepaymentPlanPolicy } from './plan-policy.js';

export interface PlanStateInstalment {
  number: number;
  dueDate: IsoDate;
  incomeDate: IsoDate | null;
  amountCents: number;
  amountIfKeptCents: number;
  reference: string;
}

export interface PlanStateInput {
  acceptedOn: IsoDate;
  instalments: readonly PlanStateInstalment[];
  rewards: readonly PlanReward[];
  income: PlanIncome | null;
  replannedOn: IsoDate | null;
}

export interface PlanStatePayment {
  paidOn: IsoDate;
  amountCents: number;
}

export type InstalmentState = 'upcoming' | 'due' | 'paid' | 'paid_late' | 'late' | 'missed';
export type PlanStatus = 'active' | 'completed' | 'breached' | 'replanned';

export interface InstalmentStateView extends PlanStateInstalment {
  /** What this instalment asks on the date: the if-kept amount while the plan is kept, else the full one. */
  expectedCents: number;
  paidCents: number;
  paidOn: IsoDate | null;
  state: InstalmentState;
  missedOn: IsoDate | null;
  reminderDueOn: IsoDate | null;
}

export interface PlanState {
  asOf: IsoDate;
  status: PlanStatus;
  kept: boolean;
  completedOn: IsoDate | null;
  breachedOn: IsoDate | null;
  replannedOn: IsoDate | null;
  paidCents: number;
  expectedCents: number;
  outstandingCents: number;
  /** Paid beyond everything the plan asks. */
  surplusCents: number;
  instalments: InstalmentStateView[];
  nextInstalmentNumber: number | null;
  rewardsEarned: PlanReward[];
  /** Rewards still to be earned by keeping the plan; empty once it is not kept. */
  rewardsAvailable: PlanReward[];
}

/** The first predicted income day after `after`, or without a prediction the first working day after it. */
export function nextIncomeDayAfter(after: IsoDate, income: PlanIncome | null, holidays: HolidayCalendar = DUTCH_HOLIDAY_RULES): IsoDate {
  if (income !== null) {
    const next = upcomingDates(income.schedule, addDays(after, 1), 1, holidays)[0];
    if (next !== undefined) return next;
  }
  let day = addDays(after, 1);
  while (!isWorkingDay(day, holidays)) day = addDays(day, 1);
  return day;
}

export function planState(plan: PlanStateInput, payments: readonly PlanStatePayment[], asOf: IsoDate, policy: Pick<RepaymentPlanPolicy, 'graceDays' | 'missedAfterDays' | 'breachAfterMissed'>, holidays: HolidayCalendar = DUTCH_HOLIDAY_RULES): PlanState {
  const counted = payments.filter((p) => p.paidOn <= asOf).sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : 0));
  const paidCents = counted.reduce((sum, p) => sum + p.amountCents, 0);
  /** The day the payments so far first reach `cents`; null when they do not. */
  const reachedOn = (cents: number): IsoDate | null => {
    if (cents <= 0) return plan.acceptedOn;
    let sum = 0;
    for (const p of counted) {
      sum += p.amountCents;
      if (sum >= cents) return p.paidOn;
    }
    return null;
  };

  const sorted = [...plan.instalments].sort((a, b) => a.number - b.number);
  let kept = true;
  let cumulativeFull = 0;
  let cumulativeIfKept = 0;
  let previousCumulative = 0;
  const views: InstalmentStateView[] = [];
  for (const instalment of sorted) {
    cumulativeFull += instalment.amountCents;
    cumulativeIfKept += instalment.amountIfKeptCents;
    const onTimeBy = addDays(instalment.dueDate, policy.graceDays);
    let cumulative = kept ? cumulativeIfKept : cumulativeFull;
    let paidOn = reachedOn(cumulative);
    const onTime = paidOn !== null ? paidOn <= onTimeBy : asOf <= onTimeBy;
    if (kept && !onTime) {
      kept = false;
      cumulative = cumulativeFull;
      paidOn = reachedOn(cumulative);
    }
    const expectedCents = cumulative - previousCumulative;
    const paidHere = Math.max(0, Math.min(paidCents - previousCumulative, expectedCents));
    const missedDay = addDays(instalment.dueDate, policy.missedAfterDays);
    const missedOn = missedDay <= asOf && (paidOn === null || paidOn > missedDay) ? missedDay : null;
    let state: InstalmentState;
    if (paidOn !== null) state = paidOn <= onTimeBy ? 'paid' : 'paid_late';
    else if (asOf < instalment.dueDate) state = 'upcoming';
    else if (asOf <= onTimeBy) state = 'due';
    else state = missedOn !== null ? 'missed' : 'late';
    const reminderDueOn = state === 'late' || state === 'missed' ? nextIncomeDayAfter(onTimeBy, plan.income, holidays) : null;
    views.push({ ...instalment, expectedCents, paidCents: paidHere, paidOn, state, missedOn, reminderDueOn });
    previousCumulative = cumulative;
  }

  const expectedCents = previousCumulative;
  const last = views.at(-1);
  const completedOn = last !== undefined && last.paidOn !== null ? views.reduce<IsoDate>((latest, v) => (v.paidOn! > latest ? v.paidOn! : latest), plan.acceptedOn) : null;
  const missedDays = views.map((v) => v.missedOn).filter((d): d is IsoDate => d !== null).sort();
  const breachDay = missedDays.length >= policy.breachAfterMissed ? missedDays[policy.breachAfterMissed - 1]! : null;
  const breachedOn = breachDay !== null && (completedOn === null || breachDay < completedOn) ? breachDay : null;
  const replannedOn = plan.replannedOn !== null && plan.replannedOn <= asOf ? plan.replannedOn : null;
  let status: PlanStatus = 'active';
  if (completedOn !== null) status = 'completed';
  else if (replannedOn !== null) status = 'replanned';
  else if (breachedOn !== null) status = 'breached';
  const next = views.find((v) => v.paidOn === null);
  return {
    asOf,
    status,
    kept,
    completedOn,
    breachedOn,
    replannedOn,
    paidCents,
    expectedCents,
    outstandingCents: Math.max(0, expectedCents - paidCents),
    surplusCents: Math.max(0, paidCents - expectedCents),
    instalments: views,
    nextInstalmentNumber: status === 'active' && next ? next.number : null,
    rewardsEarned: completedOn !== null && kept ? [...plan.rewards] : [],
    rewardsAvailable: completedOn === null && kept && status === 'active' ? [...plan.rewards] : [],
  };
}
