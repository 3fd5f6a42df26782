/**
 * GET /v1/models/:modelId/versions/:version/report: the report of a version on its stored evaluation
 * rows, as JSON (validated against the published schema) or one HTML page by Accept, 406 for anything
 * else; analyst and admin keys; 404 for unknown versions and other tenants' models; 422 when a version
 * has no evaluation set; a challenger compared on the same rows; monitoring from the injected lookup.
 */
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultReportEngine } from '../../src/model-reports/report-engine.js';
import { ModelReportSchema } from '../../src/model-reports/report.schema.js';
import { ModelReportService } from '../../src/model-reports/report-service.js';
import type { MonitoringSummary } from '../../src/model-reports/report.types.js';
import { negotiate } from '../../src/platform/http/negotiation.js';
import { ModelRegistry } from '../../src/risk-models/registry.js';
import type { RiskModelBundle } from '../../src/risk-models/risk-model-bundle.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { syntheticBundle } from '../risk-models/registry-support.js';
import { syntheticEvaluation } from './evaluation-support.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** AUC by counting pairs (Mann–Whitney, ties half): independent of the report's own ranking code. */
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

describe('content negotiation', () => {
  const offered = ['application/json', 'text/html'] as const;
  it('defaults to JSON and follows the quality of the most specific range', () => {
    expect(negotiate(undefined, offered)).toBe('application/json');
    expect(negotiate('*/*', offered)).toBe('application/json');
    expect(negotiate('text/html', offered)).toBe('text/html');
    expect(negotiate('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', offered)).toBe('text/html');
    expect(negotiate('application/json;q=0.4, text/*;q=0.6', offered)).toBe('text/html');
    expect(negotiate('text/*;q=0.5, application/json', offered)).toBe('application/json');
    expect(negotiate('text/html;q=0, */*', offered)).toBe('application/json');
    expect(negotiate('application/xml', offered)).toBeNull();
    expect(negotiate('text/csv, image/*', offered)).toBeNull();
    expect(negotiate('application/json;q=0', offered)).toBeNull();
    expect(negotiate('application/json;q=2', offered)).toBeNull();
  });
});

