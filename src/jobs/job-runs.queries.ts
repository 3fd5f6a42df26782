/**
 * Reading the job-run history per tenant (GET /v1/jobs) and purging old runs. A run is service-wide,
 * but a tenant sees it only through its own parts: their statuses, their totals, never the counts or
 * errors of another tenant's parts, and a run's status as its own parts make it.
 */
import { sql, type Kysely } from 'kysely';
import type { Db } from '../platform/database/connection.js';
import type { Database } from '../platform/database/schema.js';
import { decodeCursor, encodeCursor, isUuid } from '../platform/database/keyset-cursor.js';
import { notFound } from '../platform/errors.js';
import type { JobStatus } from './jobs.table.js';

const SLOT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface JobRunPartView {
  key: string;
  status: JobStatus;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  totals: Record<string, number>;
}

export interface JobRunView {
  id: string;
  job: string;
  slot: string;
  /** From this tenant's parts: queued before any started, running while any is open, then failed if any failed, else succeeded. */
  status: JobStatus;
  startedAt: string;
  /** When this tenant's last part finished; null while any is open. */
  finishedAt: string | null;
  totals: Record<string, number>;
  parts: JobRunPartView[];
}

const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString());

export function tenantRunStatus(parts: readonly { status: JobStatus }[]): JobStatus {
  const open = parts.some((p) => p.status === 'queued' || p.status === 'running');
  if (parts.every((p) => p.status === 'queued')) return 'queued';
  if (open) return 'running';
  return parts.some((p) => p.status === 'failed') ? 'failed' : 'succeeded';
}

function sumTotals(parts: readonly JobRunPartView[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const part of parts) for (const [key, value] of Object.entries(part.totals)) totals[key] = (totals[key] ?? 0) + value;
  return totals;
}

async function runViews(db: Kysely<Database>, tenantId: string, runIds: readonly string[]): Promise<JobRunView[]> {
  if (runIds.length === 0) return [];
  const [runs, parts] = await Promise.all([
    db.selectFrom('job_runs').select(['id', 'job', 'slot', 'started_at']).where('id', 'in', runIds).execute(),
    db
      .selectFrom('job_run_parts')
      .select(['run_id', 'part_key', 'status', 'attempts', 'started_at', 'finished_at', 'error', 'totals'])
      .where('tenant_id', '=', tenantId)
      .where('run_id', 'in', runIds)
      .orderBy('run_id')
      .orderBy('part_key')
      .execute(),
  ]);
  const partsOf = new Map<string, JobRunPartView[]>();
  const lastFinished = new Map<string, number>();
  for (const p of parts) {
    const list = partsOf.get(p.run_id) ?? [];
    list.push({ key: p.part_key, status: p.status, attempts: p.attempts, startedAt: iso(p.started_at), finishedAt: iso(p.finished_at), error: p.error, totals: (p.totals ?? {}) as Record<string, number> });
    partsOf.set(p.run_id, list);
    if (p.finished_at) lastFinished.set(p.run_id, Math.max(lastFinished.get(p.run_id) ?? 0, new Date(p.finished_at).getTime()));
  }
  const byId = new Map(runs.map((r) => [r.id, r]));
  return runIds.map((id) => {
    const run = byId.get(id)!;
    const own = partsOf.get(id) ?? [];
    const status = tenantRunStatus(own);
    const done = status === 'succeeded' || status === 'failed';
    return {
      id,
      job: run.job,
      slot: new Date(run.slot).toISOString(),
      status,
      startedAt: new Date(run.started_at).toISOString(),
      finishedAt: done && lastFinished.has(id) ? new Date(lastFinished.get(id)!).toISOString() : null,
      totals: sumTotals(own),
      parts: own,
    };
  });
}

/** The tenant's job runs, newest slot first, keyset-paged; only runs with a part of the tenant. */
export async function listTenantJobRuns(db: Kysely<Database>, tenantId: string, options: { job?: string; limit: number; cursor?: string }): Promise<{ items: JobRunView[]; nextCursor: string | null }> {
  let query = db.selectFrom('job_run_parts').select(['run_id', 'slot']).where('tenant_id', '=', tenantId);
  if (options.job !== undefined) query = query.where('job', '=', options.job);
  if (options.cursor !== undefined) {
    const [slot, runId] = decodeCursor(options.cursor, SLOT_PATTERN, isUuid);
    query = query.where((eb) => eb.or([eb('slot', '<', new Date(slot)), eb.and([eb('slot', '=', new Date(slot)), eb('run_id', '<', runId)])]));
  }
  const rows = await query.groupBy(['run_id', 'slot']).orderBy('slot', 'desc').orderBy('run_id', 'desc').limit(options.limit + 1).execute();
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    items: await runViews(db, tenantId, page.map((r) => r.run_id)),
    nextCursor: rows.length > options.limit && last ? encodeCursor([new Date(last.slot).toISOString(), last.run_id]) : null,
  };
}

/** One run as the tenant sees it; 404 when it is not of that job or holds no part of the tenant. */
export async function getTenantJobRun(db: Kysely<Database>, tenantId: string, job: string, runId: string): Promise<JobRunView> {
  const own = await db.selectFrom('job_run_parts').select('run_id').where('tenant_id', '=', tenantId).where('run_id', '=', runId).where('job', '=', job).limit(1).executeTakeFirst();
  if (!own) throw notFound(`job run ${runId} of ${job}`);
  return (await runViews(db, tenantId, [runId]))[0]!;
}

/** Deletes finished runs (with their parts) that finished before `before`; returns how many runs went. */
export async function purgeFinishedJobRuns(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db.deleteFrom('job_runs').where('status', 'in', ['succeeded', 'failed']).where('finished_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * GDPR erasure: removes the erased debtor's ids (the debtor's own, and their plans') from the batches
 * of job parts (rescoring and plan follow-up list them in their input), so no row names the debtor
 * any more; the parts' counts stay. Returns the number of parts changed.
 */
export async function forgetIdsInJobParts(db: Db, tenantId: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const erased = JSON.stringify(ids);
  const result = await sql`
    update job_run_parts
    set input = jsonb_set(input, '{ids}', (select coalesce(jsonb_agg(e), '[]'::jsonb) from jsonb_array_elements(input->'ids') e where not (${erased}::jsonb @> jsonb_build_array(e))))
    where tenant_id = ${tenantId} and jsonb_typeof(input->'ids') = 'array'
      and exists (select 1 from jsonb_array_elements(input->'ids') e where ${erased}::jsonb @> jsonb_build_array(e))`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
