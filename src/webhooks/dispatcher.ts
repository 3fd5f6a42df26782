/**
 * Sends the outbox. Each round takes due deliveries, POSTs the signed event to the endpoint, and
 * records the outcome: a 2xx answer delivers it; anything else (another status, a refused connection,
 * a timeout) schedules the next attempt after the configured wait plus jitter, and after the last
 * wait the delivery is dead (an admin can put it back with POST /v1/webhook-deliveries/:id/retry).
 *
 * Taking deliveries: one short transaction selects due rows FOR UPDATE SKIP LOCKED and moves their
 * next_attempt_at forward by a lease before committing; the HTTP call happens outside any transaction
 * (a slow receiver must not hold a connection and row locks). Two dispatchers never take the same row,
 * and a dispatcher that dies mid-send leaves the row pending: it is due again when the lease ends. So
 * delivery is at-least-once; receivers deduplicate on webhook-id, which is the event id on every attempt.
 * On PGlite (one connection, one process) the same statements are trivially correct.
 *
 * Order per debtor: a delivery is not due while an earlier event (lower seq) of the same debtor to the
 * same endpoint is still pending, whatever its next_attempt_at. A dead delivery no longer blocks: the
 * debtor's later events go on, and the gap is visible in the delivery log (and can be retried). Waiting
 * for ever behind a dead event would stop every later event of that debtor for a single bad one.
 * Events without a debtor (model.promoted) are not ordered. Deliveries to a disabled endpoint wait.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/database/schema.js';
import { webhookHeaders } from './signature.js';
import { guardedFetch } from './guarded-transport.js';
import { metrics } from '../platform/metrics.js';

export interface DispatcherOptions {
  db: Kysely<Database>;
  /** Seconds to wait after the 1st, 2nd, … failure; after the last one the delivery is dead. */
  retryScheduleSeconds: readonly number[];
  timeoutMs: number;
  batchSize: number;
  pollMs: number;
  /** Injectable for tests: the clock that decides what is due and stamps attempts. */
  now?: () => Date;
  /** The transport; by default guardedFetch, which connects to public internet addresses only. */
  fetch?: typeof fetch;
  /** Let the default transport reach loopback for endpoints on localhost (WEBHOOK_ALLOW_HTTP_LOCALHOST). */
  allowHttpLocalhost?: boolean;
  /** In [0, 1): spreads retries so a receiver coming back is not hit by every delivery at once. */
  random?: () => number;
  log?: { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };
}

export interface RoundResult {
  attempted: number;
  delivered: number;
  failed: number;
  dead: number;
}

/** Jitter: each wait is lengthened by up to this fraction. */
const JITTER = 0.1;
/** The lease beyond the timeout: time to record the outcome after the receiver answered. */
const LEASE_MARGIN_MS = 30_000;
const MAX_ERROR_LENGTH = 500;

export function parseRetrySchedule(text: string): number[] {
  const seconds = text.split(',').map((part) => Number(part.trim()));
  if (seconds.length === 0 || seconds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`retry schedule must be comma-separated whole seconds, got ${JSON.stringify(text)}`);
  return seconds;
}

interface Claimed {
  tenant_id: string;
  id: string;
  event_id: string;
  attempts: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Date | string | null;
  type: string;
  debtor_id: string | null;
  subject_type: string;
  subject_id: string;
  payload: Record<string, unknown>;
  occurred_at: Date | string;
}

/** The current secret, and the one before the last rotation while its overlap lasts. */
function signingSecrets(delivery: Pick<Claimed, 'secret' | 'previous_secret' | 'previous_secret_until'>, at: Date): string[] {
  const { secret, previous_secret: previous, previous_secret_until: until } = delivery;
  if (previous === null || until === null || new Date(until).getTime() <= at.getTime()) return [secret];
  return [secret, previous];
}

export class WebhookDispatcher {
  private readonly now: () => Date;
  private readonly fetchFn: typeof fetch;
  private readonly random: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(private readonly options: DispatcherOptions) {
    this.now = options.now ?? (() => new Date());
    this.fetchFn = options.fetch ?? guardedFetch({ allowLoopback: options.allowHttpLocalhost ?? false });
    this.random = options.random ?? Math.random;
  }

  /** One round: take up to batchSize due deliveries and attempt each (side by side: at most one per debtor and endpoint). */
  async runOnce(): Promise<RoundResult> {
    const claimed = await this.claim();
    const result: RoundResult = { attempted: claimed.length, delivered: 0, failed: 0, dead: 0 };
    const outcomes = await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
    for (const [i, outcome] of outcomes.entries()) metrics.webhookDeliveries.inc({ event: claimed[i]!.type, outcome: outcome === 'dead' ? 'gave_up' : outcome });
    for (const outcome of outcomes) result[outcome] += 1;
    return result;
  }

