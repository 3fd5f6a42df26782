/**
 * Properties of deriveSignals over random debtor histories.
 *
 * The leakage property is the one that matters most: signals "as of" a day feed models trained on
 * what happened afterwards; if anything dated after the as-of day could move a signal, the model
 * would learn from the future. Future events here include payments of past invoices, answers to
 * past reminders, returns, re-issued invoice numbers and event ids that repeat past ones.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DataPointEvent } from '../../src/data-points/data-point.schema.js';
import { deriveSignals } from '../../src/data-points/derived-signals.js';
import { addDays } from '../../src/platform/dates.js';

const START = '2024-01-01';
const INVOICE_IDS = ['I0', 'I1', 'I2', 'I3', 'I4', 'I5'];
const REASON_CODES = ['AM04', 'MD06', 'MS02', 'MS03', 'AC04', 'AC06', 'MD07', 'AM05', 'ZZ99'];

type EventWithoutId = DataPointEvent extends infer E ? (E extends DataPointEvent ? Omit<E, 'eventId'> : never) : never;

const cents = fc.integer({ min: 1, max: 20_000 });
const invoiceId = fc.constantFrom(...INVOICE_IDS);
/** Links point at event ids of the history ("E0".."E39"), so some hit a reminder and some hit nothing. */
const eventLink = fc.nat({ max: 39 }).map((n) => `E${n}`);

function eventOn(day: fc.Arbitrary<number>): fc.Arbitrary<EventWithoutId> {
  const on = day.map((offset) => addDays(START, offset));
  const common = { debtorRef: fc.constant('D1'), occurredOn: on };
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ ...common, type: fc.constant('invoice_issued' as const), invoiceId, amountCents: cents, dueAfter: fc.nat({ max: 30 }) }).map(({ dueAfter, ...event }) => ({ ...event, dueDate: addDays(event.occurredOn, dueAfter) })) },
    { weight: 3, arbitrary: fc.record({ ...common, type: fc.constant('invoice_paid' as const), invoiceId, amountCents: cents, method: fc.constantFrom('direct_debit' as const, 'transfer' as const, 'ideal' as const) }) },
    { weight: 2, arbitrary: fc.record({ ...common, type: fc.constant('direct_debit_collected' as const), invoiceId, amountCents: cents }, { requiredKeys: ['debtorRef', 'occurredOn', 'type', 'amountCents'] }) },
    { weight: 2, arbitrary: fc.record({ ...common, type: fc.constant('direct_debit_returned' as const), invoiceId, amountCents: cents, reasonCode: fc.constantFrom(...REASON_CODES) }, { requiredKeys: ['debtorRef', 'occurredOn', 'type', 'amountCents', 'reasonCode'] }) },
    { weight: 2, arbitrary: fc.record({ ...common, type: fc.constant('reminder_sent' as const), channel: fc.constant('email' as const) }) },
    { weight: 2, arbitrary: fc.record({ ...common, type: fc.constant('contact_answered' as const), channel: fc.constant('phone' as const), inResponseToEventId: eventLink }, { requiredKeys: ['debtorRef', 'occurredOn', 'type', 'channel'] }) },
    { weight: 1, arbitrary: fc.record({ ...common, type: fc.constant('promise_to_pay' as const), amountCents: cents, promisedAfter: fc.nat({ max: 20 }) }).map(({ promisedAfter, ...event }) => ({ ...event, promisedFor: addDays(event.occurredOn, promisedAfter) })) },
    { weight: 1, arbitrary: fc.record({ ...common, type: fc.constantFrom('bank_account_changed' as const, 'address_changed' as const, 'paid_in_full' as const) }) },
    { weight: 1, arbitrary: fc.record({ ...common, type: fc.constant('contact_details_changed' as const), fields: fc.constant<Array<'email' | 'phone'>>(['phone']) }) },
    { weight: 1, arbitrary: fc.record({ ...common, type: fc.constant('arrears_started' as const), daysPastDue: fc.constantFrom(30 as const, 60 as const, 90 as const) }) },
  );
}

