/**
 * The ordered list of migrations. Listed explicitly (not read from the folder) so the same list works
 * from TypeScript sources and from the compiled build, and a missing file fails the build.
 */
import type { Migration } from 'kysely';
import * as foundation from './2026-11-23-001-foundation.js';
import * as consentAndBankData from './2026-11-23-002-consent-and-bank-data.js';
import * as dataPoints from './2026-11-23-003-data-points.js';
import * as tenantPolicies from './2026-11-23-004-tenant-policies.js';
import * as categoryCorrections from './2026-12-04-001-category-corrections.js';
import * as riskModels from './2026-12-04-002-risk-models.js';
import * as modelReports from './2026-12-05-001-model-reports.js';
import * as modelMonitoring from './2026-12-05-002-model-monitoring.js';
import * as claims from './2026-12-05-003-claims.js';
import * as repaymentPlans from './2026-12-05-004-repayment-plans.js';
import * as debtHelpReferrals from './2026-12-05-005-debt-help-referrals.js';
import * as bankUploadDrafts from './2026-12-06-001-bank-upload-drafts.js';
import * as jobRuns from './2026-12-06-002-job-runs.js';
import * as webhooks from './2026-12-06-003-webhooks.js';
import * as bankConnections from './2026-12-07-001-bank-connections.js';
import * as riskScoreRepeat from './2026-12-07-002-risk-score-repeat.js';
import * as webhookSecretOverlap from './2026-12-07-003-webhook-secret-overlap.js';
import * as changeNotifications from './2026-12-08-001-change-notifications.js';

export const MIGRATIONS: Record<string, Migration> = {
  '2026-11-23-001-foundation': foundation,
  '2026-11-23-002-consent-and-bank-data': consentAndBankData,
  '2026-11-23-003-data-points': dataPoints,
  '2026-11-23-004-tenant-policies': tenantPolicies,
  '2026-12-04-001-category-corrections': categoryCorrections,
  '2026-12-04-002-risk-models': riskModels,
  '2026-12-05-001-model-reports': modelReports,
  '2026-12-05-002-model-monitoring': modelMonitoring,
  '2026-12-05-003-claims': claims,
  '2026-12-05-004-repayment-plans': repaymentPlans,
  '2026-12-05-005-debt-help-referrals': debtHelpReferrals,
  '2026-12-06-001-bank-upload-drafts': bankUploadDrafts,
  '2026-12-06-002-job-runs': jobRuns,
  '2026-12-06-003-webhooks': webhooks,
  '2026-12-07-001-bank-connections': bankConnections,
  '2026-12-07-002-risk-score-repeat': riskScoreRepeat,
  '2026-12-07-003-webhook-secret-overlap': webhookSecretOverlap,
  '2026-12-08-001-change-notifications': changeNotifications,
};
