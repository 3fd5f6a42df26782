/**
 * Model monitoring end to end, on the starter data-points model: households of the world it was
 * trained on give no drift; households in more distress raise the flag in the monitoring series and
 * in the model's report; matured outcomes give the AUC, Brier and ECE that the report's own metric
 * functions give on the same rows; the routes validate, answer 404 for what the tenant does not have
 * and keep tenants apart; the scheduled job writes one point per champion and window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { calibration } from '../../src/model-reports/metrics/calibration.js';
import { rankedAuc, rankScores } from '../../src/model-reports/metrics/ranking.js';
import { PSI_ACT } from '../../src/model-reports/population-stability.js';
import { addDays } from '../../src/platform/dates.js';
import { ModelRegistry } from '../../src/risk-models/registry.js';
import { arrearsLabel } from '../../src/risk-models/training-runs.js';
import { createTestDatabase } from '../support/database.js';
import { bearer, createTenantWithKeys, testConfig, type TestApp } from '../support/test-app.js';
import { syntheticBundle } from '../risk-models/registry-support.js';
import { asOfForMonth, loadDataPoints, population, scoreMembers, type PopulationMember } from './monitoring-support.js';

const TODAY = '2026-07-31';
const MODEL = 'early-warning-data-points';
/** Only tenant A has this model. */
const OWN_MODEL = 'tenant-a-own';
const SIZE = 300;
/** The window that holds the ten training month ends of the populations. */
const WINDOW = { asOf: asOfForMonth(15), windowDays: 300 };