describe('model report route', () => {
  let t: TestApp;
  let registry: ModelRegistry;
  let bundle: RiskModelBundle;
  const MODEL = 'report-model';
  const evaluationOf = (b: RiskModelBundle) => syntheticEvaluation(b, { rows: 400, seed: 13 });

  beforeAll(async () => {
    t = await createTestApp({ config: { trainingRunner: false } });
    registry = new ModelRegistry(t.database.db);
    bundle = await syntheticBundle('data-points-only', { modelId: MODEL, seed: 41 });
    // v1 and v2 with evaluation rows; v3 without (as written before reports existed); a second model with the same features; one with other features.
    await registry.writeVersion(t.tenantA.id, bundle, { source: 'training-run', createdBy: null, trainingRunId: null, evaluation: evaluationOf(bundle) });
    const second = await syntheticBundle('data-points-only', { modelId: MODEL, seed: 42 });
    await registry.writeVersion(t.tenantA.id, second, { source: 'training-run', createdBy: null, trainingRunId: null, evaluation: evaluationOf(second) });
    await registry.writeVersion(t.tenantA.id, { ...bundle, seed: 43 }, { source: 'training-run', createdBy: null, trainingRunId: null });
    await registry.writeVersion(t.tenantA.id, { ...bundle, modelId: 'report-other' }, { source: 'training-run', createdBy: null, trainingRunId: null, evaluation: evaluationOf(bundle) });
    const bank = await syntheticBundle('bank-and-data-points', { modelId: 'report-bank' });
    await registry.writeVersion(t.tenantA.id, bank, { source: 'training-run', createdBy: null, trainingRunId: null, evaluation: evaluationOf(bank) });
  }, 120_000);
  afterAll(async () => t?.close());

  const get = (url: string, key = t.tenantA.keys.analyst, accept?: string) => t.app.inject({ url, headers: { ...bearer(key), ...(accept ? { accept } : {}) } });
  const url = (version: number, query = '') => `/v1/models/${MODEL}/versions/${version}/report?resamples=50${query}`;

  it('answers JSON by default: the published schema, on the stored rows scored by the served model', async () => {
    const res = await get(url(1));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers.vary).toMatch(/Accept/);
    const report = res.json();
    const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
    const valid = ajv.validate(ModelReportSchema, report);
    expect(ajv.errors ?? [], JSON.stringify(ajv.errors?.slice(0, 3))).toEqual([]);
    expect(valid).toBe(true);
    const evaluation = evaluationOf(bundle);
    expect(report.model).toMatchObject({ modelId: MODEL, version: 1, fingerprint: bundle.fingerprint });
    expect(report.evaluation.rows).toBe(400);
    expect(report.evaluation.positives).toBe(evaluation.labels.reduce((a, b) => a + b, 0));
    const probability = defaultReportEngine.score(bundle, evaluation);
    expect(report.discrimination.auc).toBeCloseTo(pairAuc(probability, evaluation.labels), 12);
    expect(report.charts.length).toBeGreaterThan(0);
    expect(report.comparison).toBeNull();
    expect(report.monitoring).toBeNull();
    expect(report.modelCard.reproduce).toContain('POST /v1/models/training-runs');
    expect(report.fairness.notSupplied).toEqual(expect.arrayContaining(['income_source', 'age_band']));
    // Admins read reports too.
    expect((await get(url(1), t.tenantA.keys.admin)).statusCode).toBe(200);
  });

  it('answers one self-contained HTML page for Accept: text/html, and 406 for what it cannot produce', async () => {
    const res = await get(url(1), t.tenantA.keys.analyst, 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(res.body.slice(0, 200).toLowerCase()).toContain('<!doctype html');
    expect(res.body).toContain(MODEL);
    expect(res.body).toContain('<svg');
    // Nothing is fetched from the network.
    expect(res.body).not.toMatch(/(src|href)=["']https?:/i);
    for (const accept of ['application/xml', 'text/csv', 'application/json;q=0']) {
      const refused = await get(url(1), t.tenantA.keys.analyst, accept);
      expect(refused.statusCode, accept).toBe(406);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.json().code).toBe('not_acceptable');
    }
  });

  it('compares a challenger on the same rows: another version or another model with the same features', async () => {
    const res = await get(url(1, '&challengerVersion=2'));
    expect(res.statusCode).toBe(200);
    const { comparison } = res.json();
    expect(comparison.champion).toMatchObject({ modelId: MODEL, version: 1 });
    expect(comparison.challenger).toMatchObject({ modelId: MODEL, version: 2 });
    expect(comparison.rows).toBe(400);
    expect(comparison.champion.auc).toBeCloseTo(res.json().discrimination.auc, 12);
    const second = await syntheticBundle('data-points-only', { modelId: MODEL, seed: 42 });
    expect(comparison.challenger.auc).toBeCloseTo(pairAuc(defaultReportEngine.score(second, evaluationOf(bundle)), evaluationOf(bundle).labels), 12);
    const other = await get(url(1, '&challenger=report-other:1'));
    expect(other.statusCode).toBe(200);
    expect(other.json().comparison.challenger).toMatchObject({ modelId: 'report-other', version: 1 });

    const different = await get(url(1, '&challenger=report-bank:1'));
    expect(different.statusCode).toBe(422);
    expect(different.json().detail).toMatch(/same features/);
    expect((await get(url(1, '&challengerVersion=2&challenger=report-other:1'))).json()).toMatchObject({ status: 400, code: 'invalid_parameter' });
    expect((await get(url(1, '&challenger=report-other'))).statusCode).toBe(400);
    expect((await get(url(1, '&challengerVersion=9'))).json()).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('says 422 no_evaluation_set for a version without rows, 404 for unknown ones and other tenants, 403 for creditors', async () => {
    const none = await get(url(3));
    expect(none.statusCode).toBe(422);
    expect(none.json().code).toBe('no_evaluation_set');
    expect((await get(url(9))).json()).toMatchObject({ status: 404, code: 'not_found' });
    expect((await get('/v1/models/no-such-model/versions/1/report')).statusCode).toBe(404);
    for (const key of [t.tenantB.keys.analyst, t.tenantB.keys.admin]) {
      const other = await get(url(1), key);
      expect(other.statusCode).toBe(404);
      expect(other.body).not.toContain(bundle.fingerprint);
    }
    const creditor = await get(url(1), t.tenantA.keys.creditor);
    expect(creditor.statusCode).toBe(403);
    expect(creditor.json().code).toBe('forbidden_role');
  });

  it('carries the monitoring summary from the injected lookup, for the version asked', async () => {
    const point = { computedAt: '2026-11-30T02:00:00.000Z', windowFrom: '2026-09-01', windowTo: '2026-11-30', rows: 180, scorePsi: 0.31, maxFeaturePsi: 0.4, maxFeature: bundle.featureNames[0]!, rowsWithOutcome: 0, auc: null, brier: null, ece: null, drift: true };
    const asked: unknown[] = [];
    const service = new ModelReportService(t.database.db, registry, defaultReportEngine, async (tenantId, modelId, version): Promise<MonitoringSummary | null> => {
      asked.push([tenantId, modelId, version]);
      return { latest: point, drift: true, points: [point] };
    });
    const report = await service.report(t.tenantA.id, MODEL, 2, { resamples: 20 });
    expect(asked).toEqual([[t.tenantA.id, MODEL, 2]]);
    expect(report.monitoring).toEqual({ latest: point, drift: true, points: [point] });
    service.setMonitoringLookup(null);
    expect((await service.report(t.tenantA.id, MODEL, 2, { resamples: 20 })).monitoring).toBeNull();
  });

  it('is the same report for the same seed, and the seed is in it', async () => {
    const a = await get(url(2, '&seed=5'));
    const b = await get(url(2, '&seed=5'));
    expect(a.body).toBe(b.body);
    expect(a.json().seed).toBe(5);
  });
});
