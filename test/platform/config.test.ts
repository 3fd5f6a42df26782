import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.js';
import { PSI_ACT } from '../../src/model-reports/population-stability.js';

describe('config', () => {
  it('defaults to the embedded database with demo data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: null, demo: true, logLevel: 'info' });
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it('turns demo data off by default when PostgreSQL is configured', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://x@localhost/db' }).demo).toBe(false);
  });

  it('converts and validates environment strings', () => {
    expect(loadConfig({ PORT: '8080', DEMO: 'false', BODY_LIMIT_BYTES: '2048' })).toMatchObject({ port: 8080, demo: false, bodyLimitBytes: 2048 });
  });

  it('refuses a parse-worker heap smaller than twice the upload limit, naming both settings', () => {
    expect(() => loadConfig({ PARSE_WORKER_MEMORY_MB: '64', UPLOAD_LIMIT_BYTES: String(50 * 1024 * 1024) })).toThrow(/PARSE_WORKER_MEMORY_MB.*UPLOAD_LIMIT_BYTES.*100 MB/);
    expect(loadConfig({ PARSE_WORKER_MEMORY_MB: '100', UPLOAD_LIMIT_BYTES: String(50 * 1024 * 1024) }).parseWorkerMemoryMb).toBe(100);
  });

  it('reads the database timeouts, with defaults that bound every wait', () => {
    expect(loadConfig({})).toMatchObject({ dbStatementTimeoutMs: 30_000, dbLockTimeoutMs: 5_000, dbIdleInTransactionTimeoutMs: 60_000, dbConnectTimeoutMs: 5_000, readinessTimeoutMs: 2_000, dbRetryAfterSeconds: 5 });
    expect(
      loadConfig({ DB_STATEMENT_TIMEOUT_MS: '120000', DB_LOCK_TIMEOUT_MS: '0', DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '10000', DB_CONNECT_TIMEOUT_MS: '1500', DB_POOL_MAX: '20', READINESS_TIMEOUT_MS: '750', DB_RETRY_AFTER_SECONDS: '2' }),
    ).toMatchObject({ dbStatementTimeoutMs: 120_000, dbLockTimeoutMs: 0, dbIdleInTransactionTimeoutMs: 10_000, dbConnectTimeoutMs: 1500, dbPoolMax: 20, readinessTimeoutMs: 750, dbRetryAfterSeconds: 2 });
    expect(() => loadConfig({ READINESS_TIMEOUT_MS: '0' })).toThrow(/READINESS_TIMEOUT_MS/);
  });

  it('reads the monitoring settings, checks the cron expression at startup, and defaults the drift PSI to the report’s rule', () => {
    expect(loadConfig({})).toMatchObject({ monitoringEnabled: true, monitoringCron: '17 3 * * *', monitoringWindowDays: 30, monitoringDriftPsi: PSI_ACT });
    expect(loadConfig({ MONITORING_ENABLED: 'false', MONITORING_CRON: '0 */6 * * *', MONITORING_WINDOW_DAYS: '7', MONITORING_DRIFT_PSI: '0.1' })).toMatchObject({
      monitoringEnabled: false,
      monitoringCron: '0 */6 * * *',
      monitoringWindowDays: 7,
      monitoringDriftPsi: 0.1,
    });
    expect(() => loadConfig({ MONITORING_CRON: '61 3 * * *' })).toThrow(/MONITORING_CRON/);
    expect(() => loadConfig({ MONITORING_CRON: 'nightly' })).toThrow(/MONITORING_CRON/);
    expect(() => loadConfig({ MONITORING_WINDOW_DAYS: '0' })).toThrow(/MONITORING_WINDOW_DAYS/);
    expect(() => loadConfig({ MONITORING_DRIFT_PSI: '0' })).toThrow(/MONITORING_DRIFT_PSI/);
  });

  it('reads the job settings and checks every job schedule at startup', () => {
    expect(loadConfig({})).toMatchObject({ jobsEnabled: true, consentExpiryCron: '7 * * * *', retentionCron: '23 2 * * *', rescoringCron: '41 1 * * *', planFollowUpCron: '11 6 * * *', jobLeaseSeconds: 120, jobPollMs: 10_000, jobBatchSize: 200, jobMaxAttempts: 3, jobRunRetentionDays: 90 });
    expect(loadConfig({ JOBS_ENABLED: 'false', RESCORING_CRON: '0 2 * * 1-5', JOB_LEASE_SECONDS: '30', JOB_POLL_MS: '500', JOB_BATCH_SIZE: '50', JOB_MAX_ATTEMPTS: '5', JOB_RUN_RETENTION_DAYS: '30' })).toMatchObject({
      jobsEnabled: false,
      rescoringCron: '0 2 * * 1-5',
      jobLeaseSeconds: 30,
      jobPollMs: 500,
      jobBatchSize: 50,
      jobMaxAttempts: 5,
      jobRunRetentionDays: 30,
    });
    for (const name of ['CONSENT_EXPIRY_CRON', 'RETENTION_CRON', 'RESCORING_CRON', 'PLAN_FOLLOW_UP_CRON']) expect(() => loadConfig({ [name]: 'every night' })).toThrow(new RegExp(name));
    expect(() => loadConfig({ JOB_BATCH_SIZE: '1001' })).toThrow(/JOB_BATCH_SIZE/);
    expect(() => loadConfig({ JOB_LEASE_SECONDS: '1' })).toThrow(/JOB_LEASE_SECONDS/);
  });

  it('builds debtor links on the public base URL, by default the server’s own address', () => {
    expect(loadConfig({}).publicBaseUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '3111' }).publicBaseUrl).toBe('http://localhost:3111');
    expect(loadConfig({ PORT: '3111', PUBLIC_BASE_URL: 'https://betalen.example.nl/draagkracht/' }).publicBaseUrl).toBe('https://betalen.example.nl/draagkracht');
    expect(loadConfig({}, { publicBaseUrl: 'http://127.0.0.1:4000' }).publicBaseUrl).toBe('http://127.0.0.1:4000');
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'betalen.example.nl' })).toThrow(/PUBLIC_BASE_URL/);
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'https://betalen.example.nl/?x=1' })).toThrow(/PUBLIC_BASE_URL/);
    expect(loadConfig({})).toMatchObject({ debtHelpUrl: 'https://www.geldfit.nl', debtHelpPhone: '0800-8115' });
    expect(() => loadConfig({ DEBT_HELP_URL: 'http://insecure.example' })).toThrow(/DEBT_HELP_URL/);
  });

  it('names each invalid variable', () => {
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toContain('PORT');
      expect(message).toContain('LOG_LEVEL');
    }
  });
});
