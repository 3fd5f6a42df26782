/**
 * Repayment options a debtor can keep: for a set of claims (their totals on a date), the
 * affordability report's range and protected income, and the predicted income days, 2–4 options:
 * pay now with a reward, a short plan, a middle one when the gap is wide, and the longest plan within
 * the tenant's maximum term. When nothing fits, the answer says so and recommends debt help or a
 * write-off: a plan the bank data says will break helps neither side.
 *
 * Rules
 * - The ceiling of any instalment is the smallest of the affordable range's low end (a bad month),
 *   its high end, and income minus the protected amount (beslagvrije voet): the low end already lies
 *   below the other two in a report, but the protected floor is checked here as well so no option
 *   can ever take income below it, whatever report it was given.
 * - From a report (planInputsFromReport), the income is the STABLE income, lowered to the recent
 *   income when the report flags a drop, and the protected amount carries the tenant's margin: the
 *   same rule the policy simulation validated against the hidden truth, so the API offers what the
 *   simulation measured (docs/repayment-plans.md).
 * - Instalments are monthly. Each falls due 1 working day after a predicted income day, 2 when that
 *   income's arrival window is wider than a day (the money may come a day late); the k-th instalment
 *   takes the first income day in the k-th month after the offer, and never the same income day twice.
 * - Cents are exact: every instalment is floor(total / n), the last absorbs the rest, so the sum is
 *   the total and the last is the largest (it is the one checked against the ceiling).
 * - Rewards (tenant policy): paying in full within `payNow.withinDays` waives the collection costs;
 *   keeping a plan waives the costs at completion and/or gives a discount on the last instalment. A
 *   reward only ever lowers what is due, taken off the last instalments first.
 */
import { DUTCH_HOLIDAY_RULES, isWorkingDay, type HolidayCalendar } from '../analytics/calendar/dutch-holidays.js';
import { upcomingDates, type IncomeSchedule } from '../analytics/income-days.js';
import { addDays, addMonths, type IsoDate } from '../platform/dates.js';
import { applyBasisPoints, formatEuroNl } from '../platform/money.js';
import type { AffordabilityFlag, AffordabilityReport, MonthFigures } from '../affordability/report.types.js';
import type { RepaymentPlanPolicy } from './plan-policy.js';

export interface PlanClaimTotal {
  claimId: string;
  /** Principal + interest + chargeable costs still open on the date. */
  totalDueCents: number;
  /** The collection costs in that total, which a reward may waive. */
  costsOutstandingCents: number;
}

export interface PlanAffordability {
  /** The affordable instalment in a bad month and in the average month. */
  lowCents: number;
  highCents: number;
  /**
   * The monthly income instalments may come from (from a report: stable income, the recent one after
   * a drop), and the amount of it the debtor keeps (from a report: the protected amount plus margin).
   */
  incomeCents: number;
  protectedCents: number;
  /** How income and protected amount were read from the report, for the offer's arithmetic. */
  basis?: string;
}

export interface PlanIncome {
  schedule: IncomeSchedule;
  /** Days either side of a predicted date the money may arrive. */
  windowDays: number;
}

export interface PlanOptionsInput {
  asOf: IsoDate;
  claims: readonly PlanClaimTotal[];
  affordability: PlanAffordability;
  /** The debtor's main income; null when no income day could be predicted. */
  income: PlanIncome | null;
  policy: RepaymentPlanPolicy;
  holidays?: HolidayCalendar;
}

export type PlanOptionKind = 'pay_now' | 'short' | 'medium' | 'longest';

export interface PlannedInstalment {
  number: number;
  dueDate: IsoDate;
  /** The predicted income day the due date follows; null for pay-now and without a predicted income. */
  incomeDate: IsoDate | null;
  amountCents: number;
  /** What is due when every earlier instalment was paid on time (the reward taken off). */
  amountIfKeptCents: number;
}

export interface PlanReward {
  kind: 'costs_waived_if_paid_now' | 'costs_waived_at_completion' | 'last_instalment_discount';
  cents: number;
}

