/**
 * Webhooks: admins register endpoints (the secret is shown once, on create or rotation), admins and
 * analysts read the delivery log and the outbox, and admins put a dead delivery back in the queue.
 */
import { Type } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { WEBHOOK_EVENT_TYPE_NAMES } from './events.js';
import { DELIVERY_STATUSES } from './webhooks.table.js';
import { createEndpoint, deleteEndpoint, updateEndpoint, listDeliveries, listEndpoints, listEvents, retryDelivery, rotateEndpointSecret } from './webhooks.service.js';

const EVENT_TYPES_DESCRIPTION = `Event types to receive, or ["*"] for all: ${WEBHOOK_EVENT_TYPE_NAMES.join(', ')}`;

export const WebhookEndpointSchema = Type.Object(
  {
    id: UuidSchema,
    url: Type.String(),
    eventTypes: Type.Array(Type.String(), { description: EVENT_TYPES_DESCRIPTION }),
    enabled: Type.Boolean(),
    createdAt: DateTimeSchema,
    secretRotatedAt: Type.Union([DateTimeSchema, Type.Null()]),
  },
  { description: 'Where the tenant’s events are sent' },
);

const EndpointWithSecretSchema = Type.Object({
  endpoint: WebhookEndpointSchema,
  secret: Type.String({ description: 'Standard Webhooks secret ("whsec_" + base64); shown only now. Verify webhook-signature with it.' }),
});

export const WebhookEventSchema = Type.Object(
  {
    id: UuidSchema,
    seq: Type.Integer({ description: 'Position in the outbox; events of one debtor reach an endpoint in this order' }),
    type: StringEnum(WEBHOOK_EVENT_TYPE_NAMES),
    debtorId: Type.Union([UuidSchema, Type.Null()]),
    subject: Type.Object({ type: Type.String(), id: Type.String() }),
    data: Type.Object({}, { additionalProperties: true, description: 'Ids, codes, dates and figures; no personal data' }),
    occurredAt: DateTimeSchema,
  },
  { description: 'An event in the outbox' },
);

const DeliverySchema = Type.Object(
  {
    id: UuidSchema,
    eventId: UuidSchema,
    eventType: Type.String(),
    endpointId: UuidSchema,
    debtorId: Type.Union([UuidSchema, Type.Null()]),
    status: StringEnum(DELIVERY_STATUSES),
    attempts: Type.Integer({ description: 'Attempts made (reset to 0 by a retry of a dead delivery)' }),
    nextAttemptAt: Type.Union([DateTimeSchema, Type.Null()], { description: 'When a pending delivery is due (it also waits for earlier pending events of its debtor)' }),
    lastAttemptAt: Type.Union([DateTimeSchema, Type.Null()]),
    lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    deliveredAt: Type.Union([DateTimeSchema, Type.Null()]),
    createdAt: DateTimeSchema,
  },
  { description: 'One event sent (or to be sent) to one endpoint' },
);

const EndpointParams = Type.Object({ endpointId: UuidSchema });
const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 30, description: 'Opaque cursor from the previous page' })),
};

