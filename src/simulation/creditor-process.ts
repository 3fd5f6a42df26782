/**
 * The creditor's side (an energy supplier: monthly advance invoices, SEPA direct debit, a dunning
 * ladder, arrangements, hand-over to a collection agency) and how the household answers it.
 *
 * Every outcome here follows from a mechanism: a direct debit returns AM04 because the balance is
 * short on the collection day; MS02/MD06 because a household with little will to pay refuses or
 * reclaims it (more so on a disputed invoice, or when paying would leave it short); AC04 because the
 * account it was collected from is closed; arrears because nothing was paid for 30 days, whether
 * the household could not, would not, or forgot. The creditor's policy is fixed (world-parameters);
 * it never looks at a score.
 */
import { maximumCollectionCosts } from '../claims/collection-costs.js';
import { dayNumberOf, isoDateOf, monthOf, nextWorkingDay, yearOf } from './dutch-calendar.js';
import { clamp, debtServiceMonthly, essentialFixedMonthly, roundToStep } from './household-budget.js';
import {
  available,
  credit,
  debit,
  debitReserved,
  handOverToAgency,
  mainIncomeAmount,
  nextMainPayday,
  essentialsUntilPayday,
  freeForArrears,
  spendable,
  weekOfGroceries,
  type EngineContext,
} from './household-engine.js';
import type { CreditorPolicy } from './creditor-policy.js';
import type { CreditorRelationState, InvoiceState } from './household-state.js';
import { WORLD } from './world-parameters.js';

const POLICY = WORLD.creditor;
const STAGES = ['reminder', 'fourteen_day_letter', 'final_notice'] as const;
const MILESTONES: readonly (30 | 60 | 90)[] = POLICY.arrearsDaysPastDue;
const REMINDER_DAYS: readonly number[] = POLICY.reminderDaysPastDue;

export function creditorDay(ctx: EngineContext, day: number): void {
  const c = ctx.state.creditor;
  if (day === c.nextDueDay - POLICY.invoiceLeadDays) issueInvoices(ctx, day);
  if (day === c.settlementRefundDay) refundSettlement(ctx, day);
  for (let i = 0; i < c.invoices.length; i++) {
    const invoice = c.invoices[i]!;
    if (invoice.collectionPending && invoice.collectionDay === day) collect(ctx, invoice, day);
    if (invoice.refundDay === day) refundRequested(ctx, invoice, day);
  }

  if (day === c.tellNewAccountDay) newMandate(ctx, day);
  (ctx.policy ?? standardDunning).arrearsDay(ctx, day);
  if (c.invoices.length > 0 && c.invoices[0]!.outstandingCents <= 0 && c.invoices[0]!.refundDay < 0 && !c.invoices[0]!.collectionPending) {
    c.invoices = c.invoices.filter((i) => i.outstandingCents > 0 || i.refundDay >= 0 || i.collectionPending);
  }
}

/**
 * Today's creditor (world-parameters, "The creditor"): the household's answers to reminders
 * (paying, promising, an arrangement of six instalments), the reminder ladder (reminder, 14-day
 * letter, final notice) and the hand-over to a collection agency at 90 days past due, with the WIK
 * costs charged. The order of the steps is the order the simulator always had, so the random draws
 * and the output are the same as before the creditor became a policy (the golden test checks it).
 */
export const standardDunning: CreditorPolicy = {
  name: 'standard_dunning',
  arrearsDay(ctx: EngineContext, day: number): void {
    const c = ctx.state.creditor;
    if (day === c.noticeDay) respondToCreditor(ctx, day);
    if (day === c.plannedPaymentDay) plannedPayment(ctx, day);
    if (day === c.promiseDay) keepPromise(ctx, day);
    if (c.arrangement && day >= c.arrangement.nextInstalmentDay) payInstalment(ctx, day);
    dunning(ctx, day);
  },
};

/**
 * True when no arrears milestone can be reached before `endDay`, whatever happens from here: every
 * invoice due early enough to be 30 days past due by then is settled for good (no collection or
 * refund pending), and the next invoice is due too late. A Monte Carlo future that gets here has its
 * answer ("no arrears") and can stop; this is exact, not an approximation.
 */