/** AUC by counting pairs (Mann–Whitney, ties half): independent of the report's ranking code. */
function pairAuc(probability: ArrayLike<number>, labels: ArrayLike<number>): number {
  let pairs = 0;
  let wins = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      wins += probability[i]! > probability[j]! ? 1 : probability[i] === probability[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

describe('model monitoring', () => {
  let t: TestApp;
  let stable: PopulationMember[];
  let stableScores: Map<string, number>;
  let stableIds: Map<string, string>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    const config = testConfig({ trainingRunner: false });
    const app = await buildApp(config, { database, logger: false, today: () => TODAY, });
    await app.ready();
    const tenantA = await createTenantWithKeys(database, 'tenant-a');
    const tenantB = await createTenantWithKeys(database, 'tenant-b');
    t = { app, database, config, tenantA, tenantB, close: async () => { await app.close(); await database.close(); } };

    stable = population('stable', SIZE);
    stableIds = await loadDataPoints(t, t.tenantA, stable, TODAY);
    stableScores = await scoreMembers(t, t.tenantA, stable, stableIds);
    const shifted = population('shifted', SIZE);
    await scoreMembers(t, t.tenantB, shifted, await loadDataPoints(t, t.tenantB, shifted, TODAY));
    const registry = new ModelRegistry(database.db);
    await registry.writeVersion(t.tenantA.id, await syntheticBundle('data-points-only', { modelId: OWN_MODEL }), { source: 'training-run', createdBy: null, trainingRunId: null });
  }, 180_000);
  afterAll(async () => t?.close());

  const run = (key: string, payload: unknown = WINDOW, model = MODEL) => t.app.inject({ method: 'POST', url: `/v1/models/${model}/monitoring/runs`, headers: bearer(key), payload: payload as object });
  const series = (key: string, query = '', model = MODEL) => t.app.inject({ url: `/v1/models/${model}/monitoring${query}`, headers: bearer(key) });

  it('finds no drift in households of the world the model was trained on', async () => {
    const res = await run(t.tenantA.keys.analyst);
    expect(res.statusCode, res.body).toBe(201);
    const { modelId, version, point } = res.json();
    expect({ modelId, version }).toEqual({ modelId: MODEL, version: 1 });
    expect(point).toMatchObject({ windowFrom: addDays(WINDOW.asOf, -299), windowTo: WINDOW.asOf, rows: SIZE, trigger: 'manual', threshold: PSI_ACT, drift: false });
    console.log(`stable: score PSI ${point.scorePsi.toFixed(4)}, largest feature PSI ${point.maxFeaturePsi.toFixed(4)} (${point.maxFeature}), AUC ${point.auc?.toFixed(4)}, Brier ${point.brier?.toFixed(4)}, ECE ${point.ece?.toFixed(4)}`);
    expect(point.scorePsi).toBeLessThan(0.1);
    expect(point.maxFeaturePsi).toBeLessThan(PSI_ACT);
    expect(Object.keys(point.featurePsi)).toHaveLength(36);
    expect(Math.max(...(Object.values(point.featurePsi) as number[]))).toBe(point.maxFeaturePsi);
  });

  it('raises the drift flag for households in more distress, in the series and in the report', async () => {
    const res = await run(t.tenantB.keys.admin);
    expect(res.statusCode, res.body).toBe(201);
    const { point } = res.json();
    console.log(`shifted: score PSI ${point.scorePsi.toFixed(4)}, largest feature PSI ${point.maxFeaturePsi.toFixed(4)} (${point.maxFeature}), AUC ${point.auc?.toFixed(4)}`);
    expect(point.rows).toBe(SIZE);
    expect(point.drift).toBe(true);
    expect(point.scorePsi).toBeGreaterThan(PSI_ACT);

    const got = await series(t.tenantB.keys.analyst);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ modelId: MODEL, version: 1, drift: true, threshold: PSI_ACT, points: [{ windowTo: WINDOW.asOf, drift: true, rows: SIZE }] });
    // Tenant A's series holds only its own, stable point.
    expect((await series(t.tenantA.keys.analyst)).json()).toMatchObject({ drift: false, points: [{ drift: false, rows: SIZE }] });

    const report = await t.app.inject({ url: `/v1/models/${MODEL}/versions/1/report?resamples=20`, headers: bearer(t.tenantB.keys.analyst) });
    expect(report.statusCode).toBe(200);
    const monitoring = report.json().monitoring;
    expect(monitoring.drift).toBe(true);
    expect(monitoring.latest).toMatchObject({ windowTo: WINDOW.asOf, rows: SIZE, drift: true, scorePsi: point.scorePsi });
    expect(monitoring.points).toHaveLength(1);
    const stableReport = await t.app.inject({ url: `/v1/models/${MODEL}/versions/1/report?resamples=20`, headers: bearer(t.tenantA.keys.analyst) });
    expect(stableReport.json().monitoring).toMatchObject({ drift: false, latest: { drift: false } });
    const page = await t.app.inject({ url: `/v1/models/${MODEL}/versions/1/report?resamples=20`, headers: { ...bearer(t.tenantB.keys.analyst), accept: 'text/html' } });
    expect(page.body).toContain('<strong>Drift flagged.</strong>');
    // Three reports of the 2,000-row starter evaluation set: seconds each on a machine busy with other test files.
  }, 120_000);

  it('gives AUC, Brier and ECE on matured outcomes equal to the report’s metric functions on the same rows', async () => {
    const point = (await series(t.tenantA.keys.analyst)).json().points[0];
    // TODAY is more than 90 days after the last as-of date: every outcome has matured.
    expect(point.rowsWithOutcome).toBe(SIZE);
    const probability = new Float64Array(SIZE);
    const labels = new Uint8Array(SIZE);
    stable.forEach((m, i) => {
      probability[i] = stableScores.get(stableIds.get(m.household.debtorRef)!)!;
      // The label from the simulator's own events (not from the database), by the training definition.
      labels[i] = arrearsLabel(m.household.events.filter((e) => e.type === 'arrears_started').map((e) => e.occurredOn), m.asOf, 90);
    });
    const positives = labels.reduce((a, b) => a + b, 0);
    expect(positives).toBeGreaterThanOrEqual(10);
    expect(point.auc).toBe(rankedAuc(rankScores(probability, labels)));
    expect(point.auc).toBeCloseTo(pairAuc(probability, labels), 12);
    const report = calibration(probability, labels, (await new ModelRegistry(t.database.db).model(t.tenantA.id, MODEL, 1)).bundle.bands);
    expect(point.brier).toBeCloseTo(report.brier!, 12);
    expect(point.ece).toBeCloseTo(report.ece!, 12);
    let squares = 0;
    for (let i = 0; i < SIZE; i++) squares += (probability[i]! - labels[i]!) ** 2;
    expect(point.brier).toBeCloseTo(squares / SIZE, 12);
  });

  it('leaves outcomes out until their window has passed, and PSI out below the row minimum', async () => {
    // A window ending on TODAY holds no scores: a point with no rows, nothing measured, no drift.
    const empty = (await run(t.tenantA.keys.analyst, {})).json().point;
    expect(empty).toMatchObject({ windowFrom: addDays(TODAY, -29), windowTo: TODAY, rows: 0, scorePsi: null, maxFeaturePsi: null, maxFeature: null, rowsWithOutcome: 0, auc: null, drift: false });
    // One month end's tenth of the population: too few for PSI or AUC.
    const small = (await run(t.tenantA.keys.analyst, { asOf: asOfForMonth(15), windowDays: 1 })).json().point;
    expect(small).toMatchObject({ rows: SIZE / 10, scorePsi: null, maxFeaturePsi: null, auc: null, brier: null, ece: null, drift: false });
  });

  it('replaces the point of a window that is run again, and filters the series by window', async () => {
    const before = (await series(t.tenantA.keys.analyst)).json().points;
    const again = await run(t.tenantA.keys.analyst);
    expect(again.statusCode).toBe(201);
    const after = (await series(t.tenantA.keys.analyst)).json().points;
    expect(after.map((p: { windowTo: string }) => p.windowTo)).toEqual(before.map((p: { windowTo: string }) => p.windowTo));
    expect(after.map((p: { windowTo: string }) => p.windowTo)).toEqual([...after.map((p: { windowTo: string }) => p.windowTo)].sort());
    const ranged = (await series(t.tenantA.keys.analyst, `?from=${WINDOW.asOf}&to=${WINDOW.asOf}`)).json();
    expect(ranged.points).toHaveLength(1);
    expect(ranged.points[0].scorePsi).toBe(again.json().point.scorePsi);
    expect((await series(t.tenantA.keys.analyst, '?limit=1')).json().points).toEqual([after.at(-1)]);
  });

  it('validates parameters and bodies, naming the field', async () => {
    const cases: [Promise<{ statusCode: number; json(): { code: string; errors?: { in: string; pointer: string }[] } }>, string, string | null][] = [
      [series(t.tenantA.keys.analyst, '?version=0'), 'query', '/version'],
      [series(t.tenantA.keys.analyst, '?from=2026-02-30'), 'query', '/from'],
      [series(t.tenantA.keys.analyst, '?limit=0'), 'query', '/limit'],
      [run(t.tenantA.keys.analyst, { windowDays: 0 }), 'body', '/windowDays'],
      [run(t.tenantA.keys.analyst, { windowDays: 10, extra: 1 }), 'body', null],
      [run(t.tenantA.keys.analyst, { asOf: '31-03-2026' }), 'body', '/asOf'],
    ];
    for (const [pending, part, pointer] of cases) {
      const res = await pending;
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('validation_failed');
      expect(res.json().errors).toEqual(expect.arrayContaining([expect.objectContaining(pointer ? { in: part, pointer } : { in: part })]));
    }
    expect((await series(t.tenantA.keys.analyst, '?from=2026-05-01&to=2026-04-01')).json()).toMatchObject({ status: 400, code: 'invalid_parameter' });
    expect((await run(t.tenantA.keys.analyst, { asOf: addDays(TODAY, 1) })).json()).toMatchObject({ status: 400, code: 'invalid_parameter' });
    // No body at all runs the default window.
    const bare = await t.app.inject({ method: 'POST', url: `/v1/models/${MODEL}/monitoring/runs`, headers: bearer(t.tenantA.keys.analyst) });
    expect(bare.statusCode, bare.body).toBe(201);
    expect(bare.json().point.windowTo).toBe(TODAY);
  });

  it('answers 404 for unknown models and versions and for another tenant’s model, 403 for creditors', async () => {
    expect((await series(t.tenantA.keys.analyst, '', 'no-such-model')).json()).toMatchObject({ status: 404, code: 'not_found' });
    expect((await series(t.tenantA.keys.analyst, '?version=9')).json()).toMatchObject({ status: 404, code: 'not_found' });
    expect((await run(t.tenantA.keys.analyst, WINDOW, 'no-such-model')).json()).toMatchObject({ status: 404, code: 'not_found' });
    expect((await series(t.tenantA.keys.analyst, '', OWN_MODEL)).statusCode).toBe(200);
    for (const key of [t.tenantB.keys.analyst, t.tenantB.keys.admin]) {
      expect((await series(key, '', OWN_MODEL)).json()).toMatchObject({ status: 404, code: 'not_found' });
      expect((await run(key, WINDOW, OWN_MODEL)).json()).toMatchObject({ status: 404, code: 'not_found' });
    }
    const points = await t.database.db.selectFrom('model_monitoring_points').select('tenant_id').where('model_id', '=', OWN_MODEL).execute();
    expect(points).toEqual([]);
    for (const res of [await series(t.tenantA.keys.creditor), await run(t.tenantA.keys.creditor)]) {
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('forbidden_role');
    }
  });

  it('runs every champion of every tenant on the schedule through the job runner, one run and one point per window however often the slot fires', async () => {
    const champions = await t.database.db.selectFrom('risk_model_champions').select(['tenant_id', 'model_id', 'version']).execute();
    const scheduled = () => t.database.db.selectFrom('model_monitoring_points').selectAll().where('trigger', '=', 'schedule').execute();
    await t.database.db.deleteFrom('model_monitoring_points').where('window_to', '=', TODAY).execute();
    const slot = new Date(`${TODAY}T02:17:00.000Z`);
    const ticks = await Promise.all([t.app.jobRunner.tick('model-monitoring', slot), t.app.jobRunner.tick('model-monitoring', slot)]);
    await t.app.jobRunner.tick('model-monitoring', slot);
    expect(ticks.filter((r) => r.claimed)).toHaveLength(1);
    const points = await scheduled();
    expect(points).toHaveLength(champions.length);
    expect(new Set(points.map((p) => `${p.tenant_id}/${p.model_id}/${p.model_version}`))).toEqual(new Set(champions.map((c) => `${c.tenant_id}/${c.model_id}/${c.version}`)));
    for (const p of points) expect(p).toMatchObject({ window_to: TODAY, window_from: addDays(TODAY, -29), rows: 0, drift: false });
    // One part per tenant; each tenant sees only its own part and its own count of points.
    const runs = await t.database.db.selectFrom('job_runs').select(['id', 'status', 'totals']).where('job', '=', 'model-monitoring').execute();
    expect(runs).toEqual([{ id: ticks[0]!.runId, status: 'succeeded', totals: { points: champions.length, drifting: 0, failed: 0 } }]);
    const own = await t.app.inject({ url: '/v1/jobs?job=model-monitoring', headers: bearer(t.tenantA.keys.analyst) });
    expect(own.statusCode).toBe(200);
    expect(own.json().items).toMatchObject([{ job: 'model-monitoring', status: 'succeeded', totals: { points: champions.filter((c) => c.tenant_id === t.tenantA.id).length }, parts: [{ key: 'all', status: 'succeeded' }] }]);
  });
});
