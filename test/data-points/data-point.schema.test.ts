import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import {
  DATA_POINT_SCHEMAS_BY_TYPE,
  DATA_POINT_TYPES,
  DataPointBatchSchema,
  DataPointEventSchema,
  InvoiceIssuedSchema,
  MAX_EVENTS_PER_BATCH,
  OUTCOME_TYPES,
  isOutcomeType,
  type DataPointEvent,
  type DataPointType,
} from '../../src/data-points/data-point.schema.js';

const common = { debtorRef: 'CUST-001', occurredOn: '2024-03-01' };

/** One valid event per type, optional fields included where a type has them. */
const VALID: { [T in DataPointType]: Extract<DataPointEvent, { type: T }> } = {
  invoice_issued: { ...common, eventId: 'e1', type: 'invoice_issued', invoiceId: 'INV-1', amountCents: 12_345, dueDate: '2024-03-15' },
  invoice_paid: { ...common, eventId: 'e2', type: 'invoice_paid', invoiceId: 'INV-1', amountCents: 12_345, method: 'ideal' },
  direct_debit_collected: { ...common, eventId: 'e3', type: 'direct_debit_collected', invoiceId: 'INV-1', amountCents: 500, mandateId: 'MANDATE-42' },
  direct_debit_returned: { ...common, eventId: 'e4', type: 'direct_debit_returned', invoiceId: 'INV-1', amountCents: 500, reasonCode: 'AM04' },
  reminder_sent: { ...common, eventId: 'e5', type: 'reminder_sent', channel: 'letter', invoiceId: 'INV-1', stage: 'fourteen_day_letter' },
  contact_answered: { ...common, eventId: 'e6', type: 'contact_answered', channel: 'whatsapp', inResponseToEventId: 'e5' },
  promise_to_pay: { ...common, eventId: 'e7', type: 'promise_to_pay', promisedFor: '2024-03-25', amountCents: 5_000 },
  bank_account_changed: { ...common, eventId: 'e8', type: 'bank_account_changed' },
  contact_details_changed: { ...common, eventId: 'e9', type: 'contact_details_changed', fields: ['email', 'phone'] },
  address_changed: { ...common, eventId: 'e10', type: 'address_changed' },
  arrears_started: { ...common, eventId: 'e11', type: 'arrears_started', invoiceId: 'INV-1', daysPastDue: 60 },
  handed_to_collection: { ...common, eventId: 'e12', type: 'handed_to_collection', amountCents: 12_345 },
  written_off: { ...common, eventId: 'e13', type: 'written_off', amountCents: 2_000 },
  paid_in_full: { ...common, eventId: 'e14', type: 'paid_in_full' },
  arrangement_started: { ...common, eventId: 'e15', type: 'arrangement_started', arrangementId: 'ARR-1', monthlyCents: 2_500, months: 12 },
  arrangement_broken: { ...common, eventId: 'e16', type: 'arrangement_broken', arrangementId: 'ARR-1' },
};

function withoutDueDate({ dueDate: _dueDate, ...rest }: (typeof VALID)['invoice_issued']) {
  return rest;
}

