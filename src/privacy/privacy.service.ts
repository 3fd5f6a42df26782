/**
 * GDPR rights over everything the service holds on a debtor: access (art. 15: export it all) and
 * erasure (art. 17: delete it all). It spans every domain, so it sits downstream of all of them.
 */
import type { Db } from '../platform/database/connection.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { getDebtor, type Debtor } from '../debtors/debtor.service.js';
import { listConsents, type Consent } from '../consent/consent.service.js';
import { listDataPoints } from '../data-points/data-point.service.js';
import type { DataPointEvent } from '../data-points/data-point.schema.js';
import { listAccounts, listBalances, listTransactions, type StoredAccount, type StoredBalance, type StoredTransaction } from '../bank-data/bank-data.queries.js';
import { exportDebtorCorrections, type Correction } from '../categorisation-corrections/corrections.service.js';

export interface DebtorExport {
  exportedAt: string;
  debtor: Debtor;
  consents: Consent[];
  accounts: StoredAccount[];
  transactions: StoredTransaction[];
  balances: StoredBalance[];
  dataPoints: DataPointEvent[];
  categoryCorrections: Correction[];
}

export async function exportDebtor(db: Db, tenantId: string, debtorId: string, now: Date): Promise<DebtorExport> {
  const debtor = await getDebtor(db, tenantId, debtorId);
  return {
    exportedAt: now.toISOString(),
    debtor,
    consents: await listConsents(db, tenantId, debtorId),
    accounts: await listAccounts(db, tenantId, debtorId),
    transactions: await listTransactions(db, tenantId, debtorId),
    balances: await listBalances(db, tenantId, debtorId),
    dataPoints: await listDataPoints(db, tenantId, debtorId),
    categoryCorrections: await exportDebtorCorrections(db, tenantId, debtorId),
  };
}

/** Deletes the debtor and every row about them; the audit entry keeps only counts. */
export async function eraseDebtor(db: Db, tenantId: string, debtorId: string, actor: string): Promise<Record<string, number>> {
  await getDebtor(db, tenantId, debtorId);
  const counts: Record<string, number> = {};
  for (const table of ['category_corrections', 'bank_transactions', 'bank_balances', 'bank_accounts', 'bank_uploads', 'consents', 'data_point_events'] as const) {
    const result = await db.deleteFrom(table).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).executeTakeFirst();
    counts[table] = Number(result.numDeletedRows);
  }
  await db.deleteFrom('debtors').where('tenant_id', '=', tenantId).where('id', '=', debtorId).execute();
  await recordAudit(db, { tenantId, actor, action: 'debtor.erased', subjectType: 'debtor', subjectId: debtorId, details: counts });
  return counts;
}
