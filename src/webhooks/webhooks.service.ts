/**
 * Endpoints, the delivery log and the outbox as the API shows them. Admins manage endpoints (the
 * secret is shown on create and on rotation only); admins and analysts read deliveries and events.
 */
import { isIP } from 'node:net';
import { isNonPublicAddress } from './guarded-transport.js';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/database/connection.js';
import { AppError, notFound } from '../platform/errors.js';
import { newWebhookSecret } from './signature.js';
import { WEBHOOK_EVENT_TYPE_NAMES, type WebhookEventType } from './events.js';
import type { DeliveryStatus, WebhookDeliveryRow, WebhookEndpointRow, WebhookEventRow } from './webhooks.table.js';

export interface WebhookEndpoint {
  id: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  createdAt: string;
  secretRotatedAt: string | null;
}

export interface WebhookEvent {
  id: string;
  seq: number;
  type: WebhookEventType;
  debtorId: string | null;
  subject: { type: string; id: string };
  data: Record<string, unknown>;
  occurredAt: string;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  debtorId: string | null;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

function toEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return { id: row.id, url: row.url, eventTypes: row.event_types, enabled: row.enabled, createdAt: iso(row.created_at)!, secretRotatedAt: iso(row.secret_rotated_at) };
}

export function toWebhookEvent(row: WebhookEventRow): WebhookEvent {
  return { id: row.id, seq: Number(row.seq), type: row.type as WebhookEventType, debtorId: row.debtor_id, subject: { type: row.subject_type, id: row.subject_id }, data: row.payload, occurredAt: iso(row.occurred_at)! };
}

function toDelivery(row: WebhookDeliveryRow & { event_type: string }): WebhookDelivery {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    endpointId: row.endpoint_id,
    debtorId: row.debtor_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    lastAttemptAt: iso(row.last_attempt_at),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: iso(row.delivered_at),
    createdAt: iso(row.created_at)!,
  };
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An IP literal outside the public internet (RFC 1918, loopback, link-local with the cloud metadata
 * address, CGNAT, unique-local IPv6, documentation and reserved ranges): refused when the endpoint is
 * registered. Host names are checked on the address actually connected to, at send time
 * (guarded-transport.ts).
 */
function isPrivateAddressLiteral(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  const literal = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return isIP(literal) !== 0 && isNonPublicAddress(literal);
}

/** https only, so payloads and signatures never cross a network in clear; plain http on this machine when allowed (development, tests). */
export function checkEndpointUrl(raw: string, allowHttpLocalhost: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('validation_failed', 'url is not a URL', { errors: [{ in: 'body', pointer: '/url', message: 'not a URL' }] });
  }
  const problem =
    isPrivateAddressLiteral(url.hostname) && !(allowHttpLocalhost && LOCAL_HOSTS.has(url.hostname))
      ? 'addresses in private, loopback or link-local ranges are refused'
      : url.username !== '' || url.password !== ''
      ? 'credentials in the URL are refused; the signature authenticates the sender'
      : url.hash !== ''
        ? 'a fragment is never sent; leave it out'
        : url.protocol === 'https:'
          ? null
          : url.protocol === 'http:' && allowHttpLocalhost && LOCAL_HOSTS.has(url.hostname)
            ? null
            : allowHttpLocalhost
              ? 'only https URLs (or http on localhost) are accepted'
              : 'only https URLs are accepted';
  if (problem) throw new AppError('validation_failed', `url: ${problem}`, { errors: [{ in: 'body', pointer: '/url', message: problem }] });
  return url.toString();
}

function checkEventTypes(types: string[]): string[] {
  const unique = [...new Set(types)];
  if (unique.includes('*')) {
    if (unique.length > 1) throw new AppError('validation_failed', 'eventTypes: "*" stands alone', { errors: [{ in: 'body', pointer: '/eventTypes', message: '"*" already means every type' }] });
    return unique;
  }
  unique.forEach((type, i) => {
    if (!WEBHOOK_EVENT_TYPE_NAMES.includes(type as WebhookEventType)) {
      throw new AppError('validation_failed', `eventTypes: unknown type ${type}`, { errors: [{ in: 'body', pointer: `/eventTypes/${i}`, message: `one of *, ${WEBHOOK_EVENT_TYPE_NAMES.join(', ')}` }] });
    }
  });
  return unique;
}

