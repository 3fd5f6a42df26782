/**
 * Affordability benchmark: the report for one debtor with 12 months and about 2,000 transactions,
 * read from PostgreSQL through the HTTP API, 1,000 requests one after another: p50 and p99 (goal
 * p50 ≤ 25 ms). Measured beside it, in the same run: the cheapest authenticated, consent-checked
 * request on the same debtor (the HTTP + auth + consent floor), and the report's parts in-process
 * (loading the rows, the pure assessment), so the figures say where the time goes.
 *
 *   npm run bench:affordability      (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 */
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { openPostgres } from '../src/platform/database/connection.js';
import { migrateToLatest } from '../src/platform/database/migrate.js';
import { createApiKey, ensureTenant } from '../src/tenants/api-key.service.js';
import { addDays, addMonths } from '../src/platform/dates.js';
import { CURRENT_CONSENT_TEXT_VERSION } from '../src/consent/consent.service.js';
import { simulateHouseholds } from '../src/simulation/simulate-households.js';
import { worldStartEndingToday } from '../src/simulation/world-loader.js';
import { writeBerlinGroupTransactions } from '../src/simulation/berlin-group.writer.js';
import { AffordabilityEngine, loadAnalysisData } from '../src/affordability/affordability.service.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const benchDb = `dk_bench_aff_${process.pid}`;
const today = new Date().toISOString().slice(0, 10);

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timeRequests(n: number, run: () => Promise<void>): Promise<{ p50: number; p99: number; mean: number }> {
  for (let i = 0; i < 20; i++) await run(); // warm-up: JIT, plan caches, connection pool
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), mean: times.reduce((a, b) => a + b, 0) / times.length };
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${benchDb}`);
  await admin.query(`CREATE DATABASE ${benchDb}`);
  const url = withDatabase(baseUrl, benchDb);
  const database = openPostgres({ connectionString: url, max: 4 });
  try {
    await migrateToLatest(database.db);
    const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url, LINK_TOKEN_SECRET: 'bench-secret-bench-secret-bench-secret-0123' });
    const app = await buildApp(config, { database, logger: false });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    await ensureTenant(database.db, 'bench');
    const key = (await createApiKey(database.db, { tenantId: 'bench', role: 'creditor' })).key;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const post = async (path: string, body: unknown, extra: Record<string, string> = {}) => {
      const res = await fetch(`${address}${path}`, { method: 'POST', headers: { ...headers, ...extra }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<Record<string, unknown>>;
    };

    const debtor = await post('/v1/debtors', { externalRef: 'bench-debtor', household: { composition: 'couple_with_children' } });
    const consent = await post(`/v1/debtors/${debtor.id}/consents`, { access: { balances: true, transactions: true }, purpose: 'affordability_assessment', validUntil: addDays(today, 90), frequencyPerDay: 100, recurringIndicator: true });
    await post(`/v1/consent-links/${consent.linkToken}/grant`, { textVersion: CURRENT_CONSENT_TEXT_VERSION, agreed: true });
    // A busy household: the accounts of four simulated households under one debtor (joint and own accounts).
    let uploaded = 0;
    for (const household of simulateHouseholds({ households: 4, months: 13, seed: 11, truthRuns: 1, startDate: worldStartEndingToday(today, 13) })) {
      for (const account of household.accounts) uploaded += (await post(`/v1/debtors/${debtor.id}/bank-data?format=berlin-group`, writeBerlinGroupTransactions(account))).accepted as number;
    }
    const inWindow = await loadAnalysisData(database.db, 'bench', debtor.id as string, addMonths(today, -12), today);
    console.log(`debtor with ${uploaded} transactions stored, ${inWindow.transactions.length} in the last 12 months, ${inWindow.ownIbans.length} accounts`);

    const reportUrl = `${address}/v1/debtors/${debtor.id}/affordability?asOf=${today}`;
    const floorUrl = `${address}/v1/debtors/${debtor.id}/transactions?limit=1`;
    const check = await fetch(reportUrl, { headers });
    if (check.status !== 200) throw new Error(`report: ${check.status} ${await check.text()}`);

    const report = await timeRequests(REQUESTS, async () => {
      const res = await fetch(reportUrl, { headers });
      await res.arrayBuffer();
    });
    const floor = await timeRequests(REQUESTS, async () => {
      const res = await fetch(floorUrl, { headers });
      await res.arrayBuffer();
    });
    const engine = new AffordabilityEngine();
    const load = await timeRequests(200, async () => {
      await loadAnalysisData(database.db, 'bench', debtor.id as string, addMonths(today, -15), today);
    });
    const data = await loadAnalysisData(database.db, 'bench', debtor.id as string, addMonths(today, -15), today);
    const compute = await timeRequests(200, async () => {
      await engine.assessGiven(database.db, 'bench', { ...data, asOf: today });
    });

    const stored = await timeRequests(200, async () => {
      await engine.assessStored(database.db, 'bench', debtor.id as string, { asOf: today, today });
    });
    const fmt = (x: { p50: number; p99: number }) => `p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms`;
    console.log(`report over HTTP (${REQUESTS} requests)      : ${fmt(report)}  → goal p50 ≤ 25 ms: ${report.p50 <= 25 ? 'met' : 'NOT met'} (${((report.p50 / 25) * 100).toFixed(0)} % of budget)`);
    console.log(`floor: 1-row transactions page (same auth+consent): ${fmt(floor)}  → report / floor = ${(report.p50 / floor.p50).toFixed(1)}×`);
    console.log(`in-process: load rows from PostgreSQL            : ${fmt(load)}`);
    console.log(`in-process: assessment (categorise, streams, report): ${fmt(compute)}`);
    console.log(`in-process: whole stored-debtor report (consent, reads, assessment): ${fmt(stored)}  → HTTP and serialisation add ${(report.p50 - stored.p50).toFixed(1)} ms at p50`);
    await app.close();
  } finally {
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
