import { describe, expect, it } from 'vitest';
import type { DataPointEvent } from '../../src/data-points/data-point.schema.js';
import {
  validateDataPointBatch,
  validateDataPointBatchShape,
  type BatchValidationContext,
  type DataPointIssue,
} from '../../src/data-points/data-point.validation.js';
import { eventBuilders } from './event-builders.js';

const context: BatchValidationContext = {
  today: '2024-06-30',
  knownInvoices: [
    { invoiceId: 'STORED-1', debtorRef: 'D1', issuedOn: '2024-01-10', amountCents: 10_000 },
    { invoiceId: 'OTHER-1', debtorRef: 'D2', issuedOn: '2024-01-10', amountCents: 5_000 },
  ],
};

/** Issues without their prose, for exact comparison; the prose is checked to be there separately. */
function located(issues: DataPointIssue[]): Array<[number | null, string, string]> {
  for (const issue of issues) expect(issue.message.length).toBeGreaterThan(10);
  return issues.map((issue) => [issue.index, issue.pointer, issue.code]);
}

function validate(...events: DataPointEvent[]) {
  return located(validateDataPointBatch({ events }, context));
}

describe('validateDataPointBatch', () => {
  it('accepts a consistent batch, whatever the order of invoice and payment inside it', () => {
    const e = eventBuilders();
    const payment = e.paid('NEW-1', '2024-02-20', 2_000, 'ideal');
    expect(
      validate(
        payment,
        e.invoice('NEW-1', '2024-02-01', 2_000, '2024-02-15'),
        e.paid('STORED-1', '2024-01-10', 10_000, 'direct_debit'),
        e.returned('2024-06-30', 10_000, 'AM04', 'STORED-1'),
        e.promise('2024-06-01', '2024-06-01', 500),
        e.reminder('2024-03-01'),
      ),
    ).toEqual([]);
  });

  it('treats an identical repeat of an event as a no-op, and reports a faulty event once, at its first occurrence', () => {
    const e = eventBuilders();
    const faulty = e.paid('NOPE', '2024-02-20', 100);
    expect(validate(e.addressChanged('2024-02-01'), faulty, { ...faulty })).toEqual([[1, '/events/1/invoiceId', 'unknown_invoice']]);
  });

  it('duplicate_event_id: another event under a used id, reported at the repeat', () => {
    const e = eventBuilders();
    const first = e.addressChanged('2024-02-01');
    expect(validate(first, e.reminder('2024-02-02'), { ...e.bankAccountChanged('2024-02-01'), eventId: first.eventId })).toEqual([
      [2, '/events/2/eventId', 'duplicate_event_id'],
    ]);
  });

  it('date_in_future: after the server\'s today, while today itself is fine', () => {
    const e = eventBuilders();
    expect(validate(e.addressChanged('2024-06-30'), e.addressChanged('2024-07-01'))).toEqual([[1, '/events/1/occurredOn', 'date_in_future']]);
  });

  it('does not hold dates that are in the future by nature (due dates, promised dates) against today', () => {
    const e = eventBuilders();
    expect(validate(e.invoice('NEW-1', '2024-06-30', 1_000, '2024-07-14'), e.promise('2024-06-30', '2024-07-25', 500))).toEqual([]);
  });

  it('due_before_issued', () => {
    const e = eventBuilders();
    expect(validate(e.invoice('NEW-1', '2024-03-01', 1_000, '2024-02-29'))).toEqual([[0, '/events/0/dueDate', 'due_before_issued']]);
  });

  it('invoice_conflict: an invoice number issued again with other facts, against the store or earlier in the batch', () => {
    const e = eventBuilders();
    expect(
      validate(
        e.invoice('STORED-1', '2024-01-10', 10_000, '2024-01-24'), // the stored facts again: a resend
        e.invoice('STORED-1', '2024-01-10', 9_999, '2024-01-24'),
        e.invoice('NEW-1', '2024-02-01', 1_000, '2024-02-15'),
        e.invoice('NEW-1', '2024-02-01', 1_000, '2024-02-29'),
      ),
    ).toEqual([
      [1, '/events/1/invoiceId', 'invoice_conflict'],
      [3, '/events/3/invoiceId', 'invoice_conflict'],
    ]);
  });

  it('unknown_invoice: for a payment, and for any other event naming an invoice', () => {
    const e = eventBuilders();
    expect(validate(e.paid('NOPE', '2024-02-20', 100), e.collected('2024-02-20', 100, 'NOPE'), { ...e.reminder('2024-02-21'), invoiceId: 'NOPE' })).toEqual([
      [0, '/events/0/invoiceId', 'unknown_invoice'],
      [1, '/events/1/invoiceId', 'unknown_invoice'],
      [2, '/events/2/invoiceId', 'unknown_invoice'],
    ]);
  });

  it('invoice_of_other_debtor', () => {
    const e = eventBuilders('D1');
    expect(validate(e.paid('OTHER-1', '2024-02-20', 100))).toEqual([[0, '/events/0/invoiceId', 'invoice_of_other_debtor']]);
  });

  it('paid_before_issued: a payment or collection dated before the invoice, stored or in the batch', () => {
    const e = eventBuilders();
    expect(
      validate(
        e.paid('STORED-1', '2024-01-09', 100),
        e.collected('2024-01-31', 100, 'NEW-1'),
        e.invoice('NEW-1', '2024-02-01', 1_000, '2024-02-15'),
        e.paid('STORED-1', '2024-01-10', 100),
      ),
    ).toEqual([
      [0, '/events/0/occurredOn', 'paid_before_issued'],
      [1, '/events/1/occurredOn', 'paid_before_issued'],
    ]);
  });

  it('dated_before_invoice: a return or reminder about an invoice that did not exist yet', () => {
    const e = eventBuilders();
    expect(validate(e.returned('2024-01-09', 100, 'AM04', 'STORED-1'), { ...e.reminder('2024-01-01'), invoiceId: 'STORED-1' })).toEqual([
      [0, '/events/0/occurredOn', 'dated_before_invoice'],
      [1, '/events/1/occurredOn', 'dated_before_invoice'],
    ]);
  });

  it('amount_exceeds_invoice: only where the creditor set the amount (collections, returns, iDEAL, card, direct debit)', () => {
    const e = eventBuilders();
    expect(
      validate(
        e.paid('STORED-1', '2024-02-01', 10_001, 'ideal'),
        e.paid('STORED-1', '2024-02-01', 10_001, 'card'),
        e.paid('STORED-1', '2024-02-01', 10_001, 'direct_debit'),
        e.collected('2024-02-01', 10_001, 'STORED-1'),
        e.returned('2024-02-05', 10_001, 'AM04', 'STORED-1'),
        e.paid('STORED-1', '2024-02-01', 10_001, 'transfer'), // a debtor can overpay by transfer
        e.paid('STORED-1', '2024-02-01', 10_001, 'cash'),
        e.paid('STORED-1', '2024-02-01', 10_000, 'ideal'), // exactly the invoice
      ),
    ).toEqual([
      [0, '/events/0/amountCents', 'amount_exceeds_invoice'],
      [1, '/events/1/amountCents', 'amount_exceeds_invoice'],
      [2, '/events/2/amountCents', 'amount_exceeds_invoice'],
      [3, '/events/3/amountCents', 'amount_exceeds_invoice'],
      [4, '/events/4/amountCents', 'amount_exceeds_invoice'],
    ]);
  });

  it('unknown_return_reason: a well-formed code that is not in the ISO list', () => {
    const e = eventBuilders();
    expect(validate(e.returned('2024-02-05', 100, 'ZZ99'), e.returned('2024-02-05', 100, 'MD06'))).toEqual([
      [0, '/events/0/reasonCode', 'unknown_return_reason'],
    ]);
  });

  it('promise_before_made', () => {
    const e = eventBuilders();
    expect(validate(e.promise('2024-03-10', '2024-03-09', 500))).toEqual([[0, '/events/0/promisedFor', 'promise_before_made']]);
  });

  it('reports every issue of a batch, in body order, several per event where there are several', () => {
    const e = eventBuilders();
    const first = e.addressChanged('2024-02-01');
    expect(
      validate(
        first,
        e.paid('STORED-1', '2024-07-02', 10_001, 'card'),
        { ...e.addressChanged('2024-02-02'), eventId: first.eventId },
      ),
    ).toEqual([
      [1, '/events/1/occurredOn', 'date_in_future'],
      [1, '/events/1/amountCents', 'amount_exceeds_invoice'],
      [2, '/events/2/eventId', 'duplicate_event_id'],
    ]);
  });
});

