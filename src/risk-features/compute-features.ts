/**
 * Risk features of one debtor as of a day, from what the service holds about them: categorised bank
 * transactions and balances (when a consent covers them) and the creditor's data points.
 *
 * Point in time: a feature as of D reads nothing dated after D. The first step drops every booking
 * dated after D, every balance dated after D and every data point that occurred after D; everything
 * below works on what is left. A model trained on features that peeked past D (a salary that came
 * late, a return booked next week, an arrears outcome inside the label's window) learns from the
 * future and fails in use. Categories are the exception the design allows: transactions are
 * categorised once per debtor with today's rules (and a recurring-income rule that sees the whole
 * history), because categorising again per as-of date would multiply the cost by the dates.
 *
 * Outcome data points are labels; as features only outcomes dated on or before D count.
 */
import type { AnalysisBalance } from '../analytics/analysis-input.js';
import type { CategorisedTransaction } from '../analytics/categorisation/categorise.js';
import { upcomingDates, type IncomeDay } from '../analytics/income-days.js';
import { CATEGORIES } from '../analytics/taxonomy.js';
import { assessCategorised } from '../affordability/assess-affordability.js';
import { reconstructDailyBalanceDays } from '../affordability/daily-balances.js';
import type { HouseholdGiven } from '../affordability/household.js';
import type { NormSet } from '../affordability/norms/norms.js';
import type { DataPointEvent } from '../data-points/data-point.schema.js';
import { deriveSignals } from '../data-points/derived-signals.js';
import { returnReasonClass } from '../data-points/return-reasons.js';
import { addDays, type IsoDate } from '../platform/dates.js';
import { dayNumberOfIso } from '../platform/day-number.js';
import { FEATURE_CATALOGUE_VERSION, OUTCOME_FEATURE_TYPES, featureNamesOf, type FeatureSetId } from './catalogue.js';

export interface FeatureSource {
  asOf: IsoDate;
  /** Bank data, or null when no consent covers it. Transactions already categorised (categorisation uses today's rules: that is allowed). */
  bank: {
    transactions: readonly CategorisedTransaction[];
    balances: readonly AnalysisBalance[];
    ownIbans: readonly string[];
    /** How the bank names the debtor; the affordability report reads joint-account names for the household. */
    accountHolderNames?: readonly string[];
  } | null;
  /** Data points of this debtor (any dates; later ones ignored). */
  events: readonly DataPointEvent[];
  household?: HouseholdGiven;
  /** normsAt(asOf, overrides) */
  norms: NormSet;
}

export interface FeatureVector {
  catalogueVersion: string;
  featureSet: FeatureSetId;
  asOf: IsoDate;
  values: Record<string, number | null>;
}

type Values = Record<string, number | null>;

export function computeFeatures(source: FeatureSource, featureSet: FeatureSetId): FeatureVector {
  const all: Values = {};
  dataPointFeatures(source.events, source.asOf, all);
  if (featureSet === 'bank-and-data-points' && source.bank) bankFeatures(source, source.bank, all);
  const values: Values = {};
  // Every feature of the set is present: a missing source gives null, never a silently absent key.
  for (const name of featureNamesOf(featureSet)) values[name] = all[name] ?? null;
  return { catalogueVersion: FEATURE_CATALOGUE_VERSION, featureSet, asOf: source.asOf, values };
}

/** The vector's values in the given column order; null (and a name the vector lacks) becomes NaN, the learner's missing value. */
export function featureRow(vector: FeatureVector, featureNames: readonly string[]): Float64Array {
  const row = new Float64Array(featureNames.length);
  for (let i = 0; i < featureNames.length; i++) {
    const value = vector.values[featureNames[i]!];
    row[i] = value == null ? Number.NaN : value;
  }
  return row;
}

// ---------------------------------------------------------------------------------------------
// Bank data

/** Windows, in days ending on the as-of day, that the bank sums are kept for. */
const SUM_WINDOWS = [30, 90, 180, 365] as const;
type SumWindow = (typeof SUM_WINDOWS)[number];

