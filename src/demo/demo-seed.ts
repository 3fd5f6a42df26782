/**
 * The demo a new user meets on `npm start`: on an empty database, a demo tenant with keys (printed
 * once; only their hashes are stored), then a small synthetic world of households with consent,
 * loaded through the public API so that every endpoint has data at once.
 */
import type { DatabaseHandle } from '../platform/database/connection.js';
import { createApiKey, ensureTenant } from '../tenants/api-key.service.js';
import type { ApiKeyRole } from '../tenants/tenant.table.js';
import { simulateHouseholds } from '../simulation/simulate-households.js';
import { loadWorld, worldStartEndingToday, type ApiClient } from '../simulation/world-loader.js';

export const DEMO_TENANT_ID = 'demo';

/** Small enough to load in well under a minute on the embedded database; 14 months give 12 complete ones. */
export const DEMO_WORLD = { households: 200, months: 14, seed: 2026, truthRuns: 4 } as const;

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

/** Loads the demo world through the API; returns how many households were loaded. */
export async function loadDemoWorld(client: ApiClient, today: string, log: (message: string) => void, world: { households: number; months: number; seed: number; truthRuns: number } = DEMO_WORLD): Promise<number> {
  const households = simulateHouseholds({
    households: world.households,
    months: world.months,
    seed: world.seed,
    truthRuns: world.truthRuns,
    startDate: worldStartEndingToday(today, world.months),
  });
  const started = Date.now();
  const loaded = await loadWorld(client, households, {
    today,
    onProgress: (n) => {
      if (n % 50 === 0 || n === world.households) log(`demo data: ${n}/${world.households} households loaded (${Math.round((Date.now() - started) / 1000)} s)`);
    },
  });
  return loaded.length;
}
