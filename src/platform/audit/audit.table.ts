import type { ColumnType, Generated } from 'kysely';

/**
 * The audit trail: who did what to which resource, without personal data (ids and counts only),
 * so that it can be kept after the data it speaks of is erased.
 */
export interface AuditLogTable {
  tenant_id: string;
  id: Generated<number>;
  at: ColumnType<Date, Date | string | undefined, never>;
  /** "api_key:<id>", "debtor_link", "system", "cli". */
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  details: ColumnType<Record<string, unknown>, string, never>;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}
