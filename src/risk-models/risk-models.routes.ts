import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Type } from '@sinclair/typebox';
import { sharedAffordabilityEngine } from '../affordability/affordability.service.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { AppError } from '../platform/errors.js';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, IsoDateSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { DebtorParamsSchema } from '../debtors/debtors.routes.js';
import { FEATURE_SET_IDS } from '../risk-features/catalogue.js';
import { defaultReportEngine, REPORT_CSP } from '../model-reports/report-engine.js';
import { ModelReportSchema } from '../model-reports/report.schema.js';
import { ModelReportService, type ReportEngine } from '../model-reports/report-service.js';
import { ReportWorkers } from '../model-reports/report-workers.js';
import { negotiate } from '../platform/http/negotiation.js';
import { ModelRegistry } from './registry.js';
import { RISK_BAND_NAMES, RISK_LEARNERS } from './risk-model-bundle.js';
import { MODEL_VERSION_SOURCES, TRAINING_RUN_STATUSES } from './risk-models.table.js';
import { MAX_DEBTORS_PER_REQUEST, RiskScorer } from './scoring.js';
import { getTrainingRun, queueTrainingRun, TrainingRunner } from './training-runs.js';

const ANALYST = { roles: ['analyst'] as const };
/** Reports are read by the people who answer for a model: analysts, and admins who oversee them. */
const REPORT_READERS = { roles: ['analyst', 'admin'] as const };
const REPORT_MEDIA_TYPES = ['application/json', 'text/html'] as const;
/** Each resample re-ranks the evaluation rows; beyond this a request would hold a core for too long. */
const MAX_REPORT_RESAMPLES = 5_000;
const SCORING = { roles: ['creditor', 'analyst'] as const };

