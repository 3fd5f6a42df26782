/**
 * Each version's evaluation set in the database: written in the version's transaction (a failure
 * leaves neither), read back value for value (missing values stay missing), refused when it does not
 * fit the model, scoped to its tenant, and stripped of an erased debtor's rows (and only theirs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { readEvaluationSet } from '../../src/risk-models/evaluation-storage.js';
import { ModelRegistry } from '../../src/risk-models/registry.js';
import type { RiskModelBundle } from '../../src/risk-models/risk-model-bundle.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { syntheticBundle, writeStarterDirectory } from '../risk-models/registry-support.js';
import { syntheticEvaluation } from './evaluation-support.js';

describe('evaluation sets in the registry', () => {
  let t: TestApp;
  let registry: ModelRegistry;
  let bundle: RiskModelBundle;
  let starterDir: string;

  beforeAll(async () => {
    starterDir = await writeStarterDirectory();
    t = await createTestApp({ config: { riskStarterModelsDir: starterDir, trainingRunner: false } });
    // Starter models ship an evaluation set: here the loader gives each starter one built from its bundle.
    registry = new ModelRegistry(t.database.db, pathToFileURL(`${starterDir}/`), async (_dir, starter) => syntheticEvaluation(starter, { rows: 120, seed: 3 }));
    bundle = await syntheticBundle('data-points-only', { modelId: 'eval-model', seed: 21 });
  }, 60_000);
  afterAll(async () => t?.close());

  it('stores a training run’s set with its version and reads it back value for value', async () => {
    const evaluation = syntheticEvaluation(bundle, { rows: 250, seed: 7 });
    const version = await registry.writeVersion(t.tenantA.id, bundle, { source: 'training-run', createdBy: null, trainingRunId: null, evaluation });
    const read = await readEvaluationSet(t.database.db, t.tenantA.id, 'eval-model', version);
    expect(read).not.toBeNull();
    expect(read!.ids).toEqual(evaluation.ids);
    expect(read!.asOf).toEqual(evaluation.asOf);
    expect(Array.from(read!.labels)).toEqual(Array.from(evaluation.labels));
    expect(read!.segments).toEqual(evaluation.segments);
    expect(read!.window).toEqual(evaluation.window);
    let missing = 0;
    read!.columns.forEach((column, f) => {
      column.forEach((value, i) => {
        const expected = evaluation.columns[f]![i]!;
        if (Number.isNaN(expected)) {
          missing++;
          expect(value).toBeNaN();
        } else expect(value).toBe(expected);
      });
    });
    expect(missing).toBeGreaterThan(0);
    // Another tenant's key never reaches it.
    expect(await readEvaluationSet(t.database.db, t.tenantB.id, 'eval-model', version)).toBeNull();
  });

  it('writes neither the version nor its set when the transaction fails', async () => {
    const evaluation = syntheticEvaluation(bundle, { rows: 40 });
    const before = await registry.listVersions(t.tenantA.id, 'eval-model');
    await expect(
      registry.writeVersion(t.tenantA.id, { ...bundle, seed: 99 }, { source: 'training-run', createdBy: null, trainingRunId: null, evaluation }, async () => {
        throw new Error('fault after the insert');
      }),
    ).rejects.toThrow('fault after the insert');
    const after = await registry.listVersions(t.tenantA.id, 'eval-model');
    expect(after.versions.length).toBe(before.versions.length);
    const sets = await t.database.db.selectFrom('risk_model_evaluation_sets').select('version').where('tenant_id', '=', t.tenantA.id).where('model_id', '=', 'eval-model').execute();
    expect(sets.map((s) => s.version).sort()).toEqual(before.versions.map((v) => v.version).sort());
  });

  it('refuses a set whose features are not the model’s, before writing anything', async () => {
    const evaluation = syntheticEvaluation(bundle, { rows: 20 });
    const shuffled = { ...evaluation, featureNames: [...evaluation.featureNames].reverse() };
    await expect(registry.writeVersion(t.tenantA.id, bundle, { source: 'training-run', createdBy: null, trainingRunId: null, evaluation: shuffled })).rejects.toThrow(/model's order/);
    const short = { ...evaluation, labels: evaluation.labels.slice(1) };
    await expect(registry.writeVersion(t.tenantA.id, bundle, { source: 'training-run', createdBy: null, trainingRunId: null, evaluation: short })).rejects.toThrow(/rows/);
  });

  it('stores the starter’s shipped set when it registers the starters for a tenant', async () => {
    await registry.ensureStarterModels('tenant-b');
    for (const modelId of ['early-warning', 'early-warning-data-points']) {
      const set = await readEvaluationSet(t.database.db, 'tenant-b', modelId, 1);
      expect(set?.ids.length, modelId).toBe(120);
    }
    // Simulated households are nobody's debtors: nothing listed for erasure.
    const listed = await t.database.db.selectFrom('risk_model_evaluation_debtors').select('debtor_id').where('tenant_id', '=', 'tenant-b').execute();
    expect(listed).toEqual([]);
  });

  it('gives a starter registered before sets existed the shipped set on its first report', async () => {
    // As a tenant whose starters were registered by the previous release: version 1 without a set.
    await t.database.db.deleteFrom('risk_model_evaluation_sets').where('tenant_id', '=', 'tenant-b').where('model_id', '=', 'early-warning').execute();
    expect(await readEvaluationSet(t.database.db, 'tenant-b', 'early-warning', 1)).toBeNull();
    const loaded = await registry.versionForReport('tenant-b', 'early-warning', 1);
    expect(loaded.evaluation?.ids.length).toBe(120);
    expect((await readEvaluationSet(t.database.db, 'tenant-b', 'early-warning', 1))?.ids).toEqual(loaded.evaluation!.ids);
    // A trained version never borrows a shipped set.
    const trained = await registry.writeVersion('tenant-b', await syntheticBundle('bank-and-data-points', { seed: 6 }), { source: 'training-run', createdBy: null, trainingRunId: null });
    expect((await registry.versionForReport('tenant-b', 'early-warning', trained)).evaluation).toBeNull();
  });

  it('removes an erased debtor’s rows from every set, and only theirs', async () => {
    const create = async (ref: string) => (await t.app.inject({ method: 'POST', url: '/v1/debtors', headers: bearer(t.tenantA.keys.creditor), payload: { externalRef: ref } })).json().id as string;
    const [gone, stays] = [await create('erase-me'), await create('keep-me')];
    const evaluation = syntheticEvaluation(bundle, { rows: 60, seed: 5, debtorIds: [gone, stays, gone] });
    const v1 = await registry.writeVersion(t.tenantA.id, bundle, { source: 'training-run', createdBy: null, trainingRunId: null, evaluation });
    const v2 = await registry.writeVersion(t.tenantA.id, { ...bundle, seed: 22 }, { source: 'training-run', createdBy: null, trainingRunId: null, evaluation: syntheticEvaluation(bundle, { rows: 30, seed: 6, debtorIds: [gone] }) });
    const goneRows = evaluation.ids.filter((id) => id.startsWith(gone)).length;
    expect(goneRows).toBe(40);

    const erased = await t.app.inject({ method: 'DELETE', url: `/v1/debtors/${gone}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(erased.statusCode).toBe(204);

    const after1 = await readEvaluationSet(t.database.db, t.tenantA.id, 'eval-model', v1);
    expect(after1!.ids).toEqual(evaluation.ids.filter((id) => !id.startsWith(gone)));
    expect(after1!.ids.length).toBe(20);
    // Every column kept the same rows: the kept rows' values and labels are the original ones.
    const keptIndex = evaluation.ids.map((id, i) => (id.startsWith(gone) ? -1 : i)).filter((i) => i >= 0);
    expect(Array.from(after1!.labels)).toEqual(keptIndex.map((i) => evaluation.labels[i]));
    expect(after1!.segments.region).toEqual(keptIndex.map((i) => evaluation.segments.region![i]));
    expect(Array.from(after1!.columns[0]!).map(String)).toEqual(keptIndex.map((i) => String(evaluation.columns[0]![i])));
    expect((await readEvaluationSet(t.database.db, t.tenantA.id, 'eval-model', v2))!.ids).toEqual([]);
    const rowCount = await t.database.db.selectFrom('risk_model_evaluation_sets').select(['version', 'row_count']).where('tenant_id', '=', t.tenantA.id).where('version', 'in', [v1, v2]).where('model_id', '=', 'eval-model').orderBy('version').execute();
    expect(rowCount.map((r) => r.row_count)).toEqual([20, 0]);
    const listed = await t.database.db.selectFrom('risk_model_evaluation_debtors').select('debtor_id').where('tenant_id', '=', t.tenantA.id).where('debtor_id', '=', gone).execute();
    expect(listed).toEqual([]);
    const audit = await t.database.db.selectFrom('audit_log').select('details').where('tenant_id', '=', t.tenantA.id).where('action', '=', 'debtor.erased').where('subject_id', '=', gone).executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ model_evaluation_rows: 70 });
  });
});
