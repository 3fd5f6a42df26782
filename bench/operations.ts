/**
 * What operations cost a request: the rate-limit hook (per-key budget in memory) on an authenticated
 * request, the metrics hook's histogram observation, the log URL redaction, and rendering /metrics.
 * Rounds alternate between an app with limits and one without, in the same run, on the same database.
 *
 *   npm run bench:operations           (BENCH_REQUESTS=2000, BENCH_ROUNDS=7; PostgreSQL with DATABASE_URL)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/database/open.js';
import { metrics, registry } from '../src/platform/metrics.js';
import { redactUrl } from '../src/platform/logging.js';
import { createApiKey, ensureTenant } from '../src/tenants/api-key.service.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-operations-'));
  const env = { DEMO: 'false', LOG_LEVEL: 'silent', DATA_DIR: dataDir, TRAINING_RUNNER: 'false', MONITORING_ENABLED: 'false', LINK_TOKEN_SECRET: 'bench-secret-bench-secret-bench-secret-0123', ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}) };
  const database = await openDatabase(loadConfig(env));
  const limited = await buildApp(loadConfig(env, { rateLimitPerMinute: 1_000_000_000 }), { database, logger: false });
  const unlimited = await buildApp(loadConfig(env, { rateLimitPerMinute: 0, rateLimitLinkPerMinute: 0 }), { database, logger: false });
  await Promise.all([limited.ready(), unlimited.ready()]);
  await ensureTenant(database.db, 'bench', 'Bench');
  const { key } = await createApiKey(database.db, { tenantId: 'bench', role: 'analyst' });
  const headers = { authorization: `Bearer ${key}` };

  const perRequest = { limited: [] as number[], unlimited: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, app] of [['limited', limited], ['unlimited', unlimited]] as const) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < REQUESTS; i++) {
        const res = await app.inject({ url: '/v1/tenant', headers });
        if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${res.body}`);
      }
      perRequest[name].push(Number(process.hrtime.bigint() - start) / 1000 / REQUESTS);
    }
  }

  const observations = 200_000;
  let start = process.hrtime.bigint();
  for (let i = 0; i < observations; i++) metrics.httpRequestDuration.observe({ route: '/v1/debtors/:debtorId', method: 'GET', status_class: '2xx' }, 0.004);
  const observeNs = Number(process.hrtime.bigint() - start) / observations;

  const urls = ['/v1/debtors?externalRef=abc&limit=10', '/consent/eyJhbGciOi.c2lnbmF0dXJl/statements/5d1f/use', '/v1/debtors/0b7e6a3c-1111-4222-8333-944445555666/transactions'];
  start = process.hrtime.bigint();
  for (let i = 0; i < observations; i++) redactUrl(urls[i % urls.length]!);
  const redactNs = Number(process.hrtime.bigint() - start) / observations;

  const renders: number[] = [];
  let size = 0;
  for (let i = 0; i < 20; i++) {
    const t0 = process.hrtime.bigint();
    size = (await registry.metrics()).length;
    renders.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }

  await limited.close();
  await unlimited.close();
  await database.close();
  await rm(dataDir, { recursive: true, force: true });

  const withLimit = median(perRequest.limited);
  const withoutLimit = median(perRequest.unlimited);
  console.log(`database: ${database.kind}; ${ROUNDS} rounds of ${REQUESTS} authenticated GET /v1/tenant (inject), medians`);
  console.log(`  with per-key rate limit:    ${withLimit.toFixed(1)} µs/request`);
  console.log(`  without:                    ${withoutLimit.toFixed(1)} µs/request`);
  console.log(`  rate-limit hook costs:      ${(withLimit - withoutLimit).toFixed(1)} µs/request (${(((withLimit - withoutLimit) / withoutLimit) * 100).toFixed(1)} %)`);
  console.log(`histogram observation:        ${observeNs.toFixed(0)} ns`);
  console.log(`log URL redaction:            ${redactNs.toFixed(0)} ns`);
  console.log(`rendering /metrics:           ${median(renders).toFixed(2)} ms median for ${size} bytes`);
}

await main();