export function arrearsImpossibleBefore(ctx: EngineContext, endDay: number): boolean {
  const c = ctx.state.creditor;
  const lastRelevantDue = endDay - POLICY.arrearsDaysPastDue[0];
  if (c.nextDueDay < lastRelevantDue) return false;
  for (let i = 0; i < c.invoices.length; i++) {
    const invoice = c.invoices[i]!;
    if (invoice.dueDay >= lastRelevantDue) continue;
    if (invoice.outstandingCents > 0 || invoice.collectionPending || invoice.refundDay >= 0) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Invoicing and collection

/**
 * The collection costs our creditor charges on a hand-over: the WIK maximum (src/claims), VAT not
 * added as an energy supplier reclaims it. Below EUR 2,500 this is the 15 % with the EUR 40 minimum
 * the simulator always charged; above it the scale's lower bands apply.
 */
export function wikCollectionCosts(principalCents: number, day: number): number {
  return maximumCollectionCosts(principalCents, { vatApplies: false, on: isoDateOf(day) }).totalCents;
}

function iso(day: number): string {
  return isoDateOf(day);
}

function issueInvoices(ctx: EngineContext, day: number): void {
  const { state, profile } = ctx;
  const c = state.creditor;
  const random = state.random;
  let disputed = false;
  if (c.pendingPriceRise > 0) {
    c.advanceCents = roundToStep(c.advanceCents * c.pendingPriceRise, 100);
    c.pendingPriceRise = 0;
    disputed = true;
  }
  const dueDay = c.nextDueDay;
  addInvoice(ctx, day, dueDay, c.advanceCents, 'advance', disputed);

  if (monthOf(day) === c.settlementMonth) {
    // The annual settlement: actual use against the advances, give or take about a month's advance.
    const settlement = roundToStep(random.normal() * c.advanceCents * 1.2, 100);
    if (settlement > 0) addInvoice(ctx, day, dueDay, settlement, 'settlement', settlement > c.advanceCents);
    else if (settlement < 0) {
      c.settlementRefundDay = day + 5;
      c.settlementRefundCents = -settlement;
    }
    c.advanceCents = roundToStep(clamp(c.advanceCents + settlement / 12, c.advanceCents * 0.7, c.advanceCents * 1.3), 100);
  }

  const year = yearOf(dueDay);
  const month = monthOf(dueDay);
  const next = month === 12 ? dayNumberOf(year + 1, 1, c.dueDayOfMonth) : dayNumberOf(year, month + 1, c.dueDayOfMonth);
  c.nextDueDay = next;

  if (!c.paysByDirectDebit && !random.chance(0.6 * profile.traits.forgetfulness)) {
    // A manual payer plans to pay after the next payday, or soon when that payday is after the due date.
    const payday = nextMainPayday(state, day + 1);
    const afterPayday = payday + 1 + random.int(0, 2);
    const plan = afterPayday <= dueDay ? afterPayday : day + random.int(1, 5);
    c.plannedPaymentDay = c.plannedPaymentDay > day ? Math.min(c.plannedPaymentDay, plan) : plan;
  }
}

function addInvoice(ctx: EngineContext, day: number, dueDay: number, amount: number, kind: InvoiceState['kind'], disputed: boolean): void {
  const { state, rec } = ctx;
  const c = state.creditor;
  const invoice: InvoiceState = {
    seq: ++c.invoiceSeq,
    issuedDay: day,
    dueDay,
    collectionDay: nextWorkingDay(dueDay),
    amountCents: amount,
    outstandingCents: amount,
    kind,
    collectionPending: c.paysByDirectDebit,
    refundDay: -1,
    arrearsMilestone: 0,
    inArrangement: false,
    disputed,
  };
  c.invoices.push(invoice);
  rec?.event(day, { type: 'invoice_issued', invoiceId: rec.invoiceId(invoice.seq), amountCents: amount, dueDate: iso(dueDay) });
}

function refundSettlement(ctx: EngineContext, day: number): void {
  const c = ctx.state.creditor;
  credit(ctx, c.settlementRefundCents);
  ctx.rec?.creditorRefund(day, c.settlementRefundCents);
  c.settlementRefundDay = -1;
}

function collect(ctx: EngineContext, invoice: InvoiceState, day: number): void {
  const { state, profile, rec } = ctx;
  const c = state.creditor;
  const random = state.random;
  invoice.collectionPending = false;
  const amount = invoice.outstandingCents;
  if (amount <= 0) return;
  const mandateId = rec ? rec.mandateId(c.mandateSeq) : '';
  rec?.event(day, { type: 'direct_debit_collected', invoiceId: rec.invoiceId(invoice.seq), amountCents: amount, mandateId });

  if (!c.mandateValid) {
    // Collected from the closed account: the old bank returns it; nothing shows on the new account.
    returned(ctx, invoice, day, amount, 'AC04');
    return;
  }
  const unwillingness = 1 - profile.traits.willingnessToPay;
  const wouldLeaveShort = spendable(state) - amount < weekOfGroceries(state);
  // Refusal grows with the square of unwillingness: rare for ordinary payers, common for won't-payers,
  // and more so on a disputed invoice or when paying would leave them short.
  const refuse = unwillingness * unwillingness * ((invoice.disputed ? 0.5 : 0.08) + (wouldLeaveShort ? 0.3 : 0));
  if (random.chance(refuse) && available(state) >= amount) {
    if (random.chance(0.6)) {
      // Refused by the debtor at collection (MS02): booked and returned the same day.
      rec?.creditorDebit(day, invoice.seq, amount, c.mandateSeq);
      rec?.creditorReturn(day, invoice.seq, amount, 'MS02', c.mandateSeq);
      returned(ctx, invoice, day, amount, 'MS02');
    } else {
      // Collected, then reclaimed within the eight-week refund right (MD06).
      debitReserved(ctx, amount);
      rec?.creditorDebit(day, invoice.seq, amount, c.mandateSeq);
      invoice.outstandingCents = 0;
      invoice.refundDay = day + random.int(2, 25);
    }
    return;
  }
  if (available(state) < amount) {
    rec?.creditorDebit(day, invoice.seq, amount, c.mandateSeq);
    rec?.creditorReturn(day, invoice.seq, amount, 'AM04', c.mandateSeq);
    returned(ctx, invoice, day, amount, 'AM04');
    return;
  }
  debitReserved(ctx, amount);
  rec?.creditorDebit(day, invoice.seq, amount, c.mandateSeq);
  invoice.outstandingCents = 0;
}

function refundRequested(ctx: EngineContext, invoice: InvoiceState, day: number): void {
  const { state, rec } = ctx;
  const c = state.creditor;
  invoice.refundDay = -1;
  credit(ctx, invoice.amountCents);
  rec?.creditorReturn(day, invoice.seq, invoice.amountCents, 'MD06', c.mandateSeq);
  invoice.outstandingCents = invoice.amountCents;
  returned(ctx, invoice, day, invoice.amountCents, 'MD06');
}

function returned(ctx: EngineContext, invoice: InvoiceState, day: number, amount: number, reasonCode: string): void {
  const { state, rec } = ctx;
  state.creditor.caseOpen = true;
  rec?.event(day, { type: 'direct_debit_returned', invoiceId: rec.invoiceId(invoice.seq), amountCents: amount, reasonCode });
  // The household sees the returned debit in its banking app, sooner or later.
  const c = state.creditor;
  if (c.noticeDay < 0) c.noticeDay = day + noticeDelay(ctx);
}

export function newMandate(ctx: EngineContext, day: number): void {
  const c = ctx.state.creditor;
  c.tellNewAccountDay = -1;
  if (c.mandateValid) return;
  c.mandateValid = true;
  c.mandateSeq++;
  ctx.rec?.event(day, { type: 'bank_account_changed' });
}

// ---------------------------------------------------------------------------------------------
// The household's answers

export function noticeDelay(ctx: EngineContext): number {
  const { state, profile } = ctx;
  // Forgetful households open their post late; households under lasting stress avoid it.
  const mean = (3 + 16 * profile.traits.forgetfulness) * (1 + 0.25 * Math.min(6, state.stressMonths));
  return state.random.geometricDays(mean);
}

export function isOverdue(invoice: InvoiceState, day: number): boolean {
  return invoice.outstandingCents > 0 && !invoice.inArrangement && invoice.dueDay < day;
}

export function overdueCents(c: CreditorRelationState, day: number): number {
  let total = 0;
  for (const i of c.invoices) if (isOverdue(i, day)) total += i.outstandingCents;
  return total;
}

export function answer(ctx: EngineContext, day: number): void {
  ctx.rec?.event(day, { type: 'contact_answered', channel: ctx.profile.answerChannel });
}

/**
 * The chance that a household acts on a reminder it has noticed: willing and literate households
 * mostly do, each further reminder adds to it, and shame keeps people under lasting money stress
 * from answering (docs/domain.md, "Approach").
 */
export function engagement(ctx: EngineContext): number {
  const { state, profile } = ctx;
  const traits = profile.traits;
  const avoidance = Math.min(0.45, 0.08 * state.stressMonths);
  return clamp(traits.willingnessToPay * (0.45 + 0.45 * traits.financialLiteracy) + 0.12 * state.creditor.reminderStage - avoidance, 0.02, 0.98);
}

function respondToCreditor(ctx: EngineContext, day: number): void {
  const { state, profile } = ctx;
  const c = state.creditor;
  const random = state.random;
  const traits = profile.traits;
  c.noticeDay = -1;
  const overdue = overdueCents(c, day);
  if (overdue <= 0 && c.mandateValid) return;

  if (!random.chance(engagement(ctx))) {
    // Not engaging; some unwilling debtors call only to dispute.
    if (random.chance((1 - traits.willingnessToPay) * 0.3)) answer(ctx, day);
    return;
  }
  // Having seen the trouble, the household spends a little less from now on.
  state.spendingPropensity = Math.max(0.75, state.spendingPropensity - 0.02 * (0.5 + traits.financialLiteracy));
  let answered = false;
  if (!c.mandateValid && c.paysByDirectDebit) {
    // Asked about the returned collection, the household gives its new account.
    answer(ctx, day);
    answered = true;
    newMandate(ctx, day);
  }
  if (overdue <= 0) return;
  if (freeForArrears(state, day) >= overdue) {
    if (!answered && random.chance(0.4)) answer(ctx, day);
    payInvoices(ctx, day, overdue, false, false);
    return;
  }
  if (!answered) answer(ctx, day);
  const payday = nextMainPayday(state, day + 1);
  const expected = mainIncomeAmount(state);
  const committed = essentialFixedMonthly(state) + debtServiceMonthly(state);
  if (expected - 0.8 * committed >= overdue) {
    promise(ctx, day, payday + 1 + random.int(0, 2), overdue);
  } else if (!c.arrangement && day - c.lastArrangementBrokenDay > 180) {
    startArrangement(ctx, day, payday + 1);
  } else {
    promise(ctx, day, payday + 1 + random.int(0, 2), Math.min(overdue, roundToStep(Math.max(POLICY.arrangementMinimumCents, expected * 0.15), 500)));
  }
}

function promise(ctx: EngineContext, day: number, promisedFor: number, amount: number): void {
  const c = ctx.state.creditor;
  c.promiseDay = promisedFor;
  c.promiseCents = amount;
  ctx.rec?.event(day, { type: 'promise_to_pay', promisedFor: iso(promisedFor), amountCents: amount });
}

function keepPromise(ctx: EngineContext, day: number): void {
  const { state, profile } = ctx;
  const c = state.creditor;
  c.promiseDay = -1;
  if (state.random.chance(0.5 * profile.traits.forgetfulness)) return;
  const canPay = Math.min(c.promiseCents, overdueCents(c, day), Math.max(0, freeForArrears(state, day)));
  if (canPay >= Math.min(c.promiseCents, 1_000)) payInvoices(ctx, day, canPay, false, false);
}

export function plannedPayment(ctx: EngineContext, day: number): void {
  const { state, profile } = ctx;
  const c = state.creditor;
  c.plannedPaymentDay = -1;
  if (!state.random.chance(0.5 + 0.5 * profile.traits.willingnessToPay)) return;
  let due = 0;
  for (const i of c.invoices) if (i.outstandingCents > 0 && !i.inArrangement) due += i.outstandingCents;
  if (due <= 0) return;
  if (freeForArrears(state, day) >= due) {
    payInvoices(ctx, day, due, true, false);
    return;
  }
  // Not enough now: try again after the next payday, unless that is long past the due date.
  const payday = nextMainPayday(state, day + 1);
  const oldestDue = c.invoices.find((i) => i.outstandingCents > 0 && !i.inArrangement)?.dueDay ?? day;
  if (payday + 1 <= oldestDue + 10) c.plannedPaymentDay = payday + 1;
}

/**
 * Pays open invoices oldest first up to `budget`, by transfer or a payment link. `includeNotYetDue`
 * lets a manual payer pay before the due date; `arrangementOnly` pays the invoices in the arrangement.
 */
export function payInvoices(ctx: EngineContext, day: number, budget: number, includeNotYetDue: boolean, arrangementOnly: boolean): number {
  const { state, profile, rec } = ctx;
  const c = state.creditor;
  let left = budget;
  let paid = 0;
  for (const invoice of c.invoices) {
    if (left <= 0) break;
    if (invoice.outstandingCents <= 0 || invoice.inArrangement !== arrangementOnly) continue;
    if (!includeNotYetDue && !arrangementOnly && invoice.dueDay >= day) continue;
    const amount = Math.min(left, invoice.outstandingCents);
    debit(ctx, amount);
    invoice.outstandingCents -= amount;
    left -= amount;
    paid += amount;
    const method = !arrangementOnly && profile.traits.financialLiteracy > 0.5 && c.reminderStage > 0 ? 'ideal' : 'transfer';
    ctx.ledger?.invoicePaid(day, invoice, amount, arrangementOnly ? 'arrangement' : includeNotYetDue ? 'own_initiative' : 'answer_to_creditor');
    rec?.creditorTransfer(day, invoice.seq, amount, method === 'ideal');
    rec?.event(day, { type: 'invoice_paid', invoiceId: rec.invoiceId(invoice.seq), amountCents: amount, method });
  }
  return paid;
}

function startArrangement(ctx: EngineContext, day: number, firstInstalmentDay: number): void {
  const { state, rec } = ctx;
  const c = state.creditor;
  let total = 0;
  for (const i of c.invoices) {
    if (isOverdue(i, day)) {
      i.inArrangement = true;
      total += i.outstandingCents;
    }
  }
  if (total <= 0) return;
  const monthly = Math.max(POLICY.arrangementMinimumCents, Math.ceil(total / POLICY.arrangementMonths / 500) * 500);
  const months = Math.ceil(total / monthly);
  c.arrangementSeq++;
  c.arrangement = { seq: c.arrangementSeq, monthlyCents: monthly, remainingCents: total, nextInstalmentDay: firstInstalmentDay, instalmentsLeft: months, forgotThisTerm: false };
  rec?.event(day, { type: 'arrangement_started', arrangementId: rec.arrangementId(c.arrangementSeq), monthlyCents: monthly, months });
}

function payInstalment(ctx: EngineContext, day: number): void {
  const { state, profile, rec } = ctx;
  const c = state.creditor;
  const a = c.arrangement!;
  if (day === a.nextInstalmentDay) a.forgotThisTerm = state.random.chance(0.3 * profile.traits.forgetfulness);
  if (!a.forgotThisTerm) {
    const amount = Math.min(a.monthlyCents, a.remainingCents);
    // An arrangement comes before other spending: only the bank's limit stops it.
    if (available(state) - amount >= essentialsUntilPayday(state, day)) {
      const paid = payInvoices(ctx, day, amount, true, true);
      a.remainingCents -= paid;
      a.instalmentsLeft--;
      if (a.remainingCents <= 0 || !c.invoices.some((i) => i.inArrangement && i.outstandingCents > 0)) {
        for (const i of c.invoices) i.inArrangement = false;
        c.arrangement = null;
      } else {
        a.nextInstalmentDay = nextMainPayday(state, day + 15) + 1;
      }
      return;
    }
  }
  if (day > a.nextInstalmentDay + POLICY.arrangementGraceDays) {
    rec?.event(day, { type: 'arrangement_broken', arrangementId: rec.arrangementId(a.seq) });
    for (const i of c.invoices) i.inArrangement = false;
    c.arrangement = null;
    c.lastArrangementBrokenDay = day;
  }
}

// ---------------------------------------------------------------------------------------------
// Dunning and outcomes

/**
 * The creditor's record of arrears, whatever its policy: an arrears_started data point when an
 * overdue invoice (not in an arrangement) reaches 30, 60 or 90 days past due. Returns the oldest
 * such invoice, or null when nothing is overdue.
 */
export function markArrearsMilestones(ctx: EngineContext, day: number): InvoiceState | null {
  const { state, rec } = ctx;
  const c = state.creditor;
  let oldest: InvoiceState | null = null;
  for (let i = 0; i < c.invoices.length; i++) {
    const invoice = c.invoices[i]!;
    if (!isOverdue(invoice, day)) continue;
    const age = day - invoice.dueDay;
    for (const milestone of MILESTONES) {
      if (age >= milestone && invoice.arrearsMilestone < milestone) {
        invoice.arrearsMilestone = milestone;
        c.arrearsEvents++;
        rec?.event(day, { type: 'arrears_started', invoiceId: rec.invoiceId(invoice.seq), daysPastDue: milestone });
      }
    }
    oldest ??= invoice;
  }
  return oldest;
}

function dunning(ctx: EngineContext, day: number): void {
  const { state, profile, rec } = ctx;
  const c = state.creditor;
  const oldest = markArrearsMilestones(ctx, day);

  if (oldest) {
    const age = day - oldest.dueDay;
    let target = 0;
    for (let i = 0; i < REMINDER_DAYS.length; i++) if (age >= REMINDER_DAYS[i]!) target++;
    // A next letter waits a week after a reminder, and the final notice the full fourteen days after the 14-day letter.
    const spacing = c.reminderStage === 2 ? 14 : 7;
    if (target > c.reminderStage && day - c.lastReminderDay >= spacing) {
      c.reminderStage++;
      c.lastReminderDay = day;
      c.caseOpen = true;
      const stage = STAGES[c.reminderStage - 1]!;
      const channel = c.reminderStage === 1 ? (profile.hasEmailOnFile ? 'email' : 'sms') : profile.hasEmailOnFile && c.reminderStage === 2 ? 'email' : 'letter';
      rec?.event(day, { type: 'reminder_sent', channel, invoiceId: rec.invoiceId(oldest.seq), stage });
      if (c.noticeDay < 0) c.noticeDay = day + noticeDelay(ctx);
    }
    if (age >= POLICY.handOverDaysPastDue && !c.arrangement) handOver(ctx, day);
  } else {
    c.reminderStage = 0;
    if (c.caseOpen && !c.arrangement && !unsettledDueToday(c, day) && !state.collectionCases.some((k) => k.fromOurCreditor)) {
      c.caseOpen = false;
      rec?.event(day, { type: 'paid_in_full' });
    }
  }

  agencyReturnsUncollected(ctx, day);
}

/** The agency returns a claim it could not collect in half a year; the creditor writes it off. */
export function agencyReturnsUncollected(ctx: EngineContext, day: number): void {
  const { state, rec } = ctx;
  const c = state.creditor;
  if (state.collectionCases.length === 0) return;
  let returnedByAgency = false;
  for (const k of state.collectionCases) {
    if (k.fromOurCreditor && day - k.lastPaymentDay > 180) {
      if (k.ourPrincipalCents > 0) rec?.event(day, { type: 'written_off', amountCents: k.ourPrincipalCents });
      k.fromOurCreditor = false;
      k.outstandingCents = 0;
      c.caseOpen = false;
      returnedByAgency = true;
    }
  }
  if (returnedByAgency) state.collectionCases = state.collectionCases.filter((k) => k.outstandingCents > 0);
}

/** An invoice due today that is still unpaid after its collection came back: not overdue yet, not paid either. */
function unsettledDueToday(c: CreditorRelationState, day: number): boolean {
  for (let i = 0; i < c.invoices.length; i++) {
    const invoice = c.invoices[i]!;
    if (invoice.dueDay === day && invoice.outstandingCents > 0 && !invoice.collectionPending) return true;
  }
  return false;
}

export function handOver(ctx: EngineContext, day: number): void {
  const { state, profile, rec } = ctx;
  const c = state.creditor;
  let total = 0;
  for (const invoice of c.invoices) {
    if (isOverdue(invoice, day)) {
      total += invoice.outstandingCents;
      invoice.outstandingCents = 0;
    }
  }
  c.reminderStage = 0;
  c.promiseDay = -1;
  c.plannedPaymentDay = -1;
  if (total <= 0) return;
  if (total < POLICY.writeOffBelowCents) {
    // Collecting less than EUR 50 costs more than it brings.
    rec?.event(day, { type: 'written_off', amountCents: total });
    if (!state.collectionCases.some((k) => k.fromOurCreditor)) c.caseOpen = false;
    return;
  }
  rec?.event(day, { type: 'handed_to_collection', amountCents: total });
  handOverToAgency(ctx, profile.creditor.name, total, day, profile.collectionAgency.name, true, wikCollectionCosts(total, day));
}
