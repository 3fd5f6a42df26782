import { buildApp } from '../app.js';
import type { Config } from '../platform/config.js';
import { openDatabase } from '../platform/database/open.js';
import { DEMO_TENANT_ID, loadDemoWorld, seedDemoIfEmpty } from '../demo/demo-seed.js';
import { ensureDemoBankConnection } from '../bank-connections/demo-connection.js';
import { injectClient } from './inject-client.js';
import { parseRetrySchedule, WebhookDispatcher } from '../webhooks/dispatcher.js';
import { startDemoSandboxBank } from '../sandbox-bank/demo-sandbox-bank.js';
import type { SandboxBank } from '../sandbox-bank/sandbox-bank.js';

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
  // The demo's world and the sandbox bank's must end on the same day, so both take this one.
  const today = new Date().toISOString().slice(0, 10);
  let sandboxBank: SandboxBank | null = null;
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
    await sandboxBank?.close();
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
  // Demo mode: a Berlin Group XS2A sandbox bank serving the demo's world (SANDBOX_BANK=off to skip).
  // It failing to start (a port in use) leaves the API running: the demo works without it.
  try {
    sandboxBank = await startDemoSandboxBank(config, today);
    if (sandboxBank) {
      process.stdout.write(`Sandbox bank (Berlin Group XS2A) listens on ${sandboxBank.url}; PSU ids household-0000 … ${sandboxBank.world.psuIdOf(sandboxBank.world.size - 1)}\n`);
      // The demo tenant's debtors can "connect their bank" to it from their page at once.
      // (Only where the demo tenant exists: a database seeded before holds other tenants only.)
      const demoTenant = await database.db.selectFrom('tenants').select('id').where('id', '=', DEMO_TENANT_ID).executeTakeFirst();
      if (demoTenant) await ensureDemoBankConnection(database.db, DEMO_TENANT_ID, sandboxBank.url);
    }
  } catch (error) {
    app.log.error({ err: error }, 'the sandbox bank did not start (SANDBOX_BANK_PORT in use?); the API runs without it');
  }
  if (demoKey) {
    // Loaded after listening, through the API itself, so the server answers at once while data arrives.
    loadDemoWorld(injectClient(app, demoKey), today, (message) => process.stdout.write(`${message}\n`)).then(
      (n) => process.stdout.write(`demo data ready: ${n} households with consent, bank data and data points (GET /v1/debtors)\n`),
      (error: unknown) => app.log.error({ err: error }, 'loading demo data failed'),
    );
  }
  return 0;
}
