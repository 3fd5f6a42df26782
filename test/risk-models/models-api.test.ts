/**
 * Model management through the API: listing, versions, one version's metadata (not its trees),
 * promote and rollback, training-run status; analyst keys only; and for every route, another
 * tenant's keys see 404 (never 403) and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../src/risk-models/registry.js';
import { pathToFileURL } from 'node:url';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { syntheticBundle, writeStarterDirectory } from './registry-support.js';

describe('models API', () => {
  let t: TestApp;
  let registry: ModelRegistry;
  const MODEL = 'early-warning-data-points';

  beforeAll(async () => {
    const starterDir = await writeStarterDirectory();
    t = await createTestApp({ today: () => '2026-11-20', config: { riskStarterModelsDir: starterDir, trainingRunner: false } });
    registry = new ModelRegistry(t.database.db, pathToFileURL(`${starterDir}/`));
    // Tenant A has trained twice, and a model of its own name.
    const bundle = await syntheticBundle('data-points-only', { seed: 31 });
    await registry.writeVersion(t.tenantA.id, bundle, { source: 'training-run', createdBy: t.tenantA.keyIds.analyst, trainingRunId: null });
    await registry.writeVersion(t.tenantA.id, { ...bundle, seed: 32 }, { source: 'training-run', createdBy: t.tenantA.keyIds.analyst, trainingRunId: null });
    await registry.writeVersion(t.tenantA.id, { ...bundle, modelId: 'tenant-a-own' }, { source: 'training-run', createdBy: t.tenantA.keyIds.analyst, trainingRunId: null });
  }, 60_000);
  afterAll(async () => t?.close());

  const call = (method: 'GET' | 'POST', url: string, key: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

  it('lists models with their champion; a new tenant sees the starters', async () => {
    const a = await call('GET', '/v1/models', t.tenantA.keys.analyst);
    expect(a.statusCode).toBe(200);
    expect(a.json().models).toEqual([
      { modelId: 'early-warning', featureSet: 'bank-and-data-points', championVersion: 1, latestVersion: 1, versionCount: 1 },
      { modelId: MODEL, featureSet: 'data-points-only', championVersion: 1, latestVersion: 3, versionCount: 3 },
      { modelId: 'tenant-a-own', featureSet: 'data-points-only', championVersion: 1, latestVersion: 1, versionCount: 1 },
    ]);
    const b = await call('GET', '/v1/models', t.tenantB.keys.analyst);
    expect(b.json().models.map((m: { modelId: string; latestVersion: number }) => [m.modelId, m.latestVersion])).toEqual([
      ['early-warning', 1],
      [MODEL, 1],
    ]);
  });

  it('shows versions and one version’s metrics without its trees', async () => {
    const versions = await call('GET', `/v1/models/${MODEL}/versions`, t.tenantA.keys.analyst);
    expect(versions.json().versions.map((v: { version: number; source: string; isChampion: boolean }) => [v.version, v.source, v.isChampion])).toEqual([
      [3, 'training-run', false],
      [2, 'training-run', false],
      [1, 'starter', true],
    ]);
    const detail = await call('GET', `/v1/models/${MODEL}/versions/3`, t.tenantA.keys.analyst);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ modelId: MODEL, version: 3, seed: 32, createdBy: t.tenantA.keyIds.analyst, metrics: { testAuc: 0.7 }, calibration: 'platt' });
    expect(detail.json().bands).toHaveLength(5);
    expect(detail.json()).not.toHaveProperty('model');
    expect(detail.body.length).toBeLessThan(10_000);
    expect((await call('GET', `/v1/models/${MODEL}/versions/9`, t.tenantA.keys.analyst)).json()).toMatchObject({ status: 404, code: 'not_found' });
    expect((await call('GET', '/v1/models/nope/versions', t.tenantA.keys.analyst)).statusCode).toBe(404);
  });

  it('promotes and rolls back, and the next score uses the champion', async () => {
    const promoted = await call('POST', `/v1/models/${MODEL}/versions/3/promote`, t.tenantA.keys.analyst);
    expect(promoted.json()).toEqual({ modelId: MODEL, championVersion: 3, previousVersion: 1 });
    const debtor = await call('POST', '/v1/debtors', t.tenantA.keys.creditor, { externalRef: 'score-me' });
    const scored = await call('GET', `/v1/debtors/${debtor.json().id}/score`, t.tenantA.keys.creditor);
    expect(scored.json().model).toEqual({ modelId: MODEL, version: 3, source: 'training-run' });
    const rolledBack = await call('POST', `/v1/models/${MODEL}/rollback`, t.tenantA.keys.analyst);
    expect(rolledBack.json()).toEqual({ modelId: MODEL, championVersion: 1, previousVersion: 3 });
    expect((await call('GET', `/v1/debtors/${debtor.json().id}/score`, t.tenantA.keys.creditor)).json().model.version).toBe(1);
    const again = await call('POST', `/v1/models/${MODEL}/rollback`, t.tenantA.keys.analyst);
    expect(again.json()).toMatchObject({ status: 409, code: 'invalid_state' });
    const audit = await t.database.db.selectFrom('audit_log').select(['action']).where('tenant_id', '=', t.tenantA.id).where('action', 'like', 'risk_model.%').execute();
    expect(audit.map((a) => a.action)).toEqual(['risk_model.promoted', 'risk_model.rolled_back']);
  });

  it('queues a training run (202) and shows its status', async () => {
    const queued = await call('POST', '/v1/models/training-runs', t.tenantA.keys.analyst, { featureSet: 'data-points-only', seed: 4 });
    expect(queued.statusCode).toBe(202);
    const { run } = queued.json();
    expect(run).toMatchObject({ modelId: MODEL, status: 'queued', progress: 0, options: { modelId: MODEL, featureSet: 'data-points-only', seed: 4 }, resultVersion: null, error: null, createdBy: t.tenantA.keyIds.analyst });
    const shown = await call('GET', `/v1/models/training-runs/${run.runId}`, t.tenantA.keys.analyst);
    expect(shown.json().run).toEqual(run);
    // A model id keeps its feature set.
    expect((await call('POST', '/v1/models/training-runs', t.tenantA.keys.analyst, { featureSet: 'bank-and-data-points', modelId: MODEL })).json()).toMatchObject({ status: 409, code: 'conflict' });
    expect((await call('POST', '/v1/models/training-runs', t.tenantA.keys.analyst, { modelId: 'training-runs' })).statusCode).toBe(400);
  });

  it('model management needs an analyst key', async () => {
    for (const key of [t.tenantA.keys.creditor, t.tenantA.keys.admin]) {
      expect((await call('GET', '/v1/models', key)).json()).toMatchObject({ status: 403, code: 'forbidden_role' });
      expect((await call('POST', `/v1/models/${MODEL}/versions/2/promote`, key)).statusCode).toBe(403);
      expect((await call('POST', '/v1/models/training-runs', key, {})).statusCode).toBe(403);
    }
  });

  it('another tenant’s keys cannot see, promote, roll back or follow this tenant’s models and runs (404)', async () => {
    const run = (await call('POST', '/v1/models/training-runs', t.tenantA.keys.analyst, {})).json().run;
    const before = await t.database.db.selectFrom('risk_model_champions').selectAll().where('tenant_id', '=', t.tenantA.id).orderBy('model_id').execute();
    const key = t.tenantB.keys.analyst;
    const notFound = [
      await call('GET', '/v1/models/tenant-a-own/versions', key),
      await call('GET', '/v1/models/tenant-a-own/versions/1', key),
      await call('GET', `/v1/models/${MODEL}/versions/3`, key),
      await call('POST', `/v1/models/${MODEL}/versions/3/promote`, key),
      await call('POST', '/v1/models/tenant-a-own/versions/1/promote', key),
      await call('POST', '/v1/models/tenant-a-own/rollback', key),
      await call('GET', `/v1/models/training-runs/${run.runId}`, key),
    ];
    for (const res of notFound) {
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    // Tenant B's own starter model has nothing to roll back to; tenant A's history is untouched.
    expect((await call('POST', `/v1/models/${MODEL}/rollback`, key)).statusCode).toBe(409);
    const after = await t.database.db.selectFrom('risk_model_champions').selectAll().where('tenant_id', '=', t.tenantA.id).orderBy('model_id').execute();
    expect(after).toEqual(before);
    const bRuns = await t.database.db.selectFrom('risk_training_runs').select('id').where('tenant_id', '=', t.tenantB.id).execute();
    expect(bRuns).toEqual([]);
  });
});
