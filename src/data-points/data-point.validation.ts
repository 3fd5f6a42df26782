/**
 * Validation of a batch of data points, in two steps a caller runs in order:
 *
 * 1. `validateDataPointBatchShape(body)`: the schema, reported per event and per field. A union
 *    schema on its own only says "event 3 matches no variant"; this checks event 3 against the
 *    variant its `type` names, so the creditor learns that `/events/3/amountCents` is negative.
 * 2. `validateDataPointBatch(batch, context)`: what the schema cannot know. Facts that contradict
 *    each other or what is already stored (a payment for an invoice nobody issued, a payment before
 *    the invoice existed, a date in the future). Bad facts would silently distort every signal and
 *    every model trained on them, so a batch with any issue is rejected whole, with every issue named.
 *
 * Both return issues `{ index, pointer, code, message }`; an empty list means valid. `code` is a
 * stable machine code for the creditor's software, `pointer` an RFC 6901 JSON pointer into the body.
 * Pure functions: the caller loads the already stored invoices and passes the server's today.
 */
import { Type } from '@sinclair/typebox';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import type { IsoDate } from '../platform/dates.js';
import {
  DATA_POINT_SCHEMAS_BY_TYPE,
  DATA_POINT_TYPES,
  DataPointBatchSchema,
  MAX_EVENTS_PER_BATCH,
  isDataPointType,
  type DataPointBatch,
  type DataPointEvent,
  type PaymentMethod,
} from './data-point.schema.js';
import { isReturnReasonCode } from './return-reasons.js';

export const DATA_POINT_ISSUE_CODES = [
  // shape
  'missing_property',
  'unexpected_property',
  'invalid_value',
  'unknown_event_type',
  // meaning
  'duplicate_event_id',
  'date_in_future',
  'due_before_issued',
  'invoice_conflict',
  'unknown_invoice',
  'invoice_of_other_debtor',
  'paid_before_issued',
  'dated_before_invoice',
  'amount_exceeds_invoice',
  'unknown_return_reason',
  'promise_before_made',
] as const;
export type DataPointIssueCode = (typeof DATA_POINT_ISSUE_CODES)[number];

export interface DataPointIssue {
  /** Position of the event in `events`; null when the issue is with the batch as a whole. */
  index: number | null;
  /** JSON pointer into the request body, e.g. "/events/3/occurredOn". */
  pointer: string;
  code: DataPointIssueCode;
  message: string;
}

/** An invoice already stored for one of the batch's debtors, as the caller loads it. */
export interface KnownInvoice {
  invoiceId: string;
  debtorRef: string;
  issuedOn: IsoDate;
  amountCents: number;
}

export interface BatchValidationContext {
  /** The server's date today; no event can have happened after it. */
  today: IsoDate;
  /** Stored invoices of the debtors in the batch (more is harmless; fewer turns payments into "unknown invoice"). */
  knownInvoices: readonly KnownInvoice[];
}

// ---------------------------------------------------------------------------------------------
// Shape

/** The batch without its events' variants, so that batch-level errors are reported once and apart. */
const BatchEnvelopeSchema = Type.Object(
  { events: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_EVENTS_PER_BATCH }) },
  { additionalProperties: false },
);

export function validateDataPointBatchShape(body: unknown): DataPointIssue[] {
  if (Value.Check(DataPointBatchSchema, body)) return [];
  const issues = firstErrorPerPointer(Value.Errors(BatchEnvelopeSchema, body)).map((error) => issueFromSchemaError(null, '', error));
  // A batch over the limit is refused as a whole; looking into 100,000 events would only slow the refusal.
  if (issues.length > 0 || !isRecord(body) || !Array.isArray(body.events)) return issues;
  body.events.forEach((event: unknown, index) => issues.push(...eventShapeIssues(event, index)));
  return issues;
}

function eventShapeIssues(event: unknown, index: number): DataPointIssue[] {
  const at = `/events/${index}`;
  if (!isRecord(event)) return [{ index, pointer: at, code: 'invalid_value', message: 'an event must be a JSON object' }];
  if (!isDataPointType(event.type)) {
    return [
      {
        index,
        pointer: `${at}/type`,
        code: event.type === undefined ? 'missing_property' : 'unknown_event_type',
        message: `type must be one of ${DATA_POINT_TYPES.join(', ')}`,
      },
    ];
  }
  const schema = DATA_POINT_SCHEMAS_BY_TYPE[event.type];
  return firstErrorPerPointer(Value.Errors(schema, event)).map((error) => issueFromSchemaError(index, at, error));
}

