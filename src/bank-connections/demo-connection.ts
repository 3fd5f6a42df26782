/**
 * Demo mode: the demo tenant's debtors can connect to the sandbox bank the server starts beside
 * itself. Called at start-up with the sandbox's URL (it changes when its port is 0), so the connection
 * is created once and pointed at the current sandbox on every later start.
 *
 * The URL is our own loopback server, not an admin's input: it skips the https-only check that
 * guards connections created through the API.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/database/connection.js';

export const DEMO_BANK_CONNECTION_NAME = 'Sandboxbank (demo)';

export async function ensureDemoBankConnection(db: Db, tenantId: string, sandboxUrl: string): Promise<string> {
  const baseUrl = sandboxUrl.replace(/\/+$/, '');
  const existing = await db.selectFrom('bank_connections').select('id').where('tenant_id', '=', tenantId).where('display_name', '=', DEMO_BANK_CONNECTION_NAME).executeTakeFirst();
  if (existing) {
    await db.updateTable('bank_connections').set({ base_url: baseUrl, enabled: true, updated_at: sql<Date>`now()` }).where('tenant_id', '=', tenantId).where('id', '=', existing.id).execute();
    return existing.id;
  }
  const id = randomUUID();
  // The demo world spans 14 months: read all of it, as an upload of the simulated files would.
  await db.insertInto('bank_connections').values({ tenant_id: tenantId, id, display_name: DEMO_BANK_CONNECTION_NAME, kind: 'xs2a', base_url: baseUrl, settings: JSON.stringify({ historyDays: 730 }), secrets_sealed: null, secret_names: '[]', enabled: true }).execute();
  return id;
}
