/**
 * A repeated score of an unchanged debtor is answered from the instance's memory
 * (RiskScorer.scoreRepeatable), which the database's change notifications keep honest; these tests
 * make it fail whenever it could serve a stale score. Two instances of the service on one database
 * (a pool and a listening connection each on PostgreSQL, as in test/jobs/), each with its own memory
 * of answers and of keys: what one instance — or anything else writing to the database — changes (new
 * data, a new or revoked consent, a promoted model, a revoked key, an erasure) changes the other's
 * next answer once its feed has heard it (`changeFeed.sync()`: every change committed before it has
 * been heard); so does a new day. A spy on the full scoring path shows when memory was used, so a
 * test cannot pass just because nothing was ever remembered.
 */
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app.js';
import { injectClient } from '../../src/cli/inject-client.js';
import { CURRENT_CONSENT_TEXT_VERSION } from '../../src/consent/consent.service.js';
import type { DatabaseHandle } from '../../src/platform/database/connection.js';
import { addDays } from '../../src/platform/dates.js';
import type { AppInstance } from '../../src/platform/http/types.js';
import { ModelRegistry } from '../../src/risk-models/registry.js';
import { RiskScorer, type DebtorScore } from '../../src/risk-models/scoring.js';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import { loadWorld, worldStartEndingToday, type LoadedHousehold } from '../../src/simulation/world-loader.js';
import { openAnotherHandle } from '../support/database.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { syntheticBundle, writeStarterDirectory } from './registry-support.js';

const FIRST_DAY = '2026-11-20';

