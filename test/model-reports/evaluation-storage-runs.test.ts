/**
 * Evaluation sets as the service makes them: a training run on a tenant's stored debtors keeps its
 * test slice (with each debtor's segments as the creditor set them, and labels from the debtors' known
 * arrears) as the version's evaluation set, and the version's report is computed on it; erasing a
 * debtor takes their rows out of it. The shipped starter models register with models/<id>/evaluation.csv.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AffordabilityEngine } from '../../src/affordability/affordability.service.js';
import type { DataPointEvent } from '../../src/data-points/data-point.schema.js';
import { SeededRandom } from '../../src/learning/seeded-random.js';
import { readEvaluationSet } from '../../src/risk-models/evaluation-storage.js';
import { addDays, addMonths } from '../../src/platform/dates.js';
import { ModelRegistry } from '../../src/risk-models/registry.js';
import { TRAINING_HORIZON_DAYS, TrainingRunner, type TrainingRunView } from '../../src/risk-models/training-runs.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const TODAY = '2026-11-20';
const FIRST_MONTH = '2024-12-01';
const MONTHS = 23;

/** A monthly invoice; risky debtors get reminders, pay late and sometimes fall 30 days behind. */
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
    } else {
      events.push({ eventId: `${invoiceId}-p`, debtorRef: ref, type: 'invoice_paid', occurredOn: addDays(due, rng.nextFloat() < risk ? 12 : -2), invoiceId, amountCents: 5000, method: 'transfer' } as DataPointEvent);
    }
  }
  return { events: events.filter((e) => e.occurredOn <= TODAY), arrears };
}

const HOUSEHOLD = ['single', 'single_parent', 'couple'] as const;
const HOUSEHOLD_LABEL: Record<string, string> = { single: 'single', single_parent: 'single parent', couple: 'couple' };

describe('evaluation sets from training runs and starter models', () => {
  let t: TestApp;
  let registry: ModelRegistry;
  let runner: TrainingRunner;
  const arrearsOf = new Map<string, string[]>();
  const householdOf = new Map<string, string | null>();

  beforeAll(async () => {
    t = await createTestApp({ today: () => TODAY, config: { trainingRunner: false } });
    registry = new ModelRegistry(t.database.db);
    runner = new TrainingRunner(t.database.db, registry, new AffordabilityEngine(), { pollMs: 1000, heartbeatMs: 1000, staleAfterMs: 60_000, today: () => TODAY });
    const rng = new SeededRandom(17);
    for (let i = 0; i < 30; i++) {
      const ref = `S-${i}`;
      // Every fourth debtor's segments are unknown to the creditor.
      const household = i % 4 === 3 ? null : HOUSEHOLD[i % 3]!;
      const debtor = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers: bearer(t.tenantA.keys.creditor), payload: { externalRef: ref, ...(household ? { segments: { household_type: household, region: 'West-Nederland' } } : {}) } });
      const { events, arrears } = history(ref, rng);
      arrearsOf.set(debtor.json().id, arrears);
      householdOf.set(debtor.json().id, household ? HOUSEHOLD_LABEL[household]! : null);
      const sent = await t.app.inject({ method: 'POST', url: '/v1/data-points', headers: bearer(t.tenantA.keys.creditor), payload: { events } });
      if (sent.statusCode >= 300) throw new Error(sent.body);
    }
  }, 180_000);
  afterAll(async () => t?.close());

  let run: TrainingRunView;

  it('stores the run’s test slice with the version: the tenant’s debtors, their segments and their known outcomes', async () => {
    run = (await t.app.inject({ method: 'POST', url: '/v1/models/training-runs', headers: bearer(t.tenantA.keys.analyst), payload: { featureSet: 'data-points-only', seed: 3 } })).json().run;
    await runner.runOnce();
    const done = (await t.app.inject({ url: `/v1/models/training-runs/${run.runId}`, headers: bearer(t.tenantA.keys.analyst) })).json().run as TrainingRunView;
    expect(done.status, done.error ?? '').toBe('succeeded');
    const set = await readEvaluationSet(t.database.db, t.tenantA.id, done.modelId, done.resultVersion!);
    expect(set).not.toBeNull();
    expect(set!.ids.length).toBeGreaterThan(20);
    for (let i = 0; i < set!.ids.length; i++) {
      const [debtorId, asOf] = set!.ids[i]!.split('@') as [string, string];
      expect(arrearsOf.has(debtorId)).toBe(true);
      expect(set!.asOf[i]).toBe(asOf);
      // The label is the known truth: arrears started in (asOf, asOf + 90 days].
      const expected = arrearsOf.get(debtorId)!.some((day) => day > asOf && day <= addDays(asOf, TRAINING_HORIZON_DAYS)) ? 1 : 0;
      expect(set!.labels[i]).toBe(expected);
      expect(set!.segments.household_type![i]).toBe(householdOf.get(debtorId));
      expect(set!.segments.region![i]).toBe(householdOf.get(debtorId) === null ? null : 'West-Nederland');
    }
    // Nobody supplied an age band or income source: those segments are absent, not a column of unknowns.
    expect(Object.keys(set!.segments).sort()).toEqual(['household_type', 'region']);
    const listed = await t.database.db.selectFrom('risk_model_evaluation_debtors').select('debtor_id').where('tenant_id', '=', t.tenantA.id).where('version', '=', done.resultVersion!).execute();
    expect(listed.map((r) => r.debtor_id).sort()).toEqual([...new Set(set!.ids.map((id) => id.split('@')[0]!))].sort());
    run = done;
  }, 300_000);

  it('reports the trained version on those rows, per segment, and without an erased debtor’s rows', async () => {
    const url = `/v1/models/${run.modelId}/versions/${run.resultVersion}/report?resamples=50`;
    const before = await t.app.inject({ url, headers: bearer(t.tenantA.keys.analyst) });
    expect(before.statusCode).toBe(200);
    const report = before.json();
    const set = (await readEvaluationSet(t.database.db, t.tenantA.id, run.modelId, run.resultVersion!))!;
    expect(report.evaluation.rows).toBe(set.ids.length);
    expect(report.fairness.segments.map((s: { segment: string }) => s.segment)).toEqual(expect.arrayContaining(['household_type', 'region']));
    expect(report.fairness.notSupplied).toEqual(expect.arrayContaining(['age_band', 'income_source']));
    expect(report.modelCard.reproduce).toContain(run.runId);
    expect(report.modelCard.reproduce).toContain('"seed":3');

    const erased = set.ids[0]!.split('@')[0]!;
    const rowsOfErased = set.ids.filter((id) => id.startsWith(`${erased}@`)).length;
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/debtors/${erased}`, headers: bearer(t.tenantA.keys.creditor) })).statusCode).toBe(204);
    const after = (await t.app.inject({ url, headers: bearer(t.tenantA.keys.analyst) })).json();
    expect(after.evaluation.rows).toBe(set.ids.length - rowsOfErased);
  }, 120_000);

  it('registers the shipped starter models with their evaluation.csv', async () => {
    for (const modelId of ['early-warning', 'early-warning-data-points']) {
      const set = await readEvaluationSet(t.database.db, t.tenantA.id, modelId, 1);
      const lines = (await readFile(new URL(`../../models/${modelId}/evaluation.csv`, import.meta.url), 'utf8')).trimEnd().split('\n');
      expect(set?.ids.length, modelId).toBe(lines.length - 1);
      expect(set?.ids.slice(0, 3)).toEqual(lines.slice(1, 4).map((line) => line.split(',')[0]));
    }
  });
});
