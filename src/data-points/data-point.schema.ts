/**
 * Data points: what a creditor tells us about a debtor's payment behaviour, and the outcomes that
 * later label that behaviour for learning. These TypeBox schemas are the single source of truth for
 * the API body, the OpenAPI document, the simulator's output and the TypeScript types.
 *
 * Glossary
 * - data point (event): one fact with an `eventId` the creditor chose; sending the same event twice
 *   is a no-op (idempotency), sending another fact under a used `eventId` is an error.
 * - debtorRef: the creditor's own reference for the debtor (customer number); never a name or BSN.
 * - occurredOn: the calendar day the fact happened at the creditor, not the day it was sent to us.
 *   Point-in-time signals depend on it: a signal "as of" a day only sees events on or before it.
 * - invoiceId: the creditor's invoice number, unique per creditor like an invoice number must be.
 * - money in: `invoice_paid` and `direct_debit_collected`; money out again: `direct_debit_returned`
 *   (a SEPA R-transaction). Report a collection either as `direct_debit_collected` (when you also
 *   report its returns) or as `invoice_paid` with method `direct_debit` (when you only know the
 *   settled result), never both for the same money, or it is counted twice.
 * - outcome: a label of what became of the debtor (arrears, collection, write-off, arrangement).
 *   Outcomes are what a model learns to predict; they are stored like other events but kept apart
 *   in `OUTCOME_TYPES` so that feature code can tell labels from inputs.
 *
 * Money is integer euro cents; dates are ISO calendar dates ("2026-11-23").
 */
import { FormatRegistry, Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { isIsoDate } from '../platform/dates.js';

// TypeBox's own checker (`Value.Check`, used by the simulator, the CLI and tests) fails every value
// with an unregistered format, so the `date` format is registered where the schemas are defined.
// Fastify validates with Ajv and ajv-formats, which know `date` already. Registering only when absent
// keeps this idempotent and lets platform code register a stricter checker first.
if (!FormatRegistry.Has('date')) FormatRegistry.Set('date', isIsoDate);

/** A batch holds at most this many events: enough for a nightly export of a mid-size creditor, small enough to validate in one request. */
export const MAX_EVENTS_PER_BATCH = 5000;

/**
 * Upper bound for any amount: EUR 1 billion is far above any consumer or SME receivable, and it keeps
 * the sum over a debtor's whole history an exact integer in a JS number (2^53 cents ≈ EUR 90 trillion).
 */
export const MAX_AMOUNT_CENTS = 100_000_000_000;

export const PAYMENT_METHODS = ['direct_debit', 'transfer', 'ideal', 'card', 'cash', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const CONTACT_CHANNELS = ['letter', 'email', 'sms', 'phone', 'whatsapp', 'app'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** The Dutch dunning ladder: a friendly reminder, the statutory 14-day letter (before any collection costs may be charged, WIK), a final notice. */
export const REMINDER_STAGES = ['reminder', 'fourteen_day_letter', 'final_notice'] as const;
export type ReminderStage = (typeof REMINDER_STAGES)[number];

export const CONTACT_FIELDS = ['email', 'phone'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** Arrears are labelled at the milestones credit reporting and most creditors use. */
export const ARREARS_MILESTONES_DAYS = [30, 60, 90] as const;
export type ArrearsMilestone = (typeof ARREARS_MILESTONES_DAYS)[number];

const isoDate = (description: string) => Type.String({ format: 'date', description });
const positiveCents = (description: string) =>
  Type.Integer({ minimum: 1, maximum: MAX_AMOUNT_CENTS, description: `${description} In euro cents.` });
const reference = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });
const oneOf = <T extends string | number>(values: readonly T[], description: string) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    { description },
  );

const channel = (description: string) => oneOf(CONTACT_CHANNELS, description);

/** Fields every data point carries; the `type` literal is added per variant so the union discriminates on it. */
const commonProperties = {
  eventId: reference(
    "The creditor's unique id of this event. Resending an identical event is a no-op; another event under the same id is rejected.",
  ),
  debtorRef: reference("The creditor's own reference for the debtor, such as a customer number. Never a name or citizen service number."),
};

function dataPoint<TType extends string, TProps extends Record<string, TSchema>>(
  type: TType,
  title: string,
  description: string,
  occurredOnMeaning: string,
  properties: TProps,
) {
  return Type.Object(
    {
      ...commonProperties,
      type: Type.Literal(type, { description: 'The kind of data point; selects which other properties apply.' }),
      occurredOn: isoDate(occurredOnMeaning),
      ...properties,
    },
    { additionalProperties: false, title, description },
  );
}

export const InvoiceIssuedSchema = dataPoint(
  'invoice_issued',
  'InvoiceIssued',
  'An invoice was sent to the debtor. Payment delays are measured against its due date.',
  'The issue date of the invoice.',
  {
    invoiceId: reference("The creditor's invoice number, unique for the creditor."),
    amountCents: positiveCents('The invoiced amount including VAT.'),
    dueDate: isoDate('The day the invoice must be paid by; on or after the issue date.'),
  },
);

export const InvoicePaidSchema = dataPoint(
  'invoice_paid',
  'InvoicePaid',
  'Money was received and allocated to an invoice (a partial payment is allowed).',
  'The day the money was received.',
  {
    invoiceId: reference('The invoice this payment is allocated to.'),
    amountCents: positiveCents('The amount received.'),
    method: oneOf(PAYMENT_METHODS, 'How the debtor paid.'),
  },
);

export const DirectDebitCollectedSchema = dataPoint(
  'direct_debit_collected',
  'DirectDebitCollected',
  "A SEPA direct debit was executed against the debtor's account. Counts as money received until a return reverses it.",
  'The settlement (collection) date.',
  {
    invoiceId: Type.Optional(reference('The invoice the collection was for, when the creditor links it.')),
    amountCents: positiveCents('The collected amount.'),
    mandateId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 35, description: 'The SEPA mandate reference (at most 35 characters in the SEPA scheme).' }),
    ),
  },
);

