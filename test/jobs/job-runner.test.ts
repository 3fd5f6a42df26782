/**
 * The job runner as several instances of the service run it: two JobRunner instances with handles of
 * their own on ONE database (a second pool on PostgreSQL; PGlite has a single connection), a shared
 * clock the test moves, and a test job whose parts write one row each, so "once" can be counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/platform/database/connection.js';
import { JobRunner, type ClaimedPart, type JobDefinition, type JobRunnerOptions } from '../../src/jobs/job-runner.js';
import { createTestDatabase, openAnotherHandle } from '../support/database.js';
import { metrics } from '../../src/platform/metrics.js';

const LEASE_MS = 60_000;
const quiet = { info: () => undefined, error: () => undefined };

interface Gate {
  promise: Promise<void>;
  open(): void;
}
function gate(): Gate {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition never held');
}

describe('job runner across two instances on one database', () => {
  let first: DatabaseHandle;
  let second: DatabaseHandle;
  let now = new Date('2026-12-06T03:00:00.000Z');
  const clock = () => new Date(now);

  beforeAll(async () => {
    first = await createTestDatabase();
    second = openAnotherHandle(first);
    await sql`create table test_job_effects (run_id uuid not null, part_key text not null, tenant_id text not null, instance text not null)`.execute(first.db);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const runner = (handle: DatabaseHandle, options: Partial<JobRunnerOptions> = {}) => new JobRunner(handle.db, { leaseMs: LEASE_MS, pollMs: 60_000, maxAttempts: 3, clock, log: quiet, ...options });

  /** A job of `parts` parts over two tenants; each part records one row, then runs `extra`. */
  function effectJob(name: string, handle: DatabaseHandle, instance: string, parts: number, hooks: { before?: (part: ClaimedPart) => Promise<void>; plan?: () => Promise<void> } = {}): JobDefinition {
    return {
      name,
      cron: '0 3 * * *',
      timezone: 'Europe/Amsterdam',
      plan: async () => {
        await hooks.plan?.();
        return Array.from({ length: parts }, (_, i) => ({ tenantId: i % 2 === 0 ? 'tenant-a' : 'tenant-b', key: `p${i}`, input: { n: i } }));
      },
      runPart: async (part) => {
        await hooks.before?.(part);
        await sql`insert into test_job_effects values (${part.runId}, ${part.key}, ${part.tenantId}, ${instance})`.execute(handle.db);
        return { items: (part.input as { n: number }).n, parts: 1 };
      },
    };
  }

  const effects = async (runId: string) => (await sql<{ part_key: string; instance: string }>`select part_key, instance from test_job_effects where run_id = ${runId} order by part_key`.execute(first.db)).rows;
  const run = (runId: string) => first.db.selectFrom('job_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
  const parts = (runId: string) => first.db.selectFrom('job_run_parts').selectAll().where('run_id', '=', runId).orderBy('part_key').execute();

  it('runs a slot fired on both instances once: one run, every part once, fanned out over both', async () => {
    const a = runner(first, { instanceId: 'a' });
    const b = runner(second, { instanceId: 'b' });
    // The first part to start waits until another part runs at the same time, which only the other
    // instance can do (an instance works one part at a time): proof that the parts fan out.
    let running = 0;
    const together = gate();
    const before = async () => {
      running++;
      if (running >= 2) together.open();
      await together.promise;
    };
    a.register(effectJob('fan-out', first, 'a', 6, { before }));
    b.register(effectJob('fan-out', second, 'b', 6, { before }));
    const counted = async () => (await metrics.jobParts.get()).values.filter((v) => v.labels.job === 'fan-out' && v.labels.outcome === 'succeeded').reduce((n, v) => n + v.value, 0);
    const countedBefore = await counted();
    const slot = new Date('2026-12-06T02:00:00.000Z');
    const ticking = Promise.all([a.tick('fan-out', slot), b.tick('fan-out', slot), a.tick('fan-out', slot), b.tick('fan-out', new Date(slot.getTime() + 400))]);
    // Whichever instance lost the slot may have looked for parts before the winner planned them; its
    // poll loop would come back, here the test asks it once the first part runs.
    await until(() => running >= 1);
    await Promise.all([a.work(), b.work(), until(() => running >= 2)]);
    const results = await ticking;
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    const runId = results[0]!.runId!;
    expect(new Set(results.map((r) => r.runId))).toEqual(new Set([runId]));
    await Promise.all([a.work(), b.work()]);

    expect(await first.db.selectFrom('job_runs').select('id').where('job', '=', 'fan-out').execute()).toEqual([{ id: runId }]);
    const done = await effects(runId);
    expect(done.map((e) => e.part_key)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
    expect(new Set(done.map((e) => e.instance))).toEqual(new Set(['a', 'b']));
    expect(await run(runId)).toMatchObject({ status: 'succeeded', parts_total: 6, totals: { items: 15, parts: 6 }, error: null });
    expect((await parts(runId)).every((p) => p.status === 'succeeded' && p.attempts === 1)).toBe(true);
    // /metrics counts each finished part once, on the instance that finished it (one process here).
    expect((await counted()) - countedBefore).toBe(6);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('hands a part whose instance died to the other instance once its lease runs out; the late result is discarded', async () => {
    // Instance a "dies" in its first part: the part never ends and a sends no heartbeat (an hour apart).
    const a = runner(first, { instanceId: 'a', heartbeatMs: 3_600_000 });
    const b = runner(second, { instanceId: 'b' });
    const hung = gate();
    let hungPart = '';
    a.register({
      ...effectJob('takeover', first, 'a', 3),
      runPart: async (part) => {
        hungPart = part.key;
        await hung.promise;
        return { items: 0, parts: 1 };
      },
    });
    b.register(effectJob('takeover', second, 'b', 3));
    const slot = new Date('2026-12-06T02:00:00.000Z');
    const ticking = a.tick('takeover', slot);
    await until(() => hungPart !== '');
    const runId = (await first.db.selectFrom('job_runs').select('id').where('job', '=', 'takeover').executeTakeFirstOrThrow()).id;
    await b.work();
    // b did the other parts; the run waits for the hung one, whose lease has not run out yet.
    expect((await effects(runId)).map((e) => e.instance)).toEqual(['b', 'b']);
    expect((await run(runId)).status).toBe('running');

    now = new Date(now.getTime() + LEASE_MS + 1_000);
    await b.work();
    const done = await effects(runId);
    expect(done).toHaveLength(3);
    expect(done.find((e) => e.part_key === hungPart)).toEqual({ part_key: hungPart, instance: 'b' });
    expect(await run(runId)).toMatchObject({ status: 'succeeded', totals: { parts: 3 } });
    const taken = (await parts(runId)).find((p) => p.part_key === hungPart)!;
    expect(taken).toMatchObject({ status: 'succeeded', instance_id: 'b', attempts: 2 });

    // The dead instance comes back and finishes: its result must not replace b's.
    hung.open();
    await ticking;
    expect((await parts(runId)).find((p) => p.part_key === hungPart)).toMatchObject({ status: 'succeeded', instance_id: 'b', attempts: 2, totals: taken.totals });
    expect(await effects(runId)).toHaveLength(3);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('retries a failing part and marks it failed with its error after the last attempt; the run fails and says which part', async () => {
    const a = runner(first, { instanceId: 'a' });
    const b = runner(second, { instanceId: 'b' });
    let flakyCalls = 0;
    const before = async (part: ClaimedPart) => {
      if (part.key === 'p1') throw new Error('bank statement store unavailable');
      // p2 fails once, then succeeds.
      if (part.key === 'p2' && ++flakyCalls === 1) throw new Error('timeout');
    };
    a.register(effectJob('failing', first, 'a', 3, { before }));
    b.register(effectJob('failing', second, 'b', 3, { before }));
    const slot = new Date('2026-12-06T02:00:00.000Z');
    const [ra] = await Promise.all([a.tick('failing', slot), b.tick('failing', slot)]);
    await Promise.all([a.work(), b.work()]);
    const runId = ra.runId!;
    const byKey = new Map((await parts(runId)).map((p) => [p.part_key, p]));
    expect(byKey.get('p0')).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(byKey.get('p1')).toMatchObject({ status: 'failed', attempts: 3, error: 'Error: bank statement store unavailable', tenant_id: 'tenant-b' });
    expect(byKey.get('p2')).toMatchObject({ status: 'succeeded', attempts: 2, error: null });
    expect((await effects(runId)).map((e) => e.part_key)).toEqual(['p0', 'p2']);
    const failed = await run(runId);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('1 part(s) failed; first: tenant-b/p1: Error: bank statement store unavailable');
    expect(failed.totals).toEqual({ items: 2, parts: 2 });
    await Promise.all([a.stop(), b.stop()]);
  });

  it('fails a part whose instance dies on its last attempt, and re-plans a run whose planner died', async () => {
    const a = runner(first, { instanceId: 'a', heartbeatMs: 3_600_000, maxAttempts: 1 });
    const b = runner(second, { instanceId: 'b', maxAttempts: 1 });
    const hung = gate();
    let started = false;
    a.register({ ...effectJob('last-attempt', first, 'a', 1), runPart: async () => ((started = true), await hung.promise, { parts: 1 }) });
    b.register(effectJob('last-attempt', second, 'b', 1));
    const ticking = a.tick('last-attempt', new Date('2026-12-06T02:00:00.000Z'));
    await until(() => started);
    now = new Date(now.getTime() + LEASE_MS + 1_000);
    await b.work();
    const lost = await first.db.selectFrom('job_runs').selectAll().where('job', '=', 'last-attempt').executeTakeFirstOrThrow();
    expect(lost.status).toBe('failed');
    expect((await parts(lost.id))[0]).toMatchObject({ status: 'failed', attempts: 1, error: 'lease expired: the instance working on the part stopped (last attempt)' });
    hung.open();
    await ticking;
    expect((await parts(lost.id))[0]!.status).toBe('failed');

    // A planner that dies: its run stays queued; after the lease another instance plans it, and the
    // first planner, back again, does not plan a second time.
    const c = runner(first, { instanceId: 'c', heartbeatMs: 3_600_000 });
    const d = runner(second, { instanceId: 'd' });
    const planning = gate();
    let planStarted = false;
    c.register(effectJob('replan', first, 'c', 2, { plan: async () => ((planStarted = true), await planning.promise) }));
    d.register(effectJob('replan', second, 'd', 2));
    const cTick = c.tick('replan', new Date('2026-12-06T02:00:00.000Z'));
    await until(() => planStarted);
    await d.work();
    const queued = await first.db.selectFrom('job_runs').selectAll().where('job', '=', 'replan').executeTakeFirstOrThrow();
    expect(queued).toMatchObject({ status: 'queued', instance_id: 'c', attempts: 1 });
    now = new Date(now.getTime() + LEASE_MS + 1_000);
    await d.work();
    expect(await run(queued.id)).toMatchObject({ status: 'succeeded', instance_id: 'd', attempts: 2, parts_total: 2 });
    planning.open();
    await cTick;
    expect(await parts(queued.id)).toHaveLength(2);
    expect((await effects(queued.id)).map((e) => e.instance)).toEqual(['d', 'd']);
    await Promise.all([a.stop(), b.stop(), c.stop(), d.stop()]);
  });

  it('stop() ends the schedules and waits for the part in progress', async () => {
    const ticks: ((slot?: Date) => void)[] = [];
    const stopped: string[] = [];
    const a = runner(first, { instanceId: 'a' });
    const release = gate();
    let started = false;
    a.register({ ...effectJob('stopping', first, 'a', 1), runPart: async () => ((started = true), await release.promise, { parts: 1 }) });
    a.start({
      scheduler: (expression, tick, options) => {
        ticks.push(tick);
        expect({ expression, ...options }).toEqual({ expression: '0 3 * * *', name: 'stopping', timezone: 'Europe/Amsterdam' });
        return { stop: () => void stopped.push(options.name) };
      },
    });
    ticks[0]!(new Date('2026-12-06T02:00:00.000Z'));
    await until(() => started);
    let done = false;
    const stopping = a.stop().then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toEqual(['stopping']);
    expect(done).toBe(false);
    release.open();
    await stopping;
    const finished = await first.db.selectFrom('job_runs').select('status').where('job', '=', 'stopping').execute();
    expect(finished).toEqual([{ status: 'succeeded' }]);
    // Stopped: a late tick claims nothing.
    expect(await a.tick('stopping', new Date('2026-12-07T02:00:00.000Z'))).toEqual({ runId: null, claimed: false });
  });
});
