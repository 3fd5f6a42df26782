import type { ColumnType, Selectable } from 'kysely';

export const API_KEY_ROLES = ['creditor', 'analyst', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export interface TenantTable {
  /** The tenant id is the tenant_id of every row the tenant owns. */
  id: string;
  name: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface ApiKeyTable {
  tenant_id: string;
  id: string;
  /** SHA-256 of the whole key: keys are 160-bit random, so a slow hash adds nothing but latency. */
  key_hash: string;
  /** The first characters of the key, so people can tell their keys apart without the secret. */
  key_prefix: string;
  role: ApiKeyRole;
  label: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface TenantTables {
  tenants: TenantTable;
  api_keys: ApiKeyTable;
}

export type Tenant = Selectable<TenantTable>;
export type ApiKey = Selectable<ApiKeyTable>;
