/**
 * Ingest benchmark: 1,000,000 canonical transactions through the public bulk path (HTTP upload of
 * canonical JSON lines → parse → consent check → dedupe keys → insert) into PostgreSQL, against a raw
 * COPY of the same rows into the same table on the same server, measured in the same run.
 *
 *   npm run bench:ingest              (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 *   BENCH_ROWS=200000 npm run bench:ingest
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { openPostgres } from '../src/platform/database/connection.js';
import { migrateToLatest } from '../src/platform/database/migrate.js';
import { createApiKey, ensureTenant } from '../src/tenants/api-key.service.js';
import { addDays } from '../src/platform/dates.js';
import { CURRENT_CONSENT_TEXT_VERSION } from '../src/consent/consent.service.js';

const TOTAL_ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ROWS_PER_UPLOAD = 50_000;
const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const benchDb = `dk_bench_${process.pid}`;

const COUNTERPARTIES = ['Albert Heijn 1021', 'Jumbo Supermarkt', 'Vattenfall Klantenservice', 'Eneco', 'Zilveren Kruis', 'KPN B.V.', 'NS Reizigers', 'Woonstichting De Key', 'Belastingdienst Toeslagen', 'Werkgever B.V.'];

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Deterministic synthetic rows: realistic field sizes, every row distinct. */
function uploadBody(debtor: number, upload: number, rows: number): string {
  const lines = [JSON.stringify({ kind: 'statement', format: 'canonical-jsonl' }), JSON.stringify({ kind: 'account', iban: 'NL91ABNA0417164300', currency: 'EUR' })];
  for (let i = 0; i < rows; i++) {
    const n = upload * rows + i;
    const amountCents = ((n * 7919) % 200_000) - 150_000;
    lines.push(
      JSON.stringify({
        kind: 'transaction',
        accountIndex: 0,
        sourceId: `TX-${debtor}-${n}`,
        status: 'booked',
        bookingDate: addDays('2024-01-01', n % 700),
        valueDate: addDays('2024-01-01', n % 700),
        amountCents: amountCents === 0 ? 1 : amountCents,
        currency: 'EUR',
        counterpartyName: COUNTERPARTIES[n % COUNTERPARTIES.length],
        counterpartyIban: 'NL02ABNA0123456789',
        remittanceUnstructured: `Betaling ${n} factuur ${n % 997}`,
        bankTransactionCode: 'PMNT-RCDT-ESCT',
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${benchDb}`);
  await admin.query(`CREATE DATABASE ${benchDb}`);
  const url = withDatabase(baseUrl, benchDb);
  // The same per-connection timeouts as the service runs with (DB_STATEMENT_TIMEOUT_MS etc. apply).
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: url, UPLOAD_LIMIT_BYTES: String(200 * 1024 * 1024), LINK_TOKEN_SECRET: 'bench-secret-bench-secret-bench-secret-0123' });
  const database = openPostgres({
    connectionString: url,
    max: 4,
    statementTimeoutMs: config.dbStatementTimeoutMs,
    lockTimeoutMs: config.dbLockTimeoutMs,
    idleInTransactionTimeoutMs: config.dbIdleInTransactionTimeoutMs,
    connectTimeoutMs: config.dbConnectTimeoutMs,
  });
  try {
    await migrateToLatest(database.db);
    const app = await buildApp(config, { database, logger: false });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    await ensureTenant(database.db, 'bench');
    const key = (await createApiKey(database.db, { tenantId: 'bench', role: 'creditor' })).key;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

    const uploads = Math.ceil(TOTAL_ROWS / ROWS_PER_UPLOAD);
    const debtors = Math.max(1, Math.ceil(uploads / 5));
    const debtorIds: string[] = [];
    for (let d = 0; d < debtors; d++) {
      const created = await (await fetch(`${address}/v1/debtors`, { method: 'POST', headers, body: JSON.stringify({ externalRef: `bench-${d}` }) })).json() as { id: string };
      const consent = await (
        await fetch(`${address}/v1/debtors/${created.id}/consents`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ access: { transactions: true, balances: true }, purpose: 'early_warning_monitoring', validUntil: addDays(new Date().toISOString().slice(0, 10), 90), frequencyPerDay: 1000, recurringIndicator: true }),
        })
      ).json() as { linkToken: string };
      await fetch(`${address}/v1/consent-links/${consent.linkToken}/grant`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ textVersion: CURRENT_CONSENT_TEXT_VERSION, agreed: true }) });
      debtorIds.push(created.id);
    }
    const bodies = Array.from({ length: uploads }, (_, u) => uploadBody(u % debtors, Math.floor(u / debtors), Math.min(ROWS_PER_UPLOAD, TOTAL_ROWS - u * ROWS_PER_UPLOAD)));
    console.log(`prepared ${uploads} uploads of ${ROWS_PER_UPLOAD} rows for ${debtors} debtors (${(bodies.reduce((s, b) => s + b.length, 0) / 1e6).toFixed(0)} MB of JSON lines)`);

    // API path: two uploads in flight, as a creditor system with a small worker pool would send them.
    const apiStart = performance.now();
    let accepted = 0;
    let next = 0;
    // The slowest upload bounds the slowest single statement on this path (each upload is several
    // statements in one transaction), which statement_timeout must stay above.
    let slowestUploadSeconds = 0;
    const worker = async () => {
      while (next < uploads) {
        const u = next++;
        const uploadStart = performance.now();
        const res = await fetch(`${address}/v1/debtors/${debtorIds[u % debtors]}/bank-data?format=canonical-jsonl`, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-ndjson' }, body: bodies[u] });
        const body = (await res.json()) as { accepted: number };
        if (res.status !== 201) throw new Error(`upload ${u} failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
        accepted += body.accepted;
        slowestUploadSeconds = Math.max(slowestUploadSeconds, (performance.now() - uploadStart) / 1000);
      }
    };
    await Promise.all([worker(), worker()]);
    const apiSeconds = (performance.now() - apiStart) / 1000;
    if (accepted !== TOTAL_ROWS) throw new Error(`accepted ${accepted}, expected ${TOTAL_ROWS}`);

    // Resend one file: idempotency costs too (every row is a duplicate).
    const resendStart = performance.now();
    const resend = (await (await fetch(`${address}/v1/debtors/${debtorIds[0]}/bank-data?format=canonical-jsonl`, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-ndjson' }, body: bodies[0] })).json()) as { accepted: number; duplicates: number };
    const resendSeconds = (performance.now() - resendStart) / 1000;

    // Reference: COPY the stored rows (same table, same indexes) after emptying it.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const columns = 'tenant_id, account_id, debtor_id, consent_id, upload_id, dedupe_key, source_id, status, booking_date, value_date, amount_cents, currency, counterparty_name, counterparty_iban, remittance_unstructured, bank_transaction_code, reversal, source_format';
    const rows = (await client.query(`SELECT ${columns} FROM bank_transactions`)).rows as Record<string, unknown>[];
    // CASCADE: category_corrections references bank_transactions (empty here, so nothing else goes).
    await client.query('TRUNCATE bank_transactions CASCADE');
    const csvField = (v: unknown) => (v === null ? '' : `"${String(v instanceof Date ? v.toISOString().slice(0, 10) : v).replace(/"/g, '""')}"`);
    const csv = rows.map((r) => Object.values(r).map(csvField).join(',')).join('\n') + '\n';
    const copyStart = performance.now();
    await pipeline(Readable.from([csv]), client.query(copyFrom(`COPY bank_transactions (${columns}) FROM STDIN WITH (FORMAT csv)`)));
    const copySeconds = (performance.now() - copyStart) / 1000;
    await client.end();

    const apiRate = TOTAL_ROWS / apiSeconds;
    const copyRate = rows.length / copySeconds;
    console.log(`API bulk path : ${TOTAL_ROWS} rows in ${apiSeconds.toFixed(1)} s = ${Math.round(apiRate).toLocaleString('en')} rows/s`);
    console.log(`raw COPY      : ${rows.length} rows in ${copySeconds.toFixed(1)} s = ${Math.round(copyRate).toLocaleString('en')} rows/s`);
    console.log(`ratio         : ${((apiRate / copyRate) * 100).toFixed(0)} % of COPY (goal ≥ 50 %)`);
    console.log(`slowest upload: ${slowestUploadSeconds.toFixed(1)} s for ${ROWS_PER_UPLOAD} rows, all its statements (statement_timeout ${config.dbStatementTimeoutMs / 1000} s per statement)`);
    console.log(`resend of ${ROWS_PER_UPLOAD} rows: ${resend.accepted} new, ${resend.duplicates} duplicates in ${resendSeconds.toFixed(2)} s`);
    await app.close();
  } finally {
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
