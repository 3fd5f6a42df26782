import { mkdir } from 'node:fs/promises';
import type { Config } from '../config.js';
import { openPglite, openPostgres, type DatabaseHandle } from './connection.js';
import { migrateToLatest } from './migrate.js';

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(config: Config, options: { migrate?: boolean } = {}): Promise<DatabaseHandle> {
  let handle: DatabaseHandle;
  if (config.databaseUrl) {
    handle = openPostgres({ connectionString: config.databaseUrl });
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
