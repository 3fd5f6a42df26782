/**
 * Configuration is read from the environment once, validated against a schema, and passed down as a
 * value: no module reads process.env on its own, so tests and the CLI build apps with any config.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import path from 'node:path';
import cron from 'node-cron';

/** The tenants' time zone unless configured (TENANT_TIME_ZONE). */
export const DEFAULT_TENANT_TIME_ZONE = 'Europe/Amsterdam';

export const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  host: Type.String({ minLength: 1, default: '127.0.0.1' }),
  /** PostgreSQL connection string; when absent the embedded PGlite database in dataDir is used. */
  databaseUrl: Type.Union([Type.String({ minLength: 1 }), Type.Null()], { default: null }),
  dataDir: Type.String({ minLength: 1, default: './.data' }),
  logLevel: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  /**
   * json: one JSON object a line (for log collectors); pretty: readable lines (pino-pretty); auto: pretty
   * when standard output is a terminal, JSON otherwise.
   */
  logFormat: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], { default: 'auto' }),
  /**
   * Bearer token Prometheus must send to read /metrics. When unset, /metrics answers only requests from
   * this machine's loopback address (a scraper on the same host, or an SSH tunnel).
   */
  metricsToken: Type.Union([Type.String({ minLength: 16 }), Type.Null()], { default: null }),
  /** Requests one API key may make per rate-limit window (0: no limit). Kept per instance: N instances allow N times this. */
  rateLimitPerMinute: Type.Integer({ minimum: 0, default: 1200 }),
  /**
   * Requests per window on one debtor link (consent or plan offer), or per client address for links that
   * do not verify (0: no limit). Generous because a plan page with its later QR codes unfolded loads one
   * image per instalment, each a request on the link.
   */
  rateLimitLinkPerMinute: Type.Integer({ minimum: 0, default: 300 }),
  /** The rate-limit window in milliseconds (a minute; shorter only for tests and load experiments). */
  rateLimitWindowMs: Type.Integer({ minimum: 100, default: 60_000 }),
  /** JSON request bodies larger than this are refused with 413. */
  bodyLimitBytes: Type.Integer({ minimum: 1024, default: 1024 * 1024 }),
  /** Bank-file uploads may be larger than ordinary JSON bodies. */
  uploadLimitBytes: Type.Integer({ minimum: 1024, default: 50 * 1024 * 1024 }),
  /** Worker threads that parse bank files, so a large or hostile file never stalls the event loop. */
  parseWorkers: Type.Integer({ minimum: 1, maximum: 64, default: 2 }),
  /** Heap one parse worker may use; a file that needs more is refused with 413 and the worker replaced. */
  parseWorkerMemoryMb: Type.Integer({ minimum: 16, default: 1024 }),
  /** A parse that takes longer is stopped and the file refused with 422. */
  parseTimeoutSeconds: Type.Integer({ minimum: 1, default: 120 }),
  /** Most entries (transactions) one bank file may hold; counted over the bytes before any parse. */
  maxFileEntries: Type.Integer({ minimum: 1, default: 200_000 }),
  /** Most accounts (camt statements/reports, MT940 :25: fields) one bank file may hold. */
  maxFileAccounts: Type.Integer({ minimum: 1, default: 1_000 }),
  /** Longest single text in a bank file: an XML text node, a JSON string or a line of CSV, MT940 or JSON lines. */
  maxFileTextBytes: Type.Integer({ minimum: 256, default: 64 * 1024 }),
  /** Secret that signs debtor link tokens; generated and kept in the database when not given. */
  linkTokenSecret: Type.Union([Type.String({ minLength: 32 }), Type.Null()], { default: null }),
  /**
   * The address debtors reach the service at (scheme, host and any path prefix, no trailing slash): the
   * debtor's page links creditors send are built on it. Default: the server's own address on this machine.
   */
  publicBaseUrl: Type.String({ pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$', default: 'http://localhost:3000' }),
  /** Affordability reports kept per (debtor, as-of date, data version) in each instance; 0 turns the cache off. */
  affordabilityCacheEntries: Type.Integer({ minimum: 0, default: 256 }),
  /** How long a kept report may be served (it is personal data held in memory). */
  affordabilityCacheTtlSeconds: Type.Integer({ minimum: 1, default: 300 }),
  /** Worker threads that compute stored debtors' reports off the event loop; 0 computes them on it. */
  affordabilityWorkers: Type.Integer({ minimum: 0, maximum: 64, default: 2 }),
  /** Free debt help the debtor's page always points to (Geldfit, run by the Dutch debt-help sector, finds the municipality's help). */
  debtHelpUrl: Type.String({ pattern: '^https://', default: 'https://www.geldfit.nl' }),
  /** Its free phone number, shown beside the link for people who would rather call. */
  debtHelpPhone: Type.String({ minLength: 3, maxLength: 40, default: '0800-8115' }),
  /** Seed a demo tenant, key and data on an empty database (on by default for the embedded database only). */
  demo: Type.Boolean({ default: false }),
  /** Seconds to wait for in-flight requests on shutdown. */
  shutdownGraceSeconds: Type.Integer({ minimum: 0, default: 10 }),
  /** PostgreSQL only: statement_timeout set on every connection; a query running longer is cancelled (503 database_busy). */
  dbStatementTimeoutMs: Type.Integer({ minimum: 0, default: 30_000 }),
  /** PostgreSQL only: lock_timeout on every connection, so a request waiting on a held lock fails fast instead of hanging. */
  dbLockTimeoutMs: Type.Integer({ minimum: 0, default: 5_000 }),
  /** PostgreSQL only: idle_in_transaction_session_timeout, so an abandoned transaction cannot hold locks for ever. */
  dbIdleInTransactionTimeoutMs: Type.Integer({ minimum: 0, default: 60_000 }),
  /** PostgreSQL only: how long to wait for a pool connection (a new one or a free one) before answering 503. */
  dbConnectTimeoutMs: Type.Integer({ minimum: 1, default: 5_000 }),
  /** PostgreSQL only: size of the connection pool. */
  dbPoolMax: Type.Integer({ minimum: 1, default: 10 }),
  /** /readyz reports not-ready when the database has not answered within this many milliseconds. */
  readinessTimeoutMs: Type.Integer({ minimum: 1, default: 2_000 }),
  /** Seconds sent in Retry-After with 503 answers when the database is away or busy. */
  dbRetryAfterSeconds: Type.Integer({ minimum: 1, default: 5 }),
  /** IANA time zone of the tenants' day: per-day limits (consent frequencyPerDay) reset at its midnight. */
  tenantTimeZone: Type.String({ minLength: 1, default: DEFAULT_TENANT_TIME_ZONE }),
  /** JSON request bodies nested deeper than this (objects and arrays) are refused with 400. */
  jsonMaxDepth: Type.Integer({ minimum: 2, maximum: 1000, default: 32 }),
  /** Run queued risk-model training runs in this process (any number of instances may; each run is taken once). */
  trainingRunner: Type.Boolean({ default: true }),
  /** How often an idle training runner looks for queued runs. */
  trainingPollMs: Type.Integer({ minimum: 10, default: 2_000 }),
  /** How often a training run records its heartbeat and progress. */
  trainingHeartbeatMs: Type.Integer({ minimum: 10, default: 5_000 }),
  /** A running training run without a heartbeat for this long is taken to be dead and marked failed. */
  trainingStaleAfterMs: Type.Integer({ minimum: 100, default: 120_000 }),
  /** Directory of the starter models a new tenant scores with (one sub-directory per model id); null: the models/ shipped with the service. */
  riskStarterModelsDir: Type.Union([Type.String({ minLength: 1 }), Type.Null()], { default: null }),
  /** Run the scheduled model monitoring (src/model-monitoring) in this process. */
  monitoringEnabled: Type.Boolean({ default: true }),
  /** When the monitoring runs: a cron expression (node-cron, five or six fields) in TENANT_TIME_ZONE; checked at startup. */
  monitoringCron: Type.String({ minLength: 1, default: '17 3 * * *' }),
  /** Days of stored scores one monitoring window reads, ending on the day it runs. */
  monitoringWindowDays: Type.Integer({ minimum: 1, maximum: 3660, default: 30 }),
  /** PSI (of the score or any feature) above which a monitoring point is flagged as drift; the default is the model report's "shifted" reading (PSI_ACT). */
  monitoringDriftPsi: Type.Number({ exclusiveMinimum: 0, default: 0.25 }),
  /** Run the scheduled jobs (src/jobs) in this process; any number of instances may, each slot runs once across them. */
  jobsEnabled: Type.Boolean({ default: true }),
  /** The consent-expiry sweep (cron, TENANT_TIME_ZONE); it also runs once at start for the current hour. */
  consentExpiryCron: Type.String({ minLength: 1, default: '7 * * * *' }),
  /** The retention purge: expired bank-file drafts and job runs older than JOB_RUN_RETENTION_DAYS. */
  retentionCron: Type.String({ minLength: 1, default: '23 2 * * *' }),
  /** Nightly rescoring of debtors with a valid early-warning monitoring consent. */
  rescoringCron: Type.String({ minLength: 1, default: '41 1 * * *' }),
  /** Daily follow-up of repayment plans: matches payments and counts missed, completed and breached. */
  planFollowUpCron: Type.String({ minLength: 1, default: '11 6 * * *' }),
  /** A job part whose instance has not renewed its lease for this long is taken over by another instance. */
  jobLeaseSeconds: Type.Integer({ minimum: 5, default: 120 }),
  /** How often an instance looks for job parts to work on besides its own ticks. */
  jobPollMs: Type.Integer({ minimum: 100, default: 10_000 }),
  /** Debtors (rescoring) or plans (plan follow-up) per job part. */
  jobBatchSize: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
  /** Attempts per job part (a failure or a lost instance counts) before the part is marked failed. */
  jobMaxAttempts: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
  /** Finished job runs are kept this many days (GET /v1/jobs), then purged by the retention job. */
  jobRunRetentionDays: Type.Integer({ minimum: 1, default: 90 }),
  /** Run the webhook dispatcher (src/webhooks) in this process; any number of instances may, each delivery is taken once. */
  webhooksEnabled: Type.Boolean({ default: true }),
  /** How often the dispatcher looks for due deliveries when the last look found none. */
  webhookPollMs: Type.Integer({ minimum: 10, default: 1_000 }),
  /** A receiver that has not answered within this many milliseconds counts as a failed attempt. */
  webhookTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  /** Seconds to wait after the 1st, 2nd, … failed attempt (each plus up to 10 % jitter); after the last failure the delivery is dead. */
  webhookRetrySchedule: Type.String({ pattern: '^\\s*\\d+\\s*(,\\s*\\d+\\s*)*$', default: '30,120,600,3600,21600,86400' }),
  /** Deliveries one dispatcher takes per round (sent side by side; never two of one debtor to one endpoint). */
  webhookBatchSize: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
  /** After a secret rotation the old secret keeps signing beside the new one this many hours (0: stops at once). */
  webhookSecretOverlapHours: Type.Integer({ minimum: 0, maximum: 720, default: 24 }),
  /** Delivered webhook deliveries, and events with nothing left to send, are purged by the retention job after this many days. */
  webhookRetentionDays: Type.Integer({ minimum: 1, default: 30 }),
  /** Dead deliveries (every retry failed) wait this many days for an operator's retry before the retention job purges them. */
  webhookDeadRetentionDays: Type.Integer({ minimum: 1, default: 90 }),
  /** Allow plain-http endpoint URLs on localhost / 127.0.0.1 / [::1] (development and tests); otherwise only https. */
  webhookAllowHttpLocalhost: Type.Boolean({ default: false }),
  /** Risk bands that count as an early warning: a score entering one of them from outside emits risk.early_warning_raised. */
  earlyWarningBands: Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$', default: 'high,very_high' }),
});
export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const ENV_NAMES: Record<keyof Config, string> = {
  port: 'PORT',
  host: 'HOST',
  databaseUrl: 'DATABASE_URL',
  dataDir: 'DATA_DIR',
  logLevel: 'LOG_LEVEL',
  logFormat: 'LOG_FORMAT',
  metricsToken: 'METRICS_TOKEN',
  rateLimitPerMinute: 'RATE_LIMIT_PER_MINUTE',
  rateLimitLinkPerMinute: 'RATE_LIMIT_LINK_PER_MINUTE',
  rateLimitWindowMs: 'RATE_LIMIT_WINDOW_MS',
  bodyLimitBytes: 'BODY_LIMIT_BYTES',
  uploadLimitBytes: 'UPLOAD_LIMIT_BYTES',
  parseWorkers: 'PARSE_WORKERS',
  parseWorkerMemoryMb: 'PARSE_WORKER_MEMORY_MB',
  parseTimeoutSeconds: 'PARSE_TIMEOUT_SECONDS',
  maxFileEntries: 'MAX_FILE_ENTRIES',
  maxFileAccounts: 'MAX_FILE_ACCOUNTS',
  maxFileTextBytes: 'MAX_FILE_TEXT_BYTES',
  linkTokenSecret: 'LINK_TOKEN_SECRET',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  debtHelpUrl: 'DEBT_HELP_URL',
  affordabilityCacheEntries: 'AFFORDABILITY_CACHE_ENTRIES',
  affordabilityCacheTtlSeconds: 'AFFORDABILITY_CACHE_TTL_SECONDS',
  affordabilityWorkers: 'AFFORDABILITY_WORKERS',
  debtHelpPhone: 'DEBT_HELP_PHONE',
  demo: 'DEMO',
  shutdownGraceSeconds: 'SHUTDOWN_GRACE_SECONDS',
  dbStatementTimeoutMs: 'DB_STATEMENT_TIMEOUT_MS',
  dbLockTimeoutMs: 'DB_LOCK_TIMEOUT_MS',
  dbIdleInTransactionTimeoutMs: 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS',
  dbConnectTimeoutMs: 'DB_CONNECT_TIMEOUT_MS',
  dbPoolMax: 'DB_POOL_MAX',
  readinessTimeoutMs: 'READINESS_TIMEOUT_MS',
  dbRetryAfterSeconds: 'DB_RETRY_AFTER_SECONDS',
  tenantTimeZone: 'TENANT_TIME_ZONE',
  jsonMaxDepth: 'JSON_MAX_DEPTH',
  trainingRunner: 'TRAINING_RUNNER',
  trainingPollMs: 'TRAINING_POLL_MS',
  trainingHeartbeatMs: 'TRAINING_HEARTBEAT_MS',
  trainingStaleAfterMs: 'TRAINING_STALE_AFTER_MS',
  riskStarterModelsDir: 'RISK_STARTER_MODELS_DIR',
  monitoringEnabled: 'MONITORING_ENABLED',
  monitoringCron: 'MONITORING_CRON',
  monitoringWindowDays: 'MONITORING_WINDOW_DAYS',
  monitoringDriftPsi: 'MONITORING_DRIFT_PSI',
  jobsEnabled: 'JOBS_ENABLED',
  consentExpiryCron: 'CONSENT_EXPIRY_CRON',
  retentionCron: 'RETENTION_CRON',
  rescoringCron: 'RESCORING_CRON',
  planFollowUpCron: 'PLAN_FOLLOW_UP_CRON',
  jobLeaseSeconds: 'JOB_LEASE_SECONDS',
  jobPollMs: 'JOB_POLL_MS',
  jobBatchSize: 'JOB_BATCH_SIZE',
  jobMaxAttempts: 'JOB_MAX_ATTEMPTS',
  jobRunRetentionDays: 'JOB_RUN_RETENTION_DAYS',
  webhooksEnabled: 'WEBHOOKS_ENABLED',
  webhookPollMs: 'WEBHOOK_POLL_MS',
  webhookTimeoutMs: 'WEBHOOK_TIMEOUT_MS',
  webhookRetrySchedule: 'WEBHOOK_RETRY_SCHEDULE',
  webhookBatchSize: 'WEBHOOK_BATCH_SIZE',
  webhookAllowHttpLocalhost: 'WEBHOOK_ALLOW_HTTP_LOCALHOST',
  webhookSecretOverlapHours: 'WEBHOOK_SECRET_OVERLAP_HOURS',
  webhookRetentionDays: 'WEBHOOK_RETENTION_DAYS',
  webhookDeadRetentionDays: 'WEBHOOK_DEAD_RETENTION_DAYS',
  earlyWarningBands: 'EARLY_WARNING_BANDS',
};