describe('DataPointEventSchema', () => {
  it('has one variant per data-point type and the outcome types among them', () => {
    expect(Object.keys(VALID).sort()).toEqual([...DATA_POINT_TYPES].sort());
    expect(DataPointEventSchema.anyOf).toHaveLength(DATA_POINT_TYPES.length);
    for (const type of OUTCOME_TYPES) expect(DATA_POINT_TYPES).toContain(type);
    expect(DATA_POINT_TYPES.filter(isOutcomeType)).toEqual([...OUTCOME_TYPES]);
  });

  it.each(Object.values(VALID))('accepts a valid $type event', (event) => {
    expect([...Value.Errors(DataPointEventSchema, event)]).toEqual([]);
    expect(Value.Check(DataPointEventSchema, event)).toBe(true);
  });

  it('accepts events without their optional fields', () => {
    const { invoiceId: _invoice, mandateId: _mandate, ...bareCollection } = VALID.direct_debit_collected;
    const { invoiceId: _reminderInvoice, stage: _stage, ...bareReminder } = VALID.reminder_sent;
    const { inResponseToEventId: _link, ...bareAnswer } = VALID.contact_answered;
    for (const event of [bareCollection, bareReminder, bareAnswer]) expect(Value.Check(DataPointEventSchema, event)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['an unknown type', { ...VALID.paid_in_full, type: 'invoice_cancelled' }],
    ['a negative amount', { ...VALID.invoice_issued, amountCents: -100 }],
    ['a zero amount', { ...VALID.written_off, amountCents: 0 }],
    ['a fractional amount of cents', { ...VALID.invoice_paid, amountCents: 10.5 }],
    ['an amount as a string', { ...VALID.invoice_paid, amountCents: '100' }],
    ['an extra property', { ...VALID.bank_account_changed, iban: 'NL91ABNA0417164300' }],
    ['a property of another type', { ...VALID.paid_in_full, amountCents: 100 }],
    ['a missing required property', withoutDueDate(VALID.invoice_issued)],
    ['a date that does not exist', { ...VALID.address_changed, occurredOn: '2023-02-29' }],
    ['a date without zero padding', { ...VALID.address_changed, occurredOn: '2024-3-1' }],
    ['a date-time instead of a date', { ...VALID.address_changed, occurredOn: '2024-03-01T10:00:00Z' }],
    ['a Dutch-order date', { ...VALID.promise_to_pay, promisedFor: '25-03-2024' }],
    ['an empty eventId', { ...VALID.address_changed, eventId: '' }],
    ['an eventId longer than 128 characters', { ...VALID.address_changed, eventId: 'x'.repeat(129) }],
    ['a lower-case return reason', { ...VALID.direct_debit_returned, reasonCode: 'am04' }],
    ['a return reason of three characters', { ...VALID.direct_debit_returned, reasonCode: 'AM0' }],
    ['an unknown payment method', { ...VALID.invoice_paid, method: 'bitcoin' }],
    ['an unknown channel', { ...VALID.reminder_sent, channel: 'fax' }],
    ['no changed contact fields', { ...VALID.contact_details_changed, fields: [] }],
    ['the same contact field twice', { ...VALID.contact_details_changed, fields: ['email', 'email'] }],
    ['an arrears milestone that is not 30, 60 or 90', { ...VALID.arrears_started, daysPastDue: 45 }],
    ['an arrangement of zero months', { ...VALID.arrangement_started, months: 0 }],
    ['a mandate reference longer than SEPA allows', { ...VALID.direct_debit_collected, mandateId: 'M'.repeat(36) }],
  ])('rejects %s', (_case, event) => {
    expect(Value.Check(DataPointEventSchema, event)).toBe(false);
  });

  it('names the offending field when checked against the variant of its type', () => {
    const errors = [...Value.Errors(InvoiceIssuedSchema, { ...VALID.invoice_issued, amountCents: -1, note: 'x' })];
    expect(errors.map((error) => error.path).sort()).toEqual(['/amountCents', '/note']);
  });

  it('documents every property of every variant for the OpenAPI document, and allows no others', () => {
    for (const [type, schema] of Object.entries(DATA_POINT_SCHEMAS_BY_TYPE)) {
      expect(schema.additionalProperties, type).toBe(false);
      expect(schema.description, type).toBeTruthy();
      for (const [name, property] of Object.entries(schema.properties)) {
        expect((property as { description?: string }).description, `${type}.${name}`).toBeTruthy();
      }
    }
  });
});

describe('DataPointBatchSchema', () => {
  const event = VALID.address_changed;

  it('accepts 1 to 5000 events', () => {
    expect(Value.Check(DataPointBatchSchema, { events: [event] })).toBe(true);
    expect(Value.Check(DataPointBatchSchema, { events: Array.from({ length: MAX_EVENTS_PER_BATCH }, () => event) })).toBe(true);
  });

  it('rejects an empty batch, a batch over the limit and extra top-level properties', () => {
    expect(Value.Check(DataPointBatchSchema, { events: [] })).toBe(false);
    expect(Value.Check(DataPointBatchSchema, { events: Array.from({ length: MAX_EVENTS_PER_BATCH + 1 }, () => event) })).toBe(false);
    expect(Value.Check(DataPointBatchSchema, { events: [event], tenant: 'x' })).toBe(false);
  });
});
