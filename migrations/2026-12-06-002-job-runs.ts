// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // One row per scheduled run of a job, for the whole service (a run serves every tenant). The
  // UNIQUE (job, slot) is the coordination: every instance's tick inserts the same (job, slot) with
  // ON CONFLICT DO NOTHING, and only the instance whose insert went in plans the run. No locks held
  // between statements, no leader election, and it works on PGlite's single connection as on PostgreSQL.
  await db.schema
    .createTable('job_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('job', 'text', (c) => c.notNull().check(sql`char_length(job) <= 64`))
    // The scheduled time the run is for (not when it started): the same on every instance.
    .addColumn('slot', 'timestamptz', (c) => c.notNull())
    // queued: claimed, being planned; running: parts exist; then succeeded or failed.
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'running', 'succeeded', 'failed')`))
    // The instance planning the run; a planner that dies leaves the run queued with a stale heartbeat.
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('heartbeat_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    // Planning attempts (a planner that died is replaced).
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    // Operational text only (no personal data): which part failed and why.
    .addColumn('error', 'text', (c) => c.check(sql`char_length(error) <= 1000`))
    .addColumn('parts_total', 'integer', (c) => c.notNull().defaultTo(0))
    // Sums over all parts: service-wide figures for operators; tenants see only their own parts' totals.
    .addColumn('totals', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addUniqueConstraint('job_runs_job_slot_uq', ['job', 'slot'])
    .execute();
  // The stale-run sweep looks for runs still open; the retention purge for old finished ones.
  await db.schema.createIndex('job_runs_open_ix').on('job_runs').columns(['status', 'heartbeat_at']).where(sql.ref('status'), 'in', ['queued', 'running']).execute();
  await db.schema.createIndex('job_runs_finished_ix').on('job_runs').column('finished_at').execute();

  // The fan-out: a run's work in parts (per tenant, per batch) that any instance may claim. A part
  // is leased: its instance extends lease_until while it works, and a part whose lease ran out (the
  // instance died) is claimable again. tenant_id leads the key so GET /v1/jobs reads one tenant's parts;
  // service-wide parts (the job-run purge) carry a tenant id no tenant can have ('_service').
  await db.schema
    .createTable('job_run_parts')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'uuid', (c) => c.notNull().references('job_runs.id').onDelete('cascade'))
    .addColumn('part_key', 'text', (c) => c.notNull().check(sql`char_length(part_key) <= 200`))
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('slot', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'running', 'succeeded', 'failed')`))
    // What the part works on (e.g. a batch of debtor ids), as planned.
    .addColumn('input', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('instance_id', 'text')
    .addColumn('lease_until', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('error', 'text', (c) => c.check(sql`char_length(error) <= 1000`))
    .addColumn('totals', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addPrimaryKeyConstraint('job_run_parts_pk', ['tenant_id', 'run_id', 'part_key'])
    .execute();
  // Claiming walks the open parts in its own order (oldest slot first) and takes the first free one:
  // with this index that is a short index scan, not a sort of every open part on every claim.
  await db.schema.createIndex('job_run_parts_open_ix').on('job_run_parts').columns(['slot', 'run_id', 'tenant_id', 'part_key']).where(sql.ref('status'), 'in', ['queued', 'running']).execute();
  // Finishing a run counts the run's open parts.
  await db.schema.createIndex('job_run_parts_run_ix').on('job_run_parts').columns(['run_id', 'status']).execute();
  // GET /v1/jobs: one tenant's runs, newest slot first.
  await db.schema.createIndex('job_run_parts_tenant_slot_ix').on('job_run_parts').columns(['tenant_id', 'slot', 'run_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('job_run_parts').execute();
  await db.schema.dropTable('job_runs').execute();
}