export interface PlanOption {
  id: string;
  kind: PlanOptionKind;
  months: number;
  totalCents: number;
  totalIfKeptCents: number;
  largestInstalmentCents: number;
  rewards: PlanReward[];
  instalments: PlannedInstalment[];
  summary: { nl: string; en: string };
}

export type PlanRecommendation =
  | { kind: 'refer_to_debt_help'; reason: { nl: string; en: string } }
  | { kind: 'consider_write_off'; payableWithinTermCents: number; remainderCents: number; reason: { nl: string; en: string } };

export interface PlanOptionsResult {
  asOf: IsoDate;
  claimIds: string[];
  totalDueCents: number;
  costsOutstandingCents: number;
  /** The most any instalment may be, and why. */
  ceiling: { cents: number; lowCents: number; highCents: number; incomeAboveProtectedCents: number };
  dueDateBasis: 'income_days' | 'no_income_day';
  /** The income the due dates follow; a plan keeps it to time reminders on the next income day. */
  income: PlanIncome | null;
  affordable: boolean;
  options: PlanOption[];
  recommendation: PlanRecommendation | null;
  arithmetic: string[];
}

/** The working day `count` working days after `date` (count ≥ 1). */
export function workingDaysAfter(date: IsoDate, count: number, holidays: HolidayCalendar = DUTCH_HOLIDAY_RULES): IsoDate {
  let day = date;
  for (let left = count; left > 0; ) {
    day = addDays(day, 1);
    if (isWorkingDay(day, holidays)) left -= 1;
  }
  return day;
}

/** The first working day on or after `date`. */
function workingDayOnOrAfter(date: IsoDate, holidays: HolidayCalendar): IsoDate {
  return isWorkingDay(date, holidays) ? date : workingDaysAfter(date, 1, holidays);
}

/** floor(total / n) each, the last absorbing the rest: exact, and the last is the largest. */
export function instalmentAmounts(totalCents: number, count: number): number[] {
  if (!Number.isSafeInteger(totalCents) || totalCents <= 0 || !Number.isInteger(count) || count <= 0) throw new RangeError('instalmentAmounts needs a positive total and count');
  const base = Math.floor(totalCents / count);
  const amounts = Array.from({ length: count }, () => base);
  amounts[count - 1] = totalCents - base * (count - 1);
  return amounts;
}

/** Takes a reward off the last amounts first; never below zero. */
function applyRewardFromEnd(amounts: readonly number[], rewardCents: number): number[] {
  const result = [...amounts];
  let left = rewardCents;
  for (let i = result.length - 1; i >= 0 && left > 0; i -= 1) {
    const off = Math.min(left, result[i]!);
    result[i] = result[i]! - off;
    left -= off;
  }
  return result;
}

/**
 * The income days instalments follow: the first predicted income day in each month after the
 * offer, later than the one before. Without an income prediction, the same day of each next month.
 */
export function instalmentIncomeDates(asOf: IsoDate, count: number, income: PlanIncome | null, holidays: HolidayCalendar = DUTCH_HOLIDAY_RULES): (IsoDate | null)[] {
  if (income === null) return Array.from({ length: count }, () => null);
  const first = addDays(asOf, 1);
  // Weekly income gives about five dates a month: enough dates for every month of the plan.
  const dates = upcomingDates(income.schedule, first, count * 6 + 6, holidays);
  const result: IsoDate[] = [];
  let cursor = 0;
  for (let k = 0; k < count; k += 1) {
    const windowStart = addMonths(first, k);
    const previous = result[k - 1];
    while (cursor < dates.length && (dates[cursor]! < windowStart || (previous !== undefined && dates[cursor]! <= previous))) cursor += 1;
    if (cursor >= dates.length) throw new RangeError('the income schedule predicts too few dates for the plan');
    result.push(dates[cursor]!);
    cursor += 1;
  }
  return result;
}

