import { Type } from '@sinclair/typebox';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, IsoDateSchema, problemResponses, StringEnum } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import type { RiskModelServices } from '../risk-models/risk-models.routes.js';
import { latestMonitoringSummary, MAX_WINDOW_DAYS, ModelMonitor } from './model-monitoring.js';
import { MONITORING_TRIGGERS } from './model-monitoring.table.js';

/** Monitoring belongs with the reports: read and run by analysts, and by admins who oversee them. */
const MONITORING_ROLES = { roles: ['analyst', 'admin'] as const };
/** Points a report's monitoring section shows: a year of daily runs. */
export const REPORT_MONITORING_POINTS = 366;
const DEFAULT_SERIES_POINTS = 366;
const MAX_SERIES_POINTS = 3660;

/** The same pattern as the registry routes' model ids ("training-runs" is a path segment of its own). */
const ModelParams = Type.Object({
  modelId: Type.String({ pattern: '^(?!training-runs$)[a-z0-9][a-z0-9-]{0,63}$', description: 'Model id, e.g. early-warning or early-warning-data-points' }),
});
const Psi = Type.Union([Type.Number({ minimum: 0 }), Type.Null()]);
const Rate = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);

const MonitoringPointSchema = Type.Object({
  computedAt: DateTimeSchema,
  windowFrom: IsoDateSchema,
  windowTo: IsoDateSchema,
  rows: Type.Integer({ minimum: 0, description: 'Scores in the window: each debtor’s latest score of this version with an as-of date in it' }),
  scorePsi: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: 'PSI of the score against the calibration slice; null below 200 scores or without a reference profile' }),
  maxFeaturePsi: Psi,
  maxFeature: Type.Union([Type.String(), Type.Null()], { description: 'The feature with the largest PSI' }),
  featurePsi: Type.Record(Type.String(), Psi, { description: 'Every feature’s PSI against the training slice' }),
  rowsWithOutcome: Type.Integer({ minimum: 0, description: 'Scores whose outcome window (as-of, as-of + horizon] has passed' }),
  auc: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description: 'On matured scores; null below 100 of them or 10 of either outcome' }),
  brier: Rate,
  ece: Rate,
  drift: Type.Boolean({ description: 'The score’s or any feature’s PSI is above the threshold' }),
  threshold: Type.Number({ description: 'The PSI this point’s drift flag was decided against' }),
  trigger: StringEnum(MONITORING_TRIGGERS),
});

const SeriesSchema = Type.Object({
  modelId: Type.String(),
  version: Type.Integer(),
  drift: Type.Boolean({ description: 'The latest point returned is flagged' }),
  threshold: Type.Number({ description: 'The PSI above which new points are flagged (MONITORING_DRIFT_PSI)' }),
  points: Type.Array(MonitoringPointSchema, { description: 'Oldest first' }),
});

export interface MonitoringServices {
  /** The scheduled monitoring runs through the job runner (src/jobs/service-jobs.ts), once across instances. */
  monitor: ModelMonitor;
}

export async function monitoringRoutes(app: AppInstance, deps: AppDeps, riskModels: RiskModelServices): Promise<MonitoringServices> {
  const { db } = deps.database;
  const { config } = deps;
  const monitor = new ModelMonitor(db, riskModels.registry, { windowDays: config.monitoringWindowDays, driftPsi: config.monitoringDriftPsi, today: deps.today });
  // The reports' monitoring section reads the points written here.
  riskModels.reports.setMonitoringLookup((tenantId, modelId, version) => latestMonitoringSummary(db, tenantId, modelId, version, { points: REPORT_MONITORING_POINTS }));

  app.get(
    '/v1/models/:modelId/monitoring',
    {
      config: { auth: MONITORING_ROLES },
      schema: {
        tags: ['risk-models'],
        summary: 'A model version’s monitoring time series: score and feature PSI per window, and AUC, Brier and ECE once outcomes mature',
        description:
          'One point per window (the last day of the window keys it; a rerun replaces the point), oldest first. ' +
          '`version` defaults to the champion; `from` and `to` bound the windows’ last days; at most `limit` points, the latest. ' +
          '`drift` is true when the latest point returned has the score’s or any feature’s PSI above `threshold`.',
        params: ModelParams,
        querystring: Type.Object({
          version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'Default: the champion' })),
          from: Type.Optional(IsoDateSchema),
          to: Type.Optional(IsoDateSchema),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SERIES_POINTS, default: DEFAULT_SERIES_POINTS })),
        }),
        response: { 200: SeriesSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => {
      const { version, from, to, limit } = request.query;
      return monitor.series(tenantOf(request), request.params.modelId, {
        ...(version !== undefined ? { version } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        limit: limit ?? DEFAULT_SERIES_POINTS,
      });
    },
  );

  app.post(
    '/v1/models/:modelId/monitoring/runs',
    {
      config: { auth: MONITORING_ROLES },
      // The body is optional: no body at all is the empty object, so the schema still refuses anything else.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
      schema: {
        tags: ['risk-models'],
        summary: 'Monitor the model’s champion now, over the window ending on asOf (default today)',
        description: `The window holds each debtor’s latest score of the champion with an as-of date in the last \`windowDays\` days (default MONITORING_WINDOW_DAYS). A point for the same window is replaced. 409 when the model has no champion.`,
        params: ModelParams,
        body: Type.Object(
          {
            windowDays: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_WINDOW_DAYS, description: 'Days in the window (default MONITORING_WINDOW_DAYS)' })),
            asOf: Type.Optional(IsoDateSchema),
          },
          { additionalProperties: false, description: 'Optional: a request without a body runs the default window ending today' },
        ),
        response: { 201: Type.Object({ modelId: Type.String(), version: Type.Integer(), point: MonitoringPointSchema }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 409) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const { modelId } = request.params;
      const body = request.body;
      const result = await monitor.runChampion(tenantId, modelId, {
        trigger: 'manual',
        ...(body.asOf !== undefined ? { asOf: body.asOf } : {}),
        ...(body.windowDays !== undefined ? { windowDays: body.windowDays } : {}),
      });
      await recordAudit(db, {
        tenantId,
        actor: `api_key:${request.auth!.keyId}`,
        action: 'risk_model.monitoring_run',
        subjectType: 'risk_model',
        subjectId: modelId,
        details: { version: result.version, windowFrom: result.point.windowFrom, windowTo: result.point.windowTo, rows: result.point.rows, drift: result.point.drift },
      });
      reply.status(201);
      return result;
    },
  );

  return { monitor };
}
