/**
 * Debtor segments: why a debtor is not paying, so that the creditor answers the cause instead of
 * sending the same letter to everyone. Pure: no database, no clock (asOf is given).
 *
 * Segments
 * - cant_pay: the money is not there (returns for insufficient funds, disposable income or the
 *   affordable instalment below need, an overdraft lived on, an income drop without a good history).
 * - wont_pay: the money is there and the debtor does not pay (refusals and refund requests, a revoked
 *   mandate, reminders ignored, promises broken), each only while the bank data shows room to pay.
 * - forgot: pays in full after one reminder, or pays late by a little while a buffer is there.
 * - temporary_shock: an income drop or a life event (a move, a new bank account, new contact details)
 *   after a good payment history.
 * - complex_debt: several collectors or bailiffs, payday credit, many creditors: debt help first.
 * - no_risk: nothing overdue and nothing fired.
 *
 * How the segment is chosen: every rule that fires adds its weight to its segment's score; the
 * segment with the highest score wins, ties in the order of SEGMENT_PRIORITY (debt help before
 * everything, then the reading that protects the debtor most). A debtor in arrears for whom no rule
 * fires falls back on the ability to pay: room to pay reads as "forgot", no room as "can't pay".
 * Every rule is reported, fired or not, with its threshold and the observed value.
 */
import type { AffordabilityFlag, AffordabilityReport } from '../affordability/report.types.js';
import type { CategoryId } from '../analytics/taxonomy.js';
import type { DataPointEvent, DataPointEventOfType } from '../data-points/data-point.schema.js';
import { deriveSignals, type DebtorSignals } from '../data-points/derived-signals.js';
import { returnReasonClass, type ReturnReasonClass } from '../data-points/return-reasons.js';
import { diffDays, type IsoDate } from '../platform/dates.js';
import { DEFAULT_COLLECTION_SEGMENT_THRESHOLDS, type CollectionSegmentThresholds } from './segment-thresholds.js';

export const SEGMENTS = ['cant_pay', 'wont_pay', 'forgot', 'temporary_shock', 'complex_debt', 'no_risk'] as const;
export type Segment = (typeof SEGMENTS)[number];

/** Tie order: debt help first; then the reading that is kindest to the debtor when the evidence is equal. */
export const SEGMENT_PRIORITY: readonly Segment[] = ['complex_debt', 'cant_pay', 'temporary_shock', 'forgot', 'wont_pay', 'no_risk'];

/** A claim as the segment needs it (listDebtorClaims gives these fields). */
export interface SegmentClaim {
  reference: string;
  dueDate: IsoDate;
  totalDueCents: number;
}

/** The champion model's answer, or why there is none. */
export type SegmentModelInput =
  | { kind: 'model'; probability: number; modelId: string; version: number; featureSet: string }
  | { kind: 'no_model'; reason: string };

/** A categorised bank transaction, as much of it as counting creditors needs. */
export interface SegmentBankTransaction {
  id: string;
  bookingDate: IsoDate;
  amountCents: number;
  counterpartyName: string | null;
  category: CategoryId;
}

export interface SegmentDebtorInput {
  asOf: IsoDate;
  /** The debtor's data points (any order; later than asOf are ignored). */
  events: readonly DataPointEvent[];
  /** The affordability report as of asOf, or null when there is no consented bank data. */
  affordability: AffordabilityReport | null;
  /** Why there is no report, said in the answer. */
  affordabilityMissingReason?: string;
  claims: readonly SegmentClaim[];
  model: SegmentModelInput;
  /** The categorised bank transactions behind the report, to count distinct creditors; optional. */
  bankTransactions?: readonly SegmentBankTransaction[];
  thresholds?: CollectionSegmentThresholds;
}

export type AbilityToPay = 'shown' | 'not_shown' | 'unknown';

export interface SegmentRuleResult {
  rule: string;
  segment: Exclude<Segment, 'no_risk'>;
  fired: boolean;
  weight: number;
  /** What was compared: "count ≥ 1", "highCents < 5000". */
  test: string;
  threshold: number;
  observed: number | null;
  /** Data-point event ids and bank transaction ids the rule looked at. */
  eventIds: string[];
  transactionIds: string[];
  /** Why the rule could not be tested, when it could not. */
  notTestedBecause?: string;
}