export async function webhookRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { db } = deps.database;
  const actor = (request: { auth: { keyId: string } | null }) => `api_key:${request.auth!.keyId}`;

  app.post(
    '/v1/webhook-endpoints',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['webhooks'],
        summary: 'Register a webhook endpoint; its secret is in this answer only',
        description: 'The URL must be https. Events written from now on are sent to it, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).',
        body: Type.Object(
          {
            url: Type.String({ minLength: 8, maxLength: 2000 }),
            eventTypes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 50, description: EVENT_TYPES_DESCRIPTION }),
            enabled: Type.Optional(Type.Boolean({ default: true, description: 'A disabled endpoint gets no deliveries for events written while it is disabled, and its pending ones wait' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: EndpointWithSecretSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const created = await db.transaction().execute(async (trx) => {
        const result = await createEndpoint(trx, tenantId, request.body, { allowHttpLocalhost: deps.config.webhookAllowHttpLocalhost });
        await recordAudit(trx, { tenantId, actor: actor(request), action: 'webhook_endpoint.created', subjectType: 'webhook_endpoint', subjectId: result.endpoint.id, details: { eventTypes: result.endpoint.eventTypes.join(',') } });
        return result;
      });
      reply.status(201);
      return created;
    },
  );

  app.get(
    '/v1/webhook-endpoints',
    {
      config: { auth: { roles: ['admin', 'analyst'] } },
      schema: { tags: ['webhooks'], summary: 'The tenant’s webhook endpoints (without secrets)', response: { 200: Type.Object({ items: Type.Array(WebhookEndpointSchema) }), ...problemResponses(...AUTHENTICATED_PROBLEMS) } },
    },
    async (request) => ({ items: await listEndpoints(db, tenantOf(request)) }),
  );

  app.patch(
    '/v1/webhook-endpoints/:endpointId',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['webhooks'],
        summary: 'Change an endpoint’s URL, event types or enabled flag',
        description: 'While disabled, events written get no delivery to it and its pending deliveries wait; enabling it again resumes them in order.',
        params: EndpointParams,
        body: Type.Object(
          {
            url: Type.Optional(Type.String({ minLength: 8, maxLength: 2000 })),
            eventTypes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 50, description: EVENT_TYPES_DESCRIPTION })),
            enabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: WebhookEndpointSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      return db.transaction().execute(async (trx) => {
        const endpoint = await updateEndpoint(trx, tenantId, request.params.endpointId, request.body, { allowHttpLocalhost: deps.config.webhookAllowHttpLocalhost });
        await recordAudit(trx, { tenantId, actor: actor(request), action: 'webhook_endpoint.updated', subjectType: 'webhook_endpoint', subjectId: endpoint.id, details: { fields: Object.keys(request.body).join(','), enabled: endpoint.enabled } });
        return endpoint;
      });
    },
  );

  app.delete(
    '/v1/webhook-endpoints/:endpointId',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['webhooks'],
        summary: 'Remove an endpoint with its delivery log; pending deliveries to it are dropped',
        params: EndpointParams,
        response: { 204: Type.Null({ description: 'Removed' }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      await db.transaction().execute(async (trx) => {
        await deleteEndpoint(trx, tenantId, request.params.endpointId);
        await recordAudit(trx, { tenantId, actor: actor(request), action: 'webhook_endpoint.deleted', subjectType: 'webhook_endpoint', subjectId: request.params.endpointId, details: {} });
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/webhook-endpoints/:endpointId/rotate-secret',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['webhooks'],
        summary: 'Replace the endpoint’s secret; the new one is in this answer only and signs every attempt from now on',
        description: 'The old secret keeps signing beside the new one for WEBHOOK_SECRET_OVERLAP_HOURS (default 24): each attempt then carries two signatures in webhook-signature, so the receiver can switch without refusing events. The overlap ends early at the next rotation.',
        params: EndpointParams,
        response: { 200: EndpointWithSecretSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      return db.transaction().execute(async (trx) => {
        const result = await rotateEndpointSecret(trx, tenantId, request.params.endpointId, { overlapHours: deps.config.webhookSecretOverlapHours });
        await recordAudit(trx, { tenantId, actor: actor(request), action: 'webhook_endpoint.secret_rotated', subjectType: 'webhook_endpoint', subjectId: result.endpoint.id, details: {} });
        return result;
      });
    },
  );

  app.get(
    '/v1/webhook-endpoints/:endpointId/deliveries',
    {
      config: { auth: { roles: ['admin', 'analyst'] } },
      schema: {
        tags: ['webhooks'],
        summary: 'The endpoint’s delivery log, newest event first',
        params: EndpointParams,
        querystring: Type.Object({ status: Type.Optional(StringEnum(DELIVERY_STATUSES)), ...PageQuery }),
        response: { 200: Type.Object({ items: Type.Array(DeliverySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) =>
      listDeliveries(db, tenantOf(request), request.params.endpointId, {
        limit: request.query.limit ?? 100,
        ...(request.query.status ? { status: request.query.status } : {}),
        ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
      }),
  );

  app.post(
    '/v1/webhook-deliveries/:deliveryId/retry',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['webhooks'],
        summary: 'Put a dead delivery back in the queue with a fresh retry schedule',
        params: Type.Object({ deliveryId: UuidSchema }),
        response: { 200: DeliverySchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 409) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      return db.transaction().execute(async (trx) => {
        const delivery = await retryDelivery(trx, tenantId, request.params.deliveryId);
        await recordAudit(trx, { tenantId, actor: actor(request), action: 'webhook_delivery.retried', subjectType: 'webhook_delivery', subjectId: delivery.id, details: { eventId: delivery.eventId } });
        return delivery;
      });
    },
  );

  app.get(
    '/v1/webhook-events',
    {
      config: { auth: { roles: ['admin', 'analyst'] } },
      schema: {
        tags: ['webhooks'],
        summary: 'The tenant’s outbox: every event written, newest first, whether or not an endpoint receives it',
        querystring: Type.Object({ type: Type.Optional(StringEnum(WEBHOOK_EVENT_TYPE_NAMES)), debtorId: Type.Optional(UuidSchema), ...PageQuery }),
        response: { 200: Type.Object({ items: Type.Array(WebhookEventSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses(...AUTHENTICATED_PROBLEMS) },
      },
    },
    async (request) =>
      listEvents(db, tenantOf(request), {
        limit: request.query.limit ?? 100,
        ...(request.query.type ? { type: request.query.type } : {}),
        ...(request.query.debtorId ? { debtorId: request.query.debtorId } : {}),
        ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
      }),
  );
}
