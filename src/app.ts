/**
 * The composition root: builds the Fastify app from a config and an open database. The server, the
 * CLI and the tests all call buildApp, so what is tested is what runs.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './platform/config.js';
import type { DatabaseHandle } from './platform/database/connection.js';
import { ChangeFeed } from './platform/database/change-feed.js';
import { AppError } from './platform/errors.js';
import { makeAuthHook, assertRouteDeclaresAuth } from './platform/http/auth.js';
import { makeErrorHandler, sendProblem } from './platform/http/error-handler.js';
import { clientErrorHandler, decompressRequestBody, frameworkErrorToAppError, makeAllowedMethods, makeJsonBodyParser, refuseUnstorableParameters } from './platform/http/edge.js';
import { documentRouteSecurity, registerOpenApi } from './platform/http/openapi.js';
import { FieldErrorSchema, ProblemSchema } from './platform/http/schemas.js';
import type { AppDeps, AppInstance, RouteCatalogueEntry } from './platform/http/types.js';
import { createValidatorCompiler } from './platform/http/validation.js';
import { healthRoutes } from './platform/http/health.routes.js';
import { metricsRoutes, registerRateLimits } from './platform/http/operations.js';
import { loggerOptions } from './platform/logging.js';
import { tenantRoutes } from './tenants/tenants.routes.js';
import { DebtorSchema, debtorRoutes } from './debtors/debtors.routes.js';
import { ConsentSchema, consentRoutes } from './consent/consent.routes.js';
import { bankDataRoutes, TransactionSchema } from './bank-data/bank-data.routes.js';
import { privacyRoutes } from './privacy/privacy.routes.js';
import { dataPointRoutes } from './data-points/data-points.routes.js';
import { AffordabilityReportSchema, affordabilityRoutes } from './affordability/affordability.routes.js';
import { policyRoutes } from './affordability/policies.routes.js';
import { CategoryIdSchemaDefinition, CorrectionSchemaDefinition, LearnedRuleSchemaDefinition, correctionRoutes } from './categorisation-corrections/corrections.routes.js';
import { riskModelRoutes, RiskScoreSchema } from './risk-models/risk-models.routes.js';
import { monitoringRoutes } from './model-monitoring/monitoring.routes.js';
import { jobRoutes } from './jobs/jobs.routes.js';
import { claimRoutes, ClaimSchema } from './claims/claims.routes.js';
import { collectionSegmentRoutes } from './collection-segments/collection-segments.routes.js';
import { repaymentPlanRoutes } from './repayment-plans/repayment-plans.routes.js';
import { writeOffRoutes } from './write-off/write-off.routes.js';
import { debtHelpReferralRoutes } from './debt-help/referrals.routes.js';
import { BankFileParser } from './bank-data/parse-pool.js';
import { debtorPageRoutes } from './debtor-page/debtor-page.routes.js';
import { webhookRoutes } from './webhooks/webhooks.routes.js';
import { bankConnectionRoutes } from './bank-connections/bank-connections.routes.js';
import { ProviderRegistry, type ProviderBuildOptions } from './bank-connections/bank-connections.service.js';
import type { BankFlowDeps } from './bank-connections/bank-authorisation.service.js';
import { SecretSeal } from './bank-connections/secret-seal.js';
import { SERVICE_VERSION } from './version.js';

export interface BuildAppOptions {
  database: DatabaseHandle;
  /** Pino logger options or false; tests pass false. Default: loggerOptions (src/platform/logging.ts). */
  logger?: FastifyServerOptions['logger'];
  today?: () => string;
  /** The job runner's clock (tests move leases and slots themselves); the runner is started by serve. */
  jobs?: { clock?: () => Date };
  /** What every bank provider client gets (tests record the XS2A exchanges for the contract check). */
  bankProviders?: ProviderBuildOptions;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

