/**
 * Storing creditor data points: a batch is validated whole (shape, then meaning against what is
 * already stored) and written in one transaction, so a batch is either fully in or fully out.
 * Resending an event with the same eventId and content is a no-op; another event under a used id is
 * a conflict, because silently keeping either version would corrupt the debtor's history.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/database/connection.js';
import type { IsoDate } from '../platform/dates.js';
import { AppError, type FieldError } from '../platform/errors.js';
import { createOrGetDebtor, getDebtor } from '../debtors/debtor.service.js';
import { decodeCursor, encodeCursor, isRowId, ISO_DATE_PATTERN } from '../platform/database/keyset-cursor.js';
import type { DataPointBatch, DataPointEvent } from './data-point.schema.js';
import { validateDataPointBatch, type DataPointIssue, type KnownInvoice } from './data-point.validation.js';
import { deriveSignals, type DebtorSignals } from './derived-signals.js';

export interface DataPointBatchResult {
  accepted: number;
  duplicates: number;
  debtorsCreated: number;
}

/** Key order fixed, so the same event always hashes the same whatever order its JSON had. */
export function eventContentHash(event: DataPointEvent): string {
  const canonical = JSON.stringify(Object.fromEntries(Object.entries(event).sort(([a], [b]) => a.localeCompare(b))));
  return createHash('sha256').update(canonical).digest('hex');
}

function issuesToError(issues: DataPointIssue[]): AppError {
  const errors: FieldError[] = issues.map((i) => ({ in: 'body', pointer: i.pointer || '/', message: i.message, code: i.code }));
  return new AppError('unprocessable_entity', `${issues.length} data point(s) cannot be accepted; the first: ${issues[0]!.pointer} ${issues[0]!.message}`, { errors });
}

export async function ingestDataPoints(db: Db, tenantId: string, batch: DataPointBatch, context: { today: IsoDate; actorDebtorCreation?: boolean }): Promise<DataPointBatchResult> {
  // Same id twice in one batch with other content, or an already-stored id with other content: conflict.
  const eventIds = [...new Set(batch.events.map((e) => e.eventId))];
  const stored = await db.selectFrom('data_point_events').select(['event_id', 'content_hash']).where('tenant_id', '=', tenantId).where('event_id', 'in', eventIds).execute();
  const storedHash = new Map(stored.map((s) => [s.event_id, s.content_hash]));
  const conflicts: { pointer: string; message: string; code: string }[] = [];
  const fresh: { event: DataPointEvent; index: number; hash: string }[] = [];
  const seenInBatch = new Set<string>();
  batch.events.forEach((event, index) => {
    const hash = eventContentHash(event);
    const known = storedHash.get(event.eventId);
    if (known !== undefined) {
      if (known !== hash) conflicts.push({ pointer: `/events/${index}/eventId`, code: 'event_id_reused', message: `event ${event.eventId} was stored before with other content` });
      return;
    }
    if (seenInBatch.has(event.eventId)) return; // identical in-batch repeats are judged by the validator below
    seenInBatch.add(event.eventId);
    fresh.push({ event, index, hash });
  });
  if (conflicts.length > 0) {
    const first = conflicts[0]!;
    throw new AppError('idempotency_conflict', `${first.pointer}: ${first.message}`, { errors: conflicts.map((c) => ({ in: 'body', pointer: c.pointer, message: c.message, code: c.code })) });
  }

  const debtorRefs = [...new Set(batch.events.map((e) => e.debtorRef))];
  const debtorIds = new Map<string, string>();
  let debtorsCreated = 0;
  for (const ref of debtorRefs) {
    const { debtor, created } = await createOrGetDebtor(db, tenantId, { externalRef: ref });
    debtorIds.set(ref, debtor.id);
    if (created) debtorsCreated += 1;
  }

  const knownInvoiceRows = await db
    .selectFrom('data_point_events')
    .innerJoin('debtors', (j) => j.onRef('debtors.tenant_id', '=', 'data_point_events.tenant_id').onRef('debtors.id', '=', 'data_point_events.debtor_id'))
    .select(['data_point_events.invoice_id', 'debtors.external_ref', 'data_point_events.occurred_on', 'data_point_events.amount_cents'])
    .where('data_point_events.tenant_id', '=', tenantId)
    .where('data_point_events.type', '=', 'invoice_issued')
    .where('data_point_events.debtor_id', 'in', [...debtorIds.values()])
    .execute();
  const knownInvoices: KnownInvoice[] = knownInvoiceRows.map((r) => ({ invoiceId: r.invoice_id!, debtorRef: r.external_ref, issuedOn: r.occurred_on, amountCents: Number(r.amount_cents) }));
  // Events already stored are not validated again: their invoices are known, and they are no-ops.
  const issues = validateDataPointBatch({ events: fresh.map((f) => f.event) }, { today: context.today, knownInvoices }).map((issue) => {
    const original = issue.index === null ? null : fresh[issue.index]!.index;
    return { ...issue, index: original, pointer: original === null ? issue.pointer : issue.pointer.replace(/^\/events\/\d+/, `/events/${original}`) };
  });
  if (issues.length > 0) throw issuesToError(issues);

  if (fresh.length > 0) {
    const rows = fresh.map(({ event, hash }) => ({
      tenant_id: tenantId,
      event_id: event.eventId,
      debtor_id: debtorIds.get(event.debtorRef)!,
      type: event.type,
      occurred_on: event.occurredOn,
      invoice_id: 'invoiceId' in event && event.invoiceId ? event.invoiceId : null,
      amount_cents: 'amountCents' in event ? event.amountCents : null,
      payload: JSON.stringify(event),
      content_hash: hash,
    }));
    for (let start = 0; start < rows.length; start += 1000) {
      await db.insertInto('data_point_events').values(rows.slice(start, start + 1000)).execute();
    }
  }
  return { accepted: fresh.length, duplicates: batch.events.length - fresh.length, debtorsCreated };
}

