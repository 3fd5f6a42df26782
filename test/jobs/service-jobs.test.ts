/**
 * The service's scheduled jobs through the job runner, with two app instances (two buildApp) on one
 * database: consent expiry, retention, rescoring and plan follow-up each run once per slot, do their
 * domain's work, and GET /v1/jobs shows each tenant only its own parts and totals.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { parseBankFile } from '../../src/bank-data/formats/index.js';
import { summariseStatement } from '../../src/bank-data/statement-summary.js';
import { stageUploadDraft } from '../../src/bank-data/upload-drafts.service.js';
import type { DatabaseHandle } from '../../src/platform/database/connection.js';
import { addDays, addMonths } from '../../src/platform/dates.js';
import type { AppInstance } from '../../src/platform/http/types.js';
import { RESCORING_REQUESTED_BY } from '../../src/risk-models/rescoring.js';
import { countRows, createDebtorWithConsent, fixture, today, upload } from '../support/flows.js';
import { openAnotherHandle } from '../support/database.js';
import { bearer, createTestApp, type TestApp, type TestTenant } from '../support/test-app.js';
import { debtorWithPlanConsent, householdStatement, uploadStatement } from '../repayment-plans/plan-support.js';

describe('scheduled jobs on two app instances', () => {
  let t: TestApp;
  let otherHandle: DatabaseHandle;
  let other: AppInstance;
  let day = today();

  beforeAll(async () => {
    t = await createTestApp({ today: () => day, config: { jobBatchSize: 2, trainingRunner: false } });
    otherHandle = openAnotherHandle(t.database);
    other = await buildApp(t.config, { database: otherHandle, logger: false, today: () => day });
    await other.ready();
  }, 60_000);
  afterAll(async () => {
    await other?.close();
    await otherHandle?.close();
    await t?.close();
  });

  /** Fires the slot on both instances at once and lets both work until nothing is left. */
  async function fire(job: string, slot: Date): Promise<string> {
    const results = await Promise.all([t.app.jobRunner.tick(job, slot), other.jobRunner.tick(job, slot)]);
    await Promise.all([t.app.jobRunner.work(), other.jobRunner.work()]);
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    expect(results[0]!.runId).toBe(results[1]!.runId);
    const runs = await t.database.db.selectFrom('job_runs').select(['id', 'status']).where('job', '=', job).where('slot', '=', slot).execute();
    expect(runs).toEqual([{ id: results[0]!.runId, status: 'succeeded' }]);
    return results[0]!.runId!;
  }

  async function jobsOf(tenant: TestTenant, query: string) {
    const res = await t.app.inject({ url: `/v1/jobs${query}`, headers: bearer(tenant.keys.analyst) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: { id: string; job: string; status: string; totals: Record<string, number>; parts: { key: string; status: string; totals: Record<string, number> }[] }[]; nextCursor: string | null };
  }

  it('rescores every debtor with a valid monitoring consent once, in batches over the tenants, and nobody else', async () => {
    for (const ref of ['watch-1', 'watch-2', 'watch-3']) await createDebtorWithConsent(t, t.tenantA, ref, { purpose: 'early_warning_monitoring' });
    await createDebtorWithConsent(t, t.tenantA, 'affordability-only', { purpose: 'affordability_assessment' });
    await createDebtorWithConsent(t, t.tenantB, 'watch-b', { purpose: 'early_warning_monitoring' });
    const runId = await fire('rescoring', new Date(`${day}T00:41:00.000Z`));

    const scores = await t.database.db.selectFrom('risk_scores').select(['tenant_id', 'debtor_id']).where('requested_by', '=', RESCORING_REQUESTED_BY).execute();
    expect(scores.filter((s) => s.tenant_id === t.tenantA.id)).toHaveLength(3);
    expect(scores.filter((s) => s.tenant_id === t.tenantB.id)).toHaveLength(1);
    expect(new Set(scores.map((s) => s.debtor_id)).size).toBe(4);

    // Batches of two (JOB_BATCH_SIZE): A's three debtors are two parts, B's one.
    const a = await jobsOf(t.tenantA, '?job=rescoring');
    expect(a.items).toHaveLength(1);
    expect(a.items[0]).toMatchObject({ id: runId, job: 'rescoring', status: 'succeeded', totals: { debtors: 3, scored: 3 } });
    expect(a.items[0]!.parts.map((p) => [p.key, p.totals])).toEqual([
      ['batch-00001', { debtors: 2, scored: 2 }],
      ['batch-00002', { debtors: 1, scored: 1 }],
    ]);
    const b = await jobsOf(t.tenantB, '?job=rescoring');
    expect(b.items[0]).toMatchObject({ id: runId, totals: { debtors: 1, scored: 1 }, parts: [{ key: 'batch-00001', totals: { debtors: 1, scored: 1 } }] });
  });

  it('follows plans up daily: the instalment that went missed that day is counted once', async () => {
    const planDebtor = await debtorWithPlanConsent(t, t.tenantA, 'plan-debtor', day);
    await uploadStatement(t, t.tenantA, planDebtor.debtorId, householdStatement({ salaryCents: 320_000, rentCents: 95_000, energyCents: 12_000, groceriesPerWeekCents: 9_000 }, `${addMonths(day, -14).slice(0, 7)}-01`, day));
    const claim = await t.app.inject({ method: 'POST', url: '/v1/claims', headers: bearer(t.tenantA.keys.creditor), payload: { claims: [{ reference: 'plan-claim', debtorRef: 'plan-debtor', principalCents: 90_000, dueDate: '2026-01-15', interestBasis: 'none' }] } });
    expect(claim.statusCode, claim.body).toBe(201);
    const policy = await t.app.inject({ method: 'PUT', url: '/v1/policies/repayment-plans', headers: bearer(t.tenantA.keys.admin), payload: { policy: { payee: { name: 'Tenant A Incasso BV', iban: 'NL20INGB0001234567' } } } });
    expect(policy.statusCode, policy.body).toBe(200);
    const offer = await t.app.inject({ method: 'POST', url: `/v1/debtors/${planDebtor.debtorId}/plan-options`, headers: bearer(t.tenantA.keys.creditor), payload: { claimIds: [claim.json().items[0].claimId] } });
    expect(offer.statusCode, offer.body.slice(0, 300)).toBe(201);
    const accepted = await t.app.inject({ method: 'POST', url: `/v1/plan-offers/${offer.json().offer.id}/accept`, headers: bearer(t.tenantA.keys.creditor), payload: { optionId: offer.json().offer.options.at(-1).id } });
    expect(accepted.statusCode, accepted.body.slice(0, 300)).toBe(201);
    const planId = accepted.json().id as string;

    // Nothing is paid: the first instalment goes missed on a day the plan's state names.
    const later = await t.app.inject({ url: `/v1/plans/${planId}?asOf=${addDays(day, 120)}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(later.statusCode, later.body.slice(0, 300)).toBe(200);
    const missedOn = later.json().state.instalments[0].missedOn as string;
    expect(missedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const saved = day;
    try {
      day = addDays(missedOn, -1);
      const before = await fire('plan-follow-up', new Date(`${day}T05:11:00.000Z`));
      day = missedOn;
      const on = await fire('plan-follow-up', new Date(`${day}T05:11:00.000Z`));
      const runs = (await jobsOf(t.tenantA, '?job=plan-follow-up')).items;
      // Newest first.
      expect(runs.map((r) => [r.id, r.totals])).toEqual([
        [on, { plans: 1, missed: 1, paid: 0, completed: 0, breached: 0 }],
        [before, { plans: 1, missed: 0, paid: 0, completed: 0, breached: 0 }],
      ]);
      // Tenant B has no plans: no part, so the runs are not in its history at all.
      expect((await jobsOf(t.tenantB, '?job=plan-follow-up')).items).toEqual([]);
    } finally {
      day = saved;
    }
  });

  it('purges expired upload drafts per tenant and old job runs service-wide', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'drafts');
    const bytes = fixture('bank-formats/nl-bank-csv/ing_ok.csv');
    const stage = (now: Date) =>
      stageUploadDraft(t.database.db, { tenantId: t.tenantA.id, debtorId: d.debtorId, consentId: d.consentId, fileName: 'ing.csv', bytes, format: 'csv-ing', sha256: createHash('sha256').update(bytes).digest('hex'), summary: summariseStatement(parseBankFile(bytes)), now });
    // Fresh first: staging tidies the consent's expired drafts as of its own `now`.
    const fresh = await stage(new Date());
    const stale = await stage(new Date(Date.now() - 3 * 86_400_000));
    const finished = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000);
    const old = { id: '00000000-0000-4000-8000-000000000001', job: 'retention', slot: finished(200), status: 'succeeded' as const, instance_id: 'gone', started_at: finished(200), heartbeat_at: finished(200), finished_at: finished(200) };
    const recent = { ...old, id: '00000000-0000-4000-8000-000000000002', slot: finished(10), started_at: finished(10), heartbeat_at: finished(10), finished_at: finished(10) };
    await t.database.db.insertInto('job_runs').values([old, recent]).execute();

    const runId = await fire('retention', new Date(`${day}T01:23:00.000Z`));
    const drafts = await t.database.db.selectFrom('bank_upload_drafts').select('id').where('tenant_id', '=', t.tenantA.id).execute();
    expect(drafts.map((r) => r.id)).toEqual([fresh.id]);
    expect(drafts.map((r) => r.id)).not.toContain(stale.id);
    const left = await t.database.db.selectFrom('job_runs').select('id').where('id', 'in', [old.id, recent.id]).execute();
    expect(left).toEqual([{ id: recent.id }]);

    // The service-wide part (the job runs) is nobody's: tenants see their own part only.
    const a = await jobsOf(t.tenantA, '?job=retention');
    expect(a.items).toMatchObject([{ id: runId, totals: { uploadDrafts: 1 }, parts: [{ key: 'all', status: 'succeeded', totals: { uploadDrafts: 1 } }] }]);
    const b = await jobsOf(t.tenantB, '?job=retention');
    expect(b.items).toMatchObject([{ id: runId, totals: { uploadDrafts: 0 }, parts: [{ key: 'all', totals: { uploadDrafts: 0 } }] }]);
    const all = await t.database.db.selectFrom('job_runs').select('totals').where('id', '=', runId).executeTakeFirstOrThrow();
    expect(all.totals).toEqual({ uploadDrafts: 1, jobRuns: 1, webhookDeliveries: 0, webhookEvents: 0 });
  });

  it('expires consents after their last day through the runner, once, and erases their bank data', async () => {
    const short = await createDebtorWithConsent(t, t.tenantA, 'short-lived', { validDays: 2 });
    const long = await createDebtorWithConsent(t, t.tenantB, 'long-lived', { validDays: 60 });
    for (const [tenant, d] of [[t.tenantA, short], [t.tenantB, long]] as const) {
      expect((await upload(t, tenant, d.debtorId, fixture('bank-formats/berlin-group/transactionsExample1_RegularAccount_json.json'), { contentType: 'application/json' })).statusCode).toBe(201);
    }
    const saved = day;
    try {
      day = addDays(today(), 5);
      const runId = await fire('consent-expiry', new Date(`${day}T10:07:00.000Z`));
      expect(await countRows(t, 'bank_transactions', short.debtorId)).toBe(0);
      expect(await countRows(t, 'bank_transactions', long.debtorId)).toBe(3);
      const status = await t.database.db.selectFrom('consents').select('status').where('id', '=', short.consentId).executeTakeFirstOrThrow();
      expect(status.status).toBe('expired');
      // The same slot fired again (a third instance, a late tick) claims nothing and expires nothing more.
      expect(await t.app.jobRunner.tick('consent-expiry', new Date(`${day}T10:07:00.000Z`))).toEqual({ runId, claimed: false });

      const a = await jobsOf(t.tenantA, '?job=consent-expiry');
      expect(a.items).toMatchObject([{ id: runId, status: 'succeeded', totals: { expired: 1 } }]);
      const b = await jobsOf(t.tenantB, '?job=consent-expiry');
      expect(b.items).toMatchObject([{ id: runId, status: 'succeeded', totals: { expired: 0 } }]);
      expect(JSON.stringify(b)).not.toContain('"expired":1');
    } finally {
      day = saved;
    }
  });

  it('forgets an erased debtor in the job parts that listed them (their id and their plans’ ids), keeping the counts', async () => {
    const idsIn = async () => (await t.database.db.selectFrom('job_run_parts').select('input').where('tenant_id', '=', t.tenantA.id).execute()).flatMap((p) => ((p.input as { ids?: string[] }).ids ?? []));
    const debtors = await t.database.db.selectFrom('debtors').select(['id', 'external_ref']).where('tenant_id', '=', t.tenantA.id).where('external_ref', 'in', ['watch-1', 'plan-debtor']).execute();
    const plans = await t.database.db.selectFrom('repayment_plans').select('id').where('tenant_id', '=', t.tenantA.id).execute();
    // watch-1 is in a rescoring batch; plan-debtor (no monitoring consent) only through their plan's id.
    const gone = [...debtors.filter((d) => d.external_ref === 'watch-1').map((d) => d.id), ...plans.map((p) => p.id)];
    expect(gone).toHaveLength(2);
    const before = await idsIn();
    for (const id of gone) expect(before).toContain(id);
    for (const d of debtors) expect((await t.app.inject({ method: 'DELETE', url: `/v1/debtors/${d.id}`, headers: bearer(t.tenantA.keys.creditor) })).statusCode).toBe(204);
    const after = await idsIn();
    for (const id of gone) expect(after).not.toContain(id);
    expect(after.length).toBe(before.length - before.filter((id) => gone.includes(id)).length);
    const rescoring = (await jobsOf(t.tenantA, '?job=rescoring')).items[0]!;
    expect(rescoring.totals).toEqual({ debtors: 3, scored: 3 });
  });

  it('pages the history with a cursor, filters by job, and shows one run', async () => {
    const page1 = await jobsOf(t.tenantA, '?limit=2');
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const rest: string[] = [];
    let cursor = page1.nextCursor;
    while (cursor) {
      const page = await jobsOf(t.tenantA, `?limit=2&cursor=${cursor}`);
      rest.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    }
    const everything = (await jobsOf(t.tenantA, '?limit=200')).items.map((r) => r.id);
    expect([...page1.items.map((r) => r.id), ...rest]).toEqual(everything);
    expect(new Set(everything).size).toBe(everything.length);
    expect((await jobsOf(t.tenantA, '?job=retention')).items.every((r) => r.job === 'retention')).toBe(true);

    const one = everything[0]!;
    const job = (await jobsOf(t.tenantA, '?limit=1')).items[0]!.job;
    const got = await t.app.inject({ url: `/v1/jobs/${job}/runs/${one}`, headers: bearer(t.tenantA.keys.admin) });
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json()).toMatchObject({ id: one, job });
    const wrongJob = await t.app.inject({ url: `/v1/jobs/${job === 'retention' ? 'rescoring' : 'retention'}/runs/${one}`, headers: bearer(t.tenantA.keys.admin) });
    expect(wrongJob.statusCode).toBe(404);
    const forged = await t.app.inject({ url: '/v1/jobs?cursor=bm90LWEtY3Vyc29y', headers: bearer(t.tenantA.keys.admin) });
    expect(forged.statusCode).toBe(400);
    const creditor = await t.app.inject({ url: '/v1/jobs', headers: bearer(t.tenantA.keys.creditor) });
    expect(creditor.statusCode).toBe(403);
  });
});
