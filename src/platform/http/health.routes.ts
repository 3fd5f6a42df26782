import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { AppError } from '../errors.js';
import { problemResponses, StringEnum } from './schemas.js';
import type { AppDeps, AppInstance } from './types.js';

export async function healthRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  app.get(
    '/healthz',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process answers',
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
        summary: 'Readiness: the database answers',
        response: {
          200: Type.Object({ status: Type.Literal('ready'), database: StringEnum(['postgres', 'pglite']) }),
          ...problemResponses(503),
        },
      },
    },
    async () => {
      try {
        await sql`select 1`.execute(deps.database.db);
      } catch {
        throw new AppError('service_unavailable', 'the database does not answer');
      }
      return { status: 'ready' as const, database: deps.database.kind };
    },
  );
}
