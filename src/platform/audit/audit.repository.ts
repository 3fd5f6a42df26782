import type { Db } from '../database/connection.js';

export interface AuditEntry {
  tenantId: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  /** Counts, ids and statuses only: never names, IBANs or amounts of a person. */
  details?: Record<string, string | number | boolean | null>;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      tenant_id: entry.tenantId,
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}