export const DirectDebitReturnedSchema = dataPoint(
  'direct_debit_returned',
  'DirectDebitReturned',
  'A direct debit came back (SEPA R-transaction: reject, return or refund). Its reason code says much about the debtor.',
  'The day the return was booked.',
  {
    invoiceId: Type.Optional(reference('The invoice the returned collection was for, when the creditor links it.')),
    amountCents: positiveCents('The returned amount.'),
    reasonCode: Type.String({
      pattern: '^[A-Z0-9]{4}$',
      description: 'The ISO 20022 ExternalReturnReason1Code the bank gave, such as AM04 (insufficient funds) or MD06 (refund requested by the debtor).',
    }),
  },
);

export const ReminderSentSchema = dataPoint(
  'reminder_sent',
  'ReminderSent',
  'The creditor reminded the debtor of a payment.',
  'The day the reminder was sent.',
  {
    channel: channel('The channel of the reminder.'),
    invoiceId: Type.Optional(reference('The invoice the reminder is about, when it is about one.')),
    stage: Type.Optional(
      oneOf(REMINDER_STAGES, 'Where in the dunning process the reminder stands: a friendly reminder, the statutory 14-day letter, or the final notice.'),
    ),
  },
);

export const ContactAnsweredSchema = dataPoint(
  'contact_answered',
  'ContactAnswered',
  'The debtor responded (called back, replied, answered the phone). Response time is an early signal.',
  'The day the debtor responded.',
  {
    channel: channel('The channel the debtor responded through.'),
    inResponseToEventId: Type.Optional(reference('The eventId of the reminder this answers, when the creditor knows it.')),
  },
);

export const PromiseToPaySchema = dataPoint(
  'promise_to_pay',
  'PromiseToPay',
  'The debtor promised to pay an amount by a date.',
  'The day the promise was made.',
  {
    promisedFor: isoDate('The day by which the debtor promised to pay; on or after the day of the promise.'),
    amountCents: positiveCents('The promised amount.'),
  },
);

export const BankAccountChangedSchema = dataPoint(
  'bank_account_changed',
  'BankAccountChanged',
  'The debtor gave a different bank account (for direct debit or refunds).',
  'The day the change was registered.',
  {},
);

export const ContactDetailsChangedSchema = dataPoint(
  'contact_details_changed',
  'ContactDetailsChanged',
  "The debtor's e-mail address or phone number changed.",
  'The day the change was registered.',
  {
    fields: Type.Array(oneOf(CONTACT_FIELDS, 'A contact field that changed.'), {
      minItems: 1,
      uniqueItems: true,
      description: 'Which contact fields changed.',
    }),
  },
);

export const AddressChangedSchema = dataPoint(
  'address_changed',
  'AddressChanged',
  "The debtor's postal address changed.",
  'The day the change was registered.',
  {},
);

export const ArrearsStartedSchema = dataPoint(
  'arrears_started',
  'ArrearsStarted',
  'Outcome: the debtor reached an arrears milestone (30, 60 or 90 days past due).',
  'The day the milestone was reached.',
  {
    invoiceId: Type.Optional(reference('The invoice in arrears, when it is one invoice.')),
    daysPastDue: oneOf(ARREARS_MILESTONES_DAYS, 'The milestone reached, in days past the due date.'),
  },
);