const ROUTE_TAGS = [
  { name: 'debtors', description: 'Debtors as the creditor knows them' },
  { name: 'consent', description: 'Consent requests and their lifecycle (Berlin Group model)' },
  { name: 'debtor', description: 'Debtor-facing actions, reached with a signed link token instead of an API key' },
  { name: 'bank-data', description: 'Uploading and reading consented bank data' },
  { name: 'data-points', description: 'Payment-behaviour data points, outcomes and derived signals' },
  { name: 'affordability', description: 'What a debtor can pay, and when money arrives' },
  { name: 'policies', description: 'A creditor’s own categorisation rules and norm overrides' },
  { name: 'privacy', description: 'GDPR access and erasure' },
  { name: 'risk-models', description: 'Early-warning risk scores with reasons, the model registry and training runs' },
  { name: 'claims', description: 'Claims with statutory interest and the collection costs the law allows (WIK), for any date' },
  { name: 'collections', description: 'Collection decisions: debtor segments with their evidence, treatment and the contact window after payday' },
  { name: 'repayment-plans', description: 'Affordable repayment plans: options, offers, acceptance, schedule and state, matched payments, payment links' },
  { name: 'write-off', description: 'Collect, offer a plan, write off or refer: the expected net value of each collection route' },
  { name: 'debt-help', description: 'Referrals to municipal debt help (vroegsignalering)' },
  { name: 'jobs', description: 'Scheduled work (consent expiry, retention, monitoring, rescoring, plan follow-up): each run once across instances, with this tenant’s parts' },
  { name: 'webhooks', description: 'Signed event notifications to the creditor’s systems: endpoints, the delivery log and the outbox' },
  { name: 'bank-connections', description: 'Connecting debtors’ banks (Berlin Group XS2A or an aggregator): the tenant’s connections, each consent’s bank authorisations, pulls and their history' },
  { name: 'debtor-page', description: 'The debtor’s own page (HTML, plain language, works without JavaScript), reached through the signed link: consent, bank statement, plan choice' },
];

