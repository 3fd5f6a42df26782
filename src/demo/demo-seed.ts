/**
 * The demo a new user meets on `npm start`: on an empty database, a demo tenant with keys
 * (printed once; only their hashes are stored).
 */
import type { DatabaseHandle } from '../platform/database/connection.js';
import { createApiKey, ensureTenant } from '../tenants/api-key.service.js';
import type { ApiKeyRole } from '../tenants/tenant.table.js';

export const DEMO_TENANT_ID = 'demo';

export interface DemoSeedResult {
  created: boolean;
  keys: { role: ApiKeyRole; key: string }[];
}

export async function seedDemoIfEmpty(database: DatabaseHandle): Promise<DemoSeedResult> {
  const anyTenant = await database.db.selectFrom('tenants').select('id').limit(1).executeTakeFirst();
  if (anyTenant) return { created: false, keys: [] };
  return database.db.transaction().execute(async (trx) => {
    await ensureTenant(trx, DEMO_TENANT_ID, 'Demo Energie B.V.');
    const keys: DemoSeedResult['keys'] = [];
    for (const role of ['creditor', 'analyst', 'admin'] as const) {
      const created = await createApiKey(trx, { tenantId: DEMO_TENANT_ID, role, label: `demo ${role}` });
      keys.push({ role, key: created.key });
    }
    return { created: true, keys };
  });
}
