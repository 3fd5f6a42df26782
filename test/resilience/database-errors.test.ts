/**
 * Real errors from a real PostgreSQL server and driver, classified: what passes (the server away,
 * a lock or a long query) becomes a retryable 503, everything else stays what it was. And every
 * pooled connection carries the configured timeouts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { sql } from 'kysely';
import { classifyDatabaseError, databaseAppError } from '../../src/platform/database/database-errors.js';
import { openPostgres, type DatabaseHandle } from '../../src/platform/database/connection.js';
import { AppError } from '../../src/platform/errors.js';
import { createTestDatabase } from '../support/database.js';

const onPostgres = inject('databaseMode') === 'postgres';
const skipReason = 'runs on PostgreSQL only: set TEST_DATABASE_URL (PGlite has no server, pool or timeouts)';
if (!onPostgres) console.warn(`database-errors tests skipped: ${skipReason}`);

async function errorOf(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to fail');
}

describe.skipIf(!onPostgres)(`database errors${onPostgres ? '' : ` — skipped: ${skipReason}`}`, () => {
  let shared: DatabaseHandle;
  let url: string;

  beforeAll(async () => {
    shared = await createTestDatabase();
    // The test database's own URL, read back from its pool.
    const options = (shared.pool as unknown as { options: { connectionString: string } }).options;
    url = options.connectionString;
  });
  afterAll(async () => {
    await shared?.close();
  });

  it('sets statement_timeout, lock_timeout and idle_in_transaction_session_timeout on every pooled connection', async () => {
    const handle = openPostgres({ connectionString: url, max: 3, statementTimeoutMs: 1234, lockTimeoutMs: 567, idleInTransactionTimeoutMs: 8900 });
    try {
      // Three at once, so three different connections answer.
      const settings = await Promise.all(
        [0, 1, 2].map(() =>
          handle.db.transaction().execute(async (trx) => {
            const row = await sql<{ s: string; l: string; i: string; pid: number }>`select current_setting('statement_timeout') as s, current_setting('lock_timeout') as l, current_setting('idle_in_transaction_session_timeout') as i, pg_backend_pid() as pid, pg_sleep(0.2)`.execute(trx);
            return row.rows[0]!;
          }),
        ),
      );
      expect(new Set(settings.map((s) => s.pid)).size).toBe(3);
      for (const s of settings) expect([s.s, s.l, s.i]).toEqual(['1234ms', '567ms', '8900ms']);
    } finally {
      await handle.close();
    }
  });

  it('classifies a statement_timeout (57014) and a lock_timeout (55P03) as busy', async () => {
    const handle = openPostgres({ connectionString: url, max: 2, statementTimeoutMs: 300, lockTimeoutMs: 50 });
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      const slow = await errorOf(() => sql`select pg_sleep(2)`.execute(handle.db));
      expect((slow as { code?: string }).code).toBe('57014');
      expect(classifyDatabaseError(slow)).toBe('busy');

      await locker.query('begin');
      await locker.query('lock table debtors in access exclusive mode');
      const locked = await errorOf(() => handle.db.selectFrom('debtors').selectAll().execute());
      expect((locked as { code?: string }).code).toBe('55P03');
      const problem = databaseAppError(locked, 3);
      expect(problem).toMatchObject({ code: 'database_busy', status: 503, retryAfterSeconds: 3 });
    } finally {
      await locker.query('rollback').catch(() => {});
      await locker.end();
      await handle.close();
    }
  });

  it('classifies a connection terminated by the server (57P01) as unavailable, and the pool then serves from a new connection', async () => {
    const handle = openPostgres({ connectionString: url, max: 1 });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const error = await errorOf(() =>
        handle.db.transaction().execute(async (trx) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
          await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
          await sql`select 1`.execute(trx);
        }),
      );
      expect(classifyDatabaseError(error)).toBe('unavailable');
      const again = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
      expect(again.rows).toEqual([{ one: 1 }]);
    } finally {
      await admin.end();
      await handle.close();
    }
  });

  it('classifies a refused connection and a server that never answers (pool connect timeout) as unavailable', async () => {
    // A port that was free a moment ago: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = openPostgres({ connectionString: `postgres://postgres@127.0.0.1:${closedPort}/x`, max: 1 });
    const refusal = await errorOf(() => sql`select 1`.execute(refused.db));
    await refused.close();
    expect((refusal as { code?: string }).code).toBe('ECONNREFUSED');
    expect(databaseAppError(refusal, 5)).toMatchObject({ code: 'database_unavailable', status: 503 });

    // Accepts the TCP connection and never speaks: only the connect timeout ends the wait.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as { port: number }).port;
    const hanging = openPostgres({ connectionString: `postgres://postgres@127.0.0.1:${silentPort}/x`, max: 1, connectTimeoutMs: 300 });
    try {
      const timeout = await errorOf(() => sql`select 1`.execute(hanging.db));
      expect(classifyDatabaseError(timeout)).toBe('unavailable');
    } finally {
      await hanging.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('leaves other database errors and application errors alone', async () => {
    const syntax = await errorOf(() => sql`selec 1`.execute(shared.db));
    expect((syntax as { code?: string }).code).toBe('42601');
    expect(classifyDatabaseError(syntax)).toBeNull();
    const division = await errorOf(() => sql`select 1/0`.execute(shared.db));
    expect((division as { code?: string }).code).toBe('22012');
    expect(databaseAppError(division, 5)).toBeNull();
    expect(databaseAppError(new AppError('not_found'), 5)).toBeNull();
    expect(classifyDatabaseError(new Error('something else'))).toBeNull();
  });
});
