/**
 * The segment route on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): a debtor
 * known only by data points (no consent, so no affordability report), simulated households loaded
 * through the front door with bank data, the tenant's thresholds, and 404 for unknown or foreign
 * debtors. Hand figures: invoice EUR 100 due 2026-10-01, two AM04 returns, asOf 2026-11-01 (a
 * Sunday): 31 days past due, the window without an income day opens Monday 2 November.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWorkingDay } from '../../src/analytics/calendar/dutch-holidays.js';
import { injectClient } from '../../src/cli/inject-client.js';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import type { SimulatedHousehold } from '../../src/simulation/simulation.types.js';
import { loadWorld, worldStartEndingToday, type LoadedHousehold } from '../../src/simulation/world-loader.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const TODAY = '2026-11-23';
const REF = 'segment-api-debtor';
const ev = (eventId: string, type: string, occurredOn: string, extra: object = {}) => ({ eventId, debtorRef: REF, type, occurredOn, ...extra });
const EVENTS = [
  ev('seg-inv-1', 'invoice_issued', '2026-09-15', { invoiceId: 'SEG-1', amountCents: 10_000, dueDate: '2026-10-01' }),
  ev('seg-dd-1', 'direct_debit_collected', '2026-10-01', { invoiceId: 'SEG-1', amountCents: 10_000 }),
  ev('seg-ret-1', 'direct_debit_returned', '2026-10-03', { invoiceId: 'SEG-1', amountCents: 10_000, reasonCode: 'AM04' }),
  ev('seg-rem-1', 'reminder_sent', '2026-10-08', { invoiceId: 'SEG-1', channel: 'email' }),
  ev('seg-dd-2', 'direct_debit_collected', '2026-10-15', { invoiceId: 'SEG-1', amountCents: 10_000 }),
  ev('seg-ret-2', 'direct_debit_returned', '2026-10-17', { invoiceId: 'SEG-1', amountCents: 10_000, reasonCode: 'AM04' }),
  ev('seg-ans-1', 'contact_answered', '2026-10-18', { channel: 'whatsapp' }),
];

interface RuleView {
  rule: string;
  fired: boolean;
  threshold: number;
  observed: number | null;
  eventIds: string[];
  transactionIds: string[];
}

describe('GET /v1/debtors/:debtorId/segment', () => {
  let t: TestApp;
  let debtorId: string;
  const segment = (id: string, asOf = '2026-11-01', key = t.tenantA.keys.creditor) => t.app.inject({ url: `/v1/debtors/${id}/segment?asOf=${asOf}`, headers: bearer(key) });
  const rule = (body: { rules: RuleView[] }, name: string) => body.rules.find((r) => r.rule === name)!;

  beforeAll(async () => {
    t = await createTestApp({ today: () => TODAY });
    const sent = await t.app.inject({ method: 'POST', url: '/v1/data-points', headers: bearer(t.tenantA.keys.creditor), payload: { events: EVENTS } });
    expect(sent.statusCode, sent.body).toBe(200);
    const found = await t.app.inject({ url: `/v1/debtors?externalRef=${REF}`, headers: bearer(t.tenantA.keys.creditor) });
    debtorId = found.json().items[0].id;
  });
  afterAll(async () => t.close());

  it('decides on data points and the model alone when no consent covers bank data, and says so', async () => {
    const res = await segment(debtorId);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.debtorId).toBe(debtorId);
    expect(body.asOf).toBe('2026-11-01');
    expect(body.affordability.used).toBe(false);
    expect(body.affordability.reason).toMatch(/consent/);
    expect(body.abilityToPay).toBe('unknown');
    const returns = rule(body, 'insufficient_funds_returns');
    expect(returns).toMatchObject({ fired: true, threshold: 2, observed: 2 });
    expect(returns.eventIds.sort()).toEqual(['seg-ret-1', 'seg-ret-2']);
    expect(rule(body, 'affordable_below_need').fired).toBe(false);
    expect(body.figures).toMatchObject({ openClaims: 1, maxDaysPastDue: 31, affordableLowCents: null });
    expect(body.figures.totalDueCents).toBeGreaterThanOrEqual(10_000);
    // The starter data-points model (models/early-warning-data-points) scores a debtor without bank consent.
    expect(body.model).toMatchObject({ kind: 'model', modelId: 'early-warning-data-points', featureSet: 'data-points-only' });
    expect(body.figures.modelProbability).toBe(body.model.probability);
    expect(body.segment).toBe('cant_pay');
    expect(body.treatment).toMatchObject({ segment: 'cant_pay', action: 'offer_plan', tone: 'supportive' });
    // The debtor answered once by WhatsApp, which is not among the can't-pay channels; the segment's order stays.
    expect(body.treatment.channels).toEqual(['phone', 'letter', 'email']);
    expect(body.contactWindow).toMatchObject({ basis: 'no_income_day', from: '2026-11-02', until: '2026-11-04', incomeArrival: null });
    expect(body.thresholds).toMatchObject({ policyVersion: 0, overriddenByTenant: [] });
  });

  it('ignores data points after asOf', async () => {
    const body = (await segment(debtorId, '2026-10-10')).json();
    expect(rule(body, 'insufficient_funds_returns')).toMatchObject({ fired: false, observed: 1, eventIds: ['seg-ret-1'] });
  });

  it('applies the tenant’s thresholds, written by an analyst, and names what the tenant changed', async () => {
    const put = await t.app.inject({ method: 'PUT', url: '/v1/policies/collection-segments', headers: bearer(t.tenantA.keys.analyst), payload: { overrides: { insufficientFundsReturnsMin: 3 } } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ overrides: { insufficientFundsReturnsMin: 3 }, effective: { insufficientFundsReturnsMin: 3, lookbackDays: 180 }, defaults: { insufficientFundsReturnsMin: 2 }, version: 1 });
    const body = (await segment(debtorId)).json();
    expect(rule(body, 'insufficient_funds_returns')).toMatchObject({ fired: false, threshold: 3, observed: 2 });
    expect(body.thresholds).toMatchObject({ policyVersion: 1, overriddenByTenant: ['insufficientFundsReturnsMin'] });
    const read = await t.app.inject({ url: '/v1/policies/collection-segments', headers: bearer(t.tenantA.keys.creditor) });
    expect(read.json()).toMatchObject({ overrides: { insufficientFundsReturnsMin: 3 }, version: 1 });
    // Tenant B still has the defaults.
    const other = await t.app.inject({ url: '/v1/policies/collection-segments', headers: bearer(t.tenantB.keys.creditor) });
    expect(other.json()).toMatchObject({ overrides: {}, version: 0, effective: { insufficientFundsReturnsMin: 2 } });
    const reset = await t.app.inject({ method: 'PUT', url: '/v1/policies/collection-segments', headers: bearer(t.tenantA.keys.admin), payload: { overrides: {} } });
    expect(reset.json()).toMatchObject({ overrides: {}, version: 2 });
  });

  it('refuses unknown and out-of-range thresholds with 400 naming the field', async () => {
    for (const overrides of [{ noSuchThreshold: 1 }, { lookbackDays: 5 }, { lateShareMin: 1.5 }]) {
      const res = await t.app.inject({ method: 'PUT', url: '/v1/policies/collection-segments', headers: bearer(t.tenantA.keys.admin), payload: { overrides } });
      expect(res.statusCode, JSON.stringify(overrides)).toBe(400);
      expect(res.json().code).toBe('validation_failed');
    }
  });

  it('answers 404 for an unknown debtor and for another tenant’s, 400 for a date after today', async () => {
    const unknown = await segment(randomUUID());
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('not_found');
    const foreign = await segment(debtorId, '2026-11-01', t.tenantB.keys.creditor);
    expect(foreign.statusCode).toBe(404);
    const future = await segment(debtorId, '2026-11-24');
    expect(future.statusCode).toBe(400);
    expect(future.json().code).toBe('invalid_parameter');
  });
});

describe('segments without a model', () => {
  let t: TestApp;
  beforeAll(async () => {
    // No starter models where the registry looks: the tenant has no champion.
    t = await createTestApp({ today: () => TODAY, config: { riskStarterModelsDir: mkdtempSync(join(tmpdir(), 'no-models-')) } });
    await t.app.inject({ method: 'POST', url: '/v1/data-points', headers: bearer(t.tenantA.keys.creditor), payload: { events: EVENTS } });
  });
  afterAll(async () => t.close());

  it('says that no model was used and why', async () => {
    const id = (await t.app.inject({ url: `/v1/debtors?externalRef=${REF}`, headers: bearer(t.tenantA.keys.creditor) })).json().items[0].id;
    const res = await t.app.inject({ url: `/v1/debtors/${id}/segment?asOf=2026-11-01`, headers: bearer(t.tenantA.keys.analyst) });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.model.kind).toBe('no_model');
    expect(body.model.reason).toMatch(/no model/);
    expect(body.figures.modelProbability).toBeNull();
    expect(rule(body, 'model_expects_arrears').notTestedBecause).toBe(body.model.reason);
    expect(body.segment).toBe('cant_pay');
  });

  function rule(body: { rules: RuleView[] }, name: string) {
    return body.rules.find((r) => r.rule === name)! as RuleView & { notTestedBecause?: string };
  }
});

describe('segments of simulated households with bank data', () => {
  let t: TestApp;
  let households: SimulatedHousehold[];
  let loaded: LoadedHousehold[];

  beforeAll(async () => {
    t = await createTestApp({ today: () => TODAY });
    households = [...simulateHouseholds({ households: 5, months: 14, seed: 42, truthRuns: 0, startDate: worldStartEndingToday(TODAY, 14) })];
    loaded = await loadWorld(injectClient(t.app, t.tenantA.keys.creditor), households, { today: TODAY });
  }, 120_000);
  afterAll(async () => t.close());

  it('uses the affordability report, cites only the debtor’s own evidence, and opens the window after payday on a working day', async () => {
    let windows = 0;
    for (const [i, l] of loaded.entries()) {
      const res = await t.app.inject({ url: `/v1/debtors/${l.debtorId}/segment?asOf=${TODAY}`, headers: bearer(t.tenantA.keys.creditor) });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      const body = res.json();
      expect(body.affordability.used, l.debtorRef).toBe(true);
      expect(body.abilityToPay).not.toBe('unknown');
      const ownTransactions = new Set((await t.database.db.selectFrom('bank_transactions').select('id').where('debtor_id', '=', l.debtorId).execute()).map((r) => String(r.id)));
      const ownEvents = new Set(households[i]!.events.map((e) => e.eventId));
      for (const r of body.rules as RuleView[]) {
        for (const id of r.transactionIds) expect(ownTransactions.has(id), `${r.rule} cites ${id}`).toBe(true);
        for (const id of r.eventIds) expect(ownEvents.has(id), `${r.rule} cites ${id}`).toBe(true);
      }
      const w = body.contactWindow;
      expect(w.from >= TODAY).toBe(true);
      expect(w.until >= w.from).toBe(true);
      expect(isWorkingDay(w.from)).toBe(true);
      if (w.basis === 'main_income') {
        expect(w.from > w.incomeArrival).toBe(true);
        if (w.nextIncomeArrival) expect(w.until < w.nextIncomeArrival).toBe(true);
        windows += 1;
      }
    }
    // Most simulated households have a regular income the report learns.
    expect(windows).toBeGreaterThanOrEqual(3);
  });
});
