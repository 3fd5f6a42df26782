/**
 * Scores through the API on stored debtors (simulated households loaded as a creditor would): the
 * model follows the debtor's consent, the contributions add up to the raw output, the reasons are the
 * largest contributions with the debtor's own feature values, every score is stored with who asked,
 * and a feature snapshot is reused until the debtor's data changes.
 */
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AffordabilityEngine } from '../../src/affordability/affordability.service.js';
import { CURRENT_CONSENT_TEXT_VERSION } from '../../src/consent/consent.service.js';
import { injectClient } from '../../src/cli/inject-client.js';
import { addDays } from '../../src/platform/dates.js';
import { computeFeatures } from '../../src/risk-features/compute-features.js';
import { loadFeatureSource } from '../../src/risk-features/stored-features.js';
import { ModelRegistry } from '../../src/risk-models/registry.js';
import type { DebtorScore } from '../../src/risk-models/scoring.js';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import { loadWorld, worldStartEndingToday, type LoadedHousehold } from '../../src/simulation/world-loader.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { writeStarterDirectory } from './registry-support.js';

const TODAY = '2026-11-20';

describe('scoring through the API', () => {
  let t: TestApp;
  let starterDir: string;
  let withConsent: LoadedHousehold;
  let withoutConsent: LoadedHousehold;

  beforeAll(async () => {
    starterDir = await writeStarterDirectory();
    t = await createTestApp({ today: () => TODAY, config: { riskStarterModelsDir: starterDir, trainingRunner: false } });
    const households = [...simulateHouseholds({ households: 2, months: 14, seed: 23, truthRuns: 1, startDate: worldStartEndingToday(TODAY, 14) })];
    [withConsent, withoutConsent] = (await loadWorld(injectClient(t.app, t.tenantA.keys.creditor), households, { today: TODAY })) as [LoadedHousehold, LoadedHousehold];
    // The world loader's consent is for affordability; early warning needs its own purpose.
    const requested = await t.app.inject({
      method: 'POST',
      url: `/v1/debtors/${withConsent.debtorId}/consents`,
      headers: bearer(t.tenantA.keys.creditor),
      payload: { access: { accounts: true, balances: true, transactions: true }, purpose: 'early_warning_monitoring', validUntil: addDays(TODAY, 90), frequencyPerDay: 4, recurringIndicator: true },
    });
    expect(requested.statusCode).toBe(201);
    const granted = await t.app.inject({ method: 'POST', url: `/v1/consent-links/${requested.json().linkToken}/grant`, payload: { textVersion: CURRENT_CONSENT_TEXT_VERSION, agreed: true } });
    expect(granted.statusCode).toBe(200);
  }, 120_000);
  afterAll(async () => t?.close());

  const getScore = async (debtorId: string, key = t.tenantA.keys.creditor, asOf?: string) =>
    t.app.inject({ method: 'GET', url: `/v1/debtors/${debtorId}/score${asOf ? `?asOf=${asOf}` : ''}`, headers: bearer(key) });

  function expectAdditive(score: DebtorScore): void {
    const sum = Object.values(score.contributions).reduce((a, b) => a + b, score.base);
    expect(Math.abs(sum - score.logOdds)).toBeLessThan(1e-9);
  }

  it('scores a debtor without an early-warning consent from data points alone, and says why', async () => {
    const res = await getScore(withoutConsent.debtorId);
    expect(res.statusCode).toBe(200);
    const score = res.json<DebtorScore>();
    expect(score.featureSet).toBe('data-points-only');
    expect(score.featureSetReason.code).toBe('no_consent');
    expect(score.featureSetReason.message).toContain('early_warning_monitoring');
    expect(score.model).toEqual({ modelId: 'early-warning-data-points', version: 1, source: 'starter' });
    expect(score.asOf).toBe(TODAY);
    expect(score.horizonDays).toBe(90);
    expectAdditive(score);
  });

  it('scores a debtor under an early_warning_monitoring consent with bank features, as the model computes them', async () => {
    const res = await getScore(withConsent.debtorId, t.tenantA.keys.analyst, '2026-10-31');
    expect(res.statusCode).toBe(200);
    const score = res.json<DebtorScore>();
    expect(score.featureSet).toBe('bank-and-data-points');
    expect(score.featureSetReason.code).toBe('consent_valid');
    expect(score.model.modelId).toBe('early-warning');
    expectAdditive(score);

    // The same score in-process, from features computed directly: same probability, reasons and values.
    const source = await loadFeatureSource(t.database.db, new AffordabilityEngine(), t.tenantA.id, withConsent.debtorId, { asOf: '2026-10-31', today: TODAY, withBankData: true });
    const vector = computeFeatures(source, 'bank-and-data-points');
    expect(Object.keys(score.contributions)).toEqual(Object.keys(vector.values));
    const model = await new ModelRegistry(t.database.db, pathToFileURL(`${starterDir}/`)).model(t.tenantA.id, 'early-warning', 1);
    const direct = model.score(Float64Array.from(Object.values(vector.values), (v) => (v === null ? Number.NaN : v)), { topReasons: 5 });
    expect(score.probability).toBeCloseTo(direct.probability, 12);
    expect(score.band.name).toBe(direct.band);
    expect(score.reasons).toEqual(direct.reasons);
    for (const reason of score.reasons) expect(reason.value).toBe(vector.values[reason.feature]);
    // Reasons are the largest contributions by size, largest first.
    const sizes = Object.values(score.contributions).map(Math.abs).sort((a, b) => b - a);
    expect(score.reasons.map((r) => Math.abs(r.contribution))).toEqual(sizes.slice(0, 5));
  });

  it('stores every score with the key that asked, the model and the snapshot', async () => {
    const res = await getScore(withoutConsent.debtorId, t.tenantA.keys.analyst);
    const score = res.json<DebtorScore>();
    const row = await t.database.db.selectFrom('risk_scores').selectAll().where('tenant_id', '=', t.tenantA.id).where('id', '=', score.scoreId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      debtor_id: withoutConsent.debtorId,
      requested_by: t.tenantA.keyIds.analyst,
      model_id: 'early-warning-data-points',
      model_version: 1,
      feature_set: 'data-points-only',
      band: score.band.name,
      feature_snapshot_id: score.featureSnapshotId,
      as_of: TODAY,
    });
    expect(row.probability).toBeCloseTo(score.probability, 12);
  });

  it('reuses a snapshot until the debtor’s data changes', async () => {
    const first = (await getScore(withoutConsent.debtorId)).json<DebtorScore>();
    const again = (await getScore(withoutConsent.debtorId)).json<DebtorScore>();
    expect(again.featureSnapshotId).toBe(first.featureSnapshotId);
    // The same score, answered from memory until the data changes.
    expect(again.scoreId).toBe(first.scoreId);
    const sent = await t.app.inject({
      method: 'POST',
      url: '/v1/data-points',
      headers: bearer(t.tenantA.keys.creditor),
      payload: { events: [{ eventId: 'late-reminder', debtorRef: withoutConsent.debtorRef, type: 'reminder_sent', occurredOn: addDays(TODAY, -1), channel: 'email' }] },
    });
    expect(sent.statusCode).toBeLessThan(300);
    const after = (await getScore(withoutConsent.debtorId)).json<DebtorScore>();
    expect(after.featureSnapshotId).not.toBe(first.featureSnapshotId);
    const snapshots = await t.database.db.selectFrom('risk_feature_snapshots').select(['id', 'values']).where('tenant_id', '=', t.tenantA.id).where('debtor_id', '=', withoutConsent.debtorId).where('as_of', '=', TODAY).execute();
    expect(snapshots).toHaveLength(2);
  });

  it('says so when the early-warning consent has passed its date', async () => {
    await t.database.db.updateTable('consents').set({ valid_until: addDays(TODAY, -1) }).where('tenant_id', '=', t.tenantA.id).where('debtor_id', '=', withConsent.debtorId).where('purpose', '=', 'early_warning_monitoring').execute();
    // Written beside the service: heard through the change feed, like another instance's write.
    await t.app.changeFeed.sync();
    try {
      const score = (await getScore(withConsent.debtorId)).json<DebtorScore>();
      expect(score.featureSet).toBe('data-points-only');
      expect(score.featureSetReason.code).toBe('consent_expired');
    } finally {
      await t.database.db.updateTable('consents').set({ valid_until: addDays(TODAY, 90) }).where('tenant_id', '=', t.tenantA.id).where('debtor_id', '=', withConsent.debtorId).where('purpose', '=', 'early_warning_monitoring').execute();
      await t.app.changeFeed.sync();
    }
  });

  it('scores many debtors in one request, in the order asked', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/scores', headers: bearer(t.tenantA.keys.creditor), payload: { debtorIds: [withConsent.debtorId, withoutConsent.debtorId, withConsent.debtorId], asOf: '2026-09-30' } });
    expect(res.statusCode).toBe(200);
    const { scores } = res.json<{ scores: DebtorScore[] }>();
    expect(scores.map((s) => [s.debtorId, s.featureSet, s.asOf])).toEqual([
      [withConsent.debtorId, 'bank-and-data-points', '2026-09-30'],
      [withoutConsent.debtorId, 'data-points-only', '2026-09-30'],
      [withConsent.debtorId, 'bank-and-data-points', '2026-09-30'],
    ]);
    expect(scores[2]!.featureSnapshotId).toBe(scores[0]!.featureSnapshotId);
    for (const score of scores) expectAdditive(score);
  });

  it('refuses a future as-of date, too many debtors and an unknown debtor', async () => {
    expect((await getScore(withoutConsent.debtorId, t.tenantA.keys.creditor, addDays(TODAY, 1))).json()).toMatchObject({ status: 400, code: 'invalid_parameter' });
    const tooMany = await t.app.inject({ method: 'POST', url: '/v1/scores', headers: bearer(t.tenantA.keys.creditor), payload: { debtorIds: Array.from({ length: 1001 }, () => withConsent.debtorId) } });
    expect(tooMany.statusCode).toBe(400);
    const unknown = await t.app.inject({ method: 'POST', url: '/v1/scores', headers: bearer(t.tenantA.keys.creditor), payload: { debtorIds: [withConsent.debtorId, '00000000-0000-4000-8000-000000000000'] } });
    expect(unknown.json()).toMatchObject({ status: 404, code: 'not_found' });
    expect(unknown.headers['content-type']).toContain('application/problem+json');
  });

  it('admin keys may not score', async () => {
    expect((await getScore(withoutConsent.debtorId, t.tenantA.keys.admin)).json()).toMatchObject({ status: 403, code: 'forbidden_role' });
  });

  it('another tenant’s keys cannot score this tenant’s debtors (404, as elsewhere)', async () => {
    for (const key of [t.tenantB.keys.creditor, t.tenantB.keys.analyst]) {
      expect((await getScore(withConsent.debtorId, key)).statusCode).toBe(404);
      const batch = await t.app.inject({ method: 'POST', url: '/v1/scores', headers: bearer(key), payload: { debtorIds: [withoutConsent.debtorId] } });
      expect(batch.json()).toMatchObject({ status: 404, code: 'not_found' });
    }
    const stored = await t.database.db.selectFrom('risk_scores').select('id').where('tenant_id', '=', t.tenantB.id).execute();
    expect(stored).toEqual([]);
  });
});
