/**
 * The scheduled model monitoring: at MONITORING_CRON (in the tenants' time zone) every champion of
 * every tenant is read over the last window (ModelMonitor.runAllChampions). One run at a time: a tick
 * that comes while a run is still going is skipped, not queued. A failure is logged, never thrown, so
 * the job can never take the server down; stop() ends the schedule and waits for a run in progress.
 *
 * The scheduler is injectable: tests hand in their own and fire ticks when they choose.
 */
import cron from 'node-cron';
import type { JobLogger } from './scheduled-jobs.js';
import { countJobRun } from '../platform/metrics.js';

/** What a scheduler returns: something to stop. node-cron's ScheduledTask fits. */
export interface ScheduledTick {
  stop(): void | Promise<void>;
}

export type Scheduler = (expression: string, tick: () => void, options: { name: string; timezone: string }) => ScheduledTick;

export const cronScheduler: Scheduler = (expression, tick, options) => cron.schedule(expression, tick, options);

export interface MonitoringJobOptions {
  cron: string;
  timezone: string;
  /** One monitoring run; what it resolves to is logged. */
  run: () => Promise<{ points: number; drifting: unknown[]; failed: unknown[] }>;
  log: JobLogger;
  scheduler?: Scheduler;
}

export interface MonitoringJob {
  /** Runs now unless a run is going (then resolves when that one ends); never rejects. */
  trigger(): Promise<void>;
  stop(): Promise<void>;
}

export function startMonitoringJob(options: MonitoringJobOptions): MonitoringJob {
  let running: Promise<void> | null = null;
  let stopped = false;
  const trigger = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    running ??= countJobRun('model_monitoring', options.run)
      .then((result) => {
        // A model that could not be read is an error someone must look at; drift is a finding, logged with its models.
        const level = result.failed.length > 0 ? 'error' : 'info';
        options.log[level]({ points: result.points, drifting: result.drifting, failed: result.failed }, result.drifting.length > 0 ? 'model monitoring flagged drift' : 'model monitoring done');
      })
      .catch((error: unknown) => options.log.error({ err: error }, 'model monitoring failed'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  const task = (options.scheduler ?? cronScheduler)(options.cron, () => void trigger(), { name: 'model-monitoring', timezone: options.timezone });
  return {
    trigger,
    async stop() {
      stopped = true;
      await task.stop();
      await running;
    },
  };
}
