/**
 * An app on a fresh database with two tenants and a key of every role for each, so every test can
 * check both what a tenant may do and what the other tenant must never see.
 */
import { buildApp, type BuildAppOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/platform/config.js';
import type { DatabaseHandle } from '../../src/platform/database/connection.js';
import type { AppInstance } from '../../src/platform/http/types.js';
import { createApiKey, ensureTenant } from '../../src/tenants/api-key.service.js';
import type { ApiKeyRole } from '../../src/tenants/tenant.table.js';
import { createTestDatabase } from './database.js';

export interface TestTenant {
  id: string;
  keys: Record<ApiKeyRole, string>;
  keyIds: Record<ApiKeyRole, string>;
}

export interface TestApp {
  app: AppInstance;
  database: DatabaseHandle;
  config: Config;
  tenantA: TestTenant;
  tenantB: TestTenant;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  // Rate limits off: test files make many requests with one key; test/platform/rate-limit.test.ts turns them on.
  return loadConfig({ LOG_LEVEL: 'silent', DEMO: 'false', LINK_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123456789', RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_LINK_PER_MINUTE: '0' }, overrides);
}

export async function createTenantWithKeys(database: DatabaseHandle, tenantId: string): Promise<TestTenant> {
  await ensureTenant(database.db, tenantId, `Tenant ${tenantId}`);
  const keys = {} as Record<ApiKeyRole, string>;
  const keyIds = {} as Record<ApiKeyRole, string>;
  for (const role of ['creditor', 'analyst', 'admin'] as const) {
    const created = await createApiKey(database.db, { tenantId, role });
    keys[role] = created.key;
    keyIds[role] = created.id;
  }
  return { id: tenantId, keys, keyIds };
}

export async function createTestApp(options: { config?: Partial<Config>; today?: () => string; build?: Pick<BuildAppOptions, 'bankProviders' | 'jobs'> } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(options.config);
  const app = await buildApp(config, { database, logger: false, ...(options.today ? { today: options.today } : {}), ...(options.build ?? {}) });
  await app.ready();
  const tenantA = await createTenantWithKeys(database, 'tenant-a');
  const tenantB = await createTenantWithKeys(database, 'tenant-b');
  return {
    app,
    database,
    config,
    tenantA,
    tenantB,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}
