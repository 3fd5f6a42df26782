/**
 * A fresh, migrated database for one test file, on PGlite or PostgreSQL depending on the run.
 * Call once in beforeAll and close in afterAll; files never share rows.
 */
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openPglite, openPostgres, type DatabaseHandle } from '../../src/platform/database/connection.js';
import { withDatabase } from './global-setup.js';

/** The connection string of each PostgreSQL test database, so a test can open a second pool on it. */
const connectionStrings = new WeakMap<DatabaseHandle, string>();

/**
 * Another handle on the same database, as a second instance of the service would have: a pool of
 * its own on PostgreSQL. PGlite has one connection in one process, so there it is the same handle
 * (closing it is left to the owner).
 */
export function openAnotherHandle(handle: DatabaseHandle): DatabaseHandle {
  const url = connectionStrings.get(handle);
  if (!url) {
    if (handle.kind === 'postgres') throw new Error('not a handle createTestDatabase made');
    return { ...handle, close: async () => undefined };
  }
  return openPostgres({ connectionString: url, max: 4 });
}

export async function createTestDatabase(): Promise<DatabaseHandle> {
  if (inject('databaseMode') === 'postgres') {
    const url = process.env.TEST_DATABASE_URL!;
    const name = `dk_t_${inject('runId')}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`);
    await admin.end();
    const handle = openPostgres({ connectionString: withDatabase(url, name), max: 4 });
    const wrapped: DatabaseHandle = {
      ...handle,
      async close() {
        await handle.close();
        const dropper = new pg.Client({ connectionString: url });
        await dropper.connect();
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await dropper.end();
      },
    };
    connectionStrings.set(wrapped, withDatabase(url, name));
    return wrapped;
  }
  const dump = await readFile(inject('pgliteTemplatePath'));
  return openPglite({ loadDataDir: new Blob([dump]) });
}