/** Sums by window: index 0 = 30 days, 1 = 90, 2 = 180, 3 = 365. */
class WindowSums {
  readonly sums = [0, 0, 0, 0];
  readonly counts = [0, 0, 0, 0];
  add(age: number, amount: number): void {
    for (let w = 0; w < SUM_WINDOWS.length; w++) {
      if (age < SUM_WINDOWS[w]!) {
        this.sums[w]! += amount;
        this.counts[w]! += 1;
      }
    }
  }
  sum(window: SumWindow): number {
    return this.sums[SUM_WINDOWS.indexOf(window)]!;
  }
  count(window: SumWindow): number {
    return this.counts[SUM_WINDOWS.indexOf(window)]!;
  }
}

/**
 * Bank data older than this before the as-of date is not read: the longest window is a year, the
 * affordability report assesses up to twelve whole months before the as-of month and its payday
 * learning wants a few more. The service loads this much (stored-features.ts), so a debtor with ten
 * years of bookings gets the same features as in training, where the history is shorter.
 */
export const FEATURE_HISTORY_DAYS = 460;

const INCOME_BLOCKS = 12;
const BLOCK_DAYS = 30;
const BALANCE_DAYS = 180;
/** How far before its expected date a payment still answers it (a holiday or a generous employer). */
const EARLY_PAYMENT_DAYS = 14;