export async function createEndpoint(db: Db, tenantId: string, input: { url: string; eventTypes: string[]; enabled?: boolean }, options: { allowHttpLocalhost: boolean }): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const url = checkEndpointUrl(input.url, options.allowHttpLocalhost);
  const eventTypes = checkEventTypes(input.eventTypes);
  const secret = newWebhookSecret();
  const row = await db
    .insertInto('webhook_endpoints')
    .values({ tenant_id: tenantId, id: randomUUID(), url, secret, event_types: JSON.stringify(eventTypes), enabled: input.enabled ?? true })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { endpoint: toEndpoint(row), secret };
}

export async function listEndpoints(db: Db, tenantId: string): Promise<WebhookEndpoint[]> {
  const rows = await db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toEndpoint);
}

async function endpointRow(db: Db, tenantId: string, endpointId: string): Promise<WebhookEndpointRow> {
  const row = await db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId).where('id', '=', endpointId).executeTakeFirst();
  if (!row) throw notFound(`webhook endpoint ${endpointId}`);
  return row;
}

/** Deletes the endpoint with its delivery log; pending deliveries to it are dropped, the events stay in the outbox. */
export async function deleteEndpoint(db: Db, tenantId: string, endpointId: string): Promise<void> {
  const result = await db.deleteFrom('webhook_endpoints').where('tenant_id', '=', tenantId).where('id', '=', endpointId).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound(`webhook endpoint ${endpointId}`);
}

/**
 * Changes an endpoint's URL, event types or enabled flag. A disabled endpoint gets no deliveries for
 * events written meanwhile, and its pending deliveries wait (the dispatcher skips them) until it is
 * enabled again: disabling is how an admin pauses a receiver under maintenance without losing events.
 */
export async function updateEndpoint(db: Db, tenantId: string, endpointId: string, input: { url?: string; eventTypes?: string[]; enabled?: boolean }, options: { allowHttpLocalhost: boolean }): Promise<WebhookEndpoint> {
  await endpointRow(db, tenantId, endpointId);
  const changes: { url?: string; event_types?: string; enabled?: boolean } = {};
  if (input.url !== undefined) changes.url = checkEndpointUrl(input.url, options.allowHttpLocalhost);
  if (input.eventTypes !== undefined) changes.event_types = JSON.stringify(checkEventTypes(input.eventTypes));
  if (input.enabled !== undefined) changes.enabled = input.enabled;
  if (Object.keys(changes).length === 0) return toEndpoint(await endpointRow(db, tenantId, endpointId));
  const row = await db.updateTable('webhook_endpoints').set(changes).where('tenant_id', '=', tenantId).where('id', '=', endpointId).returningAll().executeTakeFirstOrThrow();
  return toEndpoint(row);
}

/** A new secret, effective for every attempt from now on (pending retries included); the old one stops at once. */
/**
 * A new secret signs from now on. The old one keeps signing beside it for `overlapHours` (0: not at
 * all), so the receiver can deploy the new secret without refusing events in between. A second
 * rotation within the overlap keeps only the secret it replaces: at most two signatures per attempt.
 */
export async function rotateEndpointSecret(db: Db, tenantId: string, endpointId: string, options: { overlapHours: number }): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  await endpointRow(db, tenantId, endpointId);
  const secret = newWebhookSecret();
  const overlap = options.overlapHours > 0;
  const row = await db
    .updateTable('webhook_endpoints')
    .set({
      secret,
      secret_rotated_at: sql<Date>`now()`,
      previous_secret: overlap ? sql<string>`secret` : null,
      previous_secret_until: overlap ? sql<Date>`now() + make_interval(hours => ${options.overlapHours})` : null,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', endpointId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { endpoint: toEndpoint(row), secret };
}

export interface WebhookRetention {
  /** Delivered deliveries, and events with nothing left to send, are kept this long. */
  deliveredDays: number;
  /** Dead deliveries wait for an operator (retry) this long before they go too. */
  deadDays: number;
}

/**
 * The retention purge of one tenant's webhook history: delivered deliveries older than the
 * retention, dead ones older than the (longer) dead-letter retention, and events that no longer have
 * a delivery and are older than the retention. A pending delivery and its event are never touched:
 * the outbox promise (every committed event is sent) outranks retention.
 */
export async function purgeWebhookHistory(db: Db, tenantId: string, now: Date, retention: WebhookRetention): Promise<{ deliveries: number; events: number }> {
  const deliveredBefore = new Date(now.getTime() - retention.deliveredDays * 86_400_000);
  const deadBefore = new Date(now.getTime() - retention.deadDays * 86_400_000);
  const delivered = await db.deleteFrom('webhook_deliveries').where('tenant_id', '=', tenantId).where('status', '=', 'delivered').where('delivered_at', '<', deliveredBefore).executeTakeFirst();
  const dead = await db.deleteFrom('webhook_deliveries').where('tenant_id', '=', tenantId).where('status', '=', 'dead').where('created_at', '<', deadBefore).executeTakeFirst();
  const events = await db
    .deleteFrom('webhook_events as e')
    .where('e.tenant_id', '=', tenantId)
    .where('e.occurred_at', '<', deliveredBefore)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.tenant_id', '=', 'e.tenant_id').whereRef('d.event_id', '=', 'e.id'))))
    .executeTakeFirst();
  return { deliveries: Number(delivered.numDeletedRows) + Number(dead.numDeletedRows), events: Number(events.numDeletedRows) };
}

/** Cursors are the last item's event seq: stable under inserts (new events get higher seqs). */
function decodeCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  if (!/^\d{1,18}$/.test(cursor)) throw new AppError('invalid_parameter', 'cursor is not one this API gave out', { errors: [{ in: 'query', pointer: '/cursor', message: 'not a cursor' }] });
  return Number(cursor);
}

