/**
 * The database going away and coming back, on a PostgreSQL cluster this file creates on its own
 * port (the shared test cluster is never stopped): requests answer 503 with Retry-After instead of
 * 500 or hanging, /readyz says not-ready within its own timeout, and the app recovers by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import pg from 'pg';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/platform/database/open.js';
import type { DatabaseHandle } from '../../src/platform/database/connection.js';
import type { AppInstance } from '../../src/platform/http/types.js';
import { createApiKey, ensureTenant } from '../../src/tenants/api-key.service.js';
import { bearer, testConfig } from '../support/test-app.js';
import { createOwnCluster, ownClusterUnavailableReason, type OwnCluster } from './own-cluster.js';

const onPostgres = inject('databaseMode') === 'postgres';
const unavailable = onPostgres ? ownClusterUnavailableReason() : 'runs on PostgreSQL only: set TEST_DATABASE_URL (PGlite has no server to lose and no other session to hold a lock)';
if (unavailable) console.warn(`database-outage tests skipped: ${unavailable}`);

const RETRY_AFTER_SECONDS = 7;
const READINESS_TIMEOUT_MS = 500;
// Longer than the readiness timeout, so /readyz answering first shows its own timeout at work.
const LOCK_TIMEOUT_MS = 3000;

describe.skipIf(unavailable !== null)(`database away (own PostgreSQL cluster)${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  let cluster: OwnCluster;
  let database: DatabaseHandle;
  let app: AppInstance;
  let key: string;
  let debtorId: string;

  beforeAll(async () => {
    cluster = await createOwnCluster();
    const config = testConfig({
      databaseUrl: cluster.url,
      dbLockTimeoutMs: LOCK_TIMEOUT_MS,
      readinessTimeoutMs: READINESS_TIMEOUT_MS,
      dbConnectTimeoutMs: 2000,
      dbRetryAfterSeconds: RETRY_AFTER_SECONDS,
    });
    database = await openDatabase(config);
    app = await buildApp(config, { database, logger: false });
    await app.ready();
    await ensureTenant(database.db, 'tenant-r', 'Resilience');
    key = (await createApiKey(database.db, { tenantId: 'tenant-r', role: 'creditor' })).key;
    const created = await app.inject({ method: 'POST', url: '/v1/debtors', headers: bearer(key), payload: { externalRef: 'r-1' } });
    expect(created.statusCode, created.body).toBe(201);
    debtorId = created.json().id;
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    await cluster?.drop();
  });

  const requests = () => [
    { url: '/v1/debtors', headers: bearer(key) },
    { url: `/v1/debtors/${debtorId}`, headers: bearer(key) },
    { url: '/v1/tenant', headers: bearer(key) },
    { method: 'POST' as const, url: '/v1/debtors', headers: bearer(key), payload: { externalRef: 'r-2' } },
  ];

  function expectRetryable503(res: LightMyRequestResponse, code: string): void {
    expect(res.statusCode, res.body).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    expect(res.json()).toMatchObject({ status: 503, code });
    expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|terminat/i);
  }

  it('answers 503 database_unavailable with Retry-After while the server is down, and serves again when it is back', async () => {
    for (const request of requests()) expect((await app.inject(request)).statusCode).toBeLessThan(300);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);

    await cluster.stop();
    try {
      for (const request of requests()) expectRetryable503(await app.inject(request), 'database_unavailable');
      const ready = await app.inject({ url: '/readyz' });
      expectRetryable503(ready, 'service_unavailable');
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await cluster.start();
    }

    // Same app, same pool: the connections broken by the shutdown were dropped, new ones are made.
    for (const request of requests()) {
      const res = await app.inject(request);
      expect(res.statusCode, res.body).toBeLessThan(300);
    }
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready', database: 'postgres' });
  });

  it('answers 503 database_busy while another session holds a lock, before the lock is released', async () => {
    const locker = new pg.Client({ connectionString: cluster.url });
    await locker.connect();
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await locker.query('rollback');
    };
    // A safety net far beyond lock_timeout: if requests waited for the lock, they would answer
    // only after this and the ordering check below would fail.
    const safety = setTimeout(() => void release(), 25_000);
    try {
      await locker.query('begin');
      await locker.query('lock table debtors in access exclusive mode');
      const res = await app.inject({ url: '/v1/debtors', headers: bearer(key) });
      expect(released).toBe(false);
      expectRetryable503(res, 'database_busy');
    } finally {
      clearTimeout(safety);
      await release();
      await locker.end();
    }
    expect((await app.inject({ url: '/v1/debtors', headers: bearer(key) })).statusCode).toBe(200);
  }, 40_000);

  it('says not ready within its own timeout when the database does not answer, while /healthz stays up', async () => {
    const locker = new pg.Client({ connectionString: cluster.url });
    await locker.connect();
    let released = false;
    try {
      await locker.query('begin');
      await locker.query('lock table service_settings in access exclusive mode');
      const ready = await app.inject({ url: '/readyz' });
      expect(released).toBe(false);
      expectRetryable503(ready, 'service_unavailable');
      // Its own timeout answered, not the (longer) lock_timeout behind it.
      expect(ready.json().detail).toBe(`the database did not answer within ${READINESS_TIMEOUT_MS} ms`);
      expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    } finally {
      released = true;
      await locker.query('rollback');
      await locker.end();
    }
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
});
