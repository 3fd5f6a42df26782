/**
 * Scheduled work that runs exactly once across any number of instances, coordinated through the
 * database alone (so it works on PGlite in tests and on PostgreSQL in production, without a queue
 * product).
 *
 * - Every instance keeps the same node-cron schedules. A tick inserts (job, slot) into job_runs with
 *   ON CONFLICT DO NOTHING: the slot is the scheduled time, the same on every instance, so exactly one
 *   insert wins and only its instance plans the run.
 * - Planning splits the run into parts (per tenant, per batch) stored in job_run_parts in the same
 *   transaction that marks the run running, so a run is either unplanned or fully planned.
 * - Every instance (on its tick and on a poll loop) claims parts one at a time with
 *   UPDATE … WHERE key = (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1): two instances never take the
 *   same part, and a single statement is also correct on PGlite's one connection.
 * - A claimed part is leased; a heartbeat extends the lease while the part runs. A part whose lease
 *   ran out (its instance died or hung) is claimable again; attempts are counted and after
 *   maxAttempts the part is failed. Every write about a part names the instance and attempt that
 *   claimed it, so an instance that comes back after being replaced cannot overwrite the result.
 * - Parts are therefore run at least once and recorded exactly once: job bodies are idempotent
 *   (expiring, purging, re-scoring, re-matching), which is what makes a takeover safe.
 * - The run finishes when its last part does: finishing a part locks the run row first, so two
 *   instances finishing the last two parts at the same moment cannot both miss the end.
 *
 * Domain code: no Fastify. The scheduler and the clock are injectable so tests fire slots and move
 * time themselves.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import cron from 'node-cron';
import type { Database } from '../platform/database/schema.js';
import type { JobRunPartRow } from './jobs.table.js';
import { metrics } from '../platform/metrics.js';

/** The tenant id of service-wide parts: tenant ids start with a letter or digit, so no tenant has it. */
export const SERVICE_TENANT = '_service';
/** Errors are stored for operators; the columns hold at most 1000 characters. */
const MAX_ERROR_CHARS = 1000;
/** Parts inserted per statement when a run is planned (bounded parameters per statement). */
const PART_INSERT_CHUNK = 500;

export interface JobLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** What a part reports: counts only (never names or amounts of a person). */
export type JobTotals = Record<string, number>;

export interface PlannedPart {
  tenantId: string;
  /** Unique within the run; deterministic so a re-plan after a planner died inserts the same parts. */
  key: string;
  /** What the part works on (JSON), e.g. a batch of debtor ids. */
  input?: unknown;
}

export interface ClaimedPart {
  runId: string;
  job: string;
  slot: Date;
  tenantId: string;
  key: string;
  input: unknown;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when this instance lost the lease (another instance took the part over): stop early, the result would be discarded. */
  signal: AbortSignal;
}

export interface JobDefinition {
  name: string;
  /** node-cron expression (five or six fields), in `timezone`. */
  cron: string;
  timezone: string;
  plan(slot: Date): Promise<PlannedPart[]>;
  runPart(part: ClaimedPart): Promise<JobTotals>;
  /**
   * A slot to claim when the runner starts, for jobs that must catch up after a stop (consent expiry:
   * a consent must not outlive its last day by more than the schedule's interval). Every instance
   * computes the same slot from the time, so a restart of several instances still runs it once.
   */
  startSlot?(now: Date): Date;
}

/** What a schedule returns: something to stop. node-cron's ScheduledTask fits. */
export interface ScheduledTick {
  stop(): void | Promise<void>;
}

/** Calls tick at each scheduled time with that time (the slot); a tick without one uses the runner's clock. */
export type SlotScheduler = (expression: string, tick: (slot?: Date) => void, options: { name: string; timezone: string }) => ScheduledTick;

/** node-cron passes the matched time in its context: the slot, identical on every instance. */
export const cronSlotScheduler: SlotScheduler = (expression, tick, options) => cron.schedule(expression, (context) => tick(context.date), options);

