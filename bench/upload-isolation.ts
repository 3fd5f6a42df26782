/**
 * Upload isolation benchmark: does a heavy bank-file upload leave the server answering?
 *
 * In one run against PostgreSQL: /healthz latency idle, then the time to refuse a hostile camt.053 of
 * 6,000,000 empty entries (about 48 MB) and the process's peak RSS after it, then /healthz latency
 * while a genuine-looking 50,000-entry camt.053 is uploaded (sequential requests, as a load balancer
 * probes), with the event loop's own delay over the same span. Last, what passing the parsed
 * transactions back from the worker costs the main thread: one part against all 50,000 at once.
 *
 * The client (uploads and probes) runs in its own worker thread, so the server's event loop carries
 * only the server's work and the probes time what a separate client would see.
 *
 *   npm run bench:upload-isolation          (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 *   Goals: /healthz p99 ≤ 50 ms and max ≤ 250 ms during the upload; the 6M file refused within 2 s, process under 1 GB.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { deserialize, serialize } from 'node:v8';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { openPostgres } from '../src/platform/database/connection.js';
import { migrateToLatest } from '../src/platform/database/migrate.js';
import { createApiKey, ensureTenant } from '../src/tenants/api-key.service.js';
import { addDays } from '../src/platform/dates.js';
import { CURRENT_CONSENT_TEXT_VERSION } from '../src/consent/consent.service.js';
import { parseBankFile } from '../src/bank-data/formats/index.js';
import { PARSE_PART_ROWS } from '../src/bank-data/parse-pool.js';
import { emptyEntriesCamt053, genuineCamt053 } from '../test/resilience/generated-bank-files.js';

const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const benchDb = `dk_bench_iso_${process.pid}`;
const MB = 1024 * 1024;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(label: string, waits: number[]): string {
  const s = [...waits].sort((a, b) => a - b);
  return `${label.padEnd(30)} n=${String(s.length).padStart(5)}  p50 ${percentile(s, 50).toFixed(1)} ms  p99 ${percentile(s, 99).toFixed(1)} ms  max ${s[s.length - 1]!.toFixed(1)} ms`;
}

/** The HTTP client, on its own thread: sends a file while probing /healthz back to back, or probes alone. */
const CLIENT = `
const { parentPort } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
async function healthz(base) {
  const sent = performance.now();
  const res = await fetch(base + '/healthz');
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error('/healthz answered ' + res.status);
  return performance.now() - sent;
}
parentPort.on('message', async (job) => {
  const waits = [];
  if (!job.url) {
    for (let i = 0; i < job.probes; i++) waits.push(await healthz(job.base));
    parentPort.postMessage({ waits });
    return;
  }
  let done = false;
  const started = performance.now();
  const sending = fetch(job.url, { method: 'POST', headers: job.headers, body: job.body }).then(async (res) => {
    done = true;
    return { status: res.status, body: await res.json(), ms: performance.now() - started };
  });
  if (job.probe) while (!done) waits.push(await healthz(job.base));
  const result = await sending;
  parentPort.postMessage({ waits, ...result });
});
`;

interface ClientAnswer {
  waits: number[];
  status: number;
  body: { accepted?: number; code?: string; cap?: string; detail?: string };
  ms: number;
}

