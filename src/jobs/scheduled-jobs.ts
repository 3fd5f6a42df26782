/**
 * Jobs the server runs on a schedule. Consent expiry is enforced on every use as well, but a consent
 * nobody touches must still end on its last day and take its bank data with it: this sweep makes
 * sure of that within the hour, across all tenants.
 */
import cron from 'node-cron';
import type { DatabaseHandle } from '../platform/database/connection.js';
import { expireConsents } from '../consent/consent.service.js';
import { countJobRun } from '../platform/metrics.js';

export interface JobLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ScheduledJobs {
  stop(): Promise<void>;
}

/** Runs the sweep once now (a restart after a long stop catches up) and then every hour. */
export function startScheduledJobs(database: DatabaseHandle, log: JobLogger, today: () => string = () => new Date().toISOString().slice(0, 10)): ScheduledJobs {
  let running: Promise<void> | null = null;
  const sweep = () => {
    // One sweep at a time: a slow sweep must not overlap the next tick.
    running ??= countJobRun('consent_expiry', () => expireConsents(database.db, today()))
      .then((expired) => {
        if (expired > 0) log.info({ expired }, 'expired consents and erased their bank data');
      })
      .catch((error: unknown) => log.error({ err: error }, 'consent expiry sweep failed'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  void sweep();
  const task = cron.schedule('7 * * * *', () => void sweep(), { name: 'consent-expiry' });
  return {
    async stop() {
      await task.stop();
      await running;
    },
  };
}