export interface JobRunnerOptions {
  /** Default: random per process (host name is not enough: two processes may share a host). */
  instanceId?: string;
  /** How long a claim holds without a heartbeat before another instance may take the part over. */
  leaseMs: number;
  /** Default: a third of the lease, so two missed heartbeats still keep the part. */
  heartbeatMs?: number;
  /** How often an instance looks for claimable parts between its own ticks. */
  pollMs: number;
  /** Attempts per part (and per planning) before it is failed. */
  maxAttempts: number;
  clock?: () => Date;
  log: JobLogger;
}

export interface TickResult {
  /** The run for the slot, whoever claimed it. */
  runId: string | null;
  /** Whether this instance claimed (and planned) it. */
  claimed: boolean;
}

/** A slot is kept to the second: node-cron's finest resolution, and what every instance agrees on. */
export function toSlot(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 1000) * 1000);
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_ERROR_CHARS);
}

export class JobRunner {
  readonly instanceId: string;
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly clock: () => Date;
  private readonly heartbeatMs: number;
  private tasks: ScheduledTick[] = [];
  private pollTimer: NodeJS.Timeout | null = null;
  private working: Promise<void> | null = null;
  /** Set when work is asked for during a drain, so parts planned meanwhile are not left to the next poll. */
  private wanted = false;
  private stopped = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: JobRunnerOptions,
  ) {
    this.instanceId = options.instanceId ?? `instance-${randomBytes(6).toString('hex')}`;
    this.clock = options.clock ?? (() => new Date());
    this.heartbeatMs = options.heartbeatMs ?? Math.max(10, Math.floor(options.leaseMs / 3));
  }

  register(job: JobDefinition): void {
    // Checked at registration (startup), not when the schedule would first fire.
    if (!cron.validate(job.cron)) throw new Error(`job ${job.name}: not a cron expression (${JSON.stringify(job.cron)})`);
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} is registered twice`);
    this.jobs.set(job.name, job);
  }

  get jobNames(): string[] {
    return [...this.jobs.keys()];
  }

  /** Starts the schedules, the catch-up slots and the poll loop. */
  start(options: { scheduler?: SlotScheduler } = {}): void {
    if (this.stopped) throw new Error('a stopped job runner cannot start again');
    const scheduler = options.scheduler ?? cronSlotScheduler;
    for (const job of this.jobs.values()) {
      this.tasks.push(scheduler(job.cron, (slot) => void this.tickLogged(job.name, slot ?? this.clock()), { name: job.name, timezone: job.timezone }));
      if (job.startSlot) void this.tickLogged(job.name, job.startSlot(this.clock()));
    }
    this.pollTimer = setInterval(() => void this.work().catch((error: unknown) => this.options.log.error({ err: error }, 'job poll failed')), this.options.pollMs);
    this.pollTimer.unref();
  }

  /** Claims the job's slot (only one instance wins), plans it when won, then works on claimable parts. */
  async tick(jobName: string, at: Date): Promise<TickResult> {
    const job = this.jobs.get(jobName);
    if (!job) throw new Error(`no job ${jobName} is registered`);
    if (this.stopped) return { runId: null, claimed: false };
    const slot = toSlot(at);
    const now = this.clock();
    const runId = randomUUID();
    const inserted = await this.db
      .insertInto('job_runs')
      .values({ id: runId, job: job.name, slot, status: 'queued', instance_id: this.instanceId, started_at: now, heartbeat_at: now })
      .onConflict((oc) => oc.columns(['job', 'slot']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) {
      this.options.log.info({ job: job.name, slot: slot.toISOString(), runId, instance: this.instanceId }, 'job run claimed');
      await this.plan(job, runId, slot, 1);
    }
    await this.work();
    if (inserted) return { runId, claimed: true };
    const existing = await this.db.selectFrom('job_runs').select('id').where('job', '=', job.name).where('slot', '=', slot).executeTakeFirst();
    return { runId: existing?.id ?? null, claimed: false };
  }

  /**
   * Works until no part is claimable (and no stale run needs a new planner); resolves when done.
   * One drain at a time per instance: a call during a drain joins it, and the drain looks once more.
   */
  work(): Promise<void> {
    if (this.stopped) return this.working ?? Promise.resolve();
    this.wanted = true;
    this.working ??= (async () => {
      try {
        while (this.wanted && !this.stopped) {
          this.wanted = false;
          await this.sweep();
          while (!this.stopped) {
            const part = await this.claimPart();
            if (!part) break;
            await this.runClaimed(part);
          }
        }
      } finally {
        this.working = null;
      }
    })();
    return this.working;
  }

  /** Ends the schedules and the poll loop and waits for the part in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    await Promise.all(this.tasks.map((t) => t.stop()));
    this.tasks = [];
    // A drain that failed (the database went away) was logged by whoever started it; stopping must not throw.
    await this.working?.catch(() => undefined);
  }

  private async tickLogged(jobName: string, at: Date): Promise<void> {
    try {
      await this.tick(jobName, at);
    } catch (error) {
      this.options.log.error({ err: error, job: jobName }, 'job tick failed');
    }
  }

  /**
   * Plans a claimed run: the parts and the run's new status in one transaction, and only if this
   * instance still holds the planning (same instance and attempt): a planner that was taken for dead
   * and comes back must not plan a second time.
   */
  private async plan(job: JobDefinition, runId: string, slot: Date, attempt: number): Promise<void> {
    const beat = setInterval(() => {
      void this.db
        .updateTable('job_runs')
        .set({ heartbeat_at: this.clock() })
        .where('id', '=', runId)
        .where('status', '=', 'queued')
        .where('instance_id', '=', this.instanceId)
        .where('attempts', '=', attempt)
        .execute()
        .catch((error: unknown) => this.options.log.error({ err: error, runId }, 'job planning heartbeat failed'));
    }, this.heartbeatMs);
    beat.unref();
    try {
      const parts = await job.plan(slot);
      const keys = new Set<string>();
      for (const part of parts) {
        const id = `${part.tenantId}/${part.key}`;
        if (keys.has(id)) throw new Error(`job ${job.name} planned part ${id} twice`);
        keys.add(id);
      }
      const now = this.clock();
      await this.db.transaction().execute(async (trx) => {
        const held = await trx
          .updateTable('job_runs')
          .set(parts.length > 0 ? { status: 'running', parts_total: parts.length, heartbeat_at: now, error: null } : { status: 'succeeded', parts_total: 0, heartbeat_at: now, finished_at: now, error: null })
          .where('id', '=', runId)
          .where('status', '=', 'queued')
          .where('instance_id', '=', this.instanceId)
          .where('attempts', '=', attempt)
          .returning('id')
          .executeTakeFirst();
        if (!held) throw new PlanningLost();
        for (let i = 0; i < parts.length; i += PART_INSERT_CHUNK) {
          await trx
            .insertInto('job_run_parts')
            .values(
              parts.slice(i, i + PART_INSERT_CHUNK).map((p) => ({
                tenant_id: p.tenantId,
                run_id: runId,
                part_key: p.key,
                job: job.name,
                slot,
                status: 'queued' as const,
                input: JSON.stringify(p.input ?? {}),
              })),
            )
            .onConflict((oc) => oc.columns(['tenant_id', 'run_id', 'part_key']).doNothing())
            .execute();
        }
      });
      this.options.log.info({ job: job.name, runId, parts: parts.length }, 'job run planned');
    } catch (error) {
      if (error instanceof PlanningLost) return;
      // Failed planning is retried by the stale-run sweep (any instance) until maxAttempts; the run's
      // heartbeat is set back so the sweep sees it as stale at once.
      const failed = attempt >= this.options.maxAttempts;
      const now = this.clock();
      await this.db
        .updateTable('job_runs')
        .set(failed ? { status: 'failed', error: errorText(error), finished_at: now } : { error: errorText(error), heartbeat_at: new Date(now.getTime() - this.options.leaseMs - 1) })
        .where('id', '=', runId)
        .where('status', '=', 'queued')
        .where('instance_id', '=', this.instanceId)
        .where('attempts', '=', attempt)
        .execute();
      this.options.log.error({ err: error, job: job.name, runId, attempt }, failed ? 'job run planning failed for good' : 'job run planning failed; another attempt follows');
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * Before claiming: fails parts whose lease ran out on their last attempt, takes over the planning
   * of runs whose planner died, and finishes runs with no open part left (a crash between a part's
   * end and the run's end leaves such a run; this heals it).
   */
  private async sweep(): Promise<void> {
    const names = this.jobNames;
    if (names.length === 0) return;
    const now = this.clock();
    const expired = await this.db
      .updateTable('job_run_parts')
      .set({ status: 'failed', finished_at: now, error: 'lease expired: the instance working on the part stopped (last attempt)' })
      .where('job', 'in', names)
      .where('status', '=', 'running')
      .where('lease_until', '<', now)
      .where('attempts', '>=', this.options.maxAttempts)
      .returning('run_id')
      .execute();
    for (const { run_id } of expired) this.options.log.error({ runId: run_id }, 'job part failed: lease expired on its last attempt');

    const staleBefore = new Date(now.getTime() - this.options.leaseMs);
    const stale = await this.db
      .updateTable('job_runs')
      .set((eb) => ({ instance_id: this.instanceId, heartbeat_at: now, attempts: eb('attempts', '+', 1) }))
      .where('job', 'in', names)
      .where('status', '=', 'queued')
      .where('heartbeat_at', '<', staleBefore)
      .where('attempts', '<', this.options.maxAttempts)
      .returning(['id', 'job', 'slot', 'attempts'])
      .execute();
    for (const run of stale) {
      this.options.log.info({ job: run.job, runId: run.id, attempt: run.attempts }, 'job run planning taken over');
      await this.plan(this.jobs.get(run.job)!, run.id, run.slot, run.attempts);
    }
    await this.db
      .updateTable('job_runs')
      .set({ status: 'failed', finished_at: now, error: 'planning did not finish after the last attempt' })
      .where('job', 'in', names)
      .where('status', '=', 'queued')
      .where('heartbeat_at', '<', staleBefore)
      .where('attempts', '>=', this.options.maxAttempts)
      .execute();

    const open = await this.db
      .selectFrom('job_runs as r')
      .select('r.id')
      .where('r.status', '=', 'running')
      .where('r.job', 'in', names)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('job_run_parts as p').select('p.part_key').whereRef('p.run_id', '=', 'r.id').where('p.status', 'in', ['queued', 'running']))))
      .execute();
    for (const run of open) await this.db.transaction().execute(async (trx) => this.completeRunIfDone(trx, run.id));
  }

  private async claimPart(): Promise<JobRunPartRow | null> {
    const names = this.jobNames;
    if (names.length === 0) return null;
    const now = this.clock();
    const leaseUntil = new Date(now.getTime() + this.options.leaseMs);
    // One statement: the inner SELECT locks one claimable row and skips rows other instances are
    // claiming; the outer UPDATE re-checks the condition on the locked row. Oldest slot first.
    const result = await sql<JobRunPartRow>`
      update job_run_parts p
      set status = 'running', instance_id = ${this.instanceId}, lease_until = ${leaseUntil}, attempts = p.attempts + 1,
          started_at = coalesce(p.started_at, ${now})
      from (
        select tenant_id, run_id, part_key from job_run_parts
        where job in (${sql.join(names)})
          and (status = 'queued' or (status = 'running' and lease_until < ${now}))
          and attempts < ${this.options.maxAttempts}
        order by slot, run_id, tenant_id, part_key
        limit 1
        for update skip locked
      ) c
      where p.tenant_id = c.tenant_id and p.run_id = c.run_id and p.part_key = c.part_key
        and (p.status = 'queued' or (p.status = 'running' and p.lease_until < ${now}))
      returning p.*`.execute(this.db);
    return result.rows[0] ?? null;
  }

  private async runClaimed(row: JobRunPartRow): Promise<void> {
    const job = this.jobs.get(row.job)!;
    const lost = new AbortController();
    const signal = lost.signal;
    const beat = setInterval(() => {
      void this.db
        .updateTable('job_run_parts')
        .set({ lease_until: new Date(this.clock().getTime() + this.options.leaseMs) })
        .where('tenant_id', '=', row.tenant_id)
        .where('run_id', '=', row.run_id)
        .where('part_key', '=', row.part_key)
        .where('status', '=', 'running')
        .where('instance_id', '=', this.instanceId)
        .where('attempts', '=', row.attempts)
        .executeTakeFirst()
        .then((r) => {
          if (Number(r.numUpdatedRows) === 0) lost.abort(new Error('the part was taken over by another instance'));
        })
        .catch((error: unknown) => this.options.log.error({ err: error, runId: row.run_id, part: row.part_key }, 'job part heartbeat failed'));
    }, this.heartbeatMs);
    beat.unref();
    let outcome: { totals: JobTotals } | { error: unknown };
    try {
      outcome = { totals: await job.runPart({ runId: row.run_id, job: row.job, slot: row.slot, tenantId: row.tenant_id, key: row.part_key, input: row.input, attempt: row.attempts, signal }) };
    } catch (error) {
      outcome = { error };
    } finally {
      clearInterval(beat);
    }
    const now = this.clock();
    const recorded = await this.db.transaction().execute(async (trx) => {
      // The run row first: whoever finishes a part of this run waits here, so the check for the
      // run's end below always sees the other finisher's part.
      await trx.selectFrom('job_runs').select('id').where('id', '=', row.run_id).forUpdate().executeTakeFirst();
      const set =
        'totals' in outcome
          ? { status: 'succeeded' as const, finished_at: now, lease_until: null, error: null, totals: JSON.stringify(outcome.totals) }
          : row.attempts >= this.options.maxAttempts
            ? { status: 'failed' as const, finished_at: now, lease_until: null, error: errorText(outcome.error) }
            : { status: 'queued' as const, lease_until: null, instance_id: null, error: errorText(outcome.error) };
      const updated = await trx
        .updateTable('job_run_parts')
        .set(set)
        .where('tenant_id', '=', row.tenant_id)
        .where('run_id', '=', row.run_id)
        .where('part_key', '=', row.part_key)
        .where('status', '=', 'running')
        .where('instance_id', '=', this.instanceId)
        .where('attempts', '=', row.attempts)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return false;
      await this.completeRunIfDone(trx, row.run_id);
      return true;
    });
    const details = { job: row.job, runId: row.run_id, tenantId: row.tenant_id, part: row.part_key, attempt: row.attempts };
    if (recorded) metrics.jobParts.inc({ job: row.job, outcome: 'totals' in outcome ? 'succeeded' : row.attempts >= this.options.maxAttempts ? 'failed' : 'retried' });
    if (!recorded) this.options.log.error(details, 'job part finished after another instance took it over; its result is discarded');
    else if ('error' in outcome) this.options.log.error({ ...details, err: outcome.error }, row.attempts >= this.options.maxAttempts ? 'job part failed for good' : 'job part failed; it will be retried');
  }

  /** Ends the run when no part is open: failed when any part failed, with totals summed over all parts. */
  private async completeRunIfDone(trx: Transaction<Database>, runId: string): Promise<void> {
    const now = this.clock();
    const finished = await sql<{ id: string; job: string; status: string }>`
      update job_runs r
      set status = case when exists (select 1 from job_run_parts p where p.run_id = r.id and p.status = 'failed') then 'failed' else 'succeeded' end,
          finished_at = ${now},
          totals = (
            select coalesce(jsonb_object_agg(s.key, s.total), '{}'::jsonb)
            from (select e.key, sum((e.value)::numeric) as total from job_run_parts p cross join lateral jsonb_each(p.totals) e
                  where p.run_id = r.id and jsonb_typeof(e.value) = 'number' group by e.key) s
          ),
          error = (
            select left(count(*) || ' part(s) failed; first: ' || min(p.tenant_id || '/' || p.part_key || ': ' || coalesce(p.error, '')), ${MAX_ERROR_CHARS})
            from job_run_parts p where p.run_id = r.id and p.status = 'failed' having count(*) > 0
          )
      where r.id = ${runId} and r.status = 'running'
        and not exists (select 1 from job_run_parts p where p.run_id = r.id and p.status in ('queued', 'running'))
      returning r.id, r.job, r.status`.execute(trx);
    const run = finished.rows[0];
    if (run) (run.status === 'failed' ? this.options.log.error : this.options.log.info).call(this.options.log, { job: run.job, runId }, `job run ${run.status}`);
  }
}

class PlanningLost extends Error {
  constructor() {
    super('another instance took over planning this run');
  }
}
