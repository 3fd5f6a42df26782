/**
 * Who was answered with a remembered score: counted in memory per (tenant, score, key, day) and
 * written as one upsert per second (risk_score_servings), so a repeated score costs the database
 * nothing on its own path while every key that asked stays on record, per day, with a count and the
 * first and last time.
 *
 * The trade, said plainly: the score itself was stored durably when it was computed; what a crash of
 * this process can lose is at most the last flushMs of serving counts, never a score. A flush that
 * fails (database away) keeps its counts for the next one, up to maxPending rows; beyond that the
 * oldest are dropped and the loss is logged with its size.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/database/schema.js';

export interface ScoreServingsOptions {
  flushMs?: number;
  maxPending?: number;
  log?: { warn: (obj: object, msg: string) => void };
}

interface Pending {
  tenant: string;
  score: string;
  key: string;
  day: string;
  served: number;
  first_at: string;
  last_at: string;
}

export class ScoreServings {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly flushMs: number;
  private readonly maxPending: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: ScoreServingsOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 1_000;
    this.maxPending = options.maxPending ?? 100_000;
  }

  record(tenantId: string, scoreId: string, keyId: string, day: string, at = new Date()): void {
    const id = `${tenantId}|${scoreId}|${keyId}|${day}`;
    const now = at.toISOString();
    const row = this.pending.get(id);
    if (row) {
      row.served++;
      row.last_at = now;
    } else {
      this.pending.set(id, { tenant: tenantId, score: scoreId, key: keyId, day, served: 1, first_at: now, last_at: now });
      if (this.pending.size > this.maxPending) this.drop(this.pending.size - this.maxPending);
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushMs);
    this.timer.unref();
  }

  /** Writes what is pending (and waits for a flush already under way). Never throws. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.write([...batch.values()])
      .catch((error: unknown) => {
        // Kept for the next flush, merged with whatever arrived meanwhile.
        for (const [id, row] of batch) {
          const newer = this.pending.get(id);
          if (newer) {
            newer.served += row.served;
            newer.first_at = row.first_at;
          } else {
            this.pending.set(id, row);
          }
        }
        if (this.pending.size > this.maxPending) this.drop(this.pending.size - this.maxPending);
        this.options.log?.warn({ err: { message: (error as Error).message }, pending: this.pending.size }, 'risk score servings: flush failed; kept for the next one');
        this.scheduleFlush();
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private drop(count: number): void {
    const ids = [...this.pending.keys()].slice(0, count);
    for (const id of ids) this.pending.delete(id);
    this.options.log?.warn({ dropped: count }, 'risk score servings: too many pending; the oldest serving counts were dropped');
  }

  private async write(rows: readonly Pending[]): Promise<void> {
    // A score erased since it was served (debtor erased, retention) has nowhere to count: skipped.
    // Asynchronous commit, like the score records: these are counts, and a flush a second later
    // would carry them anyway.
    await sql`
      insert into risk_score_servings (tenant_id, score_id, requested_by, day, served, first_served_at, last_served_at)
      select r.tenant, r.score, r.key, r.day, r.served, r.first_at, r.last_at
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(tenant text, score uuid, key text, day date, served integer, first_at timestamptz, last_at timestamptz)
      cross join (select set_config('synchronous_commit', 'off', true)) as async_commit
      where exists (select 1 from risk_scores s where s.tenant_id = r.tenant and s.id = r.score)
      on conflict (tenant_id, score_id, requested_by, day) do update
        set served = risk_score_servings.served + excluded.served,
            first_served_at = least(risk_score_servings.first_served_at, excluded.first_served_at),
            last_served_at = greatest(risk_score_servings.last_served_at, excluded.last_served_at)`.execute(this.db);
  }
}
