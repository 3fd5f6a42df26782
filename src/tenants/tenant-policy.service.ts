/**
 * A tenant's policy documents (its extra categorisation rules, its norm overrides), versioned so that
 * compiled forms can be cached per tenant and rebuilt only when the document changes.
 */
import { sql } from 'kysely';
import type { Db } from '../platform/database/connection.js';
import type { TenantPolicyKind } from './tenant-policy.table.js';

export interface TenantPolicy<T> {
  document: T;
  version: number;
  updatedAt: string | null;
}

export async function getTenantPolicy<T>(db: Db, tenantId: string, kind: TenantPolicyKind, fallback: T): Promise<TenantPolicy<T>> {
  const row = await db.selectFrom('tenant_policies').select(['document', 'version', 'updated_at']).where('tenant_id', '=', tenantId).where('kind', '=', kind).executeTakeFirst();
  if (!row) return { document: fallback, version: 0, updatedAt: null };
  return { document: row.document as T, version: row.version, updatedAt: new Date(row.updated_at).toISOString() };
}

export async function putTenantPolicy<T>(db: Db, tenantId: string, kind: TenantPolicyKind, document: T): Promise<TenantPolicy<T>> {
  const row = await db
    .insertInto('tenant_policies')
    .values({ tenant_id: tenantId, kind, document: JSON.stringify(document), version: 1 })
    .onConflict((oc) => oc.columns(['tenant_id', 'kind']).doUpdateSet({ document: JSON.stringify(document), version: sql`tenant_policies.version + 1`, updated_at: new Date() }))
    .returning(['version', 'updated_at'])
    .executeTakeFirstOrThrow();
  return { document, version: row.version, updatedAt: new Date(row.updated_at).toISOString() };
}