function bankFeatures(source: FeatureSource, bank: NonNullable<FeatureSource['bank']>, out: Values): void {
  const asOf = source.asOf;
  const asOfDay = dayNumberOfIso(asOf);
  const oldest = addDays(asOf, -(FEATURE_HISTORY_DAYS - 1));
  const booked = bank.transactions.filter((t) => t.status === 'booked' && t.bookingDate <= asOf && t.bookingDate >= oldest);
  // Balances over the same days as the bookings: an older balance plus bookings that are left out would be a wrong anchor.
  const balances = bank.balances.filter((b) => b.date <= asOf && b.date >= oldest);

  let firstDay = Number.POSITIVE_INFINITY;
  let lastStableIncomeDay = Number.NEGATIVE_INFINITY;
  const stable = new WindowSums();
  const income = new WindowSums();
  const essential = new WindowSums();
  const debtService = new WindowSums();
  const bnpl = new WindowSums();
  const loanPayout = new WindowSums();
  const creditRepaid = new WindowSums();
  const gambling = new WindowSums();
  const collector = new WindowSums();
  const returns = { total: new WindowSums(), insufficient_funds: new WindowSums(), dispute_or_refusal: new WindowSums(), other: new WindowSums() };
  const stableByBlock = new Array<number>(INCOME_BLOCKS).fill(0);
  let stablePreviousQuarter = 0;

  for (const t of booked) {
    const day = dayNumberOfIso(t.bookingDate);
    if (day < firstDay) firstDay = day;
    const age = asOfDay - day;
    const group = CATEGORIES[t.category].group;
    const amount = t.amountCents;
    if (amount > 0 && group === 'stable_income') {
      stable.add(age, amount);
      if (day > lastStableIncomeDay) lastStableIncomeDay = day;
      const block = Math.floor(age / BLOCK_DAYS);
      if (block < INCOME_BLOCKS) stableByBlock[block]! += amount;
      if (age >= 90 && age < 180) stablePreviousQuarter += amount;
    }
    if (amount > 0 && (group === 'stable_income' || group === 'irregular_income')) income.add(age, amount);
    if (amount < 0 && (group === 'fixed_essential' || group === 'variable_essential')) essential.add(age, -amount);
    if (amount < 0 && group === 'debt_service') debtService.add(age, -amount);
    if (amount < 0 && t.category === 'expense.bnpl') bnpl.add(age, -amount);
    if (amount > 0 && t.category === 'transfer.loan_payout') loanPayout.add(age, amount);
    if (amount < 0 && t.category === 'expense.credit') creditRepaid.add(age, -amount);
    if (amount < 0 && t.category === 'expense.gambling') gambling.add(age, -amount);
    if (amount < 0 && t.category === 'expense.collection') collector.add(age, -amount);
    if (amount > 0 && t.category === 'reversal.returned_debit') {
      returns.total.add(age, 1);
      const reasonClass = returnReasonClass(returnCodeOf(t));
      if (reasonClass === 'insufficient_funds') returns.insufficient_funds.add(age, 1);
      else if (reasonClass === 'dispute_or_refusal') returns.dispute_or_refusal.add(age, 1);
      else returns.other.add(age, 1);
    }
  }

  const hasHistory = Number.isFinite(firstDay);
  const coveredDays = hasHistory ? asOfDay - firstDay + 1 : 0;
  out['bank.history_days'] = coveredDays;
  const perThirtyDays = (sum: number, window: number) => {
    const covered = Math.min(window, coveredDays);
    return covered <= 0 ? null : Math.round((sum * BLOCK_DAYS) / covered);
  };
  out['bank.income_stable_30d'] = perThirtyDays(stable.sum(30), 30);
  out['bank.income_stable_90d'] = perThirtyDays(stable.sum(90), 90);
  out['bank.income_stable_365d'] = perThirtyDays(stable.sum(365), 365);
  out['bank.income_all_90d'] = perThirtyDays(income.sum(90), 90);
  // Only blocks the history covers in full: a block before the first booking would read as no income.
  const coveredBlocks = Math.min(INCOME_BLOCKS, Math.floor(coveredDays / BLOCK_DAYS));
  out['bank.income_cv_180d'] = coefficientOfVariation(stableByBlock.slice(0, Math.min(6, coveredBlocks)));
  out['bank.income_cv_365d'] = coefficientOfVariation(stableByBlock.slice(0, coveredBlocks));
  out['bank.income_drop_90d'] = coveredDays >= 180 && stablePreviousQuarter > 0 ? (stable.sum(90) - stablePreviousQuarter) / stablePreviousQuarter : null;
  out['bank.days_since_stable_income'] = Number.isFinite(lastStableIncomeDay) ? asOfDay - lastStableIncomeDay : null;

  for (const window of [90, 365] as const) {
    out[`bank.returned_dd_${window}d_total`] = returns.total.count(window);
    out[`bank.returned_dd_${window}d_insufficient_funds`] = returns.insufficient_funds.count(window);
    out[`bank.returned_dd_${window}d_dispute_or_refusal`] = returns.dispute_or_refusal.count(window);
    out[`bank.returned_dd_${window}d_other`] = returns.other.count(window);
  }
  out['bank.bnpl_paid_90d'] = bnpl.sum(90);
  out['bank.bnpl_paid_365d'] = bnpl.sum(365);
  out['bank.bnpl_count_90d'] = bnpl.count(90);
  out['bank.payday_credit_received_90d'] = loanPayout.sum(90);
  out['bank.payday_credit_received_365d'] = loanPayout.sum(365);
  out['bank.credit_repaid_90d'] = creditRepaid.sum(90);
  out['bank.gambling_stakes_30d'] = gambling.sum(30);
  out['bank.gambling_stakes_90d'] = gambling.sum(90);
  out['bank.gambling_stakes_365d'] = gambling.sum(365);
  out['bank.collector_paid_90d'] = collector.sum(90);
  out['bank.collector_paid_365d'] = collector.sum(365);
  out['bank.collector_count_365d'] = collector.count(365);
  const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);
  out['bank.gambling_share_90d'] = share(gambling.sum(90), income.sum(90));
  out['bank.essential_share_90d'] = share(essential.sum(90), income.sum(90));
  out['bank.essential_share_365d'] = share(essential.sum(365), income.sum(365));
  out['bank.debt_service_share_90d'] = share(debtService.sum(90), income.sum(90));

  balanceFeatures(booked, balances, asOf, out);

  const report = assessCategorised({
    categorised: booked,
    balances,
    asOf,
    ...(source.household ? { household: source.household } : {}),
    ...(bank.accountHolderNames ? { accountHolderNames: bank.accountHolderNames } : {}),
    norms: source.norms,
    rulesVersion: 'risk-features',
  });
  const assessed = report.monthsAssessed.length;
  out['bank.months_assessed'] = assessed;
  out['bank.disposable_monthly'] = assessed === 0 ? null : report.average.disposableCents;
  out['bank.protected_monthly'] = assessed === 0 ? null : report.average.protectedAmountCents;
  out['bank.disposable_minus_protected'] = assessed === 0 ? null : report.average.disposableCents - report.average.protectedAmountCents;
  out['bank.affordable_monthly_high'] = assessed === 0 ? null : report.affordableInstalment.highCents;
  out['bank.affordable_monthly_low'] = assessed === 0 ? null : report.affordableInstalment.lowCents;
  out['bank.salary_delay_days'] = salaryDelayDays(report.incomeDays, asOf);
}

