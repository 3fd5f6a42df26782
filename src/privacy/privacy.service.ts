/**
 * GDPR rights over everything the service holds on a debtor: access (art. 15: export it all) and
 * erasure (art. 17: delete it all). It spans every domain, so it sits downstream of all of them.
 */
import type { Db } from '../platform/database/connection.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { getDebtor, type Debtor } from '../debtors/debtor.service.js';
import { listConsents, type Consent } from '../consent/consent.service.js';
import { listDataPointsAfter } from '../data-points/data-point.service.js';
import type { DataPointEvent } from '../data-points/data-point.schema.js';
import { listAccounts, listBalances, listTransactions, type StoredAccount, type StoredBalance, type StoredTransaction } from '../bank-data/bank-data.queries.js';
import { exportDebtorCorrections, type Correction } from '../categorisation-corrections/corrections.service.js';
import { eraseDebtorEvaluationRows } from '../risk-models/evaluation-storage.js';
import { exportDebtorClaims, type ClaimRecord } from '../claims/claims.service.js';
import { exportDebtorPlanOffers, exportDebtorPlans, type PlanOfferRecord, type PlanRecord } from '../repayment-plans/repayment-plans.service.js';
import { exportDebtorReferrals, type Referral } from '../debt-help/referrals.service.js';
import { exportDebtorUploadDrafts, type UploadDraftRecord } from '../bank-data/upload-drafts.service.js';
import { forgetIdsInJobParts } from '../jobs/job-runs.queries.js';
import { exportDebtorWebhookEvents, type WebhookEvent } from '../webhooks/webhooks.service.js';
import { exportDebtorBankAuthorisations, type BankAuthorisationView } from '../bank-connections/bank-authorisation.service.js';
import { DEFAULT_TENANT_TIME_ZONE } from '../platform/config.js';

/** Rows per query while exporting: memory stays flat however much is held on the debtor. */
export const EXPORT_BATCH_ROWS = 1000;

/**
 * An export in the order it is written out. The lists are read lazily, batch by batch, as the
 * response is sent, so a debtor with a million transactions never sits in memory at once. The
 * batches are separate queries: a row stored while the export runs may or may not appear, and no
 * row appears twice (each list pages on its sort key).
 */
export interface DebtorExportStream {
  exportedAt: string;
  debtor: Debtor;
  consents: () => AsyncIterable<Consent[]>;
  accounts: () => AsyncIterable<StoredAccount[]>;
  transactions: () => AsyncIterable<StoredTransaction[]>;
  balances: () => AsyncIterable<StoredBalance[]>;
  bankUploadDrafts: () => AsyncIterable<UploadDraftRecord[]>;
  dataPoints: () => AsyncIterable<DataPointEvent[]>;
  categoryCorrections: () => AsyncIterable<Correction[]>;
  claims: () => AsyncIterable<ClaimRecord[]>;
  planOffers: () => AsyncIterable<PlanOfferRecord[]>;
  repaymentPlans: () => AsyncIterable<PlanRecord[]>;
  debtHelpReferrals: () => AsyncIterable<Referral[]>;
  webhookEvents: () => AsyncIterable<WebhookEvent[]>;
  bankAuthorisations: () => AsyncIterable<BankAuthorisationView[]>;
}