export interface SegmentResult {
  asOf: IsoDate;
  segment: Segment;
  secondarySegment: Segment | null;
  /** 0–1: the winning score's share of all scores, lowered when bank data or a model is missing. */
  confidence: number;
  scores: Record<Exclude<Segment, 'no_risk'>, number>;
  abilityToPay: AbilityToPay;
  /** Collection should stop whatever the segment: a deceased debtor (MD07). */
  stopCollection: { reason: 'deceased'; eventIds: string[] } | null;
  rules: SegmentRuleResult[];
  figures: {
    openClaims: number;
    totalDueCents: number;
    maxDaysPastDue: number;
    affordableLowCents: number | null;
    affordableHighCents: number | null;
    averageDisposableCents: number | null;
    modelProbability: number | null;
  };
  /** How the segment was reached when no rule fired. */
  fallback: 'forgot_able' | 'cant_pay_unable' | null;
  model: SegmentModelInput;
  affordability: { used: boolean; reason: string | null; rulesVersion: string | null };
}

type Returns = Record<ReturnReasonClass, DataPointEventOfType<'direct_debit_returned'>[]>;

const DEBT_CATEGORIES: readonly CategoryId[] = ['expense.collection', 'expense.credit', 'expense.bnpl', 'expense.debt_repayment', 'expense.allowance_repayment', 'expense.fine'];

