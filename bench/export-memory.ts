/**
 * GDPR export memory: the streamed export (GET /v1/debtors/:id/export over HTTP, body consumed as it
 * arrives) against the former way, every list read at once and stringified, for the same debtor in
 * the same run. Prints the peak heap growth over the baseline for each.
 *
 *   npm run bench:export                 (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 *   BENCH_ROWS=100000 npm run bench:export
 */
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { openPostgres } from '../src/platform/database/connection.js';
import { migrateToLatest } from '../src/platform/database/migrate.js';
import { createApiKey, ensureTenant } from '../src/tenants/api-key.service.js';
import { addDays } from '../src/platform/dates.js';
import { CURRENT_CONSENT_TEXT_VERSION } from '../src/consent/consent.service.js';
import { listTransactions } from '../src/bank-data/bank-data.queries.js';
import { listConsents } from '../src/consent/consent.service.js';
import { getDebtor } from '../src/debtors/debtor.service.js';

const TOTAL_ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const ROWS_PER_UPLOAD = 50_000;
const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const benchDb = `dk_bench_export_${process.pid}`;
const gc = (globalThis as { gc?: () => void }).gc;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function uploadBody(upload: number, rows: number): string {
  const lines = [JSON.stringify({ kind: 'statement', format: 'canonical-jsonl' }), JSON.stringify({ kind: 'account', iban: 'NL91ABNA0417164300', currency: 'EUR' })];
  for (let i = 0; i < rows; i++) {
    const n = upload * ROWS_PER_UPLOAD + i;
    lines.push(JSON.stringify({ kind: 'transaction', accountIndex: 0, sourceId: `TX-${n}`, status: 'booked', bookingDate: addDays('2024-01-01', n % 700), amountCents: -(100 + (n % 5000)), currency: 'EUR', counterpartyName: 'Albert Heijn 1021', remittanceUnstructured: `Betaling ${n}` }));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Runs the action while sampling memory: the peak growth of live heap + buffers over the start.
 * Each sample collects garbage first (with --expose-gc), so what is measured is what is held,
 * not what the collector has not got round to yet.
 */
async function peakGrowth<T>(action: () => Promise<T>, sample = true): Promise<{ result: T; peakMb: number; seconds: number }> {
  gc?.();
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = used();
  let peak = base;
  const sampler = setInterval(() => {
    if (!sample) return;
    gc?.();
    peak = Math.max(peak, used());
  }, 25);
  const start = performance.now();
  try {
    const result = await action();
    peak = Math.max(peak, used());
    return { result, peakMb: (peak - base) / 1e6, seconds: (performance.now() - start) / 1000 };
  } finally {
    clearInterval(sampler);
  }
}

async function main(): Promise<void> {
  if (!gc) console.log('(run with node --expose-gc for steadier baselines)');
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${benchDb}`);
  await admin.query(`CREATE DATABASE ${benchDb}`);
  const url = withDatabase(baseUrl, benchDb);
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: url, UPLOAD_LIMIT_BYTES: String(200 * 1024 * 1024), LINK_TOKEN_SECRET: 'bench-secret-bench-secret-bench-secret-0123' });
  const database = openPostgres({ connectionString: url, max: 4, statementTimeoutMs: config.dbStatementTimeoutMs, lockTimeoutMs: config.dbLockTimeoutMs });
  try {
    await migrateToLatest(database.db);
    const app = await buildApp(config, { database, logger: false });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    await ensureTenant(database.db, 'bench');
    const key = (await createApiKey(database.db, { tenantId: 'bench', role: 'creditor' })).key;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const debtor = (await (await fetch(`${address}/v1/debtors`, { method: 'POST', headers, body: JSON.stringify({ externalRef: 'bench-export' }) })).json()) as { id: string };
    const consent = (await (
      await fetch(`${address}/v1/debtors/${debtor.id}/consents`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ access: { transactions: true, balances: true }, purpose: 'early_warning_monitoring', validUntil: addDays(new Date().toISOString().slice(0, 10), 90), frequencyPerDay: 1000, recurringIndicator: true }),
      })
    ).json()) as { linkToken: string };
    await fetch(`${address}/v1/consent-links/${consent.linkToken}/grant`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ textVersion: CURRENT_CONSENT_TEXT_VERSION, agreed: true }) });
    for (let u = 0; u * ROWS_PER_UPLOAD < TOTAL_ROWS; u++) {
      const res = await fetch(`${address}/v1/debtors/${debtor.id}/bank-data?format=canonical-jsonl`, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-ndjson' }, body: uploadBody(u, Math.min(ROWS_PER_UPLOAD, TOTAL_ROWS - u * ROWS_PER_UPLOAD)) });
      if (res.status !== 201) throw new Error(`upload ${u} failed: ${res.status}`);
    }
    // Statistics as autovacuum would have gathered them by now on a live database.
    await admin.end();
    const analyzer = new pg.Client({ connectionString: url });
    await analyzer.connect();
    await analyzer.query('ANALYZE');
    const plan = await analyzer.query(`EXPLAIN SELECT * FROM bank_transactions WHERE tenant_id = 'bench' AND debtor_id = $1 AND id > 5000 ORDER BY id LIMIT 1001`, [debtor.id]);
    await analyzer.end();
    console.log(`debtor with ${TOTAL_ROWS} transactions loaded; one export batch is planned as:\n  ${plan.rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n  ')}`);

    const streamedExport = async () => {
      const res = await fetch(`${address}/v1/debtors/${debtor.id}/export`, { headers: { authorization: `Bearer ${key}` } });
      let bytes = 0;
      for await (const chunk of res.body!) bytes += (chunk as Uint8Array).byteLength;
      return bytes;
    };
    // Reference: the export as it was built before, every list read at once, then one string.
    const wholeExport = async () => {
      const tenantId = 'bench';
      const document = {
        exportedAt: new Date().toISOString(),
        debtor: await getDebtor(database.db, tenantId, debtor.id),
        consents: await listConsents(database.db, tenantId, debtor.id),
        transactions: await listTransactions(database.db, tenantId, debtor.id),
      };
      return Buffer.byteLength(JSON.stringify(document));
    };
    // Time without sampling (the sampler's collections slow both), then memory with it.
    const streamedTime = await peakGrowth(streamedExport, false);
    const wholeTime = await peakGrowth(wholeExport, false);
    const streamed = await peakGrowth(streamedExport);
    const whole = await peakGrowth(wholeExport);
    console.log(`streamed export : ${(streamed.result / 1e6).toFixed(1)} MB in ${streamedTime.seconds.toFixed(1)} s, peak heap growth ${streamed.peakMb.toFixed(0)} MB`);
    console.log(`all-at-once ref : ${(whole.result / 1e6).toFixed(1)} MB in ${wholeTime.seconds.toFixed(1)} s, peak heap growth ${whole.peakMb.toFixed(0)} MB`);
    await app.close();
  } finally {
    await database.close();
    const dropper = new pg.Client({ connectionString: baseUrl });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`);
    await dropper.end();
  }
}

await main();
