/**
 * The model registry on a real database: starter models registered once per tenant (also when two
 * instances race), versions numbered per model, promotion and rollback through the history, a write
 * that fails inside its transaction leaves nothing, and a second instance sees a new champion.
 */
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/platform/database/connection.js';
import { AppError } from '../../src/platform/errors.js';
import { ModelRegistry } from '../../src/risk-models/registry.js';
import type { RiskModelBundle } from '../../src/risk-models/risk-model-bundle.js';
import { ensureTenant } from '../../src/tenants/api-key.service.js';
import { createTestDatabase } from '../support/database.js';
import { syntheticBundle, writeStarterDirectory } from './registry-support.js';

describe('model registry', () => {
  let database: DatabaseHandle;
  let starters: URL;
  let trained: RiskModelBundle;
  const newRegistry = () => new ModelRegistry(database.db, starters);

  beforeAll(async () => {
    database = await createTestDatabase();
    starters = pathToFileURL(`${await writeStarterDirectory()}/`);
    trained = await syntheticBundle('data-points-only', { seed: 11 });
    for (const tenant of ['t1', 't2', 't3', 't4']) await ensureTenant(database.db, tenant, tenant);
  }, 60_000);
  afterAll(async () => database.close());

  it('gives a new tenant the starter models as version 1 and champion, once, even when two instances race', async () => {
    const [a, b] = [newRegistry(), newRegistry()];
    await Promise.all([a.ensureStarterModels('t1'), b.ensureStarterModels('t1')]);
    const models = await a.listModels('t1');
    expect(models).toEqual([
      { modelId: 'early-warning', featureSet: 'bank-and-data-points', championVersion: 1, latestVersion: 1, versionCount: 1 },
      { modelId: 'early-warning-data-points', featureSet: 'data-points-only', championVersion: 1, latestVersion: 1, versionCount: 1 },
    ]);
    const { versions, history } = await b.listVersions('t1', 'early-warning-data-points');
    expect(versions.map((v) => [v.version, v.source, v.isChampion, v.createdBy])).toEqual([[1, 'starter', true, null]]);
    expect(history.map((h) => h.action)).toEqual(['starter']);
    const champion = await a.champion('t1', 'early-warning-data-points');
    expect(champion?.source).toBe('starter');
    expect(champion?.model.bundle.featureSet).toBe('data-points-only');
  });

  it('numbers versions per model, keeps the champion, and walks back through promotions on rollback', async () => {
    const registry = newRegistry();
    const v2 = await registry.writeVersion('t2', trained, { source: 'training-run', createdBy: 'key-1', trainingRunId: null });
    const v3 = await registry.writeVersion('t2', { ...trained, seed: 12 }, { source: 'training-run', createdBy: 'key-1', trainingRunId: null });
    expect([v2, v3]).toEqual([2, 3]);
    expect(await registry.championVersion('t2', 'early-warning-data-points')).toBe(1);

    expect(await registry.promote('t2', 'early-warning-data-points', 2, 'analyst')).toEqual({ version: 2, previousVersion: 1 });
    expect(await registry.promote('t2', 'early-warning-data-points', 3, 'analyst')).toEqual({ version: 3, previousVersion: 2 });
    expect(await registry.rollback('t2', 'early-warning-data-points', 'analyst')).toEqual({ version: 2, previousVersion: 3 });
    expect(await registry.rollback('t2', 'early-warning-data-points', 'analyst')).toEqual({ version: 1, previousVersion: 2 });
    await expect(registry.rollback('t2', 'early-warning-data-points', 'analyst')).rejects.toMatchObject({ code: 'invalid_state' });
    expect(await registry.championVersion('t2', 'early-warning-data-points')).toBe(1);

    const { history } = await registry.listVersions('t2', 'early-warning-data-points');
    expect(history.map((h) => [h.action, h.version, h.previousVersion, h.undone])).toEqual([
      ['starter', 1, null, false],
      ['promote', 2, 1, true],
      ['promote', 3, 2, true],
      ['rollback', 2, 3, false],
      ['rollback', 1, 2, false],
    ]);
    const detail = await registry.getVersion('t2', 'early-warning-data-points', 3);
    expect(detail).toMatchObject({ version: 3, seed: 12, source: 'training-run', createdBy: 'key-1', isChampion: false, calibration: 'platt' });
    expect(detail.metrics.testAuc).toBe(0.7);
    expect(detail).not.toHaveProperty('model');
  });

  it('promoting an unknown version is 404 and changes nothing', async () => {
    const registry = newRegistry();
    await expect(registry.promote('t2', 'early-warning-data-points', 99, 'analyst')).rejects.toMatchObject({ code: 'not_found' });
    await expect(registry.rollback('t2', 'no-such-model', 'analyst')).rejects.toBeInstanceOf(AppError);
  });

  it('a failure inside the write leaves no version and no champion change', async () => {
    const registry = newRegistry();
    await registry.ensureStarterModels('t3');
    await expect(
      registry.writeVersion('t3', trained, { source: 'training-run', createdBy: 'key-1', trainingRunId: null }, async (trx, version) => {
        // The version row is in the transaction here: the crash comes after it was written.
        const seen = await trx.selectFrom('risk_model_versions').select('version').where('tenant_id', '=', 't3').where('model_id', '=', trained.modelId).where('version', '=', version).executeTakeFirst();
        expect(seen?.version).toBe(2);
        throw new Error('crash after the version row');
      }),
    ).rejects.toThrow('crash after the version row');
    const rows = await database.db.selectFrom('risk_model_versions').select('version').where('tenant_id', '=', 't3').where('model_id', '=', trained.modelId).execute();
    expect(rows.map((r) => r.version)).toEqual([1]);
    // A brand-new model id would have become champion with its first version: that too is rolled back.
    await expect(
      registry.writeVersion('t3', { ...trained, modelId: 'custom' }, { source: 'training-run', createdBy: 'key-1', trainingRunId: null }, async () => {
        throw new Error('crash');
      }),
    ).rejects.toThrow('crash');
    expect(await registry.championVersion('t3', 'custom')).toBeNull();
    expect(await database.db.selectFrom('risk_model_promotions').select('id').where('tenant_id', '=', 't3').where('model_id', '=', 'custom').execute()).toEqual([]);
  });

  it('writers in parallel get distinct version numbers; another instance sees a promotion at once', async () => {
    const [a, b] = [newRegistry(), newRegistry()];
    await a.ensureStarterModels('t4');
    const versions = await Promise.all([1, 2, 3].map((i) => a.writeVersion('t4', { ...trained, seed: 20 + i }, { source: 'training-run', createdBy: 'k', trainingRunId: null })));
    expect([...versions].sort()).toEqual([2, 3, 4]);
    expect((await b.champion('t4', 'early-warning-data-points'))?.version).toBe(1);
    await a.promote('t4', 'early-warning-data-points', 4, 'analyst');
    const seen = await b.champion('t4', 'early-warning-data-points');
    expect(seen?.version).toBe(4);
    expect(seen?.model.bundle.seed).toBe(versions.indexOf(4) + 21);
  });

  it('keeps tenants apart', async () => {
    const registry = newRegistry();
    expect((await registry.listModels('t1')).map((m) => m.latestVersion)).toEqual([1, 1]);
    await expect(registry.getVersion('t1', 'early-warning-data-points', 2)).rejects.toMatchObject({ code: 'not_found' });
    await expect(registry.promote('t1', 'early-warning-data-points', 2, 'x')).rejects.toMatchObject({ code: 'not_found' });
  });
});