/** "training-runs" is a path segment of its own, so it can never be a model id. */
const ModelIdSchema = Type.String({ pattern: '^(?!training-runs$)[a-z0-9][a-z0-9-]{0,63}$', description: 'Model id, e.g. early-warning (bank and data-point features) or early-warning-data-points' });
const ModelParams = Type.Object({ modelId: ModelIdSchema });
const VersionParams = Type.Object({ modelId: ModelIdSchema, version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
const NullableDate = Type.Union([IsoDateSchema, Type.Null()]);
const FeatureSetSchema = StringEnum(FEATURE_SET_IDS);

const ModelSummarySchema = Type.Object({
  modelId: Type.String(),
  featureSet: Type.String(),
  championVersion: Type.Union([Type.Integer(), Type.Null()], { description: 'The version that scores; null when none is promoted' }),
  latestVersion: Type.Integer(),
  versionCount: Type.Integer(),
});

const VersionSummaryProperties = {
  modelId: Type.String(),
  version: Type.Integer(),
  source: StringEnum(MODEL_VERSION_SOURCES, { description: 'starter: shipped with the service; training-run: trained on this tenant’s data' }),
  learner: Type.String(),
  featureSet: Type.String(),
  catalogueVersion: Type.Union([Type.String(), Type.Null()]),
  horizonDays: Type.Integer(),
  window: Type.Object({ from: NullableDate, to: NullableDate }, { description: 'First and last as-of date of the rows trained, calibrated and tested on' }),
  fingerprint: Type.String({ description: 'sha256 of the training table' }),
  seed: Type.Integer(),
  codeVersion: Type.String(),
  trainingRunId: Type.Union([UuidSchema, Type.Null()]),
  createdBy: Type.Union([Type.String(), Type.Null()], { description: 'Id of the API key that started the training run' }),
  createdAt: DateTimeSchema,
  isChampion: Type.Boolean(),
};
const VersionSummarySchema = Type.Object(VersionSummaryProperties);

const BandSchema = Type.Object({
  name: StringEnum(RISK_BAND_NAMES),
  minProbability: Type.Number(),
  maxProbability: Type.Number(),
  observedRate: Type.Union([Type.Number(), Type.Null()], { description: 'Share of the test slice in this band that fell into arrears' }),
  rows: Type.Integer(),
});

const VersionDetailSchema = Type.Object({
  ...VersionSummaryProperties,
  metrics: Type.Object({}, { additionalProperties: true, description: 'Held-out metrics: split, slice sizes, test AUC, Brier score, log-loss, calibration, cross-validation' }),
  bands: Type.Array(BandSchema),
  calibration: Type.String(),
  featureNames: Type.Array(Type.String()),
});

const PromotionSchema = Type.Object({
  action: StringEnum(['starter', 'promote', 'rollback'] as const),
  version: Type.Integer(),
  previousVersion: Type.Union([Type.Integer(), Type.Null()]),
  undone: Type.Boolean({ description: 'A promotion that a later rollback undid' }),
  actor: Type.String(),
  at: DateTimeSchema,
});

const ChampionChangeSchema = Type.Object({ modelId: Type.String(), championVersion: Type.Integer(), previousVersion: Type.Union([Type.Integer(), Type.Null()]) });

const TrainingRunSchema = Type.Object({
  runId: UuidSchema,
  modelId: Type.String(),
  status: StringEnum(TRAINING_RUN_STATUSES),
  stage: Type.String({ description: 'What the run is doing, in words' }),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  options: Type.Object({ modelId: Type.String(), featureSet: FeatureSetSchema, learner: Type.Optional(Type.String()), seed: Type.Optional(Type.Integer()) }),
  resultVersion: Type.Union([Type.Integer(), Type.Null()], { description: 'The version written when the run succeeded' }),
  error: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  createdAt: DateTimeSchema,
  startedAt: Type.Union([DateTimeSchema, Type.Null()]),
  finishedAt: Type.Union([DateTimeSchema, Type.Null()]),
  heartbeatAt: Type.Union([DateTimeSchema, Type.Null()]),
});

export const RiskScoreSchema = Type.Object(
  {
    scoreId: UuidSchema,
    debtorId: UuidSchema,
    asOf: IsoDateSchema,
    horizonDays: Type.Integer(),
    probability: Type.Number({ minimum: 0, maximum: 1, description: 'Calibrated probability of arrears within horizonDays after asOf' }),
    band: Type.Object({ name: StringEnum(RISK_BAND_NAMES), observedRate: Type.Union([Type.Number(), Type.Null()], { description: 'Arrears rate observed in this band on the model’s test slice' }) }),
    logOdds: Type.Number({ description: 'The model’s raw output before calibration: base + the sum of contributions. Log-odds for gradient boosting and the scorecard; for a random forest a probability (see outputSpace)' }),
    outputSpace: StringEnum(['log-odds', 'probability'] as const, { description: 'The unit of logOdds, base and contributions' }),
    base: Type.Number({ description: 'The model’s expected raw output over its training data' }),
    reasons: Type.Array(
      Type.Object({
        feature: Type.String({ description: 'Feature name (docs/features.md)' }),
        value: Type.Union([Type.Number(), Type.Null()], { description: 'The feature’s value; null when missing' }),
        contribution: Type.Number({ description: 'Exact contribution (TreeSHAP) in outputSpace units; positive raises the risk' }),
      }),
      { description: 'The largest contributions, largest first' },
    ),
    contributions: Type.Record(Type.String(), Type.Number(), { description: 'Every feature’s contribution, in outputSpace units' }),
    model: Type.Object({ modelId: Type.String(), version: Type.Integer(), source: StringEnum(MODEL_VERSION_SOURCES) }),
    featureSet: FeatureSetSchema,
    featureSetReason: Type.Object(
      { code: StringEnum(['consent_valid', 'no_consent', 'consent_expired', 'no_bank_model'] as const), message: Type.String() },
      { description: 'Why bank features were or were not used' },
    ),
    featureSnapshotId: UuidSchema,
    scoredAt: DateTimeSchema,
  },
  { $id: 'RiskScore' },
);

const AsOfQuery = Type.Object({ asOf: Type.Optional(IsoDateSchema) });

const ReportQuery = Type.Object({
  challengerVersion: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'Compare with this version of the same model, on the same rows' })),
  challenger: Type.Optional(
    Type.String({ pattern: '^(?!training-runs:)[a-z0-9][a-z0-9-]{0,63}:[1-9][0-9]{0,8}$', description: 'Compare with another model’s version, as modelId:version (it must read the same features)' }),
  ),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: 'Seed of the bootstrap and samples (default 1): the same seed gives the same report' })),
  resamples: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_REPORT_RESAMPLES, description: 'Bootstrap resamples for the confidence intervals (default 1,000)' })),
});

