/**
 * Early-warning signals of one debtor, derived from the data points as they stood on a given day.
 *
 * Point in time: `deriveSignals(events, asOf)` sees only events with `occurredOn <= asOf`. A model
 * trained on signals that peeked past the as-of date (a payment that came later, a return booked
 * next month) learns from the future and fails in use; so the first step drops every later event,
 * and an invoice paid after the as-of date is open in these signals.
 *
 * The money model (see the glossary in data-point.schema.ts): invoices are debts; `invoice_paid` and
 * `direct_debit_collected` are money in, `direct_debit_returned` is money out again. Money names its
 * invoice when the creditor links it; unlinked money pays the oldest open invoices first, as a
 * creditor's ledger does; money beyond all open invoices is credit that pays the next invoice.
 * Outcome events (labels) never move money: a write-off is what a model predicts, not an input.
 */
import { linearRegression, median } from 'simple-statistics';
import { diffDays, type IsoDate } from '../platform/dates.js';
import { OUTCOME_TYPES, isOutcomeType, type DataPointEvent, type DataPointEventOfType, type OutcomeType } from './data-point.schema.js';
import { RETURN_REASON_CLASSES, returnReasonClass, type ReturnReasonClass } from './return-reasons.js';

export interface SignalOptions {
  /** How many of the latest invoices the delay trend looks at: few enough to show a recent change, enough to outweigh one odd month. */
  delayTrendInvoices: number;
}

export const DEFAULT_SIGNAL_OPTIONS: SignalOptions = { delayTrendInvoices: 6 };

export interface OpenInvoiceSignal {
  invoiceId: string;
  issuedOn: IsoDate;
  dueDate: IsoDate;
  outstandingCents: number;
  /** Days after the due date as of the as-of day; 0 while not yet due. */
  daysPastDue: number;
}

export interface PaidInvoiceSignal {
  invoiceId: string;
  issuedOn: IsoDate;
  dueDate: IsoDate;
  /** The day the invoice was (last) fully paid; a return that reopened it moves this to the later settlement. */
  paidOn: IsoDate;
  /** paidOn − dueDate: negative when paid early. */
  delayDays: number;
}

export interface DelayTrend {
  /** Least-squares slope of payment delay against invoice order, in days per invoice; null below two invoices. */
  slopeDaysPerInvoice: number | null;
  /** How many invoices the slope rests on, so a consumer can weigh a slope from 2 invoices against one from 6. */
  invoiceCount: number;
}

export interface ReturnedDirectDebitCounts {
  total: number;
  byClass: Record<ReturnReasonClass, number>;
}

export interface PromiseCounts {
  kept: number;
  broken: number;
  /** Not yet due and not yet met: neither kept nor broken as of the as-of day. */
  pending: number;
}

export interface DebtorSignals {
  asOf: IsoDate;
  /** Every open invoice (outstanding money), oldest due first. Each overdue one is a payment problem already under way. */
  openInvoices: OpenInvoiceSignal[];
  /** The oldest arrear in days: how far the worst debt has gone, the classic arrears measure (30/60/90). */
  maxDaysPastDue: number;
  /** Days past due summed over open invoices: several small overdue invoices weigh like one old one. */
  sumDaysPastDue: number;
  /** Invoices fully paid by the as-of day, with their delay: the debtor's own payment habit. */
  paidInvoices: PaidInvoiceSignal[];
  /**
   * Are bills paid later and later? The seeds' first warning sign: a debtor who slides from paying on
   * time to paying a week, then three weeks late is running out of room before any arrear shows.
   * Over the latest invoices by issue date; an overdue open invoice counts with its delay so far,
   * a lower bound, because leaving out the invoice that is not paid at all would hide the worst case.
   */
  delayTrend: DelayTrend;
  /** Share of paid invoices paid after their due date; null without paid invoices. Habitual lateness predicts arrears. */
  sharePaidLate: number | null;
  /**
   * Returned direct debits counted over the last 90, 180 and 365 days (the as-of day included), by
   * what the reason says: insufficient funds is a can't-pay signal, a refund request a won't-pay or
   * dispute signal, a blocked account possibly garnishment. Recent returns weigh more than old ones.
   */
  returnedDirectDebits: { last90Days: ReturnedDirectDebitCounts; last180Days: ReturnedDirectDebitCounts; last365Days: ReturnedDirectDebitCounts };
  /** Days since the debtor last changed bank account (null if never): a new account often follows money trouble or a life event. */
  daysSinceBankAccountChange: number | null;
  /** Days since e-mail or phone last changed (null if never): changed or lost contact details precede unreachable debtors. */
  daysSinceContactDetailsChange: number | null;
  /** Days since the address last changed (null if never): moves go with divorce, job loss and other shocks. */
  daysSinceAddressChange: number | null;
  /**
   * Median days from a reminder to the debtor's answer (the answer linked to it, else the first
   * answer on or after it); null if no reminder was answered. Slower replies precede arrears.
   */
  medianResponseDays: number | null;
  /** How many reminders the median rests on. */
  answeredReminders: number;
  /** Reminders with no answer yet: silence is the slowest reply, and the median cannot see it. */
  unansweredReminders: number;
  /**
   * Promises to pay: kept when money received from the day of the promise through the promised day
   * (net of returns) reaches the promised amount. Broken promises predict broken arrangements.
   */
  promises: PromiseCounts;
  /** Money owed as of the as-of day: invoiced minus received plus returned. Negative when the debtor has credit. */
  openBalanceCents: number;
  /** Outcomes so far, by type: a debtor who was in arrears or broke an arrangement before is likelier to again. */
  outcomes: Record<OutcomeType, number>;
}