describe('repeated scores across two instances', () => {
  let t: TestApp;
  let secondHandle: DatabaseHandle;
  let second: AppInstance;
  let starterDir: string;
  let debtorA: LoadedHousehold;
  let debtorB: LoadedHousehold;
  let today = FIRST_DAY;
  const fullPath = vi.spyOn(RiskScorer.prototype, 'score');
  const repeatable = vi.spyOn(RiskScorer.prototype, 'scoreRepeatable');
  /** Writes every instance's serving counts now instead of within the second. */
  const flushServings = async () => {
    for (const scorer of new Set(repeatable.mock.contexts as RiskScorer[])) await scorer.flushServings();
  };

  beforeAll(async () => {
    starterDir = await writeStarterDirectory();
    t = await createTestApp({ today: () => today, config: { riskStarterModelsDir: starterDir, trainingRunner: false } });
    secondHandle = openAnotherHandle(t.database);
    second = await buildApp(t.config, { database: secondHandle, logger: false, today: () => today });
    await second.ready();
    const households = [...simulateHouseholds({ households: 2, months: 14, seed: 41, truthRuns: 1, startDate: worldStartEndingToday(FIRST_DAY, 14) })];
    [debtorA, debtorB] = (await loadWorld(injectClient(t.app, t.tenantA.keys.creditor), households, { today: FIRST_DAY })) as [LoadedHousehold, LoadedHousehold];
    // The tenant's first score registers the starter models (their champions are part of the
    // fingerprint), so the answer remembered then is recomputed once: settle that before the tests.
    for (const app of [t.app, second]) for (const debtor of [debtorA, debtorB]) for (let i = 0; i < 2; i++) await scoreOn(app, debtor.debtorId);
  }, 120_000);
  afterAll(async () => {
    await second?.close();
    await secondHandle?.close();
    await t?.close();
  });
  afterEach(() => {
    today = FIRST_DAY;
  });

  const scoreOn = async (app: AppInstance, debtorId: string, key = t.tenantA.keys.creditor, asOf?: string) => {
    const res = await app.inject({ method: 'GET', url: `/v1/debtors/${debtorId}/score${asOf ? `?asOf=${asOf}` : ''}`, headers: bearer(key) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<DebtorScore>();
  };
  /** Scores on the instance and says whether the full path ran (false: answered from memory). */
  const scoreCounting = async (app: AppInstance, debtorId: string, key?: string, asOf?: string) => {
    const before = fullPath.mock.calls.length;
    const score = await scoreOn(app, debtorId, key, asOf);
    return { score, full: fullPath.mock.calls.length > before };
  };
  /** Both instances have answered for the debtor, so each has something to repeat. */
  const warmBoth = async (debtorId: string) => {
    await scoreOn(t.app, debtorId);
    await scoreOn(second, debtorId);
    expect((await scoreCounting(t.app, debtorId)).full).toBe(false);
    expect((await scoreCounting(second, debtorId)).full).toBe(false);
  };
  /** Waits until the instance has heard every change committed so far. */
  const heard = async (app: AppInstance) => app.changeFeed.sync();
  const storedScores = async (debtorId: string) =>
    t.database.db.selectFrom('risk_scores').select(['id', 'requested_by', 'model_version', 'band', 'probability', 'feature_snapshot_id']).where('tenant_id', '=', t.tenantA.id).where('debtor_id', '=', debtorId).orderBy('created_at').execute();
  const bandEvents = async (debtorId: string) =>
    (await t.database.db.selectFrom('webhook_events').select(['type', 'subject_id']).where('tenant_id', '=', t.tenantA.id).where('debtor_id', '=', debtorId).where('type', 'in', ['risk.band_changed', 'risk.early_warning_raised']).orderBy('seq').execute()).map(
      (e) => e.type,
    );

  it('answers an unchanged debtor from memory: the same score and id, stored once, every key that asked counted per day', async () => {
    const first = await scoreCounting(t.app, debtorA.debtorId);
    expect(first.full).toBe(false);
    const count = (await storedScores(debtorA.debtorId)).length;
    const repeat = await scoreCounting(t.app, debtorA.debtorId, t.tenantA.keys.analyst);
    const again = await scoreCounting(t.app, debtorA.debtorId, t.tenantA.keys.analyst);
    expect(repeat.full).toBe(false);
    expect(repeat.score).toEqual(first.score);
    expect(again.score.scoreId).toBe(first.score.scoreId);
    expect(await storedScores(debtorA.debtorId)).toHaveLength(count);
    const stored = (await storedScores(debtorA.debtorId)).find((r) => r.id === first.score.scoreId);
    expect(stored).toMatchObject({ model_version: first.score.model.version, band: first.score.band.name, probability: first.score.probability, feature_snapshot_id: first.score.featureSnapshotId });
    await flushServings();
    const servings = await t.database.db.selectFrom('risk_score_servings').selectAll().where('tenant_id', '=', t.tenantA.id).where('score_id', '=', first.score.scoreId).where('requested_by', '=', t.tenantA.keyIds.analyst).execute();
    expect(servings).toHaveLength(1);
    expect(servings[0]).toMatchObject({ day: FIRST_DAY, served: 2 });
    expect(new Date(servings[0]!.last_served_at).getTime()).toBeGreaterThanOrEqual(new Date(servings[0]!.first_served_at).getTime());
    // Counted on: the next flush adds to the same row.
    await scoreOn(t.app, debtorA.debtorId, t.tenantA.keys.analyst);
    await flushServings();
    const after = await t.database.db.selectFrom('risk_score_servings').select('served').where('tenant_id', '=', t.tenantA.id).where('score_id', '=', first.score.scoreId).where('requested_by', '=', t.tenantA.keyIds.analyst).executeTakeFirstOrThrow();
    expect(after.served).toBe(3);
  });

  it('new data on one instance changes the other instance’s next answer', async () => {
    await warmBoth(debtorA.debtorId);
    const before = await scoreOn(second, debtorA.debtorId);
    const sent = await t.app.inject({
      method: 'POST',
      url: '/v1/data-points',
      headers: bearer(t.tenantA.keys.creditor),
      payload: { events: [{ eventId: 'repeat-late-reminder', debtorRef: debtorA.debtorRef, type: 'reminder_sent', occurredOn: addDays(FIRST_DAY, -1), channel: 'email' }] },
    });
    expect(sent.statusCode).toBeLessThan(300);
    // On the instance that wrote, the change is heard before its own next request.
    // Read-your-writes on the instance that wrote, with no sync: PGlite hears a change before the
    // write's own answer; on PostgreSQL the instance waits for the notification it noted the write for.
    expect((await scoreCounting(t.app, debtorA.debtorId)).full).toBe(true);
    await heard(second);
    const after = await scoreCounting(second, debtorA.debtorId);
    expect(after.full).toBe(true);
    expect(after.score.featureSnapshotId).not.toBe(before.featureSnapshotId);
    expect(after.score.scoreId).not.toBe(before.scoreId);
    // And the new answer is remembered from then on.
    expect((await scoreCounting(second, debtorA.debtorId)).full).toBe(false);
  });

  it('a write made outside the service (bank data, the household) is heard just the same', async () => {
    await warmBoth(debtorB.debtorId);
    await t.database.db.updateTable('debtors').set({ household: JSON.stringify({ composition: 'couple_with_children', children: 3 }) }).where('tenant_id', '=', t.tenantA.id).where('id', '=', debtorB.debtorId).execute();
    await heard(second);
    expect((await scoreCounting(second, debtorB.debtorId)).full).toBe(true);
    expect((await scoreCounting(second, debtorB.debtorId)).full).toBe(false);
    // A rolled-back write is never announced: memory stays.
    await t.database.db
      .transaction()
      .execute(async (trx) => {
        await trx.deleteFrom('data_point_events').where('tenant_id', '=', t.tenantA.id).where('debtor_id', '=', debtorB.debtorId).execute();
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await heard(second);
    expect((await scoreCounting(second, debtorB.debtorId)).full).toBe(false);
  });

  it('a consent granted, then revoked, through one instance changes the other instance’s next answer', async () => {
    await warmBoth(debtorB.debtorId);
    expect((await scoreOn(second, debtorB.debtorId)).featureSet).toBe('data-points-only');
    const requested = await t.app.inject({
      method: 'POST',
      url: `/v1/debtors/${debtorB.debtorId}/consents`,
      headers: bearer(t.tenantA.keys.creditor),
      payload: { access: { accounts: true, balances: true, transactions: true }, purpose: 'early_warning_monitoring', validUntil: addDays(FIRST_DAY, 90), frequencyPerDay: 4, recurringIndicator: true },
    });
    expect(requested.statusCode).toBe(201);
    const granted = await t.app.inject({ method: 'POST', url: `/v1/consent-links/${requested.json().linkToken}/grant`, payload: { textVersion: CURRENT_CONSENT_TEXT_VERSION, agreed: true } });
    expect(granted.statusCode).toBe(200);
    await heard(second);
    const withConsent = await scoreCounting(second, debtorB.debtorId);
    expect(withConsent.full).toBe(true);
    expect(withConsent.score.featureSet).toBe('bank-and-data-points');
    expect(withConsent.score.featureSetReason.code).toBe('consent_valid');
    expect((await scoreCounting(second, debtorB.debtorId)).full).toBe(false);

    // The consent now runs until tomorrow (changed under the service, as time would): the day after,
    // the answer changes at once, nightly expiry job or not.
    const consentId = (requested.json() as { consent: { id: string } }).consent.id;
    await t.database.db.updateTable('consents').set({ valid_until: addDays(FIRST_DAY, 1) }).where('tenant_id', '=', t.tenantA.id).where('id', '=', consentId).execute();
    await heard(second);
    // Scored as of the same date before and after, so only today moves.
    expect((await scoreCounting(second, debtorB.debtorId, undefined, FIRST_DAY)).full).toBe(true);
    expect((await scoreCounting(second, debtorB.debtorId, undefined, FIRST_DAY)).score.featureSetReason.code).toBe('consent_valid');
    expect((await scoreCounting(second, debtorB.debtorId, undefined, FIRST_DAY)).full).toBe(false);
    today = addDays(FIRST_DAY, 2);
    const nextDay = await scoreCounting(second, debtorB.debtorId, undefined, FIRST_DAY);
    expect(nextDay.full).toBe(true);
    expect(nextDay.score.featureSetReason.code).toBe('consent_expired');
    today = FIRST_DAY;

    await scoreOn(second, debtorB.debtorId);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/v1/consents/${consentId}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(revoked.statusCode, revoked.body).toBeLessThan(300);
    await heard(second);
    const afterRevocation = await scoreCounting(second, debtorB.debtorId);
    expect(afterRevocation.full).toBe(true);
    expect(afterRevocation.score.featureSet).toBe('data-points-only');
  });

  it('a model promoted (and rolled back) on one instance scores the other instance’s next request', async () => {
    await warmBoth(debtorA.debtorId);
    const registry = new ModelRegistry(t.database.db, pathToFileURL(`${starterDir}/`));
    const version = await registry.writeVersion(t.tenantA.id, await syntheticBundle('data-points-only', { seed: 77 }), { source: 'training-run', createdBy: t.tenantA.keyIds.analyst, trainingRunId: null });
    const promoted = await t.app.inject({ method: 'POST', url: `/v1/models/early-warning-data-points/versions/${version}/promote`, headers: bearer(t.tenantA.keys.analyst) });
    expect(promoted.statusCode, promoted.body).toBe(200);
    await heard(second);
    const onSecond = await scoreCounting(second, debtorA.debtorId);
    expect(onSecond.full).toBe(true);
    expect(onSecond.score.model.version).toBe(version);
    expect((await scoreCounting(second, debtorA.debtorId)).score.model.version).toBe(version);
    const rolledBack = await t.app.inject({ method: 'POST', url: '/v1/models/early-warning-data-points/rollback', headers: bearer(t.tenantA.keys.analyst) });
    expect(rolledBack.statusCode, rolledBack.body).toBe(200);
    await heard(second);
    const back = await scoreCounting(second, debtorA.debtorId);
    expect(back.score.model.version).toBe(1);
  });

  it('an answer from memory stores nothing and raises no band event; a recomputed one raises what it changes', async () => {
    await warmBoth(debtorA.debtorId);
    const current = await scoreOn(t.app, debtorA.debtorId);
    const eventsBefore = await bandEvents(debtorA.debtorId);
    // As if another instance had stored a score in another band (an older model, another day): the
    // remembered answer stays right for its date, and a repeat is not a new score to compare.
    const other = current.band.name === 'very_high' ? 'very_low' : 'very_high';
    await t.database.db
      .insertInto('risk_scores')
      .values({ tenant_id: t.tenantA.id, id: crypto.randomUUID(), debtor_id: debtorA.debtorId, as_of: FIRST_DAY, model_id: current.model.modelId, model_version: current.model.version, feature_set: current.featureSet, probability: 0.5, band: other, reasons: JSON.stringify(current.reasons), feature_snapshot_id: current.featureSnapshotId, requested_by: t.tenantA.keyIds.creditor, created_at: new Date(Date.now() + 1000) })
      .execute();
    await heard(t.app);
    const repeat = await scoreCounting(t.app, debtorA.debtorId);
    expect(repeat.full).toBe(false);
    expect(repeat.score.scoreId).toBe(current.scoreId);
    expect(await bandEvents(debtorA.debtorId)).toEqual(eventsBefore);
    // A new day recomputes: the new score is compared with the latest stored band, and the event is raised.
    today = addDays(FIRST_DAY, 1);
    const nextDay = await scoreCounting(t.app, debtorA.debtorId, undefined, FIRST_DAY);
    expect(nextDay.full).toBe(true);
    expect(nextDay.score.band.name).toBe(current.band.name);
    expect((await bandEvents(debtorA.debtorId)).slice(eventsBefore.length)).toContain('risk.band_changed');
  });

  it('a key revoked through one instance stops scoring on the other, though that instance remembered it', async () => {
    const extra = await t.app.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(t.tenantA.keys.admin), payload: { role: 'creditor', label: 'to revoke' } });
    expect(extra.statusCode, extra.body).toBe(201);
    const { key, id } = extra.json() as { key: string; id: string };
    await scoreOn(second, debtorA.debtorId, key);
    expect((await scoreCounting(second, debtorA.debtorId, key)).full).toBe(false);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: bearer(t.tenantA.keys.admin) });
    expect(revoked.statusCode, revoked.body).toBeLessThan(300);
    await heard(second);
    const refused = await second.inject({ method: 'GET', url: `/v1/debtors/${debtorA.debtorId}/score`, headers: bearer(key) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'invalid_api_key' });
  });

  it('another tenant’s key never reaches a debtor through a remembered answer (404)', async () => {
    await warmBoth(debtorA.debtorId);
    const res = await second.inject({ method: 'GET', url: `/v1/debtors/${debtorA.debtorId}/score`, headers: bearer(t.tenantB.keys.creditor) });
    expect(res.statusCode).toBe(404);
  });

  // PGlite runs in the process: it has no connection to lose, so this runs in the PostgreSQL run only.
  it.skipIf(!process.env.TEST_DATABASE_URL)('a listening connection that dies turns memory off until it is back, then starts from nothing', async () => {
    await warmBoth(debtorA.debtorId);
    const killed = await sql<{ n: number }>`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen draagkracht_changes'`.execute(t.database.db);
    expect(killed.rows[0]!.n).toBeGreaterThanOrEqual(2);
    await vi.waitFor(() => expect(second.changeFeed.live).toBe(false), { timeout: 5000 });
    expect((await scoreCounting(second, debtorA.debtorId)).full).toBe(true);
    expect((await scoreCounting(second, debtorA.debtorId)).full).toBe(true);
    await vi.waitFor(() => expect(second.changeFeed.live).toBe(true), { timeout: 10_000 });
    // Back, with nothing remembered from before: the first answer is computed, the next remembered.
    expect((await scoreCounting(second, debtorA.debtorId)).full).toBe(true);
    expect((await scoreCounting(second, debtorA.debtorId)).full).toBe(false);
    await vi.waitFor(() => expect(t.app.changeFeed.live).toBe(true), { timeout: 10_000 });
  });

  it('an erased debtor is gone from every instance’s memory (404)', async () => {
    await warmBoth(debtorB.debtorId);
    const erased = await t.app.inject({ method: 'DELETE', url: `/v1/debtors/${debtorB.debtorId}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(erased.statusCode, erased.body).toBeLessThan(300);
    await heard(second);
    const res = await second.inject({ method: 'GET', url: `/v1/debtors/${debtorB.debtorId}/score`, headers: bearer(t.tenantA.keys.creditor) });
    expect(res.statusCode).toBe(404);
  });
});
