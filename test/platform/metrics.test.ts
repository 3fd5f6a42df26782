/**
 * /metrics: who may read it, what it reports, and that nothing in it identifies a tenant, a key, a
 * debtor or a link. Counters are shared by every app in this process, so checks read differences.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Counter } from 'prom-client';
import { metrics } from '../../src/platform/metrics.js';
import { ModelRegistry } from '../../src/risk-models/registry.js';
import { createDebtor, createDebtorWithConsent, fixture, upload } from '../support/flows.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { syntheticBundle } from '../risk-models/registry-support.js';

const BERLIN = 'bank-formats/berlin-group/transactionsExample1_RegularAccount_json.json';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

async function counterValue(counter: Counter<string>, labels: Record<string, string>): Promise<number> {
  const { values } = await counter.get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

describe('/metrics without METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { trainingRunner: false } });
  });
  afterAll(async () => t.close());

  it('answers a scraper on this machine in Prometheus text format, with process and database metrics', async () => {
    const res = await t.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).toContain('nodejs_eventloop_lag_seconds');
    expect(res.body).toContain(`draagkracht_database_info{kind="${t.database.kind}"} 1`);
    if (t.database.kind === 'postgres') expect(res.body).toMatch(/draagkracht_database_pool_connections\{state="total"\} [1-9]/);
  });

  it('refuses any other address with 403 problem+json, whatever X-Forwarded-For says', async () => {
    for (const remoteAddress of ['203.0.113.5', '10.0.0.7', '::ffff:192.0.2.1']) {
      const res = await t.app.inject({ url: '/metrics', remoteAddress, headers: { 'x-forwarded-for': '127.0.0.1' } });
      expect(res.statusCode, remoteAddress).toBe(403);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.json().code).toBe('metrics_local_only');
    }
  });

  it('counts requests by route pattern, method and status class, never by URL', async () => {
    const debtorId = await createDebtor(t, t.tenantA, 'metrics-ref-7f3a');
    await t.app.inject({ url: `/v1/debtors/${debtorId}`, headers: bearer(t.tenantA.keys.creditor) });
    await t.app.inject({ url: `/v1/debtors/${debtorId}`, headers: bearer(t.tenantB.keys.creditor) });
    await t.app.inject({ url: `/no/such/${debtorId}` });
    const body = (await t.app.inject({ url: '/metrics' })).body;
    expect(body).toMatch(/draagkracht_http_request_duration_seconds_count\{route="\/v1\/debtors\/:debtorId",method="GET",status_class="2xx"\} [1-9]/);
    expect(body).toMatch(/draagkracht_http_request_duration_seconds_count\{route="\/v1\/debtors\/:debtorId",method="GET",status_class="4xx"\} [1-9]/);
    expect(body).toMatch(/draagkracht_http_request_duration_seconds_count\{route="unmatched",method="GET",status_class="4xx"\} [1-9]/);
    expect(body).toMatch(/draagkracht_http_request_duration_seconds_bucket\{le="0\.005",route="\/v1\/debtors",method="POST",status_class="2xx"\}/);
  });

  it('counts ingested statements and rows, and carries no tenant, key, debtor, reference or link token', async () => {
    const before = await counterValue(metrics.ingestedRows, { format: 'berlin-group', outcome: 'accepted' });
    const d = await createDebtorWithConsent(t, t.tenantA, 'metrics-ref-ingest-91c2');
    const res = await upload(t, t.tenantA, d.debtorId, fixture(BERLIN), { contentType: 'application/json' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().format).toBe('berlin-group');
    expect(await counterValue(metrics.ingestedRows, { format: 'berlin-group', outcome: 'accepted' })).toBe(before + res.json().accepted);
    await t.app.inject({ url: `/v1/consent-links/${d.linkToken}` });
    await t.app.inject({ url: `/consent/${d.linkToken}` });
    const body = (await t.app.inject({ url: '/metrics' })).body;
    expect(body).toMatch(/draagkracht_bank_statements_ingested_total\{format="berlin-group"\} [1-9]/);
    for (const secret of [t.tenantA.id, t.tenantB.id, t.tenantA.keyIds.creditor, d.debtorId, d.consentId, 'metrics-ref-ingest-91c2', d.linkToken]) {
      expect(body).not.toContain(secret);
    }
    expect(body).toContain('route="/v1/consent-links/:token"');
  });

  it('counts risk scores by feature set', async () => {
    const registry = new ModelRegistry(t.database.db);
    if ((await registry.championVersion(t.tenantA.id, 'early-warning-data-points')) === null) {
      await registry.writeVersion(t.tenantA.id, await syntheticBundle('data-points-only'), { source: 'training-run', createdBy: null, trainingRunId: null });
    }
    const debtorId = await createDebtor(t, t.tenantA, 'metrics-ref-score');
    const before = await counterValue(metrics.scoresComputed, { feature_set: 'data-points-only' });
    const res = await t.app.inject({ url: `/v1/debtors/${debtorId}/score`, headers: bearer(t.tenantA.keys.analyst) });
    expect(res.statusCode, res.body).toBe(200);
    expect(await counterValue(metrics.scoresComputed, { feature_set: 'data-points-only' })).toBe(before + 1);
    // Asked again: answered from memory, counted as such, not computed again.
    const remembered = await counterValue(metrics.scoresRemembered, { feature_set: 'data-points-only' });
    const again = await t.app.inject({ url: `/v1/debtors/${debtorId}/score`, headers: bearer(t.tenantA.keys.analyst) });
    expect(again.json().scoreId).toBe(res.json().scoreId);
    expect(await counterValue(metrics.scoresComputed, { feature_set: 'data-points-only' })).toBe(before + 1);
    expect(await counterValue(metrics.scoresRemembered, { feature_set: 'data-points-only' })).toBe(remembered + 1);
    const scraped = await t.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(scraped.body).toMatch(/^draagkracht_change_feed_live 1$/m);
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { trainingRunner: false, metricsToken: METRICS_TOKEN } });
  });
  afterAll(async () => t.close());

  it('requires the token, from any address, and an API key does not open it', async () => {
    const cases: [Record<string, string>, number][] = [
      [{}, 401],
      [bearer(t.tenantA.keys.admin), 401],
      [bearer(`${METRICS_TOKEN}x`), 401],
      [{ authorization: METRICS_TOKEN }, 401],
      [bearer(METRICS_TOKEN), 200],
    ];
    for (const [headers, status] of cases) {
      const res = await t.app.inject({ url: '/metrics', remoteAddress: '198.51.100.20', headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(status);
      if (status === 401) expect(res.json().code).toBe('invalid_metrics_token');
    }
    // Loopback without the token is refused too: the token is the only way in once configured.
    expect((await t.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(401);
  });
});
