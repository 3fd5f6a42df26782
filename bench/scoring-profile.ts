/**
 * Where a repeated score's time goes: the database round trips of one GET /v1/debtors/:id/score for an
 * unchanged debtor (auth, consent state, champions, feature snapshot, latest band, score insert, …),
 * counted and timed per statement, in process on PostgreSQL, requests one after another.
 *
 *   npm run bench:build && node dist/bench/scoring-profile.js
 *   (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; BENCH_REQUESTS, default 500)
 *
 * Prints, per statement kind, how many run per request and their mean time, and the request's mean
 * and p99 in process (no socket): the breakdown the load benchmark's figures are explained by.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { injectClient } from '../src/cli/inject-client.js';
import { CURRENT_CONSENT_TEXT_VERSION } from '../src/consent/consent.service.js';
import { loadConfig } from '../src/platform/config.js';
import { openPostgres } from '../src/platform/database/connection.js';
import { migrateToLatest } from '../src/platform/database/migrate.js';
import { addDays } from '../src/platform/dates.js';
import { FEATURE_CATALOGUE_VERSION } from '../src/risk-features/catalogue.js';
import { simulateHouseholds } from '../src/simulation/simulate-households.js';
import { loadWorld, worldStartEndingToday } from '../src/simulation/world-loader.js';
import { createApiKey, ensureTenant } from '../src/tenants/api-key.service.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const DEBTORS = 5;
const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const benchDb = `dk_bench_score_profile_${process.pid}`;
const today = new Date().toISOString().slice(0, 10);

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A short name for a statement: the table or function it is about. */
function kindOf(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim().toLowerCase();
  const fn = /from (risk_[a-z_]+)\(/.exec(t);
  if (fn) return `fn ${fn[1]}`;
  const verb = t.split(' ')[0]!;
  if (verb === 'insert') return `insert ${/insert into "?([a-z_]+)/.exec(t)?.[1] ?? '?'}`;
  if (verb === 'begin' || verb === 'commit' || verb === 'rollback') return verb;
  const from = /from "?([a-z_]+)"?/.exec(t)?.[1] ?? '?';
  if (t.includes('unnest(')) return 'select latest band (risk_scores)';
  return `${verb} ${from}`;
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${benchDb}`);
  await admin.query(`CREATE DATABASE ${benchDb}`);
  const url = withDatabase(baseUrl, benchDb);
  try {
    const database = openPostgres({ connectionString: url, max: 10 });
    await migrateToLatest(database.db);
    const stats = new Map<string, { count: number; ms: number }>();
    let counting = false;
    // Every statement goes through a pooled client's query(): wrap it to count and time.
    database.pool!.on('connect', (client) => {
      const original = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const first = args[0];
        const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '');
        const start = performance.now();
        const result = original(...args);
        if (counting && result instanceof Promise) {
          void result.finally(() => {
            const kind = kindOf(text);
            const s = stats.get(kind) ?? { count: 0, ms: 0 };
            s.count++;
            s.ms += performance.now() - start;
            stats.set(kind, s);
          });
        }
        return result;
      };
    });
    const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url, LINK_TOKEN_SECRET: 'bench-secret-bench-secret-bench-secret-0123', DEMO: 'false', MONITORING_ENABLED: 'false', TRAINING_RUNNER: 'false', JOBS_ENABLED: 'false', WEBHOOKS_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '0' });
    const app = await buildApp(config, { database, logger: false });
    await ensureTenant(database.db, 'bench');
    const key = (await createApiKey(database.db, { tenantId: 'bench', role: 'creditor' })).key;
    const client = injectClient(app, key);
    const households = [...simulateHouseholds({ households: DEBTORS, months: 13, seed: 2027, truthRuns: 1, startDate: worldStartEndingToday(today, 13) })];
    const loaded = await loadWorld(client, households, { today });
    // Half the debtors with an early_warning_monitoring consent, so both feature sets score.
    for (const l of loaded.slice(0, Math.ceil(DEBTORS / 2))) {
      const consent = await client.request('POST', `/v1/debtors/${l.debtorId}/consents`, {
        json: { access: { accounts: true, balances: true, transactions: true }, purpose: 'early_warning_monitoring', validUntil: addDays(today, 30), frequencyPerDay: 4, recurringIndicator: true },
      });
      await client.request('POST', `/v1/consent-links/${(consent.body as { linkToken: string }).linkToken}/grant`, { json: { textVersion: CURRENT_CONSENT_TEXT_VERSION, agreed: true }, withKey: false });
    }
    const paths = loaded.map((l) => `/v1/debtors/${l.debtorId}/score`);
    const score = async (i: number) => {
      const response = await app.inject({ method: 'GET', url: paths[i % paths.length]!, headers: { authorization: `Bearer ${key}` } });
      if (response.statusCode !== 200) throw new Error(`score: ${response.statusCode} ${response.body}`);
    };
    for (let i = 0; i < 100; i++) await score(i); // snapshots, models, plan caches
    counting = true;
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const start = performance.now();
      await score(i);
      times.push(performance.now() - start);
    }
    counting = false;
    await new Promise((resolve) => setTimeout(resolve, 50));
    times.sort((a, b) => a - b);
    const mean = times.reduce((s, t) => s + t, 0) / times.length;
    console.log(`${REQUESTS} repeated scores in process, one after another: mean ${mean.toFixed(2)} ms, p50 ${times[Math.floor(times.length / 2)]!.toFixed(2)} ms, p99 ${times[Math.ceil(times.length * 0.99) - 1]!.toFixed(2)} ms`);
    let total = 0;
    console.log(`${'statement'.padEnd(44)} ${'per request'.padEnd(12)} mean ms (client side, incl. round trip)`);
    for (const [kind, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) {
      total += s.count;
      console.log(`${kind.padEnd(44)} ${(s.count / REQUESTS).toFixed(2).padEnd(12)} ${(s.ms / s.count).toFixed(3)}`);
    }
    console.log(`statements per request: ${(total / REQUESTS).toFixed(2)}`);
    // The database's side of a repeat, each part run in a loop inside PostgreSQL (no round trips):
    // what the one statement's CPU is spent on.
    if (process.env.BENCH_VACUUM) await sql`vacuum analyze`.execute(database.db);
    const { rows: ids } = await sql<{ debtor_id: string }>`select debtor_id from consents where tenant_id = 'bench' and purpose = 'early_warning_monitoring' limit 1`.execute(database.db);
    const debtor = ids[0]!.debtor_id;
    const loops = 2000;
    const { rows: keys } = await sql<{ id: string }>`select id from api_keys where tenant_id = 'bench' limit 1`.execute(database.db);
    const models = `array['early-warning', 'early-warning-data-points']`;
    const fingerprint = `risk_score_fingerprint('bench', '${debtor}', '${FEATURE_CATALOGUE_VERSION}', ${models})`;
    const latest = `(select s from risk_scores s where s.tenant_id = 'bench' and s.debtor_id = '${debtor}' order by s.created_at desc, s.id desc limit 1)`;
    const parts: [string, string][] = [
      ['risk_feature_snapshot_lookup (data stamps)', `perform * from risk_feature_snapshot_lookup('bench', '${debtor}', '${today}', '${FEATURE_CATALOGUE_VERSION}')`],
      ['risk_score_fingerprint (stamps, consents, champions)', `perform risk_score_fingerprint('bench', '${debtor}', '${FEATURE_CATALOGUE_VERSION}', array['early-warning', 'early-warning-data-points'])`],
      ['latest band (risk_scores)', `perform r.band from risk_scores r where r.tenant_id = 'bench' and r.debtor_id = '${debtor}' order by r.created_at desc, r.id desc limit 1`],
      ['api key not revoked', `perform 1 from api_keys k where k.tenant_id = 'bench' and k.revoked_at is null limit 1`],
      // The whole repeat, stored each time: the fingerprint, the checks and the insert.
      [
        'risk_score_repeat (checks and insert)',
        `perform risk_score_repeat('bench', '${debtor}', '${keys[0]!.id}', '${FEATURE_CATALOGUE_VERSION}', ${models}, fp, gen_random_uuid(), (l).as_of, (l).model_id, (l).model_version, (l).feature_set, (l).probability, (l).band, (l).reasons, (l).feature_snapshot_id, clock_timestamp())`,
      ],
    ];
    console.log(`\nin PostgreSQL, a bank-data debtor, ${loops} loops each:`);
    for (const [label, statement] of parts) {
      await sql.raw(`create or replace function pg_temp.bench_loop() returns double precision language plpgsql as $f$ declare fp text := ${fingerprint}; l risk_scores := ${latest}; started timestamptz := clock_timestamp(); begin for i in 1..${loops} loop ${statement}; end loop; return extract(epoch from clock_timestamp() - started) * 1000; end $f$`).execute(database.db);
      const { rows } = await sql<{ ms: number }>`select pg_temp.bench_loop() as ms`.execute(database.db);
      console.log(`${label.padEnd(56)} ${((rows[0]!.ms / loops) * 1000).toFixed(0)} µs`);
    }
    if (process.env.BENCH_EXPLAIN) {
      await sql.raw(`load 'auto_explain'`).execute(database.db).catch(() => undefined);
      const statements = [
        `select r.band from risk_scores r where r.tenant_id = 'bench' and r.debtor_id = '${debtor}' order by r.created_at desc, r.id desc limit 1`,
        `select count(*) || ':' || coalesce(max(e.id), 0) from data_point_events e where e.tenant_id = 'bench' and e.debtor_id = '${debtor}'`,
        `select coalesce(string_agg(p.kind || '@' || p.version, ',' order by p.kind), '') from tenant_policies p where p.tenant_id = 'bench'`,
        `select count(*) || ':' || coalesce(max(t.id), 0) from bank_transactions t where t.tenant_id = 'bench' and t.debtor_id = '${debtor}'`,
        `select count(*) || ':' || coalesce(max(b.id), 0) from bank_balances b where b.tenant_id = 'bench' and b.debtor_id = '${debtor}'`,
        `select count(*) || ':' || coalesce(max(c.created_at)::text, '') from category_corrections c where c.tenant_id = 'bench' and c.debtor_id = '${debtor}'`,
        `select count(*) || ':' || coalesce(max(r.learned_at)::text, '') from learned_categorisation_rules r where r.tenant_id = 'bench'`,
      ];
      for (const q of statements.map((q) => `explain (analyze, buffers) ${q}`)) {
        const { rows } = await sql.raw<Record<string, string>>(q).execute(database.db);
        console.log(rows.map((r) => Object.values(r)[0]).join('\n'));
      }
    }
    await app.close();
    await database.close();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
