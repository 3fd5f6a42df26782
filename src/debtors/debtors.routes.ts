import { Type } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { createOrGetDebtor, getDebtor, listDebtors, updateSegments } from './debtor.service.js';
import { AGE_BANDS, HOUSEHOLD_TYPES, INCOME_SOURCES, REGIONS } from './debtor-segments.js';

export const HouseholdSchema = Type.Object(
  {
    composition: Type.Optional(StringEnum(['single', 'couple', 'single_parent', 'couple_with_children'] as const, { description: 'Household type for the protected-income norm' })),
    children: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
    pensionAge: Type.Optional(Type.Boolean({ description: 'Whether the debtor has reached state pension (AOW) age' })),
  },
  { additionalProperties: false },
);

export const SegmentsSchema = Type.Object(
  {
    household_type: Type.Optional(StringEnum(HOUSEHOLD_TYPES, { description: 'Household type' })),
    income_source: Type.Optional(StringEnum(INCOME_SOURCES, { description: 'Main source of income' })),
    age_band: Type.Optional(StringEnum(AGE_BANDS, { description: 'Age band in years' })),
    region: Type.Optional(StringEnum(REGIONS, { description: 'Part of the country (CBS landsdeel)' })),
  },
  {
    additionalProperties: false,
    description:
      'Groups a model report compares (every metric per group, and the gaps between groups). Never a model feature: no score reads them. Each is optional; send only what you know.',
  },
);

export const DebtorSchema = Type.Object(
  {
    id: UuidSchema,
    externalRef: Type.String({ description: 'The creditor’s own reference for the debtor' }),
    displayName: Type.Union([Type.String(), Type.Null()]),
    household: Type.Union([HouseholdSchema, Type.Null()]),
    segments: Type.Union([SegmentsSchema, Type.Null()]),
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
            segments: Type.Optional(SegmentsSchema),
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

  app.put(
    '/v1/debtors/:debtorId/segments',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['debtors'],
        summary: 'Replace the debtor’s segments (household type, income source, age band, region) used to compare groups in model reports',
        description: 'The whole set is replaced: a segment left out is cleared; {} clears them all. Reports built on data trained after the change group the debtor accordingly.',
        params: DebtorParamsSchema,
        body: SegmentsSchema,
        response: { 200: Type.Ref('Debtor'), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const { debtorId } = request.params;
      return db.transaction().execute(async (trx) => {
        const debtor = await updateSegments(trx, tenantId, debtorId, request.body);
        await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'debtor.segments_updated', subjectType: 'debtor', subjectId: debtorId, details: { segments: Object.keys(request.body).sort().join(',') } });
        return debtor;
      });
    },
  );
}
