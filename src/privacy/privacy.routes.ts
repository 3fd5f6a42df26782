import { Type } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, problemResponses } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { DebtorParamsSchema } from '../debtors/debtors.routes.js';
import { ConsentSchema } from '../consent/consent.routes.js';
import { AccountSchema, BalanceSchema, TransactionSchema } from '../bank-data/bank-data.routes.js';
import { eraseDebtor, exportDebtor } from './privacy.service.js';
import { CorrectionSchema } from '../categorisation-corrections/corrections.routes.js';
import type { DataPointEvent } from '../data-points/data-point.schema.js';

export async function privacyRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { db } = deps.database;

  app.get(
    '/v1/debtors/:debtorId/export',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['privacy'],
        summary: 'Everything held on a debtor (GDPR art. 15 access request)',
        params: DebtorParamsSchema,
        response: {
          200: Type.Object({
            exportedAt: DateTimeSchema,
            debtor: Type.Ref('Debtor'),
            consents: Type.Array(ConsentSchema),
            accounts: Type.Array(AccountSchema),
            transactions: Type.Array(TransactionSchema),
            balances: Type.Array(BalanceSchema),
            dataPoints: Type.Array(Type.Unsafe<DataPointEvent>({ type: 'object' })),
            categoryCorrections: Type.Array(CorrectionSchema),
          }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS, 404),
        },
      },
    },
    async (request) => exportDebtor(db, tenantOf(request), request.params.debtorId, new Date()),
  );

  app.delete(
    '/v1/debtors/:debtorId',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['privacy'],
        summary: 'Erase a debtor and everything held on them (GDPR art. 17); the audit trail keeps counts only',
        params: DebtorParamsSchema,
        response: { 204: Type.Null({ description: 'Erased' }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      await db.transaction().execute((trx) => eraseDebtor(trx, tenantId, request.params.debtorId, `api_key:${request.auth!.keyId}`));
      return reply.status(204).send(null);
    },
  );
}
