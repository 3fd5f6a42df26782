/**
 * The creditor's events are what the data-points API accepts: each conforms to the DataPointEvent
 * schema, and batches of them pass the API's meaning checks (known invoices, dates, amounts).
 */
import { Value } from '@sinclair/typebox/value';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataPointEventSchema, MAX_EVENTS_PER_BATCH, OUTCOME_TYPES, type DataPointEvent } from '../../src/data-points/data-point.schema.js';
import { validateDataPointBatch } from '../../src/data-points/data-point.validation.js';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import type { SimulatedHousehold } from '../../src/simulation/simulation.types.js';

let world: SimulatedHousehold[] = [];
let events: DataPointEvent[] = [];
beforeAll(() => {
  world = [...simulateHouseholds({ households: 300, months: 18, seed: 5, truthRuns: 0 })];
  events = world.flatMap((h) => h.events);
});

describe('creditor events', () => {
  it('conform to the DataPointEvent schema', () => {
    const invalid = events.filter((e) => !Value.Check(DataPointEventSchema, e));
    expect(invalid.slice(0, 3).map((e) => [...Value.Errors(DataPointEventSchema, e)].map((x) => `${x.path} ${x.message}`))).toEqual([]);
    expect(events.length).toBeGreaterThan(300 * 30);
  });

  it('pass the batch checks of the data-points API', () => {
    const today = '2026-07-01';
    for (let start = 0; start < events.length; start += MAX_EVENTS_PER_BATCH) {
      // Invoices issued in earlier batches are "stored" by then, as the API would have them.
      const batch = events.slice(start, start + MAX_EVENTS_PER_BATCH);
      const issuedHere = new Set(batch.flatMap((e) => (e.type === 'invoice_issued' ? [e.invoiceId] : [])));
      const knownInvoices = events
        .filter((e): e is Extract<DataPointEvent, { type: 'invoice_issued' }> => e.type === 'invoice_issued' && !issuedHere.has(e.invoiceId))
        .map((e) => ({ invoiceId: e.invoiceId, debtorRef: e.debtorRef, issuedOn: e.occurredOn, amountCents: e.amountCents }));
      expect(validateDataPointBatch({ events: batch }, { today, knownInvoices })).toEqual([]);
    }
  });

  it('have unique ids and come in date order per household', () => {
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    for (const h of world) {
      const dates = h.events.map((e) => e.occurredOn);
      expect([...dates].sort()).toEqual(dates);
    }
  });

  it('include every kind of data point and outcome the creditor side produces', () => {
    const types = new Set(events.map((e) => e.type));
    for (const type of ['invoice_issued', 'invoice_paid', 'direct_debit_collected', 'direct_debit_returned', 'reminder_sent', 'contact_answered', 'promise_to_pay', 'bank_account_changed', 'contact_details_changed', 'address_changed'] as const) {
      expect(types.has(type), type).toBe(true);
    }
    for (const outcome of OUTCOME_TYPES) expect(types.has(outcome), outcome).toBe(true);
  });

  it('answers late when forgetful: replies to reminders take longer for households without an administration', () => {
    const delays = (forgetful: boolean) =>
      world
        .filter((h) => (h.truth.hidden.forgetfulness > 0.5) === forgetful)
        .flatMap((h) => {
          const sent = new Map(h.events.flatMap((e) => (e.type === 'reminder_sent' ? [[e.eventId, e.occurredOn] as const] : [])));
          return h.events.flatMap((e) => (e.type === 'contact_answered' && e.inResponseToEventId && sent.has(e.inResponseToEventId) ? [(Date.parse(e.occurredOn) - Date.parse(sent.get(e.inResponseToEventId)!)) / 86_400_000] : []));
        });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const forgetful = delays(true);
    const organised = delays(false);
    expect(forgetful.length).toBeGreaterThan(10);
    expect(mean(forgetful)).toBeGreaterThan(mean(organised));
  });
});