/** Opens the export; throws not_found before anything is written when the debtor is unknown. */
export async function openDebtorExport(db: Db, tenantId: string, debtorId: string, now: Date): Promise<DebtorExportStream> {
  const debtor = await getDebtor(db, tenantId, debtorId);
  return {
    exportedAt: now.toISOString(),
    debtor,
    // A debtor has a handful of consents; they come in one read.
    async *consents() {
      yield await listConsents(db, tenantId, debtorId);
    },
    async *accounts() {
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof listAccounts>> = await listAccounts(db, tenantId, debtorId, { limit: EXPORT_BATCH_ROWS, ...(cursor ? { cursor } : {}) });
        yield page.items;
        cursor = page.nextCursor;
      } while (cursor);
    },
    async *transactions() {
      let afterId: number | undefined;
      for (;;) {
        const batch = await listTransactions(db, tenantId, debtorId, { limit: EXPORT_BATCH_ROWS, ...(afterId !== undefined ? { afterId } : {}) });
        yield batch;
        if (batch.length < EXPORT_BATCH_ROWS) return;
        afterId = Number(batch[batch.length - 1]!.id);
      }
    },
    async *balances() {
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof listBalances>> = await listBalances(db, tenantId, debtorId, { limit: EXPORT_BATCH_ROWS, ...(cursor ? { cursor } : {}) });
        yield page.items;
        cursor = page.nextCursor;
      } while (cursor);
    },
    // Staged uploads: at most a few per consent, none older than a day; one read, without their bytes.
    async *bankUploadDrafts() {
      yield await exportDebtorUploadDrafts(db, tenantId, debtorId);
    },
    async *dataPoints() {
      let after: { occurredOn: string; id: number } | undefined;
      for (;;) {
        const batch = await listDataPointsAfter(db, tenantId, debtorId, { limit: EXPORT_BATCH_ROWS, ...(after ? { after } : {}) });
        yield batch.map((row) => row.event);
        if (batch.length < EXPORT_BATCH_ROWS) return;
        after = batch[batch.length - 1]!.position;
      }
    },
    // Corrections are made by hand, a few per debtor: one read.
    async *categoryCorrections() {
      yield await exportDebtorCorrections(db, tenantId, debtorId);
    },
    // Claims are a debtor's invoices in arrears, a handful each: one read.
    async *claims() {
      yield await exportDebtorClaims(db, tenantId, debtorId);
    },
    // Offers and plans come a few per debtor, each plan with at most a few dozen instalments: one read each.
    async *planOffers() {
      yield await exportDebtorPlanOffers(db, tenantId, debtorId);
    },
    async *repaymentPlans() {
      yield await exportDebtorPlans(db, tenantId, debtorId);
    },
    // Referrals to debt help: at most a few per debtor over the years, one read.
    async *debtHelpReferrals() {
      yield await exportDebtorReferrals(db, tenantId, debtorId);
    },
    // Events about the debtor in the webhook outbox (ids and figures): a few per month of collections, one read.
    async *webhookEvents() {
      yield await exportDebtorWebhookEvents(db, tenantId, debtorId);
    },
    // The banks the debtor connected (status and pull times, no bank data): a few per consent, one read.
    async *bankAuthorisations() {
      yield await exportDebtorBankAuthorisations(db, tenantId, debtorId, { now, timeZone: DEFAULT_TENANT_TIME_ZONE });
    },
  };
}

/**
 * Deletes the debtor and every row about them; the audit entry keeps only counts. That includes the
 * debtor's rows in the evaluation sets of models trained on the tenant's data: the set is rewritten
 * without them (the model itself keeps what it learned; it holds no rows), so a later report of that
 * version is computed on the remaining rows.
 */
export async function eraseDebtor(db: Db, tenantId: string, debtorId: string, actor: string): Promise<Record<string, number>> {
  await getDebtor(db, tenantId, debtorId);
  const counts: Record<string, number> = {};
  // Before the plans go: job parts list plan ids as well as debtor ids.
  const planIds = (await db.selectFrom('repayment_plans').select('id').where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute()).map((p) => p.id);
  counts.job_run_parts = await forgetIdsInJobParts(db, tenantId, [debtorId, ...planIds]);
  for (const table of ['category_corrections', 'bank_transactions', 'bank_balances', 'bank_accounts', 'bank_uploads', 'bank_upload_drafts', 'bank_authorisations', 'consents', 'data_point_events', 'repayment_plan_payments', 'repayment_plan_instalments', 'repayment_plans', 'repayment_plan_offers', 'claims', 'debt_help_referrals', 'webhook_deliveries', 'webhook_events'] as const) {
    const result = await db.deleteFrom(table).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).executeTakeFirst();
    counts[table] = Number(result.numDeletedRows);
  }
  counts.model_evaluation_rows = await eraseDebtorEvaluationRows(db, tenantId, debtorId);
  await db.deleteFrom('debtors').where('tenant_id', '=', tenantId).where('id', '=', debtorId).execute();
  await recordAudit(db, { tenantId, actor, action: 'debtor.erased', subjectType: 'debtor', subjectId: debtorId, details: counts });
  return counts;
}