export function segmentDebtor(input: SegmentDebtorInput): SegmentResult {
  const t = input.thresholds ?? DEFAULT_COLLECTION_SEGMENT_THRESHOLDS;
  const { asOf } = input;
  const known = input.events.filter((e) => e.occurredOn <= asOf);
  const signals = deriveSignals(known, asOf);
  const report = input.affordability;
  const recent = (e: DataPointEvent) => diffDays(asOf, e.occurredOn) < t.lookbackDays;
  const returns = returnsByClass(known.filter(recent));
  const flag = (code: AffordabilityFlag['code']) => report?.flags.find((f) => f.code === code) ?? null;

  const overdueClaims = input.claims.filter((c) => c.totalDueCents > 0 && c.dueDate < asOf);
  const maxDaysPastDue = Math.max(signals.maxDaysPastDue, ...overdueClaims.map((c) => diffDays(asOf, c.dueDate)), 0);
  const totalDueCents = input.claims.reduce((s, c) => s + c.totalDueCents, 0);
  const lowCents = report ? report.affordableInstalment.lowCents : null;
  const highCents = report ? report.affordableInstalment.highCents : null;
  const ability: AbilityToPay = lowCents === null ? 'unknown' : lowCents >= t.ableMinAffordableCents ? 'shown' : 'not_shown';
  const probability = input.model.kind === 'model' ? input.model.probability : null;

  const rules: SegmentRuleResult[] = [];
  const rule = (r: Omit<SegmentRuleResult, 'eventIds' | 'transactionIds'> & { eventIds?: string[]; transactionIds?: string[] }) =>
    rules.push({ eventIds: [], transactionIds: [], ...r });
  const noBank = input.affordabilityMissingReason ?? 'no affordability report (no consented bank data)';

  // --- can't pay -------------------------------------------------------------------------------
  const bankCannotPay = flag('returned_direct_debits')?.returnReasons?.filter((r) => r.signal === 'cannot_pay').flatMap((r) => r.transactionIds) ?? [];
  const insufficient = returns.insufficient_funds;
  // The creditor's own return shows up twice, as its data point and in the bank data; the bank data
  // also shows other creditors' returns. The larger count is the one that double-counts nothing.
  const insufficientCount = Math.max(insufficient.length, bankCannotPay.length);
  rule({
    rule: 'insufficient_funds_returns',
    segment: 'cant_pay',
    weight: 1,
    test: 'returns for insufficient funds (AM04): the larger of the data points in the look-back and the bank data of the assessed months ≥ threshold',
    threshold: t.insufficientFundsReturnsMin,
    observed: insufficientCount,
    fired: insufficientCount >= t.insufficientFundsReturnsMin,
    eventIds: insufficient.map((e) => e.eventId),
    transactionIds: bankCannotPay,
  });
  rule({
    rule: 'affordable_below_need',
    segment: 'cant_pay',
    weight: 1.5,
    test: 'affordable instalment of an average month (highCents) < threshold',
    threshold: t.affordableBelowCents,
    observed: highCents,
    fired: highCents !== null && highCents < t.affordableBelowCents,
    ...(report ? {} : { notTestedBecause: noBank }),
  });
  const disposable = report ? report.average.disposableCents : null;
  rule({
    rule: 'disposable_below_need',
    segment: 'cant_pay',
    weight: 1,
    test: 'average monthly disposable income (cents) < threshold',
    threshold: t.disposableBelowCents,
    observed: disposable,
    fired: disposable !== null && disposable < t.disposableBelowCents,
    ...(report ? {} : { notTestedBecause: noBank }),
  });
  const negative = flag('negative_balance_days');
  const negativeDays = negative ? Number(negative.figures['days'] ?? 0) : report ? 0 : null;
  rule({
    rule: 'living_on_overdraft',
    segment: 'cant_pay',
    weight: 0.5,
    test: 'days below zero in the assessed months ≥ threshold',
    threshold: t.negativeBalanceDaysMin,
    observed: negativeDays,
    fired: negativeDays !== null && negativeDays >= t.negativeBalanceDaysMin,
    transactionIds: negative?.transactionIds ?? [],
    ...(report ? {} : { notTestedBecause: noBank }),
  });

  // --- good history, used by the shock rules and the income drop -------------------------------
  const history = goodHistory(signals, asOf, t);
  const incomeDrop = flag('income_drop');
  rule({
    rule: 'income_drop_without_good_history',
    segment: 'cant_pay',
    weight: 1,
    test: 'income-drop flag and on-time share of earlier invoices < threshold (or too few invoices)',
    threshold: t.goodHistoryOnTimeShareMin,
    observed: history.onTimeShare,
    fired: incomeDrop !== null && !history.good,
    transactionIds: incomeDrop?.transactionIds ?? [],
    ...(report ? {} : { notTestedBecause: noBank }),
  });
  rule({
    rule: 'model_expects_arrears',
    segment: 'cant_pay',
    weight: 0.5,
    test: 'champion model probability ≥ threshold and the bank data does not show room to pay',
    threshold: t.modelProbabilityMin,
    observed: probability,
    fired: probability !== null && probability >= t.modelProbabilityMin && ability !== 'shown',
    ...(probability === null ? { notTestedBecause: input.model.kind === 'no_model' ? input.model.reason : 'no model' } : {}),
  });

  // --- won't pay: only while able (or ability unknown: without bank data the signal stands alone) -
  const whileAble = ability !== 'not_shown';
  const refusals = returns.dispute_or_refusal;
  rule({
    rule: 'refusals_while_able',
    segment: 'wont_pay',
    weight: 1.5,
    test: 'refusals and refund requests (MS02, MD06, SP01 …) in the look-back ≥ threshold, while able to pay',
    threshold: t.refusalReturnsMin,
    observed: refusals.length,
    fired: whileAble && refusals.length >= t.refusalReturnsMin,
    eventIds: refusals.map((e) => e.eventId),
  });
  const mandate = returns.mandate_problem;
  rule({
    rule: 'mandate_revoked_while_able',
    segment: 'wont_pay',
    weight: 1,
    test: 'returns for a revoked or missing mandate in the look-back ≥ threshold, while able to pay',
    threshold: t.mandateProblemsMin,
    observed: mandate.length,
    fired: whileAble && mandate.length >= t.mandateProblemsMin,
    eventIds: mandate.map((e) => e.eventId),
  });
  const unanswered = unansweredReminders(known);
  rule({
    rule: 'no_response_while_able',
    segment: 'wont_pay',
    weight: 1,
    test: 'reminders without an answer ≥ threshold, while able to pay',
    threshold: t.unansweredRemindersMin,
    observed: unanswered.length,
    fired: whileAble && unanswered.length >= t.unansweredRemindersMin,
    eventIds: unanswered,
  });
  const broken = brokenPromises(known, asOf).filter(recent);
  rule({
    rule: 'broken_promises_while_able',
    segment: 'wont_pay',
    weight: 0.5,
    test: 'promises to pay broken in the look-back ≥ threshold, while able to pay',
    threshold: t.brokenPromisesMin,
    observed: broken.length,
    fired: whileAble && broken.length >= t.brokenPromisesMin,
    eventIds: broken.map((e) => e.eventId),
  });

  // --- forgot ----------------------------------------------------------------------------------
  const afterOne = paidAfterOneReminder(known, signals, t.reminderPaidWithinDays);
  rule({
    rule: 'paid_after_one_reminder',
    segment: 'forgot',
    weight: 1,
    test: `invoices paid in full within ${t.reminderPaidWithinDays} days of a single reminder ≥ threshold`,
    threshold: t.paidAfterOneReminderMin,
    observed: afterOne.invoices.length,
    fired: afterOne.invoices.length >= t.paidAfterOneReminderMin,
    eventIds: afterOne.eventIds,
  });
  const late = signals.paidInvoices.filter((p) => p.delayDays > 0);
  const lateShare = signals.sharePaidLate;
  const medianDelay = late.length === 0 ? null : medianOf(late.map((p) => p.delayDays));
  const lateButSmall = lateShare !== null && lateShare >= t.lateShareMin && medianDelay !== null && medianDelay <= t.lateMaxMedianDelayDays;
  rule({
    rule: 'late_with_buffer',
    segment: 'forgot',
    weight: 1,
    test: `share of paid invoices paid late ≥ threshold, median delay ≤ ${t.lateMaxMedianDelayDays} days (observed ${medianDelay ?? 'none'}), and not unable to pay`,
    threshold: t.lateShareMin,
    observed: lateShare,
    fired: lateButSmall && ability !== 'not_shown',
    eventIds: invoiceEventIds(known, late.map((p) => p.invoiceId)),
  });

  // --- temporary shock -------------------------------------------------------------------------
  rule({
    rule: 'income_drop_after_good_history',
    segment: 'temporary_shock',
    weight: 2,
    test: 'income-drop flag and on-time share of earlier invoices ≥ threshold',
    threshold: t.goodHistoryOnTimeShareMin,
    observed: history.onTimeShare,
    fired: incomeDrop !== null && history.good,
    transactionIds: incomeDrop?.transactionIds ?? [],
    ...(report ? {} : { notTestedBecause: noBank }),
  });
  const lifeEvents = known.filter(
    (e) =>
      diffDays(asOf, e.occurredOn) < t.lifeEventWithinDays &&
      (e.type === 'address_changed' || e.type === 'bank_account_changed' || e.type === 'contact_details_changed' || (e.type === 'direct_debit_returned' && returnReasonClass(e.reasonCode) === 'account_closed')),
  );
  rule({
    rule: 'life_event_after_good_history',
    segment: 'temporary_shock',
    weight: 1,
    test: `moves, new bank accounts, new contact details in the last ${t.lifeEventWithinDays} days ≥ 1, after a good history (on-time share ≥ ${t.goodHistoryOnTimeShareMin})`,
    threshold: 1,
    observed: lifeEvents.length,
    fired: lifeEvents.length >= 1 && history.good && maxDaysPastDue > 0,
    eventIds: lifeEvents.map((e) => e.eventId),
  });

  // --- complex debt ----------------------------------------------------------------------------
  const since = report?.monthsAssessed[0] ? `${report.monthsAssessed[0]}-01` : null;
  const debtTx = (input.bankTransactions ?? []).filter((tx) => tx.amountCents < 0 && DEBT_CATEGORIES.includes(tx.category) && tx.bookingDate <= asOf && (since === null || tx.bookingDate >= since));
  const collectorTx = debtTx.filter((tx) => tx.category === 'expense.collection');
  const collectorFlag = flag('collector_payments');
  const collectors = input.bankTransactions ? distinctCounterparties(collectorTx) : collectorFlag ? 1 : report ? 0 : null;
  rule({
    rule: 'several_collectors',
    segment: 'complex_debt',
    weight: 2,
    test: 'different collection agencies or bailiffs paid in the assessed months ≥ threshold',
    threshold: t.collectorsMin,
    observed: collectors,
    fired: collectors !== null && collectors >= t.collectorsMin,
    transactionIds: input.bankTransactions ? collectorTx.map((tx) => tx.id) : (collectorFlag?.transactionIds ?? []),
    ...(report || input.bankTransactions ? {} : { notTestedBecause: noBank }),
  });
  const payday = flag('payday_credit_use');
  const borrowed = payday ? Number(payday.figures['borrowedCents'] ?? 0) : report ? 0 : null;
  rule({
    rule: 'payday_credit',
    segment: 'complex_debt',
    weight: 1,
    test: 'borrowed from payday or consumer lenders in the assessed months (cents) ≥ threshold',
    threshold: t.paydayCreditBorrowedMinCents,
    observed: borrowed,
    fired: borrowed !== null && borrowed >= t.paydayCreditBorrowedMinCents,
    transactionIds: payday?.transactionIds ?? [],
    ...(report ? {} : { notTestedBecause: noBank }),
  });
  const creditors = input.bankTransactions ? distinctCounterparties(debtTx) : null;
  rule({
    rule: 'many_creditors',
    segment: 'complex_debt',
    weight: 1,
    test: 'different lenders, collectors and other creditors paid in the assessed months ≥ threshold',
    threshold: t.debtCreditorsMin,
    observed: creditors,
    fired: creditors !== null && creditors >= t.debtCreditorsMin,
    transactionIds: debtTx.map((tx) => tx.id),
    ...(input.bankTransactions ? {} : { notTestedBecause: 'no categorised bank transactions' }),
  });
  const gambling = flag('gambling');
  const gamblingShare = gambling ? Number(gambling.figures['shareBasisPoints'] ?? 0) : report ? 0 : null;
  rule({
    rule: 'gambling_share',
    segment: 'complex_debt',
    weight: 2,
    test: 'stakes as a share of income in the assessed months (basis points) ≥ threshold: a gambling problem needs debt help, not a plan',
    threshold: t.gamblingShareMinBasisPoints,
    observed: gamblingShare,
    fired: gamblingShare !== null && gamblingShare >= t.gamblingShareMinBasisPoints,
    transactionIds: gambling?.transactionIds ?? [],
    ...(report ? {} : { notTestedBecause: noBank }),
  });
  const blocked = returns.account_blocked;
  rule({
    rule: 'account_blocked',
    segment: 'complex_debt',
    weight: 1,
    test: 'returns because the account is blocked or in sequestration (AC06, AC16, AM07 …: often garnishment) ≥ threshold',
    threshold: 1,
    observed: blocked.length,
    fired: blocked.length >= 1,
    eventIds: blocked.map((e) => e.eventId),
  });

  // --- choose ----------------------------------------------------------------------------------
  const scores: Record<Exclude<Segment, 'no_risk'>, number> = { cant_pay: 0, wont_pay: 0, forgot: 0, temporary_shock: 0, complex_debt: 0 };
  for (const r of rules) if (r.fired) scores[r.segment] += r.weight;
  const ranked = (SEGMENT_PRIORITY.filter((s) => s !== 'no_risk') as Exclude<Segment, 'no_risk'>[]).sort((a, b) => scores[b] - scores[a]);
  const top = ranked[0]!;
  const total = ranked.reduce((s, seg) => s + scores[seg], 0);

  let segment: Segment;
  let fallback: SegmentResult['fallback'] = null;
  let confidence: number;
  if (scores.complex_debt >= t.complexDebtFromScore) {
    // Several collectors or lenders: debt help comes first even when another reading scores higher,
    // because a plan with one creditor cannot hold while the others collect too.
    segment = 'complex_debt';
    confidence = scores.complex_debt / total;
  } else if (total > 0) {
    segment = top;
    confidence = scores[top] / total;
  } else if (maxDaysPastDue === 0 && (probability === null || probability < t.noRiskMaxProbability)) {
    segment = 'no_risk';
    confidence = probability === null ? 0.8 : 1 - probability;
  } else {
    // In arrears (or expected to be) without a rule: the ability to pay is the best remaining evidence.
    // Only when even an average month (high) has no room is it "can't pay"; room in an average month
    // but not in a bad one is a debtor who pays when reminded at the right time.
    const unable = highCents !== null && highCents < t.ableMinAffordableCents;
    fallback = unable ? 'cant_pay_unable' : 'forgot_able';
    segment = fallback === 'cant_pay_unable' ? 'cant_pay' : 'forgot';
    confidence = ability === 'unknown' ? 0.3 : 0.5;
  }
  // Less data, less certainty: the bank data carries most of the ability evidence.
  if (!report) confidence *= 0.8;
  if (probability === null) confidence *= 0.9;
  const second = ranked.find((seg) => seg !== segment && scores[seg] >= t.secondaryMinScore) ?? null;

  const deceased = returns.deceased;
  return {
    asOf,
    segment,
    secondarySegment: second,
    confidence: Math.round(confidence * 100) / 100,
    scores,
    abilityToPay: ability,
    stopCollection: deceased.length > 0 ? { reason: 'deceased', eventIds: deceased.map((e) => e.eventId) } : null,
    rules,
    figures: {
      openClaims: input.claims.filter((c) => c.totalDueCents > 0).length,
      totalDueCents,
      maxDaysPastDue,
      affordableLowCents: lowCents,
      affordableHighCents: highCents,
      averageDisposableCents: disposable,
      modelProbability: probability,
    },
    fallback,
    model: input.model,
    affordability: { used: report !== null, reason: report ? null : noBank, rulesVersion: report?.rulesVersion ?? null },
  };
}

