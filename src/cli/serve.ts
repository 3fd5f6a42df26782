import { buildApp } from '../app.js';
import type { Config } from '../platform/config.js';
import { openDatabase } from '../platform/database/open.js';
import { loadDemoWorld, seedDemoIfEmpty } from '../demo/demo-seed.js';
import { injectClient } from './inject-client.js';
import { parseRetrySchedule, WebhookDispatcher } from '../webhooks/dispatcher.js';

/** Runs the API until SIGINT/SIGTERM, then drains in-flight requests and closes the database. */
export async function serveCommand(config: Config): Promise<number> {
  const database = await openDatabase(config);
  const app = await buildApp(config, { database });
  let demoKey: string | null = null;
  if (config.demo) {
    const seeded = await seedDemoIfEmpty(database);
    if (seeded.created) {
      const lines = seeded.keys.map((k) => `  ${k.role.padEnd(9)} ${k.key}`).join('\n');
      process.stdout.write(`\nDemo tenant "demo" created. Its API keys (shown once, only hashes are stored):\n${lines}\n\n`);
      demoKey = seeded.keys.find((k) => k.role === 'creditor')!.key;
    }
  }
  const webhooks = config.webhooksEnabled
    ? new WebhookDispatcher({
        db: database.db,
        retryScheduleSeconds: parseRetrySchedule(config.webhookRetrySchedule),
        timeoutMs: config.webhookTimeoutMs,
        allowHttpLocalhost: config.webhookAllowHttpLocalhost,
        batchSize: config.webhookBatchSize,
        pollMs: config.webhookPollMs,
        log: app.log,
      })
    : null;
  webhooks?.start();
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('graceful shutdown timed out');
      process.exit(1);
    }, config.shutdownGraceSeconds * 1000 + 5000);
    timer.unref();
    // The part in progress finishes (or its lease runs out and another instance takes it over).
    await app.jobRunner.stop();
    // Before the database closes, so the outcomes of attempts in flight are recorded.
    await webhooks?.stop();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  // Every instance may run the jobs: each slot runs once across them (src/jobs/job-runner.ts).
  if (config.jobsEnabled) app.jobRunner.start();
  process.stdout.write(`Draagkracht listens on http://${config.host}:${config.port} (database: ${database.kind}); API docs at /docs\n`);
  if (demoKey) {
    // Loaded after listening, through the API itself, so the server answers at once while data arrives.
    const today = new Date().toISOString().slice(0, 10);
    loadDemoWorld(injectClient(app, demoKey), today, (message) => process.stdout.write(`${message}\n`)).then(
      (n) => process.stdout.write(`demo data ready: ${n} households with consent, bank data and data points (GET /v1/debtors)\n`),
      (error: unknown) => app.log.error({ err: error }, 'loading demo data failed'),
    );
  }
  return 0;
}
