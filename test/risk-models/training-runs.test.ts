/**
 * Training runs on a tenant's stored data: synthetic debtors whose payment behaviour (late payments,
 * reminders) foreshadows their arrears, sent through the API. The runner builds the table (labels from
 * arrears_started in (D, D + 90]), trains, and writes the version and the run's success together; a
 * crash after training, a dead runner and too little data each end in a failed run and no version;
 * two runners never take the same run.
 */
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AffordabilityEngine } from '../../src/affordability/affordability.service.js';
import type { DataPointEvent } from '../../src/data-points/data-point.schema.js';
import { SeededRandom } from '../../src/learning/seeded-random.js';
import { addDays, addMonths } from '../../src/platform/dates.js';
import { ModelRegistry } from '../../src/risk-models/registry.js';
import { buildStoredTrainingTable, TRAINING_HORIZON_DAYS, TrainingRunner, type TrainingRunView } from '../../src/risk-models/training-runs.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { writeStarterDirectory } from './registry-support.js';

const TODAY = '2026-11-20';
const FIRST_MONTH = '2024-12-01';
const MONTHS = 23;

/** One debtor's history: a monthly invoice; risky debtors pay late after a reminder and sometimes fall 30 days behind. */
function history(ref: string, rng: SeededRandom): { events: DataPointEvent[]; arrears: string[] } {
  const risk = rng.nextFloat();
  const events: DataPointEvent[] = [];
  const arrears: string[] = [];
  for (let m = 0; m < MONTHS; m++) {
    const issued = addMonths(FIRST_MONTH, m);
    const due = addDays(issued, 14);
    const invoiceId = `${ref}-${m}`;
    events.push({ eventId: `${invoiceId}-i`, debtorRef: ref, type: 'invoice_issued', occurredOn: issued, invoiceId, amountCents: 5000, dueDate: due } as DataPointEvent);
    if (rng.nextFloat() < risk * 0.35) {
      const day = addDays(due, 30);
      events.push({ eventId: `${invoiceId}-r`, debtorRef: ref, type: 'reminder_sent', occurredOn: addDays(due, 7), channel: 'email' } as DataPointEvent);
      events.push({ eventId: `${invoiceId}-a`, debtorRef: ref, type: 'arrears_started', occurredOn: day, invoiceId, daysPastDue: 30 } as DataPointEvent);
      arrears.push(day);
    } else if (rng.nextFloat() < risk) {
      events.push({ eventId: `${invoiceId}-r`, debtorRef: ref, type: 'reminder_sent', occurredOn: addDays(due, 5), channel: 'email' } as DataPointEvent);
      events.push({ eventId: `${invoiceId}-p`, debtorRef: ref, type: 'invoice_paid', occurredOn: addDays(due, 12), invoiceId, amountCents: 5000, method: 'transfer' } as DataPointEvent);
    } else {
      events.push({ eventId: `${invoiceId}-p`, debtorRef: ref, type: 'invoice_paid', occurredOn: addDays(due, -2), invoiceId, amountCents: 5000, method: 'transfer' } as DataPointEvent);
    }
  }
  return { events: events.filter((e) => e.occurredOn <= TODAY), arrears };
}