function ask(client: Worker, job: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<ClientAnswer> {
  return new Promise((resolve, reject) => {
    client.once('message', resolve);
    client.once('error', reject);
    client.postMessage(job, transfer);
  });
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
    const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url, LINK_TOKEN_SECRET: 'bench-secret-bench-secret-bench-secret-0123', PARSE_TIMEOUT_SECONDS: '900' });
    const app = await buildApp(config, { database, logger: false });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    // The parse workers start when the server listens; let them finish loading, as a server would have long before its first upload.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await ensureTenant(database.db, 'bench');
    const key = (await createApiKey(database.db, { tenantId: 'bench', role: 'creditor' })).key;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const debtor = (await (await fetch(`${base}/v1/debtors`, { method: 'POST', headers, body: JSON.stringify({ externalRef: 'iso-1' }) })).json()) as { id: string };
    const consent = (await (
      await fetch(`${base}/v1/debtors/${debtor.id}/consents`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ access: { transactions: true, balances: true }, purpose: 'early_warning_monitoring', validUntil: addDays(new Date().toISOString().slice(0, 10), 90), frequencyPerDay: 1000, recurringIndicator: true }),
      })
    ).json()) as { linkToken: string };
    await fetch(`${base}/v1/consent-links/${consent.linkToken}/grant`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ textVersion: CURRENT_CONSENT_TEXT_VERSION, agreed: true }) });
    const uploadUrl = `${base}/v1/debtors/${debtor.id}/bank-data`;
    const uploadHeaders = { authorization: headers.authorization, 'content-type': 'application/xml' };

    const genuine = genuineCamt053(50_000);
    const hostile = emptyEntriesCamt053(6_000_000);
    console.log(`machine: load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (other work on the machine shows in every figure)`);
    console.log(`files: genuine camt.053 of 50,000 entries ${(genuine.byteLength / MB).toFixed(1)} MB; hostile camt.053 of 6,000,000 empty <Ntry/> ${(hostile.byteLength / MB).toFixed(1)} MB`);
    console.log(`config: ${config.parseWorkers} parse workers, ${config.parseWorkerMemoryMb} MB heap each, caps ${config.maxFileEntries} entries / ${config.maxFileAccounts} accounts / ${config.maxFileTextBytes} bytes of text`);
    const client = new Worker(CLIENT, { eval: true });

    // Idle reference, same process, same run.
    await ask(client, { base, probes: 50 });
    const idle = (await ask(client, { base, probes: 500 })).waits;
    console.log(summary('/healthz idle', idle));

    // The hostile file: refused by the byte pre-scan in the worker, before any tree.
    const rssBefore = process.memoryUsage().rss;
    const hostileBytes = hostile.buffer.slice(hostile.byteOffset, hostile.byteOffset + hostile.byteLength) as ArrayBuffer;
    const refused = await ask(client, { base, url: uploadUrl, headers: uploadHeaders, body: hostileBytes, probe: false }, [hostileBytes]);
    const peakAfterHostile = process.resourceUsage().maxRSS * 1024;
    console.log(`6M-entry file: ${refused.status} ${refused.body.code} cap=${refused.body.cap} in ${refused.ms.toFixed(0)} ms from first byte sent to answer (goal ≤ 2000 ms)`);
    console.log(`  RSS before ${(rssBefore / MB).toFixed(0)} MB, peak so far ${(peakAfterHostile / MB).toFixed(0)} MB, now ${(process.memoryUsage().rss / MB).toFixed(0)} MB (goal < 1024 MB)`);
    console.log(`  detail: ${refused.body.detail}`);

    // The genuine file, with /healthz probed back to back until the upload answers.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const genuineBytes = genuine.buffer.slice(genuine.byteOffset, genuine.byteOffset + genuine.byteLength) as ArrayBuffer;
    const uploaded = await ask(client, { base, url: uploadUrl, headers: uploadHeaders, body: genuineBytes, probe: true }, [genuineBytes]);
    loop.disable();
    await client.terminate();
    if (uploaded.status !== 201) throw new Error(`the 50,000-entry upload answered ${uploaded.status}: ${JSON.stringify(uploaded.body)}`);
    console.log(`50,000-entry upload: ${uploaded.status}, ${uploaded.body.accepted} accepted in ${(uploaded.ms / 1000).toFixed(1)} s`);
    console.log(summary('/healthz during the upload', uploaded.waits));
    console.log(`server event-loop delay during the upload: p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms  p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms  max ${(loop.max / 1e6).toFixed(1)} ms`);
    console.log(`peak RSS of the whole run: ${((process.resourceUsage().maxRSS * 1024) / MB).toFixed(0)} MB (includes the parse worker's heap for the 50,000-entry file)`);
    await app.close();

    // Passing the result back: what the main thread pays to deserialise one part vs the whole statement.
    const sample = parseBankFile(genuineCamt053(PARSE_PART_ROWS, 9), {}).transactions;
    const whole = Array.from({ length: 50_000 / PARSE_PART_ROWS }, () => sample.map((t) => ({ ...t }))).flat();
    const time = (f: () => void) => {
      const t0 = performance.now();
      f();
      return performance.now() - t0;
    };
    const partBytes = serialize(sample);
    const wholeBytes = serialize(whole);
    const partMs = Math.min(...Array.from({ length: 5 }, () => time(() => deserialize(partBytes))));
    const wholeMs = Math.min(...Array.from({ length: 3 }, () => time(() => deserialize(wholeBytes))));
    console.log(`deserialising on the main thread: one part of ${PARSE_PART_ROWS} rows ${partMs.toFixed(1)} ms (${(partBytes.byteLength / MB).toFixed(1)} MB); all 50,000 at once ${wholeMs.toFixed(1)} ms (${(wholeBytes.byteLength / MB).toFixed(1)} MB)`);
  } finally {
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