/**
 * The return reason of a returned debit: the bank's field, else the code the text names ("reden AM04",
 * "reason MS02"). Berlin Group has no field for it, so banks (and the simulator) put it in the text.
 */
function returnCodeOf(t: CategorisedTransaction): string {
  if (t.returnReasonCode) return t.returnReasonCode.toUpperCase();
  const text = `${t.remittanceUnstructured ?? ''} ${t.remittanceStructured ?? ''}`;
  return /\b(?:reden|reason|rsn)\b[:\s]*([A-Z0-9]{4})\b/i.exec(text)?.[1]?.toUpperCase() ?? '';
}

function coefficientOfVariation(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const mean = values.reduce((a, v) => a + v, 0) / values.length;
  if (mean <= 0) return null;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance) / mean;
}

function balanceFeatures(booked: readonly CategorisedTransaction[], balances: readonly AnalysisBalance[], asOf: IsoDate, out: Values): void {
  const accounts = reconstructDailyBalanceDays(booked, balances, addDays(asOf, -(BALANCE_DAYS - 1)), asOf);
  for (const window of [30, 90, 180] as const) {
    out[`bank.balance_min_${window}d`] = null;
    out[`bank.balance_mean_${window}d`] = null;
    out[`bank.days_below_zero_${window}d`] = null;
  }
  if (accounts.length === 0) return;
  // Index 0 is the as-of day, BALANCE_DAYS − 1 the oldest: each window is a prefix.
  const total = new Float64Array(BALANCE_DAYS);
  const below = new Uint8Array(BALANCE_DAYS);
  for (const account of accounts) {
    for (let i = 0; i < BALANCE_DAYS; i++) {
      const cents = account.endOfDayCents[BALANCE_DAYS - 1 - i]!;
      total[i]! += cents;
      if (cents < 0) below[i] = 1;
    }
  }
  for (const window of [30, 90, 180] as const) {
    let min = Number.POSITIVE_INFINITY;
    let sum = 0;
    let daysBelow = 0;
    for (let i = 0; i < window; i++) {
      if (total[i]! < min) min = total[i]!;
      sum += total[i]!;
      daysBelow += below[i]!;
    }
    out[`bank.balance_min_${window}d`] = min;
    out[`bank.balance_mean_${window}d`] = Math.round(sum / window);
    out[`bank.days_below_zero_${window}d`] = daysBelow;
  }
}

/**
 * Days late of the main recurring income against its learned (or published) payday. The main
 * income is the stream worth most per month whatever its status: a salary that stopped is exactly
 * the case to see, and it shows as a growing delay.
 */
function salaryDelayDays(incomeDays: readonly IncomeDay[], asOf: IsoDate): number | null {
  const main = incomeDays.filter((d) => d.streamId !== null).sort((a, b) => b.monthlyEquivalentCents - a.monthlyEquivalentCents)[0];
  if (!main) return null;
  // A schedule recurs at least every quarter-year… except yearly ones; look back far enough for a quarterly one.
  const expected = upcomingDates(main.schedule, addDays(asOf, -100), 8).filter((d) => d <= asOf);
  const latest = expected[expected.length - 1];
  if (latest === undefined) return null;
  const expectedDay = dayNumberOfIso(latest);
  let nearest: number | null = null;
  for (const date of main.observedDates) {
    const day = dayNumberOfIso(date);
    if (day < expectedDay - EARLY_PAYMENT_DAYS || date > asOf) continue;
    if (nearest === null || Math.abs(day - expectedDay) < Math.abs(nearest - expectedDay)) nearest = day;
  }
  return nearest === null ? dayNumberOfIso(asOf) - expectedDay : nearest - expectedDay;
}

