/**
 * The transactional outbox. recordEvent is called inside the transaction that makes the business
 * change, with that transaction's handle: the event row and its delivery rows commit or roll back
 * with the change, so no event is lost when the process dies between the commit and the send, and a
 * rolled-back change announces nothing. The dispatcher (dispatcher.ts) sends what committed.
 *
 * Delivery rows are created here, eagerly, for the endpoints subscribed at that moment, rather than
 * lazily by the dispatcher: the set of receivers of an event is then fixed by the same snapshot that
 * saw the change (an endpoint added a minute later does not receive last week's history), and the
 * dispatcher needs no "which events has this endpoint not seen yet" scan over the whole outbox.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Db } from '../platform/database/connection.js';
import type { Database } from '../platform/database/schema.js';

/** Every event type, with what it means; the API and docs/webhooks.md list the same. */
export const WEBHOOK_EVENT_TYPES = {
  'risk.early_warning_raised': 'A stored score put the debtor in an early-warning band (EARLY_WARNING_BANDS) and the previous one did not',
  'risk.band_changed': 'A stored score has another risk band than the debtor’s previous stored score',
  'consent.granted': 'The debtor granted a consent',
  'consent.rejected': 'The debtor declined a consent request',
  'consent.revoked': 'The debtor revoked a consent (its bank data was erased)',
  'consent.terminated': 'The creditor ended a consent (its bank data was erased)',
  'consent.expired': 'A consent passed its last day (its bank data was erased)',
  'plan.accepted': 'A repayment plan was accepted by the creditor or the debtor',
  'plan.instalment_missed': 'An instalment of a plan was not paid within the policy’s missedAfterDays',
  'plan.completed': 'A plan was paid in full',
  'plan.broken': 'A plan was breached (the policy’s breachAfterMissed instalments missed)',
  'model.promoted': 'A model version became the champion that scores the tenant’s debtors',
  'model.rolled_back': 'A promotion was undone: the previous champion scores again',
} as const;
export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;
export const WEBHOOK_EVENT_TYPE_NAMES = Object.keys(WEBHOOK_EVENT_TYPES) as WebhookEventType[];

/** Payload values: ids, codes, dates and figures; personal data stays behind the API. */
export type EventData = Record<string, string | number | boolean | null | string[]>;

export interface NewEvent {
  type: WebhookEventType;
  /** The debtor the event is about; events of one debtor reach each endpoint in the order written. */
  debtorId: string | null;
  subject: { type: string; id: string };
  data: EventData;
}

/**
 * Writes the event and one pending delivery per enabled endpoint subscribed to its type. Must run in
 * the business change's transaction: passing the pool handle would commit the event on its own.
 */
export async function recordEvent(trx: Transaction<Database>, tenantId: string, event: NewEvent): Promise<{ id: string; seq: string }> {
  const id = randomUUID();
  const row = await trx
    .insertInto('webhook_events')
    .values({ tenant_id: tenantId, id, type: event.type, debtor_id: event.debtorId, subject_type: event.subject.type, subject_id: event.subject.id, payload: JSON.stringify(event.data) })
    .returning(['seq'])
    .executeTakeFirstOrThrow();
  await sql`
    insert into webhook_deliveries (tenant_id, id, event_id, endpoint_id, debtor_id, event_seq, status, attempts, next_attempt_at)
    select e.tenant_id, gen_random_uuid(), ${id}, e.id, ${event.debtorId}, ${row.seq}, 'pending', 0, now()
    from webhook_endpoints e
    where e.tenant_id = ${tenantId} and e.enabled
      and (e.event_types @> '["*"]'::jsonb or e.event_types @> jsonb_build_array(${event.type}::text))`.execute(trx);
  return { id, seq: String(row.seq) };
}

/**
 * Runs fn in the caller's transaction when there is one, else in a new one: domain functions that may
 * be called either way (a route's transaction, a job on the pool) still write change and event together.
 */
export async function inTransaction<T>(db: Db, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return (db as Kysely<Database>).transaction().execute(fn);
}
