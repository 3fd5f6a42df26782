/**
 * The scheduled monitoring job with an injected scheduler: a tick runs the monitoring; ticks during a
 * run do not start a second one; a failure is logged and the next tick runs again; stop() ends the
 * schedule and waits for the run in progress.
 */
import { describe, expect, it } from 'vitest';
import { startMonitoringJob, type Scheduler } from '../../src/jobs/monitoring-job.js';

function fakeScheduler() {
  const state = { tick: null as (() => void) | null, stopped: false, expression: '', timezone: '' };
  const scheduler: Scheduler = (expression, tick, options) => {
    Object.assign(state, { tick, expression, timezone: options.timezone });
    return { stop: () => void (state.stopped = true) };
  };
  return { state, scheduler };
}

describe('scheduled model monitoring', () => {
  it('runs once per tick, never two at a time, logs failures and stops after the run in progress', async () => {
    const { state, scheduler } = fakeScheduler();
    const messages: [string, object, string][] = [];
    const log = { info: (d: object, m: string) => messages.push(['info', d, m]), error: (d: object, m: string) => messages.push(['error', d, m]) };
    let runs = 0;
    let release: () => void = () => undefined;
    let fail = false;
    const job = startMonitoringJob({
      cron: '17 3 * * *',
      timezone: 'Europe/Amsterdam',
      log,
      scheduler,
      run: async () => {
        runs++;
        if (fail) throw new Error('database away');
        await new Promise<void>((resolve) => (release = resolve));
        return { points: 2, drifting: [{ modelId: 'm' }], failed: [] };
      },
    });
    expect(state).toMatchObject({ expression: '17 3 * * *', timezone: 'Europe/Amsterdam' });

    state.tick!();
    state.tick!();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(runs).toBe(1);
    release();
    await job.trigger();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(messages[0]).toEqual(['info', { points: 2, drifting: [{ modelId: 'm' }], failed: [] }, 'model monitoring flagged drift']);

    fail = true;
    const before = runs;
    await job.trigger();
    expect(runs).toBe(before + 1);
    expect(messages.at(-1)![0]).toBe('error');
    expect(messages.at(-1)![2]).toBe('model monitoring failed');

    fail = false;
    state.tick!();
    let stoppedAfterRun = false;
    const stopping = job.stop().then(() => (stoppedAfterRun = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(state.stopped).toBe(true);
    expect(stoppedAfterRun).toBe(false);
    release();
    await stopping;
    const runsAtStop = runs;
    state.tick!();
    await job.trigger();
    expect(runs).toBe(runsAtStop);
  });
});
