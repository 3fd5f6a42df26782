import type { ColumnType } from 'kysely';

export const TENANT_POLICY_KINDS = ['categorisation_rules', 'norm_overrides', 'collection_segments', 'repayment_plans', 'collection_costs'] as const;
export type TenantPolicyKind = (typeof TENANT_POLICY_KINDS)[number];

export interface TenantPolicyTable {
  tenant_id: string;
  kind: TenantPolicyKind;
  document: ColumnType<unknown, string, string>;
  /** Raised on every change, so caches of compiled policies know when to rebuild. */
  version: number;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface TenantPolicyTables {
  tenant_policies: TenantPolicyTable;
}
