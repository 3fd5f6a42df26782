import { Type } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { notFound } from '../platform/errors.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-key.service.js';
import { API_KEY_ROLES } from './tenant.table.js';

const RoleSchema = StringEnum(API_KEY_ROLES);

const ApiKeySummarySchema = Type.Object({
  id: UuidSchema,
  role: RoleSchema,
  label: Type.Union([Type.String(), Type.Null()]),
  prefix: Type.String({ description: 'The first characters of the key, to recognise it' }),
  createdAt: DateTimeSchema,
  revokedAt: Type.Union([DateTimeSchema, Type.Null()]),
  lastUsedAt: Type.Union([DateTimeSchema, Type.Null()]),
});

export async function tenantRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { db } = deps.database;

  app.get(
    '/v1/tenant',
    {
      config: { auth: { roles: ['creditor', 'analyst', 'admin'] } },
      schema: {
        tags: ['tenant'],
        summary: 'The tenant (creditor) the API key belongs to, and the key’s role',
        response: {
          200: Type.Object({ id: Type.String(), name: Type.String(), role: RoleSchema, createdAt: DateTimeSchema }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS),
        },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const tenant = await db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
      if (!tenant) throw notFound('tenant');
      return { id: tenant.id, name: tenant.name, role: request.auth!.role, createdAt: new Date(tenant.created_at).toISOString() };
    },
  );

  app.get(
    '/v1/api-keys',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['tenant'],
        summary: 'List the tenant’s API keys (never the secrets)',
        response: { 200: Type.Object({ items: Type.Array(ApiKeySummarySchema) }), ...problemResponses(...AUTHENTICATED_PROBLEMS) },
      },
    },
    async (request) => ({ items: await listApiKeys(db, tenantOf(request)) }),
  );

  app.post(
    '/v1/api-keys',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['tenant'],
        summary: 'Create an API key; the secret is in this response only',
        body: Type.Object({ role: RoleSchema, label: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
        response: {
          201: Type.Object({
            id: UuidSchema,
            role: RoleSchema,
            label: Type.Union([Type.String(), Type.Null()]),
            prefix: Type.String(),
            key: Type.String({ description: 'The secret. Store it now: it cannot be shown again.' }),
            createdAt: DateTimeSchema,
          }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS),
        },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const created = await db.transaction().execute(async (trx) => {
        const key = await createApiKey(trx, { tenantId, role: request.body.role, label: request.body.label ?? null });
        await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'api_key.created', subjectType: 'api_key', subjectId: key.id, details: { role: key.role } });
        return key;
      });
      reply.status(201);
      return { id: created.id, role: created.role, label: created.label, prefix: created.prefix, key: created.key, createdAt: created.createdAt };
    },
  );

  app.delete(
    '/v1/api-keys/:keyId',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['tenant'],
        summary: 'Revoke an API key; it stops working at once',
        params: Type.Object({ keyId: UuidSchema }),
        response: { 204: Type.Null({ description: 'Revoked' }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      await db.transaction().execute(async (trx) => {
        await revokeApiKey(trx, tenantId, request.params.keyId);
        await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'api_key.revoked', subjectType: 'api_key', subjectId: request.params.keyId });
      });
      return reply.status(204).send(null);
    },
  );
}
