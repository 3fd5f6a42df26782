/**
 * Load benchmark: the service as a separate process on loopback, driven by autocannon for a bounded
 * time per route, on PostgreSQL. Per route: requests per second, p50 / p99 latency, errors and non-2xx
 * answers, and the server's RSS sampled every second (start, peak, end: flat means no leak under
 * load). Measured in the same run, so ratios hold on any machine:
 *
 * - the bare route GET /healthz (the HTTP floor);
 * - scoring, GET /v1/debtors/:id/score (goal: p99 ≤ 10 ms and ≥ 25 % of the bare route's rate);
 * - the affordability report, repeated for unchanged debtors (the report cache; goal ≥ 1,000 req/s
 *   and p99 ≤ 50 ms), and the same with the cache off (AFFORDABILITY_CACHE_ENTRIES=0) as reference;
 * - ingest, POST /v1/debtors/:id/bank-data re-sending a month of one debtor's account (idempotent:
 *   every entry is a duplicate after the first; the full parse-and-dedupe path runs each time).
 *
 *   npm run bench:load   (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
 *                         BENCH_SECONDS per route, default 10; BENCH_CONNECTIONS, default 20;
 *                         BENCH_ROUTES, default all: a comma list of bare, scoring, affordability,
 *                         ingest, affordability-uncached to run only those, e.g. bare,scoring;
 *                         BENCH_SERVER_NODE_ARGS, node arguments for the server alone, e.g.
 *                         "--cpu-prof --cpu-prof-dir=bench/out/profiles")
 *
 * The server runs from the build (dist/), started like `npm start` with DATABASE_URL, so autocannon
 * does not share its event loop; its rate limits are off (this measures capacity, not the limits).
 * Prints one table and writes bench/out/load.json; exits non-zero when any answer was an error or not 2xx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { injectClient } from '../src/cli/inject-client.js';
import { CURRENT_CONSENT_TEXT_VERSION } from '../src/consent/consent.service.js';
import { loadConfig } from '../src/platform/config.js';
import { openPostgres } from '../src/platform/database/connection.js';
import { migrateToLatest } from '../src/platform/database/migrate.js';
import { addDays } from '../src/platform/dates.js';
import { writeBerlinGroupTransactions } from '../src/simulation/berlin-group.writer.js';
import { simulateHouseholds } from '../src/simulation/simulate-households.js';
import { loadWorld, worldStartEndingToday } from '../src/simulation/world-loader.js';
import { createApiKey, ensureTenant } from '../src/tenants/api-key.service.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const DEBTORS = 20;
const ROUTE_NAMES = ['bare', 'scoring', 'affordability', 'ingest', 'affordability-uncached'] as const;
type RouteName = (typeof ROUTE_NAMES)[number];
// A subset runs when one route is being worked on; ratios still come from the bare route in the same run.
const SELECTED = new Set<RouteName>(
  (process.env.BENCH_ROUTES ?? ROUTE_NAMES.join(','))
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '')
    .map((r) => {
      if (!(ROUTE_NAMES as readonly string[]).includes(r)) throw new Error(`BENCH_ROUTES: unknown route "${r}" (known: ${ROUTE_NAMES.join(', ')})`);
      return r as RouteName;
    }),
);
const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const benchDb = `dk_bench_load_${process.pid}`;
const today = new Date().toISOString().slice(0, 10);
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function startServer(url: string, port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  // BENCH_SERVER_NODE_ARGS: node arguments for the server only (--cpu-prof is not allowed in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, path.resolve('dist/src/cli/main.js'), 'serve'], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', DEMO: 'false', LINK_TOKEN_SECRET: SECRET, MONITORING_ENABLED: 'false', TRAINING_RUNNER: 'false', JOBS_ENABLED: 'false', WEBHOOKS_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_LINK_PER_MINUTE: '0', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error('the server did not become ready');
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface RouteResult {
  name: RouteName;
  route: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  rss: { start: number; peak: number; end: number };
  /** CPU ms per request: the server process, and the database backends of its pool (a backend that closed mid-run is missed). */
  cpuPerRequest: { serverMs: number; databaseMs: number };
}

/** Linux's clock ticks per second (getconf CLK_TCK), the unit of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = 100;

/** CPU time (user + system) a process has used, in ms; 0 when it is gone. */
async function cpuMs(pid: number): Promise<number> {
  try {
    // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th and 13th.
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** The PostgreSQL backends serving the benchmark's database (the server's pool). */
async function databaseBackends(admin: pg.Client): Promise<number[]> {
  return (await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [benchDb])).rows.map((r) => r.pid);
}

