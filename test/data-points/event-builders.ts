/**
 * Builders for data-point events in tests: each takes the facts a test is about and fills the rest,
 * so a table row reads as a history ("invoice of 100 due on the 15th, paid on the 20th").
 * Event ids are numbered per builder set, so two histories built side by side never share ids.
 */
import type { DataPointEvent, DataPointEventOfType } from '../../src/data-points/data-point.schema.js';

export function eventBuilders(debtorRef = 'D1') {
  let sequence = 0;
  const base = <T extends DataPointEvent['type']>(type: T, occurredOn: string, eventId?: string) => ({
    eventId: eventId ?? `${type}-${++sequence}`,
    debtorRef,
    type,
    occurredOn,
  });
  return {
    invoice: (invoiceId: string, issuedOn: string, amountCents: number, dueDate: string): DataPointEventOfType<'invoice_issued'> => ({
      ...base('invoice_issued', issuedOn),
      invoiceId,
      amountCents,
      dueDate,
    }),
    paid: (
      invoiceId: string,
      on: string,
      amountCents: number,
      method: DataPointEventOfType<'invoice_paid'>['method'] = 'transfer',
    ): DataPointEventOfType<'invoice_paid'> => ({ ...base('invoice_paid', on), invoiceId, amountCents, method }),
    collected: (on: string, amountCents: number, invoiceId?: string): DataPointEventOfType<'direct_debit_collected'> => ({
      ...base('direct_debit_collected', on),
      amountCents,
      ...(invoiceId === undefined ? {} : { invoiceId }),
    }),
    returned: (on: string, amountCents: number, reasonCode: string, invoiceId?: string): DataPointEventOfType<'direct_debit_returned'> => ({
      ...base('direct_debit_returned', on),
      amountCents,
      reasonCode,
      ...(invoiceId === undefined ? {} : { invoiceId }),
    }),
    reminder: (on: string, eventId?: string): DataPointEventOfType<'reminder_sent'> => ({ ...base('reminder_sent', on, eventId), channel: 'email' }),
    answer: (on: string, inResponseToEventId?: string): DataPointEventOfType<'contact_answered'> => ({
      ...base('contact_answered', on),
      channel: 'phone',
      ...(inResponseToEventId === undefined ? {} : { inResponseToEventId }),
    }),
    promise: (on: string, promisedFor: string, amountCents: number): DataPointEventOfType<'promise_to_pay'> => ({
      ...base('promise_to_pay', on),
      promisedFor,
      amountCents,
    }),
    bankAccountChanged: (on: string): DataPointEventOfType<'bank_account_changed'> => base('bank_account_changed', on),
    contactDetailsChanged: (on: string): DataPointEventOfType<'contact_details_changed'> => ({ ...base('contact_details_changed', on), fields: ['email'] }),
    addressChanged: (on: string): DataPointEventOfType<'address_changed'> => base('address_changed', on),
    arrears: (on: string, daysPastDue: 30 | 60 | 90): DataPointEventOfType<'arrears_started'> => ({ ...base('arrears_started', on), daysPastDue }),
    arrangementBroken: (on: string, arrangementId: string): DataPointEventOfType<'arrangement_broken'> => ({
      ...base('arrangement_broken', on),
      arrangementId,
    }),
  };
}
