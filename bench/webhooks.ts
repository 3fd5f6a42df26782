/**
 * Webhooks benchmark on PostgreSQL: what the outbox adds to a business transaction, and how fast the
 * dispatcher empties it into a local receiver.
 *
 *   npm run bench:webhooks      (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 *
 * 1. Outbox cost: 1,000 small transactions (one UPDATE of a debtor row, as a business change) without
 *    and with recordEvent (one event, one endpoint subscribed, so one delivery row): median and p95 ms.
 * 2. Dispatch: 5,000 events over 500 debtors (10 each, so the per-debtor ordering applies) sent to a
 *    node:http receiver on 127.0.0.1 answering 204, by one dispatcher and by two side by side
 *    (FOR UPDATE SKIP LOCKED); deliveries per second.
 *
 * BENCH_ANALYZE=1 runs ANALYZE on the deliveries after filling them. Without statistics (a table just
 * filled on a server with autovacuum off, as this machine's test server) the planner checks "an
 * earlier pending delivery of this debtor" through the wrong index and a round of 50 takes ~0.5 s;
 * with autovacuum on, the first ANALYZE comes within autovacuum_naptime (1 min). BENCH_EXPLAIN=1
 * prints the claim query's plan on the filled table and stops.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { sql } from 'kysely';
import { openPostgres } from '../src/platform/database/connection.js';
import { migrateToLatest } from '../src/platform/database/migrate.js';
import { ensureTenant } from '../src/tenants/api-key.service.js';
import { WebhookDispatcher } from '../src/webhooks/dispatcher.js';
import { recordEvent } from '../src/webhooks/events.js';
import { newWebhookSecret } from '../src/webhooks/signature.js';

const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const benchDb = `dk_bench_webhooks_${process.pid}`;
const TENANT = 'bench';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${benchDb}`);
  await admin.query(`CREATE DATABASE ${benchDb}`);
  const database = openPostgres({ connectionString: withDatabase(baseUrl, benchDb), max: 6 });
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const db = database.db;
    await migrateToLatest(db);
    await ensureTenant(db, TENANT, 'Bench');
    const debtorIds = Array.from({ length: 500 }, () => randomUUID());
    await db.insertInto('debtors').values(debtorIds.map((id, i) => ({ tenant_id: TENANT, id, external_ref: `bench-${i}`, display_name: null, household: null }))).execute();
    await db
      .insertInto('webhook_endpoints')
      .values({ tenant_id: TENANT, id: randomUUID(), url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`, secret: newWebhookSecret(), event_types: JSON.stringify(['*']) })
      .execute();

    // 1. The outbox's cost inside a business transaction.
    const timeTransactions = async (withEvent: boolean): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < 1000; i += 1) {
        const debtorId = debtorIds[i % debtorIds.length]!;
        const started = performance.now();
        await db.transaction().execute(async (trx) => {
          await trx.updateTable('debtors').set({ external_ref: `bench-${i % debtorIds.length}` }).where('tenant_id', '=', TENANT).where('id', '=', debtorId).execute();
          if (withEvent) await recordEvent(trx, TENANT, { type: 'plan.accepted', debtorId, subject: { type: 'plan', id: randomUUID() }, data: { totalCents: 12_345 } });
        });
        times.push(performance.now() - started);
      }
      return times;
    };
    await timeTransactions(false);
    const without = await timeTransactions(false);
    const withEvent = await timeTransactions(true);
    console.log(`transaction without event: median ${quantile(without, 0.5).toFixed(2)} ms, p95 ${quantile(without, 0.95).toFixed(2)} ms`);
    console.log(`transaction with event:    median ${quantile(withEvent, 0.5).toFixed(2)} ms, p95 ${quantile(withEvent, 0.95).toFixed(2)} ms`);
    await db.deleteFrom('webhook_events').where('tenant_id', '=', TENANT).execute();

    // 2. Dispatch throughput.
    const fill = async () => {
      for (let round = 0; round < 10; round += 1) {
        await db.transaction().execute(async (trx) => {
          for (const debtorId of debtorIds) await recordEvent(trx, TENANT, { type: 'plan.instalment_missed', debtorId, subject: { type: 'plan', id: debtorId }, data: { instalmentNumber: round + 1 } });
        });
      }
    };
    const dispatcher = () => new WebhookDispatcher({ db, retryScheduleSeconds: [30, 120, 600], timeoutMs: 10_000, batchSize: 50, pollMs: 100, now: () => new Date(Date.now() + 1000), allowHttpLocalhost: true });
    for (const instances of [1, 2]) {
      await fill();
      if (process.env.BENCH_ANALYZE === '1') await sql`analyze webhook_deliveries`.execute(db);
      if (process.env.BENCH_EXPLAIN === '1') {
        const plan = await sql<{ 'QUERY PLAN': string }>`explain analyze select d.tenant_id, d.id from webhook_deliveries d where d.status = 'pending' and d.next_attempt_at <= now() + interval '1 second' and not exists (select 1 from webhook_deliveries p where p.tenant_id = d.tenant_id and p.endpoint_id = d.endpoint_id and p.debtor_id = d.debtor_id and p.status = 'pending' and p.event_seq < d.event_seq) order by d.next_attempt_at, d.event_seq limit 50 for update of d skip locked`.execute(db);
        console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
        return;
      }
      received = 0;
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: instances }, () => dispatcher().drain(100_000)));
      const seconds = (performance.now() - started) / 1000;
      const delivered = results.reduce((s, r) => s + r.delivered, 0);
      console.log(`dispatch, ${instances} dispatcher(s): ${delivered} deliveries (${received} received) in ${seconds.toFixed(2)} s = ${Math.round(delivered / seconds)}/s`);
      await db.deleteFrom('webhook_events').where('tenant_id', '=', TENANT).execute();
    }
  } finally {
    server.close();
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS ${benchDb}`);
    await admin.end();
  }
}

await main();
