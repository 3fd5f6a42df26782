/**
 * Job-runner benchmark: the coordination's own cost. A run of N parts that do nothing but one
 * INSERT each is planned once and drained by 1, 2 and 4 instances (JobRunner objects with pools of
 * their own) on one PostgreSQL database; printed are the planning time, the drain time and parts per
 * second, and a check that every part ran once. Real jobs spend far longer in their parts (a
 * rescoring batch is seconds), so this is the ceiling the database puts on fan-out, not a job's speed.
 *
 *   npm run bench:jobs      (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; BENCH_PARTS, default 2000)
 */
import pg from 'pg';
import { sql } from 'kysely';
import { JobRunner, type JobDefinition } from '../src/jobs/job-runner.js';
import { openPostgres, type DatabaseHandle } from '../src/platform/database/connection.js';
import { migrateToLatest } from '../src/platform/database/migrate.js';

const PARTS = Number(process.env.BENCH_PARTS ?? 2000);
const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const benchDb = `dk_bench_jobs_${process.pid}`;
const quiet = { info: () => undefined, error: () => undefined };

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function job(name: string, handle: DatabaseHandle): JobDefinition {
  return {
    name,
    cron: '0 3 * * *',
    timezone: 'Europe/Amsterdam',
    plan: async () => Array.from({ length: PARTS }, (_, i) => ({ tenantId: `tenant-${i % 10}`, key: `p${String(i).padStart(6, '0')}` })),
    runPart: async (part) => {
      await sql`insert into bench_effects values (${part.runId}, ${part.tenantId}, ${part.key})`.execute(handle.db);
      return { parts: 1 };
    },
  };
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${benchDb}`);
  await admin.query(`CREATE DATABASE ${benchDb}`);
  const handles: DatabaseHandle[] = [];
  try {
    const main = openPostgres({ connectionString: withDatabase(baseUrl, benchDb), max: 2 });
    handles.push(main);
    await migrateToLatest(main.db);
    await sql`create table bench_effects (run_id uuid, tenant_id text, part_key text)`.execute(main.db);
    for (let i = 0; i < 3; i++) handles.push(openPostgres({ connectionString: withDatabase(baseUrl, benchDb), max: 2 }));
    console.log(`job runner: ${PARTS} parts of one INSERT each, PostgreSQL ${(await admin.query('show server_version')).rows[0].server_version}`);
    for (const instances of [1, 2, 4]) {
      const name = `bench-${instances}`;
      const runners = handles.slice(0, instances).map((h, i) => {
        const runner = new JobRunner(h.db, { instanceId: `i${i}`, leaseMs: 60_000, pollMs: 60_000, maxAttempts: 3, log: quiet });
        runner.register(job(name, h));
        return runner;
      });
      const slot = new Date('2026-12-06T03:00:00.000Z');
      const planStarted = performance.now();
      // The winner plans inside tick, then drains; the others join once the parts exist.
      const first = runners[0]!.tick(name, slot);
      await sql`select 1`.execute(main.db);
      while ((await main.db.selectFrom('job_runs').select('status').where('job', '=', name).executeTakeFirst())?.status !== 'running') await new Promise((r) => setTimeout(r, 1));
      const planned = performance.now();
      await Promise.all([first, ...runners.slice(1).map((r) => r.tick(name, slot))]);
      const drained = performance.now();
      const run = await main.db.selectFrom('job_runs').select(['id', 'status', 'totals']).where('job', '=', name).executeTakeFirstOrThrow();
      const effects = await sql<{ n: number; distinct_parts: number }>`select count(*)::int as n, count(distinct part_key)::int as distinct_parts from bench_effects where run_id = ${run.id}`.execute(main.db);
      const perInstance = await sql<{ instance_id: string; n: number }>`select instance_id, count(*)::int as n from job_run_parts where run_id = ${run.id} group by instance_id order by instance_id`.execute(main.db);
      const drainS = (drained - planned) / 1000;
      console.log(
        `${instances} instance(s): plan ${(planned - planStarted).toFixed(0)} ms, drain ${(drainS * 1000).toFixed(0)} ms = ${(PARTS / drainS).toFixed(0)} parts/s; ` +
          `run ${run.status}, effects ${effects.rows[0]!.n} (${effects.rows[0]!.distinct_parts} distinct), per instance ${perInstance.rows.map((r) => r.n).join('/')}`,
      );
      await Promise.all(runners.map((r) => r.stop()));
    }
  } finally {
    for (const h of handles) await h.close();
    await admin.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
