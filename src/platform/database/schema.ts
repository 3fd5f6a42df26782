/**
 * The one Database interface Kysely types every query against. Each domain declares its own tables
 * in its folder (`*.table.ts`); this file only composes them.
 *
 * Tenancy: every tenant-owned table has `tenant_id` as the first column of its primary key and every
 * query filters on it, so a creditor's key can never reach another creditor's rows and the schema can
 * later be distributed by tenant without redesign.
 */
import type { TenantTables } from '../../tenants/tenant.table.js';
import type { AuditTables } from '../audit/audit.table.js';
import type { DebtorTables } from '../../debtors/debtor.table.js';
import type { ConsentTables } from '../../consent/consent.table.js';
import type { BankDataTables } from '../../bank-data/bank-data.table.js';
import type { DataPointTables } from '../../data-points/data-point.table.js';
import type { TenantPolicyTables } from '../../tenants/tenant-policy.table.js';
import type { CorrectionTables } from '../../categorisation-corrections/corrections.table.js';
import type { RiskModelTables } from '../../risk-models/risk-models.table.js';
import type { ModelMonitoringTables } from '../../model-monitoring/model-monitoring.table.js';
import type { ClaimTables } from '../../claims/claims.table.js';
import type { RepaymentPlanTables } from '../../repayment-plans/repayment-plans.table.js';
import type { DebtHelpReferralTables } from '../../debt-help/referrals.table.js';
import type { JobTables } from '../../jobs/jobs.table.js';
import type { WebhookTables } from '../../webhooks/webhooks.table.js';
import type { BankConnectionTables } from '../../bank-connections/bank-connections.table.js';

export interface ServiceSettingTable {
  key: string;
  value: string;
}

export interface Database extends TenantTables, AuditTables, DebtorTables, ConsentTables, BankDataTables, DataPointTables, TenantPolicyTables, CorrectionTables, RiskModelTables, ModelMonitoringTables, ClaimTables, RepaymentPlanTables, DebtHelpReferralTables, JobTables, WebhookTables, BankConnectionTables {
  service_settings: ServiceSettingTable;
}