/** Working days after an income day before an instalment is due: one more when the money may come late. */
export function dueOffsetWorkingDays(income: PlanIncome | null): number {
  return income !== null && income.windowDays > 1 ? 2 : 1;
}

function scheduleFor(input: PlanOptionsInput, amounts: readonly number[], ifKept: readonly number[]): PlannedInstalment[] {
  const holidays = input.holidays ?? DUTCH_HOLIDAY_RULES;
  const incomeDates = instalmentIncomeDates(input.asOf, amounts.length, input.income, holidays);
  const offset = dueOffsetWorkingDays(input.income);
  return amounts.map((amountCents, i) => {
    const incomeDate = incomeDates[i]!;
    const dueDate = incomeDate === null ? workingDayOnOrAfter(addMonths(input.asOf, i + 1), holidays) : workingDaysAfter(incomeDate, offset, holidays);
    return { number: i + 1, dueDate, incomeDate, amountCents, amountIfKeptCents: ifKept[i]! };
  });
}

/** Whether every instalment of an n-month plan of `total` fits under the ceiling (the last is the largest). */
function fits(totalCents: number, months: number, ceilingCents: number): boolean {
  const amounts = instalmentAmounts(totalCents, months);
  return amounts[amounts.length - 1]! <= ceilingCents;
}