/** The delivery log of one endpoint, newest event first. */
export async function listDeliveries(db: Db, tenantId: string, endpointId: string, options: { status?: DeliveryStatus; limit: number; cursor?: string }): Promise<{ items: WebhookDelivery[]; nextCursor: string | null }> {
  await endpointRow(db, tenantId, endpointId);
  const before = decodeCursor(options.cursor);
  let query = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', (join) => join.onRef('e.tenant_id', '=', 'd.tenant_id').onRef('e.id', '=', 'd.event_id'))
    .selectAll('d')
    .select('e.type as event_type')
    .where('d.tenant_id', '=', tenantId)
    .where('d.endpoint_id', '=', endpointId);
  if (options.status) query = query.where('d.status', '=', options.status);
  if (before !== null) query = query.where('d.event_seq', '<', String(before));
  const rows = await query.orderBy('d.event_seq', 'desc').limit(options.limit + 1).execute();
  const items = rows.slice(0, options.limit).map(toDelivery);
  return { items, nextCursor: rows.length > options.limit ? String(rows[options.limit - 1]!.event_seq) : null };
}

/** Puts a dead delivery back in the queue with a fresh retry schedule; it is due at once. */
export async function retryDelivery(db: Db, tenantId: string, deliveryId: string): Promise<WebhookDelivery> {
  const row = await db.selectFrom('webhook_deliveries').select('status').where('tenant_id', '=', tenantId).where('id', '=', deliveryId).forUpdate().executeTakeFirst();
  if (!row) throw notFound(`webhook delivery ${deliveryId}`);
  if (row.status !== 'dead') throw new AppError('invalid_state', `the delivery is ${row.status}; only a dead delivery can be retried`);
  await db.updateTable('webhook_deliveries').set({ status: 'pending', attempts: 0, next_attempt_at: sql<Date>`now()` }).where('tenant_id', '=', tenantId).where('id', '=', deliveryId).execute();
  const updated = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', (join) => join.onRef('e.tenant_id', '=', 'd.tenant_id').onRef('e.id', '=', 'd.event_id'))
    .selectAll('d')
    .select('e.type as event_type')
    .where('d.tenant_id', '=', tenantId)
    .where('d.id', '=', deliveryId)
    .executeTakeFirstOrThrow();
  return toDelivery(updated);
}

/** The tenant's outbox, newest first. */
export async function listEvents(db: Db, tenantId: string, options: { type?: string; debtorId?: string; limit: number; cursor?: string }): Promise<{ items: WebhookEvent[]; nextCursor: string | null }> {
  const before = decodeCursor(options.cursor);
  let query = db.selectFrom('webhook_events').selectAll().where('tenant_id', '=', tenantId);
  if (options.type) query = query.where('type', '=', options.type);
  if (options.debtorId) query = query.where('debtor_id', '=', options.debtorId);
  if (before !== null) query = query.where('seq', '<', String(before) as never);
  const rows = await query.orderBy('seq', 'desc').limit(options.limit + 1).execute();
  const items = rows.slice(0, options.limit).map(toWebhookEvent);
  return { items, nextCursor: rows.length > options.limit ? String(rows[options.limit - 1]!.seq) : null };
}

/** The debtor's events for a GDPR export (a few per month of collections: one read). */
export async function exportDebtorWebhookEvents(db: Db, tenantId: string, debtorId: string): Promise<WebhookEvent[]> {
  const rows = await db.selectFrom('webhook_events').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).orderBy('seq').execute();
  return rows.map(toWebhookEvent);
}
