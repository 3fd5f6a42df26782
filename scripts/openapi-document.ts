import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { openPglite } from '../src/platform/database/connection.js';
import { migrateToLatest } from '../src/platform/database/migrate.js';
import { openApiYaml } from '../src/platform/http/openapi.js';
import type { DatabaseHandle } from '../src/platform/database/connection.js';

/** Renders the OpenAPI document of the app as YAML. Pass a database to reuse one (tests do). */
export async function renderOpenApi(database?: DatabaseHandle): Promise<string> {
  const own = database ?? (await openPglite());
  if (!database) await migrateToLatest(own.db);
  const config = loadConfig({ LOG_LEVEL: 'silent', DEMO: 'false', LINK_TOKEN_SECRET: 'openapi-generation-only-secret-0123456789' });
  const app = await buildApp(config, { database: own, logger: false });
  await app.ready();
  const yaml = openApiYaml(app);
  await app.close();
  if (!database) await own.close();
  return yaml;
}