  /** Rounds until nothing is due at the current clock (tests, and a catch-up after downtime). */
  async drain(maxRounds = 1000): Promise<RoundResult> {
    const total: RoundResult = { attempted: 0, delivered: 0, failed: 0, dead: 0 };
    for (let round = 0; round < maxRounds; round += 1) {
      const result = await this.runOnce();
      if (result.attempted === 0) break;
      for (const key of Object.keys(total) as (keyof RoundResult)[]) total[key] += result[key];
    }
    return total;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the round in flight, so its outcomes are recorded before the database closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().then(
        // A full batch means more may be due: go again at once; otherwise wait for the poll interval.
        (result) => this.schedule(result.attempted >= this.options.batchSize ? 0 : this.options.pollMs),
        (error: unknown) => {
          this.options.log?.error({ err: error }, 'webhook dispatch round failed');
          this.schedule(this.options.pollMs);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  private async claim(): Promise<Claimed[]> {
    const now = this.now();
    const leaseUntil = new Date(now.getTime() + this.options.timeoutMs + LEASE_MARGIN_MS);
    return this.options.db.transaction().execute(async (trx) => {
      const due = await sql<{ tenant_id: string; id: string }>`
        select d.tenant_id, d.id
        from webhook_deliveries d
        where d.status = 'pending' and d.next_attempt_at <= ${now}
          and exists (select 1 from webhook_endpoints e where e.tenant_id = d.tenant_id and e.id = d.endpoint_id and e.enabled)
          and not exists (
            select 1 from webhook_deliveries p
            where p.tenant_id = d.tenant_id and p.endpoint_id = d.endpoint_id and p.debtor_id = d.debtor_id
              and p.status = 'pending' and p.event_seq < d.event_seq)
        order by d.next_attempt_at, d.event_seq
        limit ${this.options.batchSize}
        for update of d skip locked`.execute(trx);
      if (due.rows.length === 0) return [];
      const keys = due.rows.map((r) => sql`(${r.tenant_id}, ${r.id}::uuid)`);
      const claimed = await sql<Claimed>`
        update webhook_deliveries d set next_attempt_at = ${leaseUntil}
        from webhook_events e, webhook_endpoints p
        where (d.tenant_id, d.id) in (${sql.join(keys)})
          and e.tenant_id = d.tenant_id and e.id = d.event_id
          and p.tenant_id = d.tenant_id and p.id = d.endpoint_id
        returning d.tenant_id, d.id, d.event_id, d.attempts, p.url, p.secret, p.previous_secret, p.previous_secret_until, e.type, e.debtor_id, e.subject_type, e.subject_id, e.payload, e.occurred_at`.execute(trx);
      return claimed.rows;
    });
  }

  private async attempt(delivery: Claimed): Promise<'delivered' | 'failed' | 'dead'> {
    const body = JSON.stringify({
      id: delivery.event_id,
      type: delivery.type,
      timestamp: new Date(delivery.occurred_at).toISOString(),
      data: { debtorId: delivery.debtor_id, subject: { type: delivery.subject_type, id: delivery.subject_id }, ...delivery.payload },
    });
    const sentAt = this.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await this.fetchFn(delivery.url, {
        method: 'POST',
        headers: { ...webhookHeaders(signingSecrets(delivery, sentAt), delivery.event_id, Math.floor(sentAt.getTime() / 1000), body), 'user-agent': 'draagkracht-webhooks' },
        body,
        // A redirect is a failure: following it would send the signed event to an address nobody registered.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      statusCode = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (statusCode < 200 || statusCode > 299) error = `HTTP ${statusCode}`;
    } catch (caught) {
      const cause = caught instanceof Error && caught.cause instanceof Error ? `: ${caught.cause.message}` : '';
      error = caught instanceof Error ? `${caught.name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : caught.message}${cause}` : String(caught);
    }
    const finishedAt = this.now();
    const attempts = delivery.attempts + 1;
    const base = this.options.db
      .updateTable('webhook_deliveries')
      .where('tenant_id', '=', delivery.tenant_id)
      .where('id', '=', delivery.id)
      .where('status', '=', 'pending');
    if (error === null) {
      await base.set({ status: 'delivered', attempts, last_attempt_at: sentAt, last_status_code: statusCode, last_error: null, delivered_at: finishedAt }).execute();
      return 'delivered';
    }
    const wait = this.options.retryScheduleSeconds[attempts - 1];
    if (wait === undefined) {
      this.options.log?.warn({ deliveryId: delivery.id, eventId: delivery.event_id, attempts, error }, 'webhook delivery is dead after its last attempt');
      await base.set({ status: 'dead', attempts, last_attempt_at: sentAt, last_status_code: statusCode, last_error: error.slice(0, MAX_ERROR_LENGTH) }).execute();
      return 'dead';
    }
    const next = new Date(finishedAt.getTime() + Math.round(wait * 1000 * (1 + JITTER * this.random())));
    await base.set({ attempts, next_attempt_at: next, last_attempt_at: sentAt, last_status_code: statusCode, last_error: error.slice(0, MAX_ERROR_LENGTH) }).execute();
    return 'failed';
  }
}