export async function listDataPoints(db: Db, tenantId: string, debtorId: string, options: { asOf?: IsoDate } = {}): Promise<DataPointEvent[]> {
  await getDebtor(db, tenantId, debtorId);
  let query = db.selectFrom('data_point_events').select('payload').where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId);
  if (options.asOf) query = query.where('occurred_on', '<=', options.asOf);
  const rows = await query.orderBy('occurred_on').orderBy('id').execute();
  return rows.map((r) => r.payload);
}

/**
 * One batch of the debtor's data points after a keyset position (occurred_on, id), oldest first, for
 * reads that must stay small (the paged list, the streamed GDPR export). The debtor is not checked.
 */
export async function listDataPointsAfter(
  db: Db,
  tenantId: string,
  debtorId: string,
  options: { limit: number; after?: { occurredOn: IsoDate; id: number }; asOf?: IsoDate },
): Promise<{ event: DataPointEvent; position: { occurredOn: IsoDate; id: number } }[]> {
  let query = db.selectFrom('data_point_events').select(['payload', 'occurred_on', 'id']).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId);
  if (options.asOf) query = query.where('occurred_on', '<=', options.asOf);
  const after = options.after;
  if (after) query = query.where((eb) => eb.or([eb('occurred_on', '>', after.occurredOn), eb.and([eb('occurred_on', '=', after.occurredOn), eb('id', '>', after.id)])]));
  const rows = await query.orderBy('occurred_on').orderBy('id').limit(options.limit).execute();
  return rows.map((r) => ({ event: r.payload, position: { occurredOn: r.occurred_on, id: Number(r.id) } }));
}

/** A page of the debtor's data points, oldest first, after the keyset cursor of the previous page. */
export async function listDataPointsPage(
  db: Db,
  tenantId: string,
  debtorId: string,
  options: { limit: number; cursor?: string; asOf?: IsoDate },
): Promise<{ items: DataPointEvent[]; nextCursor: string | null }> {
  await getDebtor(db, tenantId, debtorId);
  const after = options.cursor ? decodeCursor(options.cursor, ISO_DATE_PATTERN, isRowId) : undefined;
  const rows = await listDataPointsAfter(db, tenantId, debtorId, {
    limit: options.limit + 1,
    ...(after ? { after: { occurredOn: after[0], id: after[1] } } : {}),
    ...(options.asOf ? { asOf: options.asOf } : {}),
  });
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return { items: page.map((r) => r.event), nextCursor: rows.length > options.limit && last ? encodeCursor([last.position.occurredOn, last.position.id]) : null };
}

/** The debtor's payment-behaviour signals as of a date, from events dated on or before it only. */
export async function signalsAsOf(db: Db, tenantId: string, debtorId: string, asOf: IsoDate): Promise<DebtorSignals> {
  const events = await listDataPoints(db, tenantId, debtorId, { asOf });
  return deriveSignals(events, asOf);
}

export async function countDataPoints(db: Db, tenantId: string, debtorId: string): Promise<number> {
  const row = await db.selectFrom('data_point_events').select(sql<number>`count(*)`.as('n')).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).executeTakeFirstOrThrow();
  return Number(row.n);
}