function returnsByClass(events: readonly DataPointEvent[]): Returns {
  const result: Returns = { insufficient_funds: [], dispute_or_refusal: [], mandate_problem: [], account_closed: [], account_blocked: [], deceased: [], technical: [], unknown: [] };
  for (const e of events) if (e.type === 'direct_debit_returned') result[returnReasonClass(e.reasonCode)].push(e);
  return result;
}

interface History {
  good: boolean;
  invoices: number;
  onTimeShare: number | null;
}

/**
 * The payment habit before the trouble: invoices paid whose due date lies before the oldest open
 * overdue invoice (or before asOf when nothing is overdue). A shock is only "temporary" against a
 * history that shows the debtor paid when the money was there.
 */
function goodHistory(signals: DebtorSignals, asOf: IsoDate, t: CollectionSegmentThresholds): History {
  const oldestOverdue = signals.openInvoices.find((i) => i.daysPastDue > 0)?.dueDate ?? asOf;
  const before = signals.paidInvoices.filter((p) => p.dueDate < oldestOverdue);
  if (before.length === 0) return { good: false, invoices: 0, onTimeShare: null };
  const onTime = before.filter((p) => p.delayDays <= t.goodHistoryGraceDays).length / before.length;
  return { good: before.length >= t.goodHistoryInvoicesMin && onTime >= t.goodHistoryOnTimeShareMin, invoices: before.length, onTimeShare: onTime };
}

