/**
 * The service's scheduled jobs, as the job runner (job-runner.ts) runs them: each plans parts per
 * tenant (and per batch where a tenant's work can be large) so the instances share the work, and
 * each part calls its domain's own function. Domain code: no Fastify.
 */
import type { Kysely } from 'kysely';
import { expireConsents } from '../consent/consent.service.js';
import { purgeExpiredUploadDrafts } from '../bank-data/upload-drafts.service.js';
import type { ModelMonitor } from '../model-monitoring/model-monitoring.js';
import type { Database } from '../platform/database/schema.js';
import type { IsoDate } from '../platform/dates.js';
import { activePlanBatches, planStateChange } from '../repayment-plans/repayment-plans.service.js';
import type { ModelRegistry } from '../risk-models/registry.js';
import { consentedDebtorBatches, rescoreDebtors } from '../risk-models/rescoring.js';
import type { RiskScorer } from '../risk-models/scoring.js';
import { purgeFinishedJobRuns } from './job-runs.queries.js';
import { purgeWebhookHistory, type WebhookRetention } from '../webhooks/webhooks.service.js';
import { SERVICE_TENANT, type JobDefinition, type JobLogger, type JobTotals, type PlannedPart } from './job-runner.js';

export const JOB_NAMES = ['consent-expiry', 'retention', 'model-monitoring', 'rescoring', 'plan-follow-up'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface ServiceJobSettings {
  timezone: string;
  consentExpiryCron: string;
  retentionCron: string;
  /** null: monitoring is off (MONITORING_ENABLED=false). */
  monitoringCron: string | null;
  rescoringCron: string;
  planFollowUpCron: string;
  /** Debtors (rescoring) or plans (follow-up) per part. */
  batchSize: number;
  /** Finished job runs older than this many days are deleted by the retention job. */
  jobRunRetentionDays: number;
  /** Webhook history kept (delivered rows and spent events; dead deliveries longer). */
  webhookRetention: WebhookRetention;
}

export interface ServiceJobDeps {
  db: Kysely<Database>;
  /** The service's today (tenant time zone), injectable like everywhere else. */
  today: () => IsoDate;
  clock: () => Date;
  monitor: ModelMonitor;
  scorer: RiskScorer;
  registry: ModelRegistry;
  log: JobLogger;
}

const DAY_MS = 86_400_000;

async function tenantIds(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom('tenants').select('id').orderBy('id').execute()).map((r) => r.id);
}

async function perTenant(db: Kysely<Database>): Promise<PlannedPart[]> {
  return (await tenantIds(db)).map((tenantId) => ({ tenantId, key: 'all' }));
}

/** Batches keyed by their number: deterministic, so a re-plan after a dead planner makes the same parts. */
function batchParts(tenantId: string, batches: string[][]): PlannedPart[] {
  return batches.map((ids, i) => ({ tenantId, key: `batch-${String(i + 1).padStart(5, '0')}`, input: { ids } }));
}

function idsOf(input: unknown): string[] {
  const ids = (input as { ids?: unknown }).ids;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw new Error('part input has no ids');
  return ids;
}

export function serviceJobs(deps: ServiceJobDeps, settings: ServiceJobSettings): JobDefinition[] {
  const { db } = deps;
  const jobs: JobDefinition[] = [
    {
      // A consent nobody touches must still end on its last day and take its bank data with it.
      name: 'consent-expiry',
      cron: settings.consentExpiryCron,
      timezone: settings.timezone,
      plan: () => perTenant(db),
      runPart: async (part) => ({ expired: await expireConsents(db, deps.today(), deps.clock(), part.tenantId) }),
      // After a stop the sweep runs at start for the current hour, once across the instances starting.
      startSlot: (now) => new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000),
    },
    {
      // Whatever has an expiry: staged bank-file drafts (personal data) and sent webhook history per tenant, and old job runs.
      name: 'retention',
      cron: settings.retentionCron,
      timezone: settings.timezone,
      plan: async () => [...(await perTenant(db)), { tenantId: SERVICE_TENANT, key: 'job-runs' }],
      runPart: async (part): Promise<JobTotals> => {
        if (part.tenantId === SERVICE_TENANT) return { jobRuns: await purgeFinishedJobRuns(db, new Date(deps.clock().getTime() - settings.jobRunRetentionDays * DAY_MS)) };
        const uploadDrafts = await purgeExpiredUploadDrafts(db, deps.clock(), part.tenantId);
        const webhooks = await purgeWebhookHistory(db, part.tenantId, deps.clock(), settings.webhookRetention);
        return { uploadDrafts, webhookDeliveries: webhooks.deliveries, webhookEvents: webhooks.events };
      },
    },
    {
      name: 'rescoring',
      cron: settings.rescoringCron,
      timezone: settings.timezone,
      plan: async () => {
        const today = deps.today();
        const parts: PlannedPart[] = [];
        for (const tenantId of await tenantIds(db)) parts.push(...batchParts(tenantId, await consentedDebtorBatches(db, tenantId, today, settings.batchSize)));
        return parts;
      },
      runPart: (part) => rescoreDebtors(db, deps.scorer, deps.registry, part.tenantId, idsOf(part.input), deps.today()),
    },
    {
      name: 'plan-follow-up',
      cron: settings.planFollowUpCron,
      timezone: settings.timezone,
      plan: async () => {
        const parts: PlannedPart[] = [];
        for (const tenantId of await tenantIds(db)) parts.push(...batchParts(tenantId, await activePlanBatches(db, tenantId, settings.batchSize)));
        return parts;
      },
      runPart: async (part) => {
        const today = deps.today();
        const totals = { plans: 0, missed: 0, paid: 0, completed: 0, breached: 0 };
        for (const planId of idsOf(part.input)) {
          if (part.signal.aborted) throw part.signal.reason;
          const change = await planStateChange(db, part.tenantId, planId, today, today);
          totals.plans++;
          totals.missed += change.newlyMissed.length;
          totals.paid += change.newlyPaid.length;
          if (change.completed) totals.completed++;
          if (change.breached) totals.breached++;
        }
        return totals;
      },
    },
  ];
  if (settings.monitoringCron !== null) {
    jobs.push({
      name: 'model-monitoring',
      cron: settings.monitoringCron,
      timezone: settings.timezone,
      plan: () => perTenant(db),
      runPart: async (part) => {
        const result = await deps.monitor.runTenantChampions(part.tenantId, 'schedule');
        // A model that could not be read is an error someone must look at; drift is a finding, logged with its models.
        if (result.failed.length > 0) deps.log.error({ tenantId: part.tenantId, failed: result.failed }, 'model monitoring could not read some models');
        if (result.drifting.length > 0) deps.log.info({ tenantId: part.tenantId, drifting: result.drifting }, 'model monitoring flagged drift');
        return { points: result.points, drifting: result.drifting.length, failed: result.failed.length };
      },
    });
  }
  return jobs;
}