export const CONFIG_ENV_NAMES = ENV_NAMES;

/** Builds the config from environment variables (strings), converting and validating each. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(ENV_NAMES) as [keyof Config, string][]) {
    const value = env[envName];
    if (value === undefined || value === '') continue;
    raw[key] = value;
  }
  if (raw.demo === undefined && raw.databaseUrl === undefined) raw.demo = 'true';
  // Read before Value.Default, which fills defaults into the object it is given.
  const baseUrlConfigured = raw.publicBaseUrl !== undefined || overrides.publicBaseUrl !== undefined;
  const merged: Record<string, unknown> = { ...Value.Default(ConfigSchema, Value.Convert(ConfigSchema, raw)) as object, ...overrides };
  // Without a configured public address, links point at this server as it listens on this machine.
  if (!baseUrlConfigured) merged.publicBaseUrl = `http://localhost:${String(merged.port ?? 3000)}`;
  if (typeof merged.publicBaseUrl === 'string') merged.publicBaseUrl = merged.publicBaseUrl.replace(/\/+$/, '');
  const converted = Value.Convert(ConfigSchema, merged);
  if (!Value.Check(ConfigSchema, converted)) {
    const problems = [...Value.Errors(ConfigSchema, converted)].map((e) => {
      const key = e.path.replace(/^\//, '') as keyof Config;
      return `${ENV_NAMES[key] ?? key}: ${e.message} (got ${JSON.stringify(e.value)})`;
    });
    throw new ConfigError(problems);
  }
  if (!isTimeZone(converted.tenantTimeZone)) throw new ConfigError([`${ENV_NAMES.tenantTimeZone}: not an IANA time zone (got ${JSON.stringify(converted.tenantTimeZone)})`]);
  // A schedule that cannot be read would otherwise fail only when the job starts, after the server is up.
  const cronProblems = (['monitoringCron', 'consentExpiryCron', 'retentionCron', 'rescoringCron', 'planFollowUpCron'] as const)
    .filter((key) => !cron.validate(converted[key]))
    .map((key) => `${ENV_NAMES[key]}: not a cron expression (got ${JSON.stringify(converted[key])})`);
  if (cronProblems.length > 0) throw new ConfigError(cronProblems);
  // A parse holds the decoded file as one string. V8 ends the whole process, not only the worker, when a
  // single allocation exceeds what the worker's heap may still grow by, so the heap must dwarf the largest file.
  if (converted.parseWorkerMemoryMb * 1024 * 1024 < 2 * converted.uploadLimitBytes) {
    throw new ConfigError([`${ENV_NAMES.parseWorkerMemoryMb}: must be at least twice ${ENV_NAMES.uploadLimitBytes} (${Math.ceil((2 * converted.uploadLimitBytes) / (1024 * 1024))} MB for the current upload limit)`]);
  }
  return { ...converted, dataDir: path.resolve(converted.dataDir) };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