export function planOptions(input: PlanOptionsInput): PlanOptionsResult {
  const { policy } = input;
  const totalDueCents = input.claims.reduce((sum, c) => sum + c.totalDueCents, 0);
  const costsOutstandingCents = input.claims.reduce((sum, c) => sum + c.costsOutstandingCents, 0);
  if (input.claims.length === 0 || totalDueCents <= 0) throw new RangeError('planOptions needs claims with something due');
  if (!Number.isInteger(policy.maxTermMonths) || policy.maxTermMonths < 1) throw new RangeError('maxTermMonths must be a positive whole number');
  const a = input.affordability;
  const incomeAboveProtectedCents = a.incomeCents - a.protectedCents;
  const ceilingCents = Math.max(0, Math.min(a.lowCents, a.highCents, incomeAboveProtectedCents));
  const arithmetic: string[] = [
    `Total due: ${input.claims.map((c) => formatEuroNl(c.totalDueCents)).join(' + ')} = ${formatEuroNl(totalDueCents)} (of which collection costs ${formatEuroNl(costsOutstandingCents)}).`,
    ...(a.basis === undefined ? [] : [a.basis]),
    `Ceiling per instalment: the lowest of the affordable range's low end ${formatEuroNl(a.lowCents)}, its high end ${formatEuroNl(a.highCents)}, and income ${formatEuroNl(a.incomeCents)} − protected amount ${formatEuroNl(a.protectedCents)} = ${formatEuroNl(incomeAboveProtectedCents)}: ${formatEuroNl(ceilingCents)}.`,
  ];

  const options: PlanOption[] = [];
  const costsRewardNow = policy.payNow.waiveCosts ? Math.min(costsOutstandingCents, totalDueCents) : 0;
  const payNowCents = totalDueCents - costsRewardNow;
  if (payNowCents > 0 && payNowCents <= ceilingCents) {
    const dueDate = addDays(input.asOf, policy.payNow.withinDays);
    options.push({
      id: 'pay_now',
      kind: 'pay_now',
      months: 0,
      totalCents: totalDueCents,
      totalIfKeptCents: payNowCents,
      largestInstalmentCents: payNowCents,
      rewards: costsRewardNow > 0 ? [{ kind: 'costs_waived_if_paid_now', cents: costsRewardNow }] : [],
      // Paid in time, the costs are waived; paid later, the whole total is due as before.
      instalments: [{ number: 1, dueDate, incomeDate: null, amountCents: totalDueCents, amountIfKeptCents: payNowCents }],
      summary: {
        nl: `Betaal ${formatEuroNl(payNowCents)} uiterlijk ${dueDate}${costsRewardNow > 0 ? `; de incassokosten van ${formatEuroNl(costsRewardNow)} vervallen` : ''}.`,
        en: `Pay ${formatEuroNl(payNowCents)} by ${dueDate}${costsRewardNow > 0 ? `; the collection costs of ${formatEuroNl(costsRewardNow)} are waived` : ''}.`,
      },
    });
    arithmetic.push(`Pay now: ${formatEuroNl(totalDueCents)} − costs waived ${formatEuroNl(costsRewardNow)} = ${formatEuroNl(payNowCents)} ≤ ceiling, due ${dueDate} (${policy.payNow.withinDays} days).`);
  } else {
    arithmetic.push(`Pay now: ${formatEuroNl(payNowCents)} is above the ceiling; not offered.`);
  }

  // The longest plan: as many months as the term allows, but no instalment below the minimum worth a plan.
  const longestMonths = Math.max(1, Math.min(policy.maxTermMonths, Math.floor(totalDueCents / Math.max(1, policy.minimumInstalmentCents))));
  const planMonths: { kind: PlanOptionKind; months: number }[] = [];
  if (ceilingCents > 0 && fits(totalDueCents, longestMonths, ceilingCents)) {
    // The short plan: the fewest months (at least two, a plan is not a single payment) that fit.
    let shortMonths = Math.min(2, longestMonths);
    while (shortMonths < longestMonths && !fits(totalDueCents, shortMonths, ceilingCents)) shortMonths += 1;
    if (shortMonths < longestMonths) planMonths.push({ kind: 'short', months: shortMonths });
    const middle = Math.round((shortMonths + longestMonths) / 2);
    if (longestMonths - shortMonths >= 4 && fits(totalDueCents, middle, ceilingCents)) planMonths.push({ kind: 'medium', months: middle });
    planMonths.push({ kind: 'longest', months: longestMonths });
  } else {
    const largest = instalmentAmounts(totalDueCents, longestMonths).at(-1)!;
    arithmetic.push(`Longest plan: ${longestMonths} months of up to ${formatEuroNl(largest)} is above the ceiling ${formatEuroNl(ceilingCents)}; no plan fits.`);
  }

  const planCostsReward = policy.rewards.costsWaivedAtCompletion ? Math.min(costsOutstandingCents, totalDueCents) : 0;
  for (const { kind, months } of planMonths) {
    const amounts = instalmentAmounts(totalDueCents, months);
    const discount = Math.min(applyBasisPoints(totalDueCents, policy.rewards.lastInstalmentDiscountBasisPoints), amounts.at(-1)!);
    const rewards: PlanReward[] = [];
    if (planCostsReward > 0) rewards.push({ kind: 'costs_waived_at_completion', cents: planCostsReward });
    if (discount > 0) rewards.push({ kind: 'last_instalment_discount', cents: discount });
    const rewardCents = Math.min(totalDueCents, planCostsReward + discount);
    const ifKept = applyRewardFromEnd(amounts, rewardCents);
    const instalments = scheduleFor(input, amounts, ifKept);
    const largest = amounts.at(-1)!;
    options.push({
      id: `${kind}_${months}m`,
      kind,
      months,
      totalCents: totalDueCents,
      totalIfKeptCents: totalDueCents - rewardCents,
      largestInstalmentCents: largest,
      rewards,
      instalments,
      summary: {
        nl: `${months} termijnen van ${formatEuroNl(amounts[0]!)}${largest !== amounts[0] ? ` (laatste ${formatEuroNl(largest)})` : ''}, steeds kort na uw inkomen, vanaf ${instalments[0]!.dueDate}${rewardCents > 0 ? `; wie alles op tijd betaalt, betaalt ${formatEuroNl(rewardCents)} minder` : ''}.`,
        en: `${months} instalments of ${formatEuroNl(amounts[0]!)}${largest !== amounts[0] ? ` (last ${formatEuroNl(largest)})` : ''}, each just after your income, from ${instalments[0]!.dueDate}${rewardCents > 0 ? `; paying every instalment on time takes ${formatEuroNl(rewardCents)} off` : ''}.`,
      },
    });
    arithmetic.push(`${kind} plan: ${formatEuroNl(totalDueCents)} / ${months} = ${formatEuroNl(amounts[0]!)} a month, last ${formatEuroNl(largest)} ≤ ceiling; reward if kept ${formatEuroNl(rewardCents)}.`);
  }

  const affordable = options.length > 0;
  let recommendation: PlanRecommendation | null = null;
  if (!affordable) {
    if (ceilingCents <= 0) {
      recommendation = {
        kind: 'refer_to_debt_help',
        reason: {
          nl: 'Na de vaste lasten en de beslagvrije voet blijft er niets over om af te lossen. Een regeling zou niet vol te houden zijn; verwijs naar schuldhulp.',
          en: 'Nothing is left to repay after essential costs and the protected amount. A plan would break; refer to debt help.',
        },
      };
    } else {
      const payableWithinTermCents = Math.min(totalDueCents, ceilingCents * policy.maxTermMonths);
      const remainderCents = totalDueCents - payableWithinTermCents;
      recommendation = {
        kind: 'consider_write_off',
        payableWithinTermCents,
        remainderCents,
        reason: {
          nl: `Binnen ${policy.maxTermMonths} maanden is hooguit ${formatEuroNl(payableWithinTermCents)} af te lossen; overweeg kwijtschelding van ${formatEuroNl(remainderCents)} of verwijs naar schuldhulp.`,
          en: `At most ${formatEuroNl(payableWithinTermCents)} can be repaid within ${policy.maxTermMonths} months; consider writing off ${formatEuroNl(remainderCents)} or refer to debt help.`,
        },
      };
    }
  }

  return {
    asOf: input.asOf,
    claimIds: input.claims.map((c) => c.claimId),
    totalDueCents,
    costsOutstandingCents,
    ceiling: { cents: ceilingCents, lowCents: a.lowCents, highCents: a.highCents, incomeAboveProtectedCents },
    dueDateBasis: input.income === null ? 'no_income_day' : 'income_days',
    income: input.income,
    affordable,
    options,
    recommendation,
    arithmetic,
  };
}

