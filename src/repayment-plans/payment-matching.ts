/**
 * Which incoming money pays which instalment of a plan. Two sources tell of a payment: the debtor's
 * bank data (a debit to the creditor's account) and the creditor's own payment data points
 * (`invoice_paid`). The structured reference wins: a payment that carries an instalment's RF
 * reference belongs to that instalment whatever its amount or date; one that carries another plan's
 * reference never belongs to this plan. Without a reference, a payment to the creditor matches the
 * unclaimed instalment whose amount is within the tolerance and whose due date is within the window,
 * the nearest due date first. Pure: the caller loads the payments and stores the matches.
 *
 * The same money can arrive from both sources (the debtor's bank shows the debit, the creditor books
 * the receipt). A bank debit with the same amount as a creditor's booking a few days apart is taken
 * as that booking, and only the booking counts: the creditor's ledger says what was received.
 */
import { diffDays, type IsoDate } from '../platform/dates.js';
import { findInstalmentReferences, parseInstalmentCreditorReference } from '../payment-links/creditor-reference.js';

export interface IncomingPayment {
  /** "bank:<transaction id>" or "dp:<event id>". */
  id: string;
  source: 'bank_transaction' | 'data_point';
  paidOn: IsoDate;
  /** Positive: the money the creditor receives. */
  amountCents: number;
  /** Texts that may carry a reference: structured and unstructured remittance, the invoice id of a booking. */
  referenceTexts: readonly string[];
  /** The money went to the creditor: to the payee's IBAN, or booked by the creditor on the plan's claims. */
  toPayee: boolean;
}

export interface MatchableInstalment {
  number: number;
  dueDate: IsoDate;
  amountCents: number;
  /** What is due when the plan has been kept: a reward makes the last instalments smaller. */
  amountIfKeptCents: number;
}

export interface MatchablePlan {
  planNumber: number;
  acceptedOn: IsoDate;
  instalments: readonly MatchableInstalment[];
}

export interface MatchTolerance {
  toleranceCents: number;
  toleranceDays: number;
}

export interface PaymentMatch {
  paymentId: string;
  source: IncomingPayment['source'];
  paidOn: IsoDate;
  amountCents: number;
  instalmentNumber: number;
  matchedBy: 'reference' | 'amount_and_date';
}

export interface MatchResult {
  matches: PaymentMatch[];
  /** Bank debits taken as the same money as a creditor's booking. */
  duplicates: { paymentId: string; sameAs: string }[];
}

/** Days between a bank's booking of a debit and the creditor's booking of the receipt (a weekend and a holiday). */
export const SAME_MONEY_WITHIN_DAYS = 4;

/** The plan's instalment numbers named in a payment's texts, and whether it names another plan's instalment. */
export function referencedInstalments(payment: Pick<IncomingPayment, 'referenceTexts'>, planNumber: number): { own: number[]; foreign: boolean } {
  const own = new Set<number>();
  let foreign = false;
  for (const text of payment.referenceTexts) {
    const exact = parseInstalmentCreditorReference(text);
    const found = exact ? [exact] : findInstalmentReferences(text);
    for (const ref of found) {
      if (ref.planNumber === planNumber) own.add(ref.instalmentNumber);
      else foreign = true;
    }
  }
  return { own: [...own].sort((a, b) => a - b), foreign };
}

/**
 * Matches new payments to the plan. `alreadyMatched` are the matches stored before: their payments
 * are skipped and the instalments they cover by amount are not offered again to an amount match.
 */
export function matchPayments(plan: MatchablePlan, payments: readonly IncomingPayment[], tolerance: MatchTolerance, alreadyMatched: readonly PaymentMatch[] = []): MatchResult {
  const known = new Set(alreadyMatched.map((m) => m.paymentId));
  const candidates = payments.filter((p) => !known.has(p.id) && p.amountCents > 0 && p.paidOn >= plan.acceptedOn).sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : a.id < b.id ? -1 : 1));

  // The creditor's bookings, new and stored, against which a bank debit may be the same money.
  const bookings = [...candidates.filter((p) => p.source === 'data_point').map((p) => ({ id: p.id, paidOn: p.paidOn, amountCents: p.amountCents })), ...alreadyMatched.filter((m) => m.source === 'data_point').map((m) => ({ id: m.paymentId, paidOn: m.paidOn, amountCents: m.amountCents }))];
  const usedBookings = new Set<string>();
  const duplicates: MatchResult['duplicates'] = [];
  const distinct: IncomingPayment[] = [];
  for (const p of candidates) {
    if (p.source === 'bank_transaction') {
      const same = bookings.find((b) => !usedBookings.has(b.id) && b.amountCents === p.amountCents && Math.abs(diffDays(b.paidOn, p.paidOn)) <= SAME_MONEY_WITHIN_DAYS);
      if (same) {
        usedBookings.add(same.id);
        duplicates.push({ paymentId: p.id, sameAs: same.id });
        continue;
      }
    }
    distinct.push(p);
  }

  const byNumber = new Map(plan.instalments.map((i) => [i.number, i]));
  const claimedByAmount = new Set(alreadyMatched.map((m) => m.instalmentNumber));
  const matches: PaymentMatch[] = [];
  for (const p of distinct) {
    const refs = referencedInstalments(p, plan.planNumber);
    const referenced = refs.own.find((n) => byNumber.has(n));
    if (referenced !== undefined) {
      matches.push({ paymentId: p.id, source: p.source, paidOn: p.paidOn, amountCents: p.amountCents, instalmentNumber: referenced, matchedBy: 'reference' });
      claimedByAmount.add(referenced);
      continue;
    }
    if (refs.foreign || !p.toPayee) continue;
    let best: { instalment: MatchableInstalment; distance: number } | null = null;
    for (const instalment of plan.instalments) {
      if (claimedByAmount.has(instalment.number)) continue;
      const amountFits = [instalment.amountCents, instalment.amountIfKeptCents].some((expected) => expected > 0 && Math.abs(expected - p.amountCents) <= tolerance.toleranceCents);
      const distance = Math.abs(diffDays(p.paidOn, instalment.dueDate));
      if (!amountFits || distance > tolerance.toleranceDays) continue;
      if (best === null || distance < best.distance) best = { instalment, distance };
    }
    if (best) {
      matches.push({ paymentId: p.id, source: p.source, paidOn: p.paidOn, amountCents: p.amountCents, instalmentNumber: best.instalment.number, matchedBy: 'amount_and_date' });
      claimedByAmount.add(best.instalment.number);
    }
  }
  return { matches, duplicates };
}