describe('training runs', () => {
  let t: TestApp;
  let registry: ModelRegistry;
  let runner: TrainingRunner;
  const arrearsOf = new Map<string, string[]>();
  const engine = new AffordabilityEngine();

  async function store(key: string, refs: string[], rng: SeededRandom): Promise<void> {
    for (const ref of refs) {
      const debtor = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers: bearer(key), payload: { externalRef: ref } });
      const { events, arrears } = history(ref, rng);
      arrearsOf.set(debtor.json().id, arrears);
      const sent = await t.app.inject({ method: 'POST', url: '/v1/data-points', headers: bearer(key), payload: { events } });
      if (sent.statusCode >= 300) throw new Error(sent.body);
    }
  }

  const queue = async (key: string, body: Record<string, unknown> = {}) => (await t.app.inject({ method: 'POST', url: '/v1/models/training-runs', headers: bearer(key), payload: body })).json().run as TrainingRunView;
  const show = async (runId: string, key = t.tenantA.keys.analyst) => (await t.app.inject({ url: `/v1/models/training-runs/${runId}`, headers: bearer(key) })).json().run as TrainingRunView;
  const versionsOf = async (tenantId: string) =>
    (await t.database.db.selectFrom('risk_model_versions').select(['model_id', 'version']).where('tenant_id', '=', tenantId).orderBy('model_id').orderBy('version').execute()).map((r) => `${r.model_id}@${r.version}`);

  beforeAll(async () => {
    const starterDir = await writeStarterDirectory();
    t = await createTestApp({ today: () => TODAY, config: { riskStarterModelsDir: starterDir, trainingRunner: false } });
    registry = new ModelRegistry(t.database.db, pathToFileURL(`${starterDir}/`));
    runner = new TrainingRunner(t.database.db, registry, engine, { pollMs: 1000, heartbeatMs: 1000, staleAfterMs: 60_000, today: () => TODAY });
    const rng = new SeededRandom(17);
    await store(t.tenantA.keys.creditor, Array.from({ length: 30 }, (_, i) => `A-${i}`), rng);
    await store(t.tenantB.keys.creditor, ['B-0', 'B-1'], rng);
  }, 120_000);
  afterAll(async () => t?.close());

  it('builds the table from stored data: one row per debtor and month start, labelled by arrears in (D, D + 90]', async () => {
    const table = await buildStoredTrainingTable(t.database.db, engine, t.tenantA.id, { featureSet: 'data-points-only', today: TODAY });
    expect(table.featureSet).toBe('data-points-only');
    expect(new Set(table.ids.map((id) => id.split('@')[0])).size).toBe(30);
    let positives = 0;
    table.ids.forEach((id, row) => {
      const [debtorId, asOf] = id.split('@') as [string, string];
      expect(table.asOf[row]).toBe(asOf);
      expect(asOf.endsWith('-01')).toBe(true);
      expect(asOf > FIRST_MONTH).toBe(true);
      const end = addDays(asOf, TRAINING_HORIZON_DAYS);
      const expected = arrearsOf.get(debtorId)!.some((day) => day > asOf && day <= end) ? 1 : 0;
      expect(table.dataset.labels[row], id).toBe(expected);
      positives += expected;
    });
    expect(positives).toBeGreaterThan(10);
    // Every outcome window has passed: no row's label can still change.
    const lastAsOf = [...table.asOf].sort().at(-1)!;
    expect(addDays(lastAsOf, TRAINING_HORIZON_DAYS) <= TODAY).toBe(true);
  });

  it('trains through the API: the run succeeds, reports its version, and the version is not champion until promoted', async () => {
    const queued = await queue(t.tenantA.keys.analyst, { featureSet: 'data-points-only', seed: 7 });
    expect(await runner.runOnce()).toBe(queued.runId);
    const run = await show(queued.runId);
    expect(run).toMatchObject({ status: 'succeeded', progress: 1, stage: 'done', resultVersion: 2, error: null });
    const detail = (await t.app.inject({ url: '/v1/models/early-warning-data-points/versions/2', headers: bearer(t.tenantA.keys.analyst) })).json();
    expect(detail).toMatchObject({ source: 'training-run', trainingRunId: queued.runId, createdBy: t.tenantA.keyIds.analyst, seed: 7, featureSet: 'data-points-only', isChampion: false });
    expect(detail.metrics.split).toBe('time-ordered');
    expect(detail.metrics.testAuc).toBeGreaterThan(0.5);
    expect(detail.window.from >= '2025-01-01' && detail.window.to <= TODAY).toBe(true);
    // Promoted, it scores.
    await t.app.inject({ method: 'POST', url: '/v1/models/early-warning-data-points/versions/2/promote', headers: bearer(t.tenantA.keys.analyst) });
    const debtorId = [...arrearsOf.keys()][0]!;
    const score = (await t.app.inject({ url: `/v1/debtors/${debtorId}/score`, headers: bearer(t.tenantA.keys.creditor) })).json();
    expect(score.model).toEqual({ modelId: 'early-warning-data-points', version: 2, source: 'training-run' });
    const sum = Object.values(score.contributions as Record<string, number>).reduce((a, b) => a + b, score.base);
    expect(Math.abs(sum - score.logOdds)).toBeLessThan(1e-9);
  }, 120_000);

  it('a crash after training, inside the write, fails the run and leaves no version', async () => {
    const before = await versionsOf(t.tenantA.id);
    const queued = await queue(t.tenantA.keys.analyst, { seed: 8 });
    await runner.runOnce(async () => {
      throw new Error('power cut while writing');
    });
    const run = await show(queued.runId);
    expect(run.status).toBe('failed');
    expect(run.error).toContain('power cut while writing');
    expect(run.resultVersion).toBeNull();
    expect(await versionsOf(t.tenantA.id)).toEqual(before);
  }, 120_000);

  it('a run whose runner died is marked failed by the next runner and leaves no version', async () => {
    const before = await versionsOf(t.tenantA.id);
    const queued = await queue(t.tenantA.keys.analyst);
    const dying = new TrainingRunner(t.database.db, registry, engine, { pollMs: 1000, heartbeatMs: 1000, staleAfterMs: 60_000, today: () => TODAY });
    const claimed = await dying.claim();
    expect(claimed?.id).toBe(queued.runId);
    expect((await show(queued.runId)).status).toBe('running');
    // The process ends here: no more heartbeats. Its last one is now older than the limit.
    await t.database.db.updateTable('risk_training_runs').set({ heartbeat_at: new Date(Date.now() - 61_000) }).where('id', '=', queued.runId).execute();
    expect(await runner.runOnce()).toBeNull();
    const run = await show(queued.runId);
    expect(run.status).toBe('failed');
    expect(run.error).toContain('no heartbeat');
    expect(await versionsOf(t.tenantA.id)).toEqual(before);
  });

  it('two runners never take the same run', async () => {
    const queued = await queue(t.tenantA.keys.analyst);
    const other = new TrainingRunner(t.database.db, registry, engine, { pollMs: 1000, heartbeatMs: 1000, staleAfterMs: 60_000, today: () => TODAY });
    const claims = await Promise.all([runner.claim(), other.claim(), runner.claim()]);
    expect(claims.filter((c) => c !== null).map((c) => c!.id)).toEqual([queued.runId]);
    await t.database.db.updateTable('risk_training_runs').set({ status: 'failed', error: 'test over' }).where('id', '=', queued.runId).execute();
  });

  it('a tenant with too little data gets a failed run that says why, and no version', async () => {
    const before = await versionsOf(t.tenantB.id);
    const small = await queue(t.tenantB.keys.analyst);
    await runner.runOnce();
    const run = await show(small.runId, t.tenantB.keys.analyst);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^too little data to train: \d+ debtor-months \(2 debtors/);
    const bank = await queue(t.tenantB.keys.analyst, { featureSet: 'bank-and-data-points' });
    await runner.runOnce();
    expect((await show(bank.runId, t.tenantB.keys.analyst)).error).toContain('early_warning_monitoring consent');
    expect(await versionsOf(t.tenantB.id)).toEqual(before);
    // And tenant A cannot see tenant B's runs.
    expect((await t.app.inject({ url: `/v1/models/training-runs/${small.runId}`, headers: bearer(t.tenantA.keys.analyst) })).statusCode).toBe(404);
  });
});