/** The parts of an affordability report the plan inputs are read from (an AffordabilityReport has them all). */
export interface PlanReportInput {
  affordableInstalment: Pick<AffordabilityReport['affordableInstalment'], 'lowCents' | 'highCents'>;
  average: Pick<AffordabilityReport['average'], 'stableIncomeCents'>;
  protectedAmount: Pick<AffordabilityReport['protectedAmount'], 'protectedCents'>;
  incomeDays: AffordabilityReport['incomeDays'];
  flags: readonly Pick<AffordabilityFlag, 'code' | 'figures'>[];
  months: readonly Pick<MonthFigures, 'month' | 'stableIncomeCents'>[];
}

/** How cautious the plan ceiling is beyond the report (tenant policy `repayment_plans`). */
export interface PlanCeilingRules {
  /** A margin on top of the protected amount, in basis points of the report's average stable income. */
  protectedMarginBasisPoints: number;
}

/**
 * The monthly income a plan may be built on, and why: the report's average STABLE income, or less
 * when the report flags an income drop.
 * - Irregular income (holiday pay, refunds, a one-off transfer) is in the report's average income but
 *   does not come every month, so an instalment sized on it breaks in the months it is missing.
 * - An `income_drop` flag means the last months brought less stable income than the months before
 *   (figures.recentAverageCents over the policy's recent months), or a salary stream stopped. The
 *   average still carries the old income, so the lower recent average bounds it; when a salary
 *   stopped, the last assessed month (after the stop) bounds it too, as that salary will not return.
 */