/** Derives the signals of ONE debtor as of a day. Events may come in any order; events after `asOf` are ignored. */
export function deriveSignals(events: readonly DataPointEvent[], asOf: IsoDate, options: SignalOptions = DEFAULT_SIGNAL_OPTIONS): DebtorSignals {
  assertOneDebtor(events);
  const known = chronological(firstOfEachEventId(events.filter((event) => event.occurredOn <= asOf)));

  const ledger = runLedger(known);
  const openInvoices = ledger.invoices
    .filter((invoice) => invoice.outstandingCents > 0)
    .map((invoice) => ({
      invoiceId: invoice.invoiceId,
      issuedOn: invoice.issuedOn,
      dueDate: invoice.dueDate,
      outstandingCents: invoice.outstandingCents,
      daysPastDue: Math.max(0, diffDays(asOf, invoice.dueDate)),
    }))
    .sort((a, b) => compare(a.dueDate, b.dueDate) || compare(a.issuedOn, b.issuedOn) || compare(a.invoiceId, b.invoiceId));
  const paidInvoices = ledger.invoices
    .filter((invoice): invoice is InvoiceAccount & { paidOn: IsoDate } => invoice.outstandingCents <= 0 && invoice.paidOn !== null)
    .map((invoice) => ({
      invoiceId: invoice.invoiceId,
      issuedOn: invoice.issuedOn,
      dueDate: invoice.dueDate,
      paidOn: invoice.paidOn,
      delayDays: diffDays(invoice.paidOn, invoice.dueDate),
    }));

  const responses = responseTimes(known);
  return {
    asOf,
    openInvoices,
    maxDaysPastDue: openInvoices.reduce((max, invoice) => Math.max(max, invoice.daysPastDue), 0),
    sumDaysPastDue: openInvoices.reduce((sum, invoice) => sum + invoice.daysPastDue, 0),
    paidInvoices,
    delayTrend: delayTrend(ledger.invoices, asOf, options.delayTrendInvoices),
    sharePaidLate: paidInvoices.length === 0 ? null : paidInvoices.filter((invoice) => invoice.delayDays > 0).length / paidInvoices.length,
    returnedDirectDebits: {
      last90Days: countReturns(known, asOf, 90),
      last180Days: countReturns(known, asOf, 180),
      last365Days: countReturns(known, asOf, 365),
    },
    daysSinceBankAccountChange: daysSinceLast(known, 'bank_account_changed', asOf),
    daysSinceContactDetailsChange: daysSinceLast(known, 'contact_details_changed', asOf),
    daysSinceAddressChange: daysSinceLast(known, 'address_changed', asOf),
    medianResponseDays: responses.answeredDays.length === 0 ? null : median(responses.answeredDays),
    answeredReminders: responses.answeredDays.length,
    unansweredReminders: responses.unanswered,
    promises: promiseCounts(known, asOf),
    openBalanceCents: ledger.invoices.reduce((sum, invoice) => sum + invoice.outstandingCents, 0) - ledger.unallocatedCents,
    outcomes: countOutcomes(known),
  };
}

function assertOneDebtor(events: readonly DataPointEvent[]): void {
  const debtors = new Set(events.map((event) => event.debtorRef));
  // Mixing debtors would silently blend two people's histories into one risk picture.
  if (debtors.size > 1) throw new RangeError(`deriveSignals takes the events of one debtor; got ${debtors.size} debtorRefs`);
}

