import { Type } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, IsoDateSchema, problemResponses } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { DebtorParamsSchema } from '../debtors/debtors.routes.js';
import { DATA_POINT_SCHEMAS_BY_TYPE, MAX_EVENTS_PER_BATCH, type DataPointBatch, type DataPointEvent } from './data-point.schema.js';
import { ingestDataPoints, listDataPointsPage, signalsAsOf } from './data-point.service.js';

/**
 * The event union tagged by `type`, so validation reports the errors of the variant that was meant
 * (not of all sixteen) and OpenAPI readers see the discriminator.
 */
const DataPointEventBodySchema = Type.Unsafe<DataPointEvent>({
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: Object.values(DATA_POINT_SCHEMAS_BY_TYPE),
  description: 'One data point about a debtor; `type` selects the variant.',
});

const BatchBodySchema = Type.Unsafe<DataPointBatch>(
  Type.Object(
    { events: Type.Array(DataPointEventBodySchema, { minItems: 1, maxItems: MAX_EVENTS_PER_BATCH }) },
    { additionalProperties: false },
  ),
);

// additionalProperties: without it the response serializer writes every stored event as {}.
const EventsResponse = Type.Object({
  items: Type.Array(Type.Unsafe<DataPointEvent>({ type: 'object', additionalProperties: true, description: 'A stored data point, as accepted' })),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page' }),
});

const SignalsSchema = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  additionalProperties: true,
  description:
    'Payment-behaviour signals as of the date: days past due per open invoice, payment delay trend, returned direct debits by reason class (90/180/365 days), days since bank-account/contact/address changes, median response time, promises kept/broken, open balance, outcomes so far.',
});

export async function dataPointRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { db } = deps.database;

  app.post(
    '/v1/data-points',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['data-points'],
        summary: 'Send a batch of payment-behaviour data points and outcomes (atomic; idempotent by eventId)',
        description:
          'Invoices, payments, direct debits collected and returned (with ISO reason codes), reminders and answers, promises, changed bank account/contact/address, and outcomes (arrears 30/60/90, collection, write-off, paid in full, arrangements). Debtors are matched by debtorRef and registered when new. A batch with any invalid event is refused whole (422, with each failing event’s JSON pointer).',
        body: BatchBodySchema,
        response: {
          200: Type.Object({ accepted: Type.Integer(), duplicates: Type.Integer(), debtorsCreated: Type.Integer() }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS, 409, 422),
        },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      return db.transaction().execute(async (trx) => {
        const result = await ingestDataPoints(trx, tenantId, request.body, { today: deps.today() });
        await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'data_points.received', subjectType: 'tenant', subjectId: tenantId, details: { ...result } });
        return result;
      });
    },
  );

  app.get(
    '/v1/debtors/:debtorId/data-points',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['data-points'],
        summary: 'The debtor’s data points, oldest first (optionally only those dated on or before asOf), a page at a time',
        params: DebtorParamsSchema,
        querystring: Type.Object({
          asOf: Type.Optional(IsoDateSchema),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1000 })),
          cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
        }),
        response: { 200: EventsResponse, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) =>
      listDataPointsPage(db, tenantOf(request), request.params.debtorId, {
        limit: request.query.limit ?? 1000,
        ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
        ...(request.query.asOf ? { asOf: request.query.asOf } : {}),
      }),
  );

  app.get(
    '/v1/debtors/:debtorId/signals',
    {
      config: { auth: { roles: ['creditor', 'analyst'] } },
      schema: {
        tags: ['data-points'],
        summary: 'Payment-behaviour signals as of a date (nothing dated later is used)',
        params: DebtorParamsSchema,
        querystring: Type.Object({ asOf: Type.Optional(IsoDateSchema) }),
        response: { 200: Type.Object({ asOf: IsoDateSchema, signals: SignalsSchema }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => {
      const asOf = request.query.asOf ?? deps.today();
      return { asOf, signals: (await signalsAsOf(db, tenantOf(request), request.params.debtorId, asOf)) as unknown as Record<string, unknown> };
    },
  );
}