/** One message per field: a string that is both too long and off-pattern needs one fix, not two lines. */
function firstErrorPerPointer(errors: Iterable<ValueError>): ValueError[] {
  const seen = new Set<string>();
  const first: ValueError[] = [];
  for (const error of errors) {
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    first.push(error);
  }
  return first;
}

function issueFromSchemaError(index: number | null, prefix: string, error: ValueError): DataPointIssue {
  const pointer = `${prefix}${error.path}`;
  const field = pointer === '' ? 'the body' : pointer;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return { index, pointer, code: 'missing_property', message: `${field} is required` };
    case ValueErrorType.ObjectAdditionalProperties:
      return { index, pointer, code: 'unexpected_property', message: `${field} is not a property of this event type` };
    case ValueErrorType.StringFormat:
      return { index, pointer, code: 'invalid_value', message: `${field} must be a calendar date written YYYY-MM-DD` };
    default:
      return { index, pointer, code: 'invalid_value', message: `${field}: ${error.message}` };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Meaning

/**
 * Methods where the creditor sets the amount (a collection, an iDEAL or card checkout): the money
 * cannot exceed the invoice. By transfer, cash or otherwise a debtor can overpay, and a refund follows.
 */
const CREDITOR_SET_AMOUNT_METHODS: ReadonlySet<PaymentMethod> = new Set(['direct_debit', 'ideal', 'card']);

interface InvoiceFacts {
  debtorRef: string;
  issuedOn: IsoDate;
  amountCents: number;
  /** Only invoices issued in this batch carry their due date; stored ones are compared without it. */
  dueDate: IsoDate | null;
  /** Where the invoice was first defined, for messages: "stored" or "event 4". */
  origin: string;
}

export function validateDataPointBatch(batch: DataPointBatch, context: BatchValidationContext): DataPointIssue[] {
  const issues: DataPointIssue[] = [];
  const report = (index: number, field: string, code: DataPointIssueCode, message: string) =>
    issues.push({ index, pointer: `/events/${index}/${field}`, code, message });

  const indicesToCheck = findRepeatedEventIds(batch.events, report);
  const invoices = collectInvoices(batch.events, indicesToCheck, context.knownInvoices, report);

  for (const index of indicesToCheck) {
    const event = batch.events[index]!;
    // ISO dates compare correctly as strings, which keeps this loop cheap for 5,000 events.
    if (event.occurredOn > context.today) {
      report(index, 'occurredOn', 'date_in_future', `occurredOn ${event.occurredOn} is after today (${context.today})`);
    }
    switch (event.type) {
      case 'invoice_issued':
        if (event.dueDate < event.occurredOn) {
          report(index, 'dueDate', 'due_before_issued', `dueDate ${event.dueDate} is before the issue date ${event.occurredOn}`);
        }
        break;
      case 'direct_debit_returned':
        if (!isReturnReasonCode(event.reasonCode)) {
          report(index, 'reasonCode', 'unknown_return_reason', `reasonCode ${event.reasonCode} is not an ISO 20022 ExternalReturnReason1Code`);
        }
        break;
      case 'promise_to_pay':
        if (event.promisedFor < event.occurredOn) {
          report(index, 'promisedFor', 'promise_before_made', `promisedFor ${event.promisedFor} is before the promise was made (${event.occurredOn})`);
        }
        break;
      default:
        break;
    }
    checkInvoiceReference(event, index, invoices, report);
  }
  // Repeated ids are found in a first pass; keep the list in body order for the reader.
  return issues.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
}

type Report = (index: number, field: string, code: DataPointIssueCode, message: string) => void;

/**
 * Returns the indices of first occurrences. A repeat with identical content is a resend inside the
 * batch and a no-op; a repeat with other content is an error, and its other faults are not reported
 * because the event will not be stored under that id anyway.
 */
function findRepeatedEventIds(events: readonly DataPointEvent[], report: Report): number[] {
  const firstIndexById = new Map<string, number>();
  const firstOccurrences: number[] = [];
  events.forEach((event, index) => {
    const { eventId } = event;
    const first = firstIndexById.get(eventId);
    if (first === undefined) {
      firstIndexById.set(eventId, index);
      firstOccurrences.push(index);
    } else if (!Value.Equal(events[first], event)) {
      report(index, 'eventId', 'duplicate_event_id', `eventId "${eventId}" is already used by event ${first} with different content`);
    }
  });
  return firstOccurrences;
}

/**
 * Stored invoices plus those issued in the batch, wherever in the batch: a creditor's export need not
 * list an invoice before its payment. Issuing a known invoice again with the same facts is harmless
 * (a resend under a new event id); with other facts it is a conflict, and the first definition stands.
 */
function collectInvoices(
  events: readonly DataPointEvent[],
  indicesToCheck: readonly number[],
  knownInvoices: readonly KnownInvoice[],
  report: Report,
): Map<string, InvoiceFacts> {
  const invoices = new Map<string, InvoiceFacts>();
  for (const known of knownInvoices) {
    invoices.set(known.invoiceId, { debtorRef: known.debtorRef, issuedOn: known.issuedOn, amountCents: known.amountCents, dueDate: null, origin: 'stored' });
  }
  for (const index of indicesToCheck) {
    const event = events[index]!;
    if (event.type !== 'invoice_issued') continue;
    const facts: InvoiceFacts = {
      debtorRef: event.debtorRef,
      issuedOn: event.occurredOn,
      amountCents: event.amountCents,
      dueDate: event.dueDate,
      origin: `event ${index}`,
    };
    const earlier = invoices.get(event.invoiceId);
    if (earlier === undefined) invoices.set(event.invoiceId, facts);
    else if (!sameInvoice(earlier, facts)) {
      report(
        index,
        'invoiceId',
        'invoice_conflict',
        `invoice "${event.invoiceId}" is already known (${earlier.origin}) with another debtor, issue date, amount or due date`,
      );
    }
  }
  return invoices;
}

function sameInvoice(a: InvoiceFacts, b: InvoiceFacts): boolean {
  const dueDatesAgree = a.dueDate === null || b.dueDate === null || a.dueDate === b.dueDate;
  return a.debtorRef === b.debtorRef && a.issuedOn === b.issuedOn && a.amountCents === b.amountCents && dueDatesAgree;
}

function checkInvoiceReference(event: DataPointEvent, index: number, invoices: ReadonlyMap<string, InvoiceFacts>, report: Report): void {
  const invoiceId = referencedInvoiceId(event);
  if (invoiceId === undefined) return;
  const invoice = invoices.get(invoiceId);
  if (invoice === undefined) {
    report(index, 'invoiceId', 'unknown_invoice', `invoice "${invoiceId}" is neither stored nor issued in this batch`);
    return;
  }
  if (invoice.debtorRef !== event.debtorRef) {
    report(index, 'invoiceId', 'invoice_of_other_debtor', `invoice "${invoiceId}" belongs to another debtor`);
    return;
  }
  if (event.occurredOn < invoice.issuedOn) {
    const isPayment = event.type === 'invoice_paid' || event.type === 'direct_debit_collected';
    report(
      index,
      'occurredOn',
      isPayment ? 'paid_before_issued' : 'dated_before_invoice',
      `occurredOn ${event.occurredOn} is before invoice "${invoiceId}" was issued (${invoice.issuedOn})`,
    );
  }
  const cappedAmount = amountCappedByInvoice(event);
  if (cappedAmount !== null && cappedAmount > invoice.amountCents) {
    report(index, 'amountCents', 'amount_exceeds_invoice', `amountCents ${cappedAmount} exceeds the amount of invoice "${invoiceId}" (${invoice.amountCents})`);
  }
}

/** The invoice an event refers to; `invoice_issued` defines one rather than refers to it. */
function referencedInvoiceId(event: DataPointEvent): string | undefined {
  switch (event.type) {
    case 'invoice_paid':
    case 'direct_debit_collected':
    case 'direct_debit_returned':
    case 'reminder_sent':
    case 'arrears_started':
      return event.invoiceId;
    default:
      return undefined;
  }
}

/**
 * The amount of an event that can never exceed its invoice: a collection or its return (the creditor
 * collected the invoice's amount at most), or a payment by a method where the creditor set the amount.
 */
function amountCappedByInvoice(event: DataPointEvent): number | null {
  switch (event.type) {
    case 'direct_debit_collected':
    case 'direct_debit_returned':
      return event.amountCents;
    case 'invoice_paid':
      return CREDITOR_SET_AMOUNT_METHODS.has(event.method) ? event.amountCents : null;
    default:
      return null;
  }
}