async function drive(name: RouteName, route: string, pid: number, options: { url: string; requests: autocannon.Request[]; headers?: Record<string, string>; admin: pg.Client }): Promise<RouteResult> {
  const samples: number[] = [await rssMb(pid)];
  const sampler = setInterval(() => void rssMb(pid).then((mb) => samples.push(mb)), 1000);
  // CPU spent per request by the server and by its database backends: on a shared machine the rate
  // follows whatever else runs, the CPU a request costs much less so.
  const serverCpu = await cpuMs(pid);
  const backendsBefore = await databaseBackends(options.admin);
  const databaseCpu = new Map<number, number>();
  for (const backend of backendsBefore) databaseCpu.set(backend, await cpuMs(backend));
  const result = await autocannon({ url: options.url, connections: CONNECTIONS, duration: SECONDS, requests: options.requests, ...(options.headers ? { headers: options.headers } : {}) });
  clearInterval(sampler);
  samples.push(await rssMb(pid));
  const serverMs = (await cpuMs(pid)) - serverCpu;
  let databaseMs = 0;
  for (const backend of await databaseBackends(options.admin)) databaseMs += (await cpuMs(backend)) - (databaseCpu.get(backend) ?? 0);
  const requests = Math.max(1, result.requests.total);
  return {
    cpuPerRequest: { serverMs: serverMs / requests, databaseMs: databaseMs / requests },
    name,
    route,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    rss: { start: samples[0]!, peak: Math.max(...samples), end: samples.at(-1)! },
  };
}

