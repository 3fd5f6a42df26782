/**
 * Small builders for the segment tests: data points by hand and an affordability report with only
 * the parts the segment reads (instalments, disposable income, flags, months). Every figure in a
 * test is written out where it is used, so the expected segment can be checked by hand.
 */
import type { AffordabilityFlag, AffordabilityReport } from '../../src/affordability/report.types.js';
import type { DataPointEvent } from '../../src/data-points/data-point.schema.js';

export const DEBTOR = 'seg-debtor';
let counter = 0;
const id = (prefix: string) => `${prefix}-${(counter += 1)}`;

export const invoice = (invoiceId: string, issuedOn: string, dueDate: string, amountCents = 10_000): DataPointEvent => ({ eventId: id('inv'), debtorRef: DEBTOR, type: 'invoice_issued', occurredOn: issuedOn, invoiceId, amountCents, dueDate });
export const paid = (invoiceId: string, on: string, amountCents = 10_000): DataPointEvent => ({ eventId: id('pay'), debtorRef: DEBTOR, type: 'invoice_paid', occurredOn: on, invoiceId, amountCents, method: 'transfer' });
export const returned = (reasonCode: string, on: string, invoiceId?: string, amountCents = 10_000): DataPointEvent => ({ eventId: id(`ret-${reasonCode}`), debtorRef: DEBTOR, type: 'direct_debit_returned', occurredOn: on, amountCents, reasonCode, ...(invoiceId ? { invoiceId } : {}) });
export const collected = (invoiceId: string, on: string, amountCents = 10_000): DataPointEvent => ({ eventId: id('dd'), debtorRef: DEBTOR, type: 'direct_debit_collected', occurredOn: on, invoiceId, amountCents });
export const reminder = (on: string, invoiceId?: string): DataPointEvent => ({ eventId: id('rem'), debtorRef: DEBTOR, type: 'reminder_sent', occurredOn: on, channel: 'email', ...(invoiceId ? { invoiceId } : {}) });
export const answered = (on: string, channel: 'phone' | 'email' | 'sms' = 'phone'): DataPointEvent => ({ eventId: id('ans'), debtorRef: DEBTOR, type: 'contact_answered', occurredOn: on, channel });
export const promise = (on: string, promisedFor: string, amountCents: number): DataPointEvent => ({ eventId: id('prom'), debtorRef: DEBTOR, type: 'promise_to_pay', occurredOn: on, promisedFor, amountCents });
export const moved = (on: string): DataPointEvent => ({ eventId: id('addr'), debtorRef: DEBTOR, type: 'address_changed', occurredOn: on });

/** Four invoices due on the 1st of Jan–Apr 2026, each paid on its due date: a good history. */
export function goodHistoryEvents(): DataPointEvent[] {
  const months: [string, string][] = [['2025-12-15', '2026-01-01'], ['2026-01-15', '2026-02-01'], ['2026-02-15', '2026-03-01'], ['2026-03-15', '2026-04-01']];
  return months.flatMap(([issued, due], i) => [invoice(`H-${i}`, issued, due), paid(`H-${i}`, due)]);
}

export function flag(code: AffordabilityFlag['code'], figures: AffordabilityFlag['figures'], transactionIds: string[] = [], extra: Partial<AffordabilityFlag> = {}): AffordabilityFlag {
  return { code, severity: 'alert', transactionIds, figures, message: { nl: code, en: code }, ...extra };
}

/**
 * A report holding what the segment reads. The rest of a real report (norms, months, household) is
 * not read by segmentDebtor; the cast says so in one place rather than faking those figures.
 */
export function report(options: { lowCents: number; highCents: number; disposableCents: number; flags?: AffordabilityFlag[] }): AffordabilityReport {
  return {
    asOf: '2026-06-15',
    rulesVersion: 'test',
    monthsAssessed: ['2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05'],
    affordableInstalment: { lowCents: options.lowCents, highCents: options.highCents, lowPercentile: 25 },
    average: { disposableCents: options.disposableCents },
    flags: options.flags ?? [],
    incomeDays: [],
  } as unknown as AffordabilityReport;
}