// ---------------------------------------------------------------------------------------------
// Data points

function dataPointFeatures(events: readonly DataPointEvent[], asOf: IsoDate, out: Values): void {
  const asOfDay = dayNumberOfIso(asOf);
  const seen = new Set<string>();
  const known: DataPointEvent[] = [];
  for (const event of events) {
    if (event.occurredOn > asOf || seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    known.push(event);
  }
  const signals = deriveSignals(known, asOf);

  let firstDay = Number.POSITIVE_INFINITY;
  let invoiced365 = 0;
  let reminders90 = 0;
  let lastArrearsDay = Number.NEGATIVE_INFINITY;
  for (const event of known) {
    const day = dayNumberOfIso(event.occurredOn);
    if (day < firstDay) firstDay = day;
    const age = asOfDay - day;
    if (event.type === 'invoice_issued' && age < 365) invoiced365 += event.amountCents;
    if (event.type === 'reminder_sent' && age < 90) reminders90 += 1;
    if (event.type === 'arrears_started' && day > lastArrearsDay) lastArrearsDay = day;
  }
  out['dp.history_days'] = Number.isFinite(firstDay) ? asOfDay - firstDay + 1 : null;
  out['dp.max_days_past_due'] = signals.maxDaysPastDue;
  out['dp.sum_days_past_due'] = signals.sumDaysPastDue;
  out['dp.open_balance'] = signals.openBalanceCents;
  out['dp.open_invoices'] = signals.openInvoices.length;
  out['dp.overdue_invoices'] = signals.openInvoices.filter((i) => i.daysPastDue > 0).length;
  out['dp.invoiced_365d'] = invoiced365;
  out['dp.delay_trend_slope'] = signals.delayTrend.slopeDaysPerInvoice;
  out['dp.delay_trend_invoices'] = signals.delayTrend.invoiceCount;
  out['dp.share_paid_late'] = signals.sharePaidLate;
  const paidInYear = signals.paidInvoices.filter((i) => asOfDay - dayNumberOfIso(i.paidOn) < 365);
  out['dp.mean_paid_delay_365d'] = paidInYear.length === 0 ? null : paidInYear.reduce((a, i) => a + i.delayDays, 0) / paidInYear.length;

  const windows = { 90: signals.returnedDirectDebits.last90Days, 180: signals.returnedDirectDebits.last180Days, 365: signals.returnedDirectDebits.last365Days };
  for (const [window, counts] of Object.entries(windows)) {
    out[`dp.returned_dd_${window}d_total`] = counts.total;
    const insufficient = counts.byClass.insufficient_funds;
    const dispute = counts.byClass.dispute_or_refusal;
    out[`dp.returned_dd_${window}d_insufficient_funds`] = insufficient;
    out[`dp.returned_dd_${window}d_dispute_or_refusal`] = dispute;
    out[`dp.returned_dd_${window}d_other`] = counts.total - insufficient - dispute;
  }
  out['dp.promises_kept'] = signals.promises.kept;
  out['dp.promises_broken'] = signals.promises.broken;
  out['dp.promises_pending'] = signals.promises.pending;
  out['dp.days_since_bank_account_change'] = signals.daysSinceBankAccountChange;
  out['dp.days_since_contact_change'] = signals.daysSinceContactDetailsChange;
  out['dp.days_since_address_change'] = signals.daysSinceAddressChange;
  out['dp.reminders_90d'] = reminders90;
  out['dp.median_response_days'] = signals.medianResponseDays;
  out['dp.unanswered_reminders'] = signals.unansweredReminders;
  for (const type of OUTCOME_FEATURE_TYPES) out[`dp.outcomes_${type}`] = signals.outcomes[type];
  out['dp.days_since_arrears_started'] = Number.isFinite(lastArrearsDay) ? asOfDay - lastArrearsDay : null;
}