describe('validateDataPointBatchShape', () => {
  const e = eventBuilders();
  const good = e.invoice('NEW-1', '2024-02-01', 1_000, '2024-02-15');
  const shape = (body: unknown) => located(validateDataPointBatchShape(body));

  it('accepts a valid batch', () => {
    expect(shape({ events: [good, e.returned('2024-02-05', 100, 'AM04')] })).toEqual([]);
  });

  it('reports problems of the batch itself with index null', () => {
    expect(shape('events')).toEqual([[null, '', 'invalid_value']]);
    expect(shape({})).toEqual([[null, '/events', 'missing_property']]);
    expect(shape({ events: [] })).toEqual([[null, '/events', 'invalid_value']]);
    expect(shape({ events: [good], dryRun: true })).toEqual([[null, '/dryRun', 'unexpected_property']]);
  });

  it('points into the event at the field that is wrong, checked against the variant its type names', () => {
    const { dueDate: _dueDate, ...withoutDueDate } = good;
    expect(
      shape({
        events: [
          good,
          { ...good, amountCents: -5 },
          { ...good, occurredOn: '2024-02-30' },
          withoutDueDate,
          { ...good, note: 'call after payday' },
          { ...good, type: 'invoice_cancelled' },
          { ...good, type: undefined },
          'not an event',
        ],
      }),
    ).toEqual([
      [1, '/events/1/amountCents', 'invalid_value'],
      [2, '/events/2/occurredOn', 'invalid_value'],
      [3, '/events/3/dueDate', 'missing_property'],
      [4, '/events/4/note', 'unexpected_property'],
      [5, '/events/5/type', 'unknown_event_type'],
      [6, '/events/6/type', 'missing_property'],
      [7, '/events/7', 'invalid_value'],
    ]);
  });

  it('says how a date must be written', () => {
    const [issue] = validateDataPointBatchShape({ events: [{ ...good, dueDate: '15-02-2024' }] });
    expect(issue?.message).toContain('YYYY-MM-DD');
  });
});