export interface RiskModelServices {
  registry: ModelRegistry;
  scorer: RiskScorer;
  runner: TrainingRunner;
  /** Model reports; the monitoring routes hand it their summary lookup (setMonitoringLookup). */
  reports: ModelReportService;
}

export async function riskModelRoutes(app: AppInstance, deps: AppDeps, options: { reportEngine?: ReportEngine } = {}): Promise<RiskModelServices> {
  const { db } = deps.database;
  const engine = sharedAffordabilityEngine(deps);
  const registry = new ModelRegistry(db, deps.config.riskStarterModelsDir ? pathToFileURL(`${path.resolve(deps.config.riskStarterModelsDir)}/`) : undefined);
  const scorer = new RiskScorer(db, registry, engine, deps.changes, { earlyWarningBands: deps.config.earlyWarningBands.split(','), log: app.log });
  // Serving counts still in memory are written before the database closes.
  app.addHook('onClose', async () => scorer.close());
  // Reports are built in a worker thread, so one never stalls the requests around it; an injected engine (tests) runs in process.
  const reportWorkers = options.reportEngine ? null : new ReportWorkers();
  const reports = new ModelReportService(db, registry, options.reportEngine ?? defaultReportEngine, null, reportWorkers ? (input, html) => reportWorkers.build(input, html) : null);
  if (reportWorkers) app.addHook('onClose', async () => reportWorkers.close());
  const runner = new TrainingRunner(db, registry, engine, {
    pollMs: deps.config.trainingPollMs,
    heartbeatMs: deps.config.trainingHeartbeatMs,
    staleAfterMs: deps.config.trainingStaleAfterMs,
    today: deps.today,
    log: app.log,
  });
  if (deps.config.trainingRunner) {
    app.addHook('onReady', async () => runner.start());
    app.addHook('onClose', async () => runner.stop());
  }

  const asOfOf = (asOf: string | undefined): string => {
    const today = deps.today();
    if (asOf && asOf > today) throw new AppError('invalid_parameter', `asOf ${asOf} is after today (${today}): a score uses only what is known`);
    return asOf ?? today;
  };

  app.get(
    '/v1/models',
    {
      config: { auth: ANALYST },
      schema: {
        tags: ['risk-models'],
        summary: 'The tenant’s risk models with their champion and latest version',
        description: 'A tenant that has never trained sees the starter models shipped with the service (version 1, source starter).',
        response: { 200: Type.Object({ models: Type.Array(ModelSummarySchema) }), ...problemResponses(...AUTHENTICATED_PROBLEMS) },
      },
    },
    async (request) => ({ models: await registry.listModels(tenantOf(request)) }),
  );

  app.get(
    '/v1/models/:modelId/versions',
    {
      config: { auth: ANALYST },
      schema: {
        tags: ['risk-models'],
        summary: 'A model’s versions, newest first, and its promotion history',
        params: ModelParams,
        response: { 200: Type.Object({ versions: Type.Array(VersionSummarySchema), history: Type.Array(PromotionSchema) }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => registry.listVersions(tenantOf(request), request.params.modelId),
  );

  app.get(
    '/v1/models/:modelId/versions/:version',
    {
      config: { auth: ANALYST },
      schema: {
        tags: ['risk-models'],
        summary: 'One version’s metadata, metrics and risk bands (not the trees)',
        params: VersionParams,
        response: { 200: VersionDetailSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => registry.getVersion(tenantOf(request), request.params.modelId, request.params.version),
  );

  app.get(
    '/v1/models/:modelId/versions/:version/report',
    {
      config: { auth: REPORT_READERS },
      schema: {
        tags: ['risk-models'],
        summary: 'The model report of a version: discrimination, calibration, decisions, stability, explanation, segments, comparison, monitoring and model card',
        description:
          'JSON by default; one self-contained HTML page (no network, charts as inline SVG, printable) with `Accept: text/html`; 406 for any other Accept. ' +
          'Computed on the version’s stored evaluation set (rows it never learned from); 422 no_evaluation_set when it has none. ' +
          '`challengerVersion` (same model) or `challenger=modelId:version` adds a side-by-side comparison on the same rows.',
        params: VersionParams,
        querystring: ReportQuery,
        response: {
          200: Type.Unsafe({
            description: 'The report, as JSON or as an HTML page',
            content: { 'application/json': { schema: ModelReportSchema }, 'text/html': { schema: { type: 'string', description: 'Self-contained HTML page' } } },
          }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 406, 422),
        },
      },
    },
    async (request, reply) => {
      const mediaType = negotiate(request.headers.accept, REPORT_MEDIA_TYPES);
      if (mediaType === null) throw new AppError('not_acceptable', `the report is available as ${REPORT_MEDIA_TYPES.join(' or ')}; the Accept header allows neither`);
      const { modelId, version } = request.params;
      const { challengerVersion, challenger, seed, resamples } = request.query;
      if (challengerVersion !== undefined && challenger !== undefined) throw new AppError('invalid_parameter', 'give challengerVersion or challenger, not both');
      const against = challengerVersion !== undefined ? { modelId, version: challengerVersion } : challenger !== undefined ? parseChallenger(challenger) : null;
      const built = await reports.reportWithPage(
        tenantOf(request),
        modelId,
        version,
        { challenger: against, ...(seed !== undefined ? { seed } : {}), ...(resamples !== undefined ? { resamples } : {}) },
        mediaType === 'text/html',
      );
      reply.header('vary', 'Accept');
      // Sent as text: the schema documents the body, and the report is serialised once, exactly as built.
      // The page needs nothing from the network: a CSP that allows nothing else keeps it so when opened from the API.
      if (mediaType === 'text/html') return reply.type('text/html; charset=utf-8').header('content-security-policy', REPORT_CSP).send(built.html!);
      const report = built.report;
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(report));
    },
  );

  app.post(
    '/v1/models/:modelId/versions/:version/promote',
    {
      config: { auth: ANALYST },
      schema: {
        tags: ['risk-models'],
        summary: 'Make a version the champion: it scores from the next request on, on every instance',
        params: VersionParams,
        response: { 200: ChampionChangeSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const { modelId, version } = request.params;
      const actor = `api_key:${request.auth!.keyId}`;
      const result = await registry.promote(tenantId, modelId, version, actor);
      await recordAudit(db, { tenantId, actor, action: 'risk_model.promoted', subjectType: 'risk_model', subjectId: modelId, details: result });
      return { modelId, championVersion: result.version, previousVersion: result.previousVersion };
    },
  );

  app.post(
    '/v1/models/:modelId/rollback',
    {
      config: { auth: ANALYST },
      schema: {
        tags: ['risk-models'],
        summary: 'Undo the latest promotion: the previous champion scores again',
        description: 'Rolling back again walks further back through the promotion history. 409 when there is no earlier champion.',
        params: ModelParams,
        response: { 200: ChampionChangeSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 409) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const { modelId } = request.params;
      const actor = `api_key:${request.auth!.keyId}`;
      const result = await registry.rollback(tenantId, modelId, actor);
      await recordAudit(db, { tenantId, actor, action: 'risk_model.rolled_back', subjectType: 'risk_model', subjectId: modelId, details: result });
      return { modelId, championVersion: result.version, previousVersion: result.previousVersion };
    },
  );

  app.post(
    '/v1/models/training-runs',
    {
      config: { auth: ANALYST },
      schema: {
        tags: ['risk-models'],
        summary: 'Train a model on the tenant’s stored data, asynchronously',
        description:
          'Rows are (debtor, month start D) for every debtor with data points; the label is 1 when an arrears_started data point falls in (D, D + 90 days]. ' +
          'Bank features are used only for debtors whose early_warning_monitoring consent covers transactions. The new version becomes champion only when the model has none; otherwise promote it.',
        body: Type.Object(
          {
            featureSet: Type.Optional(StringEnum(FEATURE_SET_IDS, { default: 'data-points-only', description: 'Which features to train on' })),
            modelId: Type.Optional(ModelIdSchema),
            learner: Type.Optional(StringEnum(RISK_LEARNERS)),
            seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
          },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ run: TrainingRunSchema }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 409) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const run = await queueTrainingRun(db, tenantId, request.body, request.auth!.keyId);
      await recordAudit(db, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'risk_model.training_queued', subjectType: 'training_run', subjectId: run.runId, details: { ...run.options } });
      reply.status(202);
      return { run };
    },
  );

  app.get(
    '/v1/models/training-runs/:runId',
    {
      config: { auth: ANALYST },
      schema: {
        tags: ['risk-models'],
        summary: 'A training run: status, progress, the version it produced or why it failed',
        params: Type.Object({ runId: UuidSchema }),
        response: { 200: Type.Object({ run: TrainingRunSchema }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => ({ run: await getTrainingRun(db, tenantOf(request), request.params.runId) }),
  );

  app.post(
    '/v1/scores',
    {
      config: { auth: SCORING },
      schema: {
        tags: ['risk-models'],
        summary: 'Arrears risk within 90 days for one or many debtors, with reasons',
        description: `Up to ${MAX_DEBTORS_PER_REQUEST} debtors, as of today or a past date. Each score is stored with the key that asked and the model version.`,
        body: Type.Object(
          {
            debtorIds: Type.Array(UuidSchema, { minItems: 1, maxItems: MAX_DEBTORS_PER_REQUEST }),
            asOf: Type.Optional(IsoDateSchema),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ scores: Type.Array(Type.Ref('RiskScore')) }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 422) },
      },
    },
    async (request) => {
      const scores = await scorer.score(tenantOf(request), request.body.debtorIds, { asOf: asOfOf(request.body.asOf), today: deps.today(), requestedBy: request.auth!.keyId });
      return { scores };
    },
  );

  app.get(
    '/v1/debtors/:debtorId/score',
    {
      // The hot path: the key may come from memory (emptied when any of the tenant's keys changes).
      config: { auth: { ...SCORING, keyFromMemory: true } },
      schema: {
        tags: ['risk-models'],
        summary: 'One debtor’s arrears risk within 90 days, with reasons',
        description:
          'Asked again on the same day for the same as-of date, an unchanged debtor gets the same score with the same scoreId: not recomputed, not stored again (the key that asked is counted). New data, a consent change, a promoted model or a new day gives a new score. POST /v1/scores always computes.',
        params: DebtorParamsSchema,
        querystring: AsOfQuery,
        response: { 200: Type.Ref('RiskScore'), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 422) },
      },
    },
    async (request) => {
      return scorer.scoreRepeatable(tenantOf(request), request.params.debtorId, { asOf: asOfOf(request.query.asOf), today: deps.today(), keyId: request.auth!.keyId });
    },
  );

  return { registry, scorer, runner, reports };
}

function parseChallenger(value: string): { modelId: string; version: number } {
  const colon = value.lastIndexOf(':');
  return { modelId: value.slice(0, colon), version: Number(value.slice(colon + 1)) };
}
