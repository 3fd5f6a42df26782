import { Type } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import type { MonitoringServices } from '../model-monitoring/monitoring.routes.js';
import type { RiskModelServices } from '../risk-models/risk-models.routes.js';
import { JobRunner } from './job-runner.js';
import { getTenantJobRun, listTenantJobRuns } from './job-runs.queries.js';
import { JOB_STATUSES } from './jobs.table.js';
import { JOB_NAMES, serviceJobs } from './service-jobs.js';

/** Operations on the tenant's data are for the people who oversee the service's work. */
const JOB_ROLES = { roles: ['admin', 'analyst'] as const };
const DEFAULT_PAGE = 50;

const Totals = Type.Record(Type.String(), Type.Number(), { description: 'Counts the parts reported, e.g. expired, scored, missed' });
const NullableDateTime = Type.Union([DateTimeSchema, Type.Null()]);
const JobNameSchema = StringEnum(JOB_NAMES, { description: 'The scheduled job' });

const JobRunPartSchema = Type.Object({
  key: Type.String({ description: 'The part within the run: "all", or "batch-00001" for batched jobs' }),
  status: StringEnum(JOB_STATUSES),
  attempts: Type.Integer({ minimum: 0, description: 'Claims so far: a retry after a failure or after the instance working on it stopped counts' }),
  startedAt: NullableDateTime,
  finishedAt: NullableDateTime,
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why the last attempt failed (operational text, no personal data)' }),
  totals: Totals,
});

const JobRunSchema = Type.Object({
  id: UuidSchema,
  job: Type.String({ description: 'The scheduled job' }),
  slot: Type.String({ format: 'date-time', description: 'The scheduled time the run is for; one run per job and slot across all instances' }),
  status: StringEnum(JOB_STATUSES, { description: 'As this tenant’s parts make it: queued, running while any is open, then failed if any failed, else succeeded' }),
  startedAt: DateTimeSchema,
  finishedAt: Type.Union([DateTimeSchema, Type.Null()], { description: 'When this tenant’s last part finished; null while any is open' }),
  totals: Totals,
  parts: Type.Array(JobRunPartSchema, { description: 'Only this tenant’s parts' }),
});

export interface JobRouteOptions {
  riskModels: RiskModelServices;
  monitoring: MonitoringServices;
  /** Tests pin the runner's clock to move leases and slots themselves. */
  clock?: () => Date;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The scheduled jobs; serve starts it (JOBS_ENABLED), the app's close stops it. */
    jobRunner: JobRunner;
  }
}

export async function jobRoutes(app: AppInstance, deps: AppDeps, options: JobRouteOptions): Promise<JobRunner> {
  const { db } = deps.database;
  const { config } = deps;
  const clock = options.clock ?? (() => new Date());
  const runner = new JobRunner(db, { leaseMs: config.jobLeaseSeconds * 1000, pollMs: config.jobPollMs, maxAttempts: config.jobMaxAttempts, clock, log: app.log });
  const jobs = serviceJobs(
    { db, today: deps.today, clock, monitor: options.monitoring.monitor, scorer: options.riskModels.scorer, registry: options.riskModels.registry, log: app.log },
    {
      timezone: config.tenantTimeZone,
      consentExpiryCron: config.consentExpiryCron,
      retentionCron: config.retentionCron,
      monitoringCron: config.monitoringEnabled ? config.monitoringCron : null,
      rescoringCron: config.rescoringCron,
      planFollowUpCron: config.planFollowUpCron,
      batchSize: config.jobBatchSize,
      jobRunRetentionDays: config.jobRunRetentionDays,
      webhookRetention: { deliveredDays: config.webhookRetentionDays, deadDays: config.webhookDeadRetentionDays },
    },
  );
  for (const job of jobs) runner.register(job);
  app.decorate('jobRunner', runner);
  // Started by whoever runs the server (src/cli/serve.ts), never by building an app: tests and CLI
  // commands build apps too. Stopped with the app, after the part in progress.
  app.addHook('onClose', async () => runner.stop());

  app.get(
    '/v1/jobs',
    {
      config: { auth: JOB_ROLES },
      schema: {
        tags: ['jobs'],
        summary: 'The tenant’s scheduled job runs, newest first, with this tenant’s parts and totals only',
        description:
          'Each scheduled slot of a job runs once across all instances of the service, split into parts (per tenant, per batch). ' +
          'A run appears here when it holds parts of this tenant; status, finishedAt and totals are computed from those parts alone.',
        querystring: Type.Object({
          job: Type.Optional(JobNameSchema),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_PAGE })),
          cursor: Type.Optional(Type.String({ maxLength: 200, description: 'Opaque cursor from the previous page' })),
        }),
        response: { 200: Type.Object({ items: Type.Array(JobRunSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses(...AUTHENTICATED_PROBLEMS) },
      },
    },
    async (request) =>
      listTenantJobRuns(db, tenantOf(request), {
        limit: request.query.limit ?? DEFAULT_PAGE,
        ...(request.query.job !== undefined ? { job: request.query.job } : {}),
        ...(request.query.cursor !== undefined ? { cursor: request.query.cursor } : {}),
      }),
  );

  app.get(
    '/v1/jobs/:job/runs/:runId',
    {
      config: { auth: JOB_ROLES },
      schema: {
        tags: ['jobs'],
        summary: 'One job run with this tenant’s parts',
        params: Type.Object({ job: JobNameSchema, runId: UuidSchema }),
        response: { 200: JobRunSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => getTenantJobRun(db, tenantOf(request), request.params.job, request.params.runId),
  );

  return runner;
}