const HISTORY_DAYS = 400;
const asOfOffset = fc.integer({ min: 0, max: HISTORY_DAYS });
const history = fc
  .array(eventOn(fc.integer({ min: 0, max: HISTORY_DAYS })), { maxLength: 40 })
  .map((events) => events.map((event, index) => ({ ...event, eventId: `E${index}` }) as DataPointEvent));

/** Events dated after the as-of day; some reuse an id of the history, which must not displace the earlier event. */
function futureOf(asOf: number): fc.Arbitrary<DataPointEvent[]> {
  return fc
    .array(fc.tuple(eventOn(fc.integer({ min: asOf + 1, max: asOf + 200 })), fc.option(eventLink, { nil: undefined })), { minLength: 1, maxLength: 20 })
    .map((pairs) => pairs.map(([event, reusedId], index) => ({ ...event, eventId: reusedId ?? `F${index}` }) as DataPointEvent));
}

const runs = { numRuns: 300 };

describe('deriveSignals properties', () => {
  it('LEAKAGE: adding any events dated after the as-of day, anywhere in the input, never changes a signal', () => {
    fc.assert(
      fc.property(
        asOfOffset.chain((asOf) => fc.tuple(fc.constant(asOf), history, futureOf(asOf))),
        fc.nat(),
        ([asOfDay, past, future], seed) => {
          const asOf = addDays(START, asOfDay);
          const mixed = interleave(past, future, seed);
          expect(deriveSignals(mixed, asOf)).toEqual(deriveSignals(past, asOf));
        },
      ),
      runs,
    );
  });

  it('does not depend on the order of the input', () => {
    fc.assert(
      fc.property(history.chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length }))), asOfOffset, ([events, shuffled], asOfDay) => {
        const asOf = addDays(START, asOfDay);
        expect(deriveSignals(shuffled, asOf)).toEqual(deriveSignals(events, asOf));
      }),
      runs,
    );
  });

  it('loses and invents no cent: the open balance is invoiced − received + returned, and open invoices hold the rest', () => {
    fc.assert(
      fc.property(history, asOfOffset, (events, asOfDay) => {
        const asOf = addDays(START, asOfDay);
        const known = events.filter((event) => event.occurredOn <= asOf);
        const firstIssueOf = new Map<string, number>();
        for (const event of [...known].sort((a, b) => (a.occurredOn < b.occurredOn ? -1 : a.occurredOn > b.occurredOn ? 1 : a.eventId < b.eventId ? -1 : 1))) {
          if (event.type === 'invoice_issued' && !firstIssueOf.has(event.invoiceId)) firstIssueOf.set(event.invoiceId, event.amountCents);
        }
        const invoiced = [...firstIssueOf.values()].reduce((sum, amount) => sum + amount, 0);
        const received = known.reduce((sum, event) => sum + (event.type === 'invoice_paid' || event.type === 'direct_debit_collected' ? event.amountCents : 0), 0);
        const returned = known.reduce((sum, event) => sum + (event.type === 'direct_debit_returned' ? event.amountCents : 0), 0);

        const signals = deriveSignals(events, asOf);
        expect(signals.openBalanceCents).toBe(invoiced - received + returned);
        const outstanding = signals.openInvoices.reduce((sum, invoice) => sum + invoice.outstandingCents, 0);
        // Credit exists only when nothing is open; open invoices never owe more than the balance plus debt no invoice took back.
        if (signals.openBalanceCents < 0) expect(outstanding).toBe(0);
        for (const invoice of signals.openInvoices) expect(invoice.outstandingCents).toBeGreaterThan(0);
        expect(signals.sumDaysPastDue).toBeGreaterThanOrEqual(signals.maxDaysPastDue);
        expect(signals.openInvoices.length + signals.paidInvoices.length).toBe(firstIssueOf.size);
      }),
      runs,
    );
  });
});

/** Mixes the future events into the history at seeded positions, so that leakage through input order is tried as well. */
function interleave(past: readonly DataPointEvent[], future: readonly DataPointEvent[], seed: number): DataPointEvent[] {
  const mixed = [...past];
  future.forEach((event, index) => {
    const position = (seed + index * 7919) % (mixed.length + 1);
    mixed.splice(position, 0, event);
  });
  return mixed;
}
