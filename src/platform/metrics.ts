/**
 * The service's Prometheus metrics: one registry per process, with named metrics that domain code
 * increments (`metrics.scoresComputed.inc({ feature_set })`) and the HTTP layer observes.
 *
 * Why one module-level registry: Prometheus scrapes a process, not an app instance, and domain code
 * must be able to count without being handed a registry through every call. Tests that build several
 * apps in one process share the counters; they read differences, never absolute values.
 *
 * Labels never carry tenant ids, API key ids, debtor ids, link tokens or raw URLs: whoever scrapes
 * /metrics (an operator, a monitoring vendor) would learn which creditors use the service and how much,
 * and every distinct value is a new time series. Routes are labelled by their pattern
 * (`/v1/debtors/:debtorId`), which is bounded and holds no data. Per-tenant usage is in the API and the
 * audit log, where tenant isolation applies.
 *
 * This module does not import Fastify: the HTTP hook lives in src/platform/http/metrics.routes.ts.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DatabaseHandle } from './database/connection.js';

export const registry = new Registry();

// Process metrics (CPU, resident memory, heap, event-loop lag, GC, open file descriptors) from prom-client.
collectDefaultMetrics({ register: registry });

/** Seconds buckets from a fast cached read to a slow upload or scoring batch. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Which state a tracked database is reported in; a set, because tests open many in one process. */
const trackedDatabases = new Set<DatabaseHandle>();
const trackedFeeds = new Set<{ readonly live: boolean }>();

export const metrics = {
  /** Every answered request: rate is rate(..._count), latency from the buckets. */
  httpRequestDuration: new Histogram({
    name: 'draagkracht_http_request_duration_seconds',
    help: 'HTTP requests by route pattern (never the raw URL), method and status class, with their duration',
    labelNames: ['route', 'method', 'status_class'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  /** Requests refused with 429 by the rate limiter, by kind of limit. */
  rateLimited: new Counter({
    name: 'draagkracht_rate_limited_total',
    help: 'Requests refused with 429 by the per-key and per-link rate limits',
    labelNames: ['limit'] as const,
    registers: [registry],
  }),
  /** Risk scores computed (one per debtor scored), by the feature set the model used. */
  scoresComputed: new Counter({
    name: 'draagkracht_risk_scores_computed_total',
    help: 'Risk scores computed, one per debtor scored, by feature set',
    labelNames: ['feature_set'] as const,
    registers: [registry],
  }),
  scoresRemembered: new Counter({
    name: 'draagkracht_risk_scores_remembered_total',
    help: 'Risk scores answered from an instance’s memory (unchanged debtor, same day and as-of date): not recomputed, not stored again',
    labelNames: ['feature_set'] as const,
    registers: [registry],
  }),
  /** Times the change feed forgot everything (lost or regained its listening connection). */
  changeFeedResets: new Counter({
    name: 'draagkracht_change_feed_resets_total',
    help: 'Times the change feed lost or regained its listening connection, so every instance memory was emptied',
    registers: [registry],
  }),
  /** 1 while every change feed of the process listens; 0 means remembered scores and keys are not used. */
  changeFeedLive: new Gauge({
    name: 'draagkracht_change_feed_live',
    help: '1 while the change feed listens (memory of scores and keys in use), 0 while it does not',
    registers: [registry],
    collect() {
      let live = 1;
      for (const feed of trackedFeeds) if (!feed.live) live = 0;
      this.set(trackedFeeds.size === 0 ? 0 : live);
    },
  }),
  /** Bank-data rows ingested from statements, by bank format and outcome. */
  ingestedRows: new Counter({
    name: 'draagkracht_bank_rows_ingested_total',
    help: 'Bank transactions read from uploaded statements, by format and outcome (accepted, duplicate, rejected)',
    labelNames: ['format', 'outcome'] as const,
    registers: [registry],
  }),
  /** Statements ingested, by format. */
  ingestedStatements: new Counter({
    name: 'draagkracht_bank_statements_ingested_total',
    help: 'Bank statements ingested, by format',
    labelNames: ['format'] as const,
    registers: [registry],
  }),
  /** Risk-model training runs that ended, by outcome, with their duration. */
  trainingRuns: new Histogram({
    name: 'draagkracht_training_run_duration_seconds',
    help: 'Risk-model training runs that ended, by outcome (succeeded, failed), with their duration',
    labelNames: ['outcome'] as const,
    buckets: [1, 5, 15, 60, 300, 900, 3600],
    registers: [registry],
  }),
  /** Parts of scheduled job runs finished by this instance (src/jobs/job-runner.ts), by job and outcome. */
  jobParts: new Counter({
    name: 'draagkracht_job_parts_total',
    help: 'Parts of scheduled job runs finished by this instance, by job and outcome (succeeded, retried, failed)',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  }),
  /** Outgoing webhook deliveries, by event type and outcome; for the webhook sender to increment. */
  webhookDeliveries: new Counter({
    name: 'draagkracht_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by event type and outcome (delivered, failed, gave_up)',
    labelNames: ['event', 'outcome'] as const,
    registers: [registry],
  }),
  /** The PostgreSQL pool's connections, read at scrape time. */
  databasePool: new Gauge({
    name: 'draagkracht_database_pool_connections',
    help: 'PostgreSQL pool connections by state: total (open), idle, waiting (requests queued for a connection)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      let total = 0;
      let idle = 0;
      let waiting = 0;
      for (const database of trackedDatabases) {
        if (!database.pool) continue;
        total += database.pool.totalCount;
        idle += database.pool.idleCount;
        waiting += database.pool.waitingCount;
      }
      this.set({ state: 'total' }, total);
      this.set({ state: 'idle' }, idle);
      this.set({ state: 'waiting' }, waiting);
    },
  }),
  /** 1 for the kind of database in use (postgres or pglite); the embedded PGlite has no pool to report. */
  databaseInfo: new Gauge({
    name: 'draagkracht_database_info',
    help: 'The database the process uses (1 for its kind: postgres or pglite)',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const database of trackedDatabases) this.set({ kind: database.kind }, 1);
    },
  }),
};

/** Reports the database's pool (PostgreSQL) or kind at scrape time until the returned function is called. */
export function trackDatabase(database: DatabaseHandle): () => void {
  trackedDatabases.add(database);
  return () => {
    trackedDatabases.delete(database);
  };
}

/** Reports whether the feed listens, at scrape time, until the returned function is called. */
export function trackChangeFeed(feed: { readonly live: boolean }): () => void {
  trackedFeeds.add(feed);
  return () => {
    trackedFeeds.delete(feed);
  };
}

/** "2xx", "4xx", …: bounded, and enough to tell success from refusal from failure. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