export async function buildApp(config: Config, options: BuildAppOptions): Promise<AppInstance> {
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config, { isTTY: process.stdout.isTTY === true }),
    bodyLimit: config.bodyLimitBytes,
    // Read by genReqId below, which refuses ids that could forge log lines.
    requestIdHeader: false,
    // Honour a caller's request id when it is sane, so one id follows a request across systems.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    },
    // Fastify's own 503 while closing is plain JSON; the onRequest hook below answers with problem+json.
    return503OnClosing: false,
    // Debtor link tokens travel in the path and are longer than the default 100-character limit.
    routerOptions: { maxParamLength: 1024 },
    // Fastify's own refusals (bad URL, parameter too long) and the HTTP parser's are problem+json too.
    frameworkErrors: (error, request, reply) => sendProblem(reply, request, frameworkErrorToAppError(error), { echoUrl: false }),
    clientErrorHandler,
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Heard from start-up; until it listens (or while it cannot), per-instance memory is not used.
  const changes = new ChangeFeed(options.database, { log: app.log });
  app.decorate('changeFeed', changes);
  app.addHook('onReady', async () => changes.start());
  app.addHook('onClose', async () => changes.close());
  const deps: AppDeps = {
    config,
    database: options.database,
    changes,
    linkTokenSecret: config.linkTokenSecret ?? (await resolveLinkTokenSecret(options.database)),
    today: options.today ?? (() => new Date().toISOString().slice(0, 10)),
  };

  app.decorateRequest('auth', null);
  // Shared schemas are added once, before any route: Fastify rebuilds a child context's compilers when
  // schemas are added later, which would silently drop the custom validator compiler there.
  const sharedSchemas = [FieldErrorSchema, ProblemSchema, DebtorSchema, ConsentSchema, TransactionSchema, AffordabilityReportSchema, CategoryIdSchemaDefinition, CorrectionSchemaDefinition, LearnedRuleSchemaDefinition, RiskScoreSchema, ClaimSchema];
  const routeCatalogue: RouteCatalogueEntry[] = [];
  app.decorate('routeCatalogue', routeCatalogue);
  app.setValidatorCompiler(createValidatorCompiler(sharedSchemas));
  for (const schema of sharedSchemas) app.addSchema(schema);
  app.setErrorHandler(makeErrorHandler({ retryAfterSeconds: config.dbRetryAfterSeconds }));
  const allowedMethods = makeAllowedMethods(routeCatalogue);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = allowedMethods(path);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(reply, request, new AppError('method_not_allowed', `${request.method} is not allowed here; allowed: ${allowed.join(', ')}`));
    }
    return sendProblem(reply, request, new AppError('route_not_found', `no route ${request.method} ${path.slice(0, 200)}`));
  });
  // Hostile input at the edge (see edge.ts): compressed bodies, strict JSON text, NUL and lone surrogates.
  app.addHook('preParsing', decompressRequestBody);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, makeJsonBodyParser(app.getDefaultJsonParser('error', 'error'), { maxDepth: config.jsonMaxDepth }));
  app.addHook('preValidation', refuseUnstorableParameters);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) {
      route.config = { ...route.config, auth: 'public' };
      return;
    }
    assertRouteDeclaresAuth(route);
    documentRouteSecurity(route);
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routeCatalogue.push({ method, url: route.url, auth: route.config!.auth! });
    }
  });
  // Requests that still arrive while the server closes (pipelined, or on a busy keep-alive connection).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    throw new AppError('service_unavailable', 'the service is shutting down; send the request again');
  });
  app.addHook('onRequest', makeAuthHook(options.database.db, changes));
  // After authentication: the limit is per API key, and a request without a valid key spends no budget.
  await registerRateLimits(app, deps);
  app.addHook('onSend', async (request, reply, payload) => {
    // Before a write's answer leaves: this instance's next read waits until the change is heard.
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS') changes.noteWrite();
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', reply.getHeader('cache-control') ?? 'no-store');
    return payload;
  });

  await registerOpenApi(app, ROUTE_TAGS, SERVICE_VERSION);
  await healthRoutes(app, deps);
  await metricsRoutes(app, deps);
  await tenantRoutes(app, deps);
  await debtorRoutes(app, deps);
  const seal = new SecretSeal(config.bankConnectionSecretKey, deps.linkTokenSecret);
  const bankFlow: BankFlowDeps = { providers: new ProviderRegistry(seal, options.bankProviders ?? {}), publicBaseUrl: config.publicBaseUrl, timeZone: config.tenantTimeZone };
  // Kept bank clients hold kept-alive (TLS) connections: freed with the app.
  app.addHook('onClose', async () => bankFlow.providers.close());
  await consentRoutes(app, deps, { bankFlow });
  const bankFileParser = new BankFileParser(config);
  await bankDataRoutes(app, deps, bankFileParser);
  await dataPointRoutes(app, deps);
  await affordabilityRoutes(app, deps);
  await policyRoutes(app, deps);
  await correctionRoutes(app, deps);
  await privacyRoutes(app, deps);
  const riskModels = await riskModelRoutes(app, deps);
  const monitoring = await monitoringRoutes(app, deps, riskModels);
  await claimRoutes(app, deps);
  await collectionSegmentRoutes(app, deps, { scorer: riskModels.scorer });
  await repaymentPlanRoutes(app, deps);
  await writeOffRoutes(app, deps, riskModels);
  await debtHelpReferralRoutes(app, deps);
  await debtorPageRoutes(app, deps, { parser: bankFileParser, bankFlow });
  await jobRoutes(app, deps, { riskModels, monitoring, bankFlow, ...(options.jobs?.clock ? { clock: options.jobs.clock } : {}) });
  await webhookRoutes(app, deps);
  await bankConnectionRoutes(app, deps, { flow: bankFlow, connections: { seal, allowHttpLocalhost: config.bankConnectionAllowHttpLocalhost } });
  return app;
}

/** The link-token secret lives in the database when not configured, so all instances share it. */
async function resolveLinkTokenSecret(database: DatabaseHandle): Promise<string> {
  const key = 'link_token_secret';
  const candidate = randomBytes(32).toString('base64url');
  await database.db.insertInto('service_settings').values({ key, value: candidate }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const row = await database.db.selectFrom('service_settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}