export const HandedToCollectionSchema = dataPoint(
  'handed_to_collection',
  'HandedToCollection',
  'Outcome: the claim went to a collection agency or bailiff.',
  'The day the claim was handed over.',
  { amountCents: positiveCents('The amount handed over.') },
);

export const WrittenOffSchema = dataPoint(
  'written_off',
  'WrittenOff',
  'Outcome: the creditor wrote the claim off.',
  'The day of the write-off.',
  { amountCents: positiveCents('The amount written off.') },
);

export const PaidInFullSchema = dataPoint(
  'paid_in_full',
  'PaidInFull',
  'Outcome: the debtor paid everything that was due.',
  'The day the last amount due was paid.',
  {},
);

export const ArrangementStartedSchema = dataPoint(
  'arrangement_started',
  'ArrangementStarted',
  'Outcome: a payment arrangement (instalment plan) started.',
  'The day the arrangement started.',
  {
    arrangementId: reference("The creditor's id of the arrangement."),
    monthlyCents: positiveCents('The monthly instalment.'),
    months: Type.Integer({ minimum: 1, description: 'The number of monthly instalments.' }),
  },
);

export const ArrangementBrokenSchema = dataPoint(
  'arrangement_broken',
  'ArrangementBroken',
  'Outcome: the debtor stopped keeping a payment arrangement.',
  'The day the creditor considered the arrangement broken.',
  { arrangementId: reference('The arrangement that was broken.') },
);

/** Every schema by its `type`, so shape errors can be reported against the variant the sender meant. */
export const DATA_POINT_SCHEMAS_BY_TYPE = {
  invoice_issued: InvoiceIssuedSchema,
  invoice_paid: InvoicePaidSchema,
  direct_debit_collected: DirectDebitCollectedSchema,
  direct_debit_returned: DirectDebitReturnedSchema,
  reminder_sent: ReminderSentSchema,
  contact_answered: ContactAnsweredSchema,
  promise_to_pay: PromiseToPaySchema,
  bank_account_changed: BankAccountChangedSchema,
  contact_details_changed: ContactDetailsChangedSchema,
  address_changed: AddressChangedSchema,
  arrears_started: ArrearsStartedSchema,
  handed_to_collection: HandedToCollectionSchema,
  written_off: WrittenOffSchema,
  paid_in_full: PaidInFullSchema,
  arrangement_started: ArrangementStartedSchema,
  arrangement_broken: ArrangementBrokenSchema,
} as const satisfies Record<string, TObject>;

export type DataPointType = keyof typeof DATA_POINT_SCHEMAS_BY_TYPE;
export const DATA_POINT_TYPES: readonly DataPointType[] = Object.keys(DATA_POINT_SCHEMAS_BY_TYPE) as DataPointType[];

/** Labels, not inputs: a feature built from these for the same period as the label would leak the answer. */
export const OUTCOME_TYPES = [
  'arrears_started',
  'handed_to_collection',
  'written_off',
  'paid_in_full',
  'arrangement_started',
  'arrangement_broken',
] as const satisfies readonly DataPointType[];
export type OutcomeType = (typeof OUTCOME_TYPES)[number];

export function isDataPointType(value: unknown): value is DataPointType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DATA_POINT_SCHEMAS_BY_TYPE, value);
}

export function isOutcomeType(type: DataPointType): type is OutcomeType {
  return (OUTCOME_TYPES as readonly DataPointType[]).includes(type);
}

export const DataPointEventSchema = Type.Union(Object.values(DATA_POINT_SCHEMAS_BY_TYPE), {
  title: 'DataPointEvent',
  description: 'One data point about a debtor; `type` selects the variant.',
});
export type DataPointEvent = Static<typeof DataPointEventSchema>;
export type DataPointEventOfType<T extends DataPointType> = Extract<DataPointEvent, { type: T }>;

export const DataPointBatchSchema = Type.Object(
  {
    events: Type.Array(DataPointEventSchema, {
      minItems: 1,
      maxItems: MAX_EVENTS_PER_BATCH,
      description: `The data points, 1 to ${MAX_EVENTS_PER_BATCH}. Order does not matter; each event carries its own date.`,
    }),
  },
  { additionalProperties: false, title: 'DataPointBatch', description: 'A batch of data points from one creditor.' },
);
export type DataPointBatch = Static<typeof DataPointBatchSchema>;