/** The store keeps the first event under an id; a repeat is a resend, not a second fact. */
function firstOfEachEventId(events: readonly DataPointEvent[]): DataPointEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => !seen.has(event.eventId) && seen.add(event.eventId));
}

/**
 * Within one day an invoice exists before it is paid, and money arrives before it can be returned;
 * the event id breaks remaining ties so that the result never depends on the order of the input.
 */
const SAME_DAY_RANK: Partial<Record<DataPointEvent['type'], number>> = {
  invoice_issued: 0,
  invoice_paid: 1,
  direct_debit_collected: 1,
  direct_debit_returned: 2,
};
function chronological(events: DataPointEvent[]): DataPointEvent[] {
  const rank = (event: DataPointEvent) => SAME_DAY_RANK[event.type] ?? 3;
  return events.sort((a, b) => compare(a.occurredOn, b.occurredOn) || rank(a) - rank(b) || compare(a.eventId, b.eventId));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Ledger: which invoice is open, and since when is each paid

interface InvoiceAccount {
  invoiceId: string;
  issuedOn: IsoDate;
  dueDate: IsoDate;
  amountCents: number;
  outstandingCents: number;
  paidOn: IsoDate | null;
}

interface Ledger {
  /** In issue order. */
  invoices: InvoiceAccount[];
  /** Money not allocated to any invoice: positive is the debtor's credit, negative a returned amount no invoice can take back. */
  unallocatedCents: number;
}

function runLedger(events: readonly DataPointEvent[]): Ledger {
  const byId = new Map<string, InvoiceAccount>();
  const invoices: InvoiceAccount[] = [];
  let unallocatedCents = 0;

  const openByAge = () =>
    invoices
      .filter((invoice) => invoice.outstandingCents > 0)
      .sort((a, b) => compare(a.dueDate, b.dueDate) || compare(a.issuedOn, b.issuedOn) || compare(a.invoiceId, b.invoiceId));
  const spendCredit = (on: IsoDate) => {
    if (unallocatedCents <= 0) return;
    for (const invoice of openByAge()) {
      if (unallocatedCents <= 0) return;
      unallocatedCents = pay(invoice, unallocatedCents, on);
    }
  };

  for (const event of events) {
    switch (event.type) {
      case 'invoice_issued': {
        // The first issue of an invoice number stands; validation rejects a conflicting second one.
        if (byId.has(event.invoiceId)) break;
        const invoice: InvoiceAccount = {
          invoiceId: event.invoiceId,
          issuedOn: event.occurredOn,
          dueDate: event.dueDate,
          amountCents: event.amountCents,
          outstandingCents: event.amountCents,
          paidOn: null,
        };
        byId.set(invoice.invoiceId, invoice);
        invoices.push(invoice);
        break;
      }
      case 'invoice_paid':
      case 'direct_debit_collected': {
        const linked = event.invoiceId === undefined ? undefined : byId.get(event.invoiceId);
        // What the named invoice does not need (an overpayment, or no invoice named) pays the oldest open ones.
        unallocatedCents += linked ? pay(linked, event.amountCents, event.occurredOn) : event.amountCents;
        break;
      }
      case 'direct_debit_returned': {
        const linked = event.invoiceId === undefined ? undefined : byId.get(event.invoiceId);
        let rest = linked ? reopen(linked, event.amountCents) : event.amountCents;
        // An unlinked return first takes back credit (it never paid a debt), then reopens the latest
        // invoices, because a return reverses a recent collection and recent collections pay recent
        // invoices. What is left has no invoice to reopen and stays as unallocated debt.
        const fromCredit = Math.min(rest, Math.max(unallocatedCents, 0));
        unallocatedCents -= fromCredit;
        rest -= fromCredit;
        for (const invoice of [...invoices].reverse()) {
          if (rest <= 0) break;
          rest = reopen(invoice, rest);
        }
        unallocatedCents -= rest;
        break;
      }
      default:
        break;
    }
    // Credit is spent as soon as there is something to spend it on, whatever event created either.
    spendCredit(event.occurredOn);
  }
  return { invoices, unallocatedCents };
}

/** Applies money to an invoice and returns what it did not need. */
function pay(invoice: InvoiceAccount, cents: number, on: IsoDate): number {
  const applied = Math.min(cents, invoice.outstandingCents);
  invoice.outstandingCents -= applied;
  if (applied > 0 && invoice.outstandingCents === 0) invoice.paidOn = on;
  return cents - applied;
}

/** Takes money back from an invoice (up to what it received) and returns what it could not take back. */
function reopen(invoice: InvoiceAccount, cents: number): number {
  const reversed = Math.min(cents, invoice.amountCents - invoice.outstandingCents);
  invoice.outstandingCents += reversed;
  if (invoice.outstandingCents > 0) invoice.paidOn = null;
  return cents - reversed;
}

// ---------------------------------------------------------------------------------------------
// Delay trend

function delayTrend(invoices: readonly InvoiceAccount[], asOf: IsoDate, window: number): DelayTrend {
  const delays = [...invoices]
    .sort((a, b) => compare(a.issuedOn, b.issuedOn) || compare(a.invoiceId, b.invoiceId))
    .flatMap((invoice) => {
      if (invoice.outstandingCents <= 0 && invoice.paidOn !== null) return [diffDays(invoice.paidOn, invoice.dueDate)];
      // Open and overdue: late by at least this much. Open and not yet due: nothing known yet.
      if (invoice.outstandingCents > 0 && asOf > invoice.dueDate) return [diffDays(asOf, invoice.dueDate)];
      return [];
    })
    .slice(-window);
  const slope = delays.length < 2 ? null : linearRegression(delays.map((delay, position) => [position, delay])).m;
  return { slopeDaysPerInvoice: slope, invoiceCount: delays.length };
}

// ---------------------------------------------------------------------------------------------
// Returns, changes, responses, promises, outcomes

function countReturns(events: readonly DataPointEvent[], asOf: IsoDate, windowDays: number): ReturnedDirectDebitCounts {
  const byClass = Object.fromEntries(RETURN_REASON_CLASSES.map((reasonClass) => [reasonClass, 0])) as Record<ReturnReasonClass, number>;
  let total = 0;
  for (const event of events) {
    if (event.type !== 'direct_debit_returned' || diffDays(asOf, event.occurredOn) >= windowDays) continue;
    total += 1;
    byClass[returnReasonClass(event.reasonCode)] += 1;
  }
  return { total, byClass };
}

function daysSinceLast(events: readonly DataPointEvent[], type: DataPointEvent['type'], asOf: IsoDate): number | null {
  const last = events.findLast((event) => event.type === type);
  return last === undefined ? null : diffDays(asOf, last.occurredOn);
}

function responseTimes(events: readonly DataPointEvent[]): { answeredDays: number[]; unanswered: number } {
  const reminders = events.filter((event): event is DataPointEventOfType<'reminder_sent'> => event.type === 'reminder_sent');
  const answers = events.filter((event): event is DataPointEventOfType<'contact_answered'> => event.type === 'contact_answered');
  const answeredDays: number[] = [];
  let unanswered = 0;
  for (const reminder of reminders) {
    // An answer cannot precede what it answers; a link that says so is ignored rather than trusted.
    const answersFrom = answers.filter((answer) => answer.occurredOn >= reminder.occurredOn);
    const response = answersFrom.find((answer) => answer.inResponseToEventId === reminder.eventId) ?? answersFrom[0];
    if (response === undefined) unanswered += 1;
    else answeredDays.push(diffDays(response.occurredOn, reminder.occurredOn));
  }
  return { answeredDays, unanswered };
}

function promiseCounts(events: readonly DataPointEvent[], asOf: IsoDate): PromiseCounts {
  const counts: PromiseCounts = { kept: 0, broken: 0, pending: 0 };
  for (const promise of events) {
    if (promise.type !== 'promise_to_pay') continue;
    const received = events
      .filter((event) => event.occurredOn >= promise.occurredOn && event.occurredOn <= promise.promisedFor)
      .reduce((sum, event) => sum + netMoneyIn(event), 0);
    if (received >= promise.amountCents) counts.kept += 1;
    // The promised day itself still counts: broken only once it has passed.
    else if (asOf > promise.promisedFor) counts.broken += 1;
    else counts.pending += 1;
  }
  return counts;
}

function netMoneyIn(event: DataPointEvent): number {
  switch (event.type) {
    case 'invoice_paid':
    case 'direct_debit_collected':
      return event.amountCents;
    case 'direct_debit_returned':
      return -event.amountCents;
    default:
      return 0;
  }
}

function countOutcomes(events: readonly DataPointEvent[]): Record<OutcomeType, number> {
  const counts = Object.fromEntries(OUTCOME_TYPES.map((type) => [type, 0])) as Record<OutcomeType, number>;
  for (const event of events) {
    if (isOutcomeType(event.type)) counts[event.type] += 1;
  }
  return counts;
}