/** Reminders with no answer on or after them (the answer linked to one, else the first answer after it). */
function unansweredReminders(events: readonly DataPointEvent[]): string[] {
  const answers = events.filter((e): e is DataPointEventOfType<'contact_answered'> => e.type === 'contact_answered');
  return events
    .filter((e): e is DataPointEventOfType<'reminder_sent'> => e.type === 'reminder_sent')
    .filter((reminder) => !answers.some((a) => a.occurredOn >= reminder.occurredOn))
    .map((r) => r.eventId);
}

/** Promises whose day has passed without the promised money (net of returns) coming in from the day of the promise. */
function brokenPromises(events: readonly DataPointEvent[], asOf: IsoDate): DataPointEventOfType<'promise_to_pay'>[] {
  return events
    .filter((e): e is DataPointEventOfType<'promise_to_pay'> => e.type === 'promise_to_pay')
    .filter((promise) => {
      if (asOf <= promise.promisedFor) return false;
      const received = events
        .filter((e) => e.occurredOn >= promise.occurredOn && e.occurredOn <= promise.promisedFor)
        .reduce((sum, e) => sum + (e.type === 'invoice_paid' || e.type === 'direct_debit_collected' ? e.amountCents : e.type === 'direct_debit_returned' ? -e.amountCents : 0), 0);
      return received < promise.amountCents;
    });
}

