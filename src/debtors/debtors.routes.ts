import { Type } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { createOrGetDebtor, getDebtor, listDebtors } from './debtor.service.js';

export const HouseholdSchema = Type.Object(
  {
    composition: Type.Optional(StringEnum(['single', 'couple', 'single_parent', 'couple_with_children'] as const, { description: 'Household type for the protected-income norm' })),
    children: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
    pensionAge: Type.Optional(Type.Boolean({ description: 'Whether the debtor has reached state pension (AOW) age' })),
  },
  { additionalProperties: false },
);

export const DebtorSchema = Type.Object(
  {
    id: UuidSchema,
    externalRef: Type.String({ description: 'The creditor’s own reference for the debtor' }),
    displayName: Type.Union([Type.String(), Type.Null()]),
    household: Type.Union([HouseholdSchema, Type.Null()]),
    createdAt: DateTimeSchema,
  },
  { $id: 'Debtor' },
);

export const DebtorParamsSchema = Type.Object({ debtorId: UuidSchema });

export async function debtorRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { db } = deps.database;

  app.post(
    '/v1/debtors',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['debtors'],
        summary: 'Register a debtor (idempotent on externalRef: resending returns the existing debtor with 200)',
        body: Type.Object(
          {
            externalRef: Type.String({ minLength: 1, maxLength: 128 }),
            displayName: Type.Optional(Type.String({ maxLength: 200 })),
            household: Type.Optional(HouseholdSchema),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Debtor'), 201: Type.Ref('Debtor'), ...problemResponses(...AUTHENTICATED_PROBLEMS) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const { debtor, created } = await db.transaction().execute(async (trx) => {
        const result = await createOrGetDebtor(trx, tenantId, request.body);
        if (result.created) await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'debtor.created', subjectType: 'debtor', subjectId: result.debtor.id });
        return result;
      });
      reply.status(created ? 201 : 200);
      return debtor;
    },
  );

  app.get(
    '/v1/debtors',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['debtors'],
        summary: 'List debtors, oldest first, or find one by externalRef',
        querystring: Type.Object({
          externalRef: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref('Debtor')), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS),
        },
      },
    },
    async (request) =>
      listDebtors(db, tenantOf(request), {
        limit: request.query.limit ?? 100,
        ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
        ...(request.query.externalRef ? { externalRef: request.query.externalRef } : {}),
      }),
  );

  app.get(
    '/v1/debtors/:debtorId',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['debtors'],
        summary: 'One debtor',
        params: DebtorParamsSchema,
        response: { 200: Type.Ref('Debtor'), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => getDebtor(db, tenantOf(request), request.params.debtorId),
  );
}
