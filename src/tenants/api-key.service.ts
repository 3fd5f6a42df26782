/**
 * API keys: random secrets shown once, stored only as a SHA-256 hash.
 * A key looks like `dk_<27 base64url chars>`; the prefix up to 10 characters is kept in clear so
 * that people can recognise a key in a list without it being usable.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../platform/database/connection.js';
import { AppError, notFound } from '../platform/errors.js';
import type { ApiKeyRole } from './tenant.table.js';

const KEY_PREFIX = 'dk_';
const KEY_DISPLAY_PREFIX_LENGTH = 10;

export interface AuthenticatedKey {
  tenantId: string;
  keyId: string;
  role: ApiKeyRole;
}

export interface CreatedApiKey {
  id: string;
  tenantId: string;
  role: ApiKeyRole;
  label: string | null;
  prefix: string;
  /** The secret itself: returned once, never stored. */
  key: string;
  createdAt: string;
}

export interface ApiKeySummary {
  id: string;
  role: ApiKeyRole;
  label: string | null;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKeySecret(): string {
  return KEY_PREFIX + randomBytes(20).toString('base64url');
}

export async function ensureTenant(db: Db, tenantId: string, name = tenantId): Promise<{ id: string; created: boolean }> {
  if (!/^[a-z0-9][a-z0-9_-]{1,62}$/.test(tenantId)) {
    throw new AppError('invalid_parameter', 'a tenant id is 2–63 characters: lower-case letters, digits, "-" and "_"');
  }
  const inserted = await db
    .insertInto('tenants')
    .values({ id: tenantId, name })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return { id: tenantId, created: inserted !== undefined };
}

export async function createApiKey(db: Db, input: { tenantId: string; role: ApiKeyRole; label?: string | null }): Promise<CreatedApiKey> {
  const tenant = await db.selectFrom('tenants').select('id').where('id', '=', input.tenantId).executeTakeFirst();
  if (!tenant) throw notFound(`tenant ${input.tenantId}`);
  const key = generateApiKeySecret();
  const row = await db
    .insertInto('api_keys')
    .values({
      tenant_id: input.tenantId,
      id: randomUUID(),
      key_hash: hashApiKey(key),
      key_prefix: key.slice(0, KEY_DISPLAY_PREFIX_LENGTH),
      role: input.role,
      label: input.label ?? null,
    })
    .returning(['id', 'tenant_id', 'role', 'label', 'key_prefix', 'created_at'])
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    tenantId: row.tenant_id,
    role: row.role,
    label: row.label,
    prefix: row.key_prefix,
    key,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function listApiKeys(db: Db, tenantId: string): Promise<ApiKeySummary[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'role', 'label', 'key_prefix', 'created_at', 'revoked_at', 'last_used_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    role: r.role,
    label: r.label,
    prefix: r.key_prefix,
    createdAt: new Date(r.created_at).toISOString(),
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
  }));
}

/** Revokes a key of the tenant; revoking twice is harmless. Unknown or foreign keys are "not found". */
export async function revokeApiKey(db: Db, tenantId: string, keyId: string): Promise<void> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    const exists = await db.selectFrom('api_keys').select('id').where('tenant_id', '=', tenantId).where('id', '=', keyId).executeTakeFirst();
    if (!exists) throw notFound(`API key ${keyId}`);
  }
}

/** Finds the key behind a presented secret, or null. Revoked keys do not authenticate. */
export async function authenticateApiKey(db: Db, presented: string): Promise<AuthenticatedKey | null> {
  if (!presented.startsWith(KEY_PREFIX) || presented.length > 200) return null;
  const row = await db
    .selectFrom('api_keys')
    .select(['tenant_id', 'id', 'role', 'revoked_at'])
    .where('key_hash', '=', hashApiKey(presented))
    .executeTakeFirst();
  if (!row || row.revoked_at) return null;
  return { tenantId: row.tenant_id, keyId: row.id, role: row.role };
}