/**
 * Invoices paid in full within `withinDays` after their first reminder, with no further reminder
 * before payment. A reminder counts for an invoice when it names it, or names none and was sent
 * between the due date and the payment.
 */
function paidAfterOneReminder(events: readonly DataPointEvent[], signals: DebtorSignals, withinDays: number): { invoices: string[]; eventIds: string[] } {
  const reminders = events.filter((e): e is DataPointEventOfType<'reminder_sent'> => e.type === 'reminder_sent');
  const invoices: string[] = [];
  const eventIds: string[] = [];
  for (const paid of signals.paidInvoices) {
    const mine = reminders.filter(
      (r) => r.occurredOn <= paid.paidOn && r.occurredOn > paid.dueDate && (r.invoiceId === paid.invoiceId || r.invoiceId === undefined),
    );
    if (mine.length !== 1) continue;
    if (diffDays(paid.paidOn, mine[0]!.occurredOn) > withinDays) continue;
    invoices.push(paid.invoiceId);
    eventIds.push(mine[0]!.eventId);
  }
  return { invoices, eventIds };
}

function invoiceEventIds(events: readonly DataPointEvent[], invoiceIds: readonly string[]): string[] {
  const wanted = new Set(invoiceIds);
  return events.filter((e) => e.type === 'invoice_issued' && wanted.has(e.invoiceId)).map((e) => e.eventId);
}

function distinctCounterparties(transactions: readonly SegmentBankTransaction[]): number {
  return new Set(transactions.map((tx) => (tx.counterpartyName ?? `unnamed:${tx.id}`).trim().toLowerCase())).size;
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
