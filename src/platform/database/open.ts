import { mkdir } from 'node:fs/promises';
import type { Config } from '../config.js';
import { openPglite, openPostgres, type DatabaseHandle } from './connection.js';
import { migrateToLatest } from './migrate.js';

/**
 * Opens the configured database and brings its schema up to date. The statement, lock and
 * idle-in-transaction timeouts and the pool's connect timeout apply to PostgreSQL only: PGlite runs
 * in this process with a single connection, so there is no server to lose, no pool and no other
 * session to hold a lock.
 */
export async function openDatabase(config: Config, options: { migrate?: boolean } = {}): Promise<DatabaseHandle> {
  let handle: DatabaseHandle;
  if (config.databaseUrl) {
    handle = openPostgres({
      connectionString: config.databaseUrl,
      max: config.dbPoolMax,
      statementTimeoutMs: config.dbStatementTimeoutMs,
      lockTimeoutMs: config.dbLockTimeoutMs,
      idleInTransactionTimeoutMs: config.dbIdleInTransactionTimeoutMs,
      connectTimeoutMs: config.dbConnectTimeoutMs,
    });
  } else {
    await mkdir(config.dataDir, { recursive: true });
    handle = await openPglite({ dataDir: `${config.dataDir}/pglite` });
  }
  if (options.migrate ?? true) {
    try {
      await migrateToLatest(handle.db);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  return handle;
}