/** autocannon requests that walk the debtors round robin, one path each. */
function roundRobin(paths: string[], method: 'GET' | 'POST' = 'GET', body?: string, headers: Record<string, string> = {}): autocannon.Request[] {
  let next = 0;
  return [
    {
      method,
      ...(body !== undefined ? { body } : {}),
      headers,
      setupRequest: (request) => {
        const path = paths[next++ % paths.length]!;
        return { ...request, path };
      },
    },
  ];
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${benchDb}`);
  await admin.query(`CREATE DATABASE ${benchDb}`);
  const url = withDatabase(baseUrl, benchDb);
  const results: RouteResult[] = [];
  try {
    // Data: a world of households through the API in-process, then the server as its own process.
    const database = openPostgres({ connectionString: url, max: 4 });
    await migrateToLatest(database.db);
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url, LINK_TOKEN_SECRET: SECRET, DEMO: 'false', MONITORING_ENABLED: 'false', TRAINING_RUNNER: 'false' }), { database, logger: false });
    await ensureTenant(database.db, 'bench');
    const key = (await createApiKey(database.db, { tenantId: 'bench', role: 'creditor' })).key;
    const client = injectClient(app, key);
    const households = [...simulateHouseholds({ households: DEBTORS, months: 13, seed: 2027, truthRuns: 1, startDate: worldStartEndingToday(today, 13) })];
    const loaded = await loadWorld(client, households, { today });
    // A consent that allows many uploads a day, for the ingest route (Berlin Group frequencyPerDay ≤ 1000).
    const ingest: { path: string; body: string }[] = [];
    for (const [i, household] of households.entries()) {
      const debtorId = loaded[i]!.debtorId;
      const consent = await client.request('POST', `/v1/debtors/${debtorId}/consents`, {
        json: { access: { accounts: true, balances: true, transactions: true }, purpose: 'affordability_assessment', validUntil: addDays(today, 30), frequencyPerDay: 1000, recurringIndicator: true },
      });
      const body = consent.body as { linkToken: string; consent: { id: string } };
      await client.request('POST', `/v1/consent-links/${body.linkToken}/grant`, { json: { textVersion: CURRENT_CONSENT_TEXT_VERSION, agreed: true }, withKey: false });
      const account = household.accounts[0]!;
      const lastMonth = account.transactions.filter((t) => t.bookingDate >= addDays(today, -31));
      ingest.push({ path: `/v1/debtors/${debtorId}/bank-data?format=berlin-group&consentId=${body.consent.id}`, body: writeBerlinGroupTransactions({ ...account, transactions: lastMonth }) });
    }
    const transactions = loaded.reduce((s, l) => s + l.transactions, 0);
    await app.close();
    await database.close();
    console.log(`${DEBTORS} debtors, ${transactions} transactions stored; ${SECONDS} s per route, ${CONNECTIONS} connections`);

    const auth = { authorization: `Bearer ${key}` };
    const debtorPaths = (suffix: string) => loaded.map((l) => `/v1/debtors/${l.debtorId}${suffix}`);
    const port = 3400 + (process.pid % 500);
    const server = await startServer(url, port);
    try {
      const base = `http://127.0.0.1:${port}`;
      if (SELECTED.has('bare')) results.push(await drive('bare', 'GET /healthz (bare)', server.pid!, { admin, url: base, requests: roundRobin(['/healthz']) }));
      // Warm the caches (feature snapshots, reports) once per debtor before measuring repeated requests.
      for (const p of [...debtorPaths('/score'), ...debtorPaths(`/affordability?asOf=${today}`)]) await (await fetch(base + p, { headers: auth })).arrayBuffer();
      if (SELECTED.has('scoring')) results.push(await drive('scoring', 'GET /v1/debtors/:id/score', server.pid!, { admin, url: base, requests: roundRobin(debtorPaths('/score')), headers: auth }));
      if (SELECTED.has('affordability'))
        results.push(await drive('affordability', 'GET /v1/debtors/:id/affordability (unchanged debtors)', server.pid!, { admin, url: base, requests: roundRobin(debtorPaths(`/affordability?asOf=${today}`)), headers: auth }));
      // Each request a different file of 20: the parse and dedupe path, the rows all duplicates after the first pass.
      let nextFile = 0;
      if (SELECTED.has('ingest'))
        results.push(
          await drive('ingest', 'POST /v1/debtors/:id/bank-data (resend, 1 month)', server.pid!, {
            admin,
            url: base,
            headers: { ...auth, 'content-type': 'application/json' },
            requests: [
              {
                method: 'POST',
                setupRequest: (request) => {
                  const file = ingest[nextFile++ % ingest.length]!;
                  return { ...request, path: file.path, body: file.body };
                },
              },
            ],
          }),
        );
    } finally {
      await stopServer(server);
    }
    if (SELECTED.has('affordability-uncached')) {
      const uncached = await startServer(url, port + 1, { AFFORDABILITY_CACHE_ENTRIES: '0' });
      try {
        results.push(await drive('affordability-uncached', 'GET /v1/debtors/:id/affordability (cache off)', uncached.pid!, { admin, url: `http://127.0.0.1:${port + 1}`, requests: roundRobin(debtorPaths(`/affordability?asOf=${today}`)), headers: auth }));
      } finally {
        await stopServer(uncached);
      }
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`);
    await admin.end();
  }

  const find = (name: RouteName) => results.find((r) => r.name === name);
  const bare = find('bare');
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`\n${pad('route', 56)} ${pad('req/s', 8)} ${pad('× bare', 7)} ${pad('p50 ms', 7)} ${pad('p99 ms', 7)} ${pad('errors', 7)} ${pad('non-2xx', 8)} ${pad('RSS MB start/peak/end', 22)} CPU ms/request server + database`);
  for (const r of results) {
    console.log(
      `${pad(r.route, 56)} ${pad(r.requestsPerSecond.toFixed(0), 8)} ${pad(bare ? (r.requestsPerSecond / bare.requestsPerSecond).toFixed(2) : '-', 7)} ${pad(String(r.p50), 7)} ${pad(String(r.p99), 7)} ${pad(String(r.errors), 7)} ${pad(String(r.non2xx), 8)} ${pad(`${r.rss.start.toFixed(0)}/${r.rss.peak.toFixed(0)}/${r.rss.end.toFixed(0)}`, 22)} ${r.cpuPerRequest.serverMs.toFixed(3)} + ${r.cpuPerRequest.databaseMs.toFixed(3)}`,
    );
  }
  const scoring = find('scoring');
  const cached = find('affordability');
  const uncachedReport = find('affordability-uncached');
  if (scoring) {
    const share = bare ? `${((scoring.requestsPerSecond / bare.requestsPerSecond) * 100).toFixed(0)} % of the bare route's rate (goal ≥ 25 %: ${scoring.requestsPerSecond >= 0.25 * bare.requestsPerSecond ? 'met' : 'NOT met'})` : 'bare route not run, no ratio';
    console.log(`\nscoring: p99 ${scoring.p99} ms (goal ≤ 10: ${scoring.p99 <= 10 ? 'met' : 'NOT met'}), ${share}`);
  }
  if (cached) {
    const versus = uncachedReport ? `; ${(cached.requestsPerSecond / uncachedReport.requestsPerSecond).toFixed(1)}× the cache-off rate` : '';
    console.log(`affordability, unchanged debtors: ${cached.requestsPerSecond.toFixed(0)} req/s (goal ≥ 1,000: ${cached.requestsPerSecond >= 1000 ? 'met' : 'NOT met'}), p99 ${cached.p99} ms (goal ≤ 50: ${cached.p99 <= 50 ? 'met' : 'NOT met'})${versus}`);
  }
  if (results.some((r) => r.errors > 0 || r.non2xx > 0)) {
    console.log('SOME REQUESTS FAILED (errors or non-2xx above): the figures do not count');
    process.exitCode = 1;
  }
  await mkdir('bench/out', { recursive: true });
  await writeFile('bench/out/load.json', JSON.stringify({ measuredAt: new Date().toISOString(), seconds: SECONDS, connections: CONNECTIONS, routes: [...SELECTED], results }, null, 2));
}

await main();