export function planIncomeBasis(report: Pick<PlanReportInput, 'average' | 'flags' | 'months'>): { incomeCents: number; source: 'average_stable_income' | 'recent_stable_income' | 'last_month_stable_income' } {
  let incomeCents = report.average.stableIncomeCents;
  let source: 'average_stable_income' | 'recent_stable_income' | 'last_month_stable_income' = 'average_stable_income';
  const drop = report.flags.find((f) => f.code === 'income_drop');
  if (drop !== undefined) {
    const recent = drop.figures['recentAverageCents'];
    if (typeof recent === 'number' && recent < incomeCents) {
      incomeCents = recent;
      source = 'recent_stable_income';
    }
    const stoppedSalaries = drop.figures['stoppedSalaryStreams'];
    const lastMonth = report.months.at(-1);
    if (typeof stoppedSalaries === 'number' && stoppedSalaries > 0 && lastMonth !== undefined && lastMonth.stableIncomeCents < incomeCents) {
      incomeCents = lastMonth.stableIncomeCents;
      source = 'last_month_stable_income';
    }
  }
  return { incomeCents: Math.max(0, incomeCents), source };
}

/**
 * The affordable range, protected income and main income day from an affordability report, with the
 * ceiling rules the policy simulation validated against the hidden truth (docs/policy-simulation.md):
 * - only stable income counts above the protected amount, bounded by the recent income when the
 *   report flags a drop (planIncomeBasis);
 * - a margin (protectedMarginBasisPoints of the average stable income) is added to the protected
 *   amount: the report's income, housing costs and household type are estimates, and an error there
 *   must not take a household below what the law protects. The margin is taken on the average, not
 *   on a lowered basis, so a drop never makes it smaller;
 * - after a drop, the affordable range's ends (computed on the average month) come down by the
 *   income lost: the essentials still have to be paid from the lower income.
 * The protected amount stays the report's (for the average income): on a lower income the
 * beslagvrije voet is the same or lower, so keeping it only errs on the debtor's side.
 * The main income is the one that brings the most per month among those still coming (the report
 * lists them largest first), as for contact timing; a single first payment only when nothing else is known.
 */
export function planInputsFromReport(report: PlanReportInput, rules: PlanCeilingRules): { affordability: PlanAffordability; income: PlanIncome | null } {
  if (!Number.isInteger(rules.protectedMarginBasisPoints) || rules.protectedMarginBasisPoints < 0) throw new RangeError('protectedMarginBasisPoints must be a whole number ≥ 0');
  const main = report.incomeDays.find((d) => d.status === 'mature' || d.status === 'early') ?? report.incomeDays.find((d) => d.status === 'single') ?? null;
  const basis = planIncomeBasis(report);
  const incomeLostCents = Math.max(0, report.average.stableIncomeCents - basis.incomeCents);
  const marginCents = applyBasisPoints(report.average.stableIncomeCents, rules.protectedMarginBasisPoints);
  const incomeSaid = {
    average_stable_income: `Income: the average stable income ${formatEuroNl(basis.incomeCents)} (irregular income not counted).`,
    recent_stable_income: `Income: the recent stable income ${formatEuroNl(basis.incomeCents)} (income drop flagged; average ${formatEuroNl(report.average.stableIncomeCents)}), the range lowered by the ${formatEuroNl(incomeLostCents)} lost.`,
    last_month_stable_income: `Income: the last month's stable income ${formatEuroNl(basis.incomeCents)} (a salary stopped; average ${formatEuroNl(report.average.stableIncomeCents)}), the range lowered by the ${formatEuroNl(incomeLostCents)} lost.`,
  }[basis.source];
  return {
    affordability: {
      lowCents: Math.max(0, report.affordableInstalment.lowCents - incomeLostCents),
      highCents: Math.max(0, report.affordableInstalment.highCents - incomeLostCents),
      incomeCents: basis.incomeCents,
      protectedCents: report.protectedAmount.protectedCents + marginCents,
      basis: `${incomeSaid} Protected amount ${formatEuroNl(report.protectedAmount.protectedCents)} + margin ${formatEuroNl(marginCents)} (${rules.protectedMarginBasisPoints} bp of the stable income).`,
    },
    income: main === null ? null : { schedule: main.schedule, windowDays: main.windowDays },
  };
}
