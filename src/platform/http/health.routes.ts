import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { RetryableUnavailableError } from '../database/database-errors.js';
import { problemResponses, StringEnum } from './schemas.js';
import type { AppDeps, AppInstance } from './types.js';

export async function healthRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  // Liveness never touches the database: a database outage must not make the orchestrator restart
  // healthy processes, which recover on their own when the database returns.
  app.get(
    '/healthz',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process answers (the database is not consulted)',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database answers within the readiness timeout',
        description:
          'Reads one row from a service table. When the database does not answer within the readiness timeout (READINESS_TIMEOUT_MS), or answers with an error, this answers 503 with Retry-After, however long the database itself would keep the query waiting.',
        response: {
          200: Type.Object({ status: Type.Literal('ready'), database: StringEnum(['postgres', 'pglite']) }),
          ...problemResponses(503),
        },
      },
    },
    async () => {
      const timeoutMs = deps.config.readinessTimeoutMs;
      // A real table rather than `select 1`: the schema must be there, and a lock that would make
      // requests wait makes readiness wait too, so the probe sees what requests see.
      const probe = sql`select 1 from service_settings limit 1`.execute(deps.database.db);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      let outcome: 'ok' | 'timeout' | 'error';
      try {
        outcome = await Promise.race([probe.then(() => 'ok' as const), timeout]);
      } catch {
        outcome = 'error';
      } finally {
        clearTimeout(timer);
      }
      // The abandoned probe may still fail later; nobody waits for it any more.
      if (outcome === 'timeout') probe.catch(() => {});
      if (outcome !== 'ok') {
        const detail = outcome === 'timeout' ? `the database did not answer within ${timeoutMs} ms` : 'the database does not answer';
        throw new RetryableUnavailableError('service_unavailable', detail, deps.config.dbRetryAfterSeconds);
      }
      return { status: 'ready' as const, database: deps.database.kind };
    },
  );
}
