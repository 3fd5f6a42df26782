/**
 * Bank connections (admins: which banks or aggregator the tenant's debtors can connect to, secrets
 * write-only) and, per consent, the bank authorisations and pulls (creditors: status, history, pull now).
 */
import { Type } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, IsoDateSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { AUTHORISATION_STATUSES, PULL_TRIGGERS } from './bank-connections.table.js';
import { createBankConnection, deleteBankConnection, bankConnectionRow, listBankConnections, toBankConnection, updateBankConnection, type ConnectionContext } from './bank-connections.service.js';
import { listBankAuthorisations, listBankPulls, pullConsentNow, type BankFlowDeps } from './bank-authorisation.service.js';

const KINDS = ['xs2a', 'gocardless'] as const;
const PEM = Type.String({ minLength: 1, maxLength: 20_000 });

const SettingsSchema = Type.Object(
  {
    historyDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 730, description: 'How far back the first pull reads (default 365)' })),
    requestTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, description: 'One call to the bank (default 15000)' })),
    reportTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000, description: 'One account’s report, every page (default 120000)' })),
    maxPages: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Most transaction pages per account (default 500)' })),
    certificatePem: Type.Optional(PEM),
    caPem: Type.Optional(PEM),
    oauthTokenUrl: Type.Optional(Type.String({ minLength: 8, maxLength: 2000 })),
    oauthClientId: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    oauthScope: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
    institutionId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Aggregators: the bank (institution) this connection stands for' })),
  },
  { additionalProperties: false, description: 'Non-secret settings; returned as stored' },
);

const SecretsSchema = Type.Object(
  {
    privateKeyPem: Type.Optional(PEM),
    oauthClientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    secretId: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    secretKey: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false, description: 'Write-only: sealed at rest (AES-256-GCM), never returned or logged. On update, replaces every secret.' },
);

const ConnectionSchema = Type.Object(
  {
    id: UuidSchema,
    displayName: Type.String(),
    kind: StringEnum(KINDS),
    baseUrl: Type.String(),
    settings: SettingsSchema,
    secretNames: Type.Array(Type.String(), { description: 'Which secrets are set (names only)' }),
    enabled: Type.Boolean(),
    createdAt: DateTimeSchema,
    updatedAt: DateTimeSchema,
  },
  { description: 'A way for the tenant’s debtors to connect a bank' },
);

const NullableDateTime = Type.Union([DateTimeSchema, Type.Null()]);
export const BankAuthorisationSchema = Type.Object({
  id: UuidSchema,
  consentId: UuidSchema,
  connectionId: UuidSchema,
  connectionName: Type.String(),
  status: StringEnum(AUTHORISATION_STATUSES, { description: 'redirected (debtor sent to the bank), active (pulled), rejected (denied at the bank), failed (the bank could not start it), ended' }),
  historyFrom: IsoDateSchema,
  createdAt: DateTimeSchema,
  lastPullAt: NullableDateTime,
  lastPullOutcome: Type.Union([Type.String(), Type.Null()]),
  lastSuccessAt: NullableDateTime,
  nextPullAfter: Type.Union([DateTimeSchema, Type.Null()], { description: 'No unattended pull before this (a 429’s Retry-After, or a back-off after a failure)' }),
  lastErrorCode: Type.Union([Type.String(), Type.Null()], { description: 'consent_invalid, consent_expired, access_exceeded, rate_limited, unavailable, malformed, rejected_request, unauthorised_client, …' }),
  lastErrorAt: NullableDateTime,
  pullsToday: Type.Integer({ description: 'Unattended pulls today (tenant time zone); at most the consent’s frequencyPerDay' }),
  endedAt: NullableDateTime,
});

const PullSchema = Type.Object({
  id: UuidSchema,
  authorisationId: UuidSchema,
  trigger: StringEnum(PULL_TRIGGERS),
  startedAt: DateTimeSchema,
  finishedAt: NullableDateTime,
  outcome: Type.String({ description: 'ok, no_accounts, running, consent_ended, or the provider error code' }),
  dateFrom: Type.Union([IsoDateSchema, Type.Null()]),
  accounts: Type.Integer(),
  accepted: Type.Integer(),
  duplicates: Type.Integer(),
  replacedPending: Type.Integer(),
  balances: Type.Integer(),
});

const ConnectionParams = Type.Object({ connectionId: UuidSchema });
const ConsentParams = Type.Object({ consentId: UuidSchema });

export interface BankConnectionServices {
  flow: BankFlowDeps;
  connections: ConnectionContext;
}

export async function bankConnectionRoutes(app: AppInstance, deps: AppDeps, services: BankConnectionServices): Promise<void> {
  const { db } = deps.database;
  const actor = (request: { auth: { keyId: string } | null }) => `api_key:${request.auth!.keyId}`;

  app.post(
    '/v1/bank-connections',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['bank-connections'],
        summary: 'Add a bank connection (a bank’s XS2A API or an aggregator); secrets are write-only',
        body: Type.Object(
          {
            displayName: Type.String({ minLength: 1, maxLength: 100, description: 'What debtors see when they pick their bank' }),
            kind: StringEnum(KINDS),
            baseUrl: Type.String({ minLength: 8, maxLength: 2000, description: 'The API root (before /v1); https' }),
            settings: Type.Optional(SettingsSchema),
            secrets: Type.Optional(SecretsSchema),
            enabled: Type.Optional(Type.Boolean({ default: true })),
          },
          { additionalProperties: false },
        ),
        response: { 201: ConnectionSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const created = await db.transaction().execute(async (trx) => {
        const connection = await createBankConnection(trx, tenantId, request.body, services.connections);
        await recordAudit(trx, { tenantId, actor: actor(request), action: 'bank_connection.created', subjectType: 'bank_connection', subjectId: connection.id, details: { kind: connection.kind, secretNames: connection.secretNames.join(',') } });
        return connection;
      });
      reply.status(201);
      return created;
    },
  );

  app.get(
    '/v1/bank-connections',
    {
      config: { auth: { roles: ['admin'] } },
      schema: { tags: ['bank-connections'], summary: 'The tenant’s bank connections (without secrets)', response: { 200: Type.Object({ items: Type.Array(ConnectionSchema) }), ...problemResponses(...AUTHENTICATED_PROBLEMS) } },
    },
    async (request) => ({ items: await listBankConnections(db, tenantOf(request)) }),
  );

  app.get(
    '/v1/bank-connections/:connectionId',
    {
      config: { auth: { roles: ['admin'] } },
      schema: { tags: ['bank-connections'], summary: 'One bank connection (without secrets)', params: ConnectionParams, response: { 200: ConnectionSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) } },
    },
    async (request) => toBankConnection(await bankConnectionRow(db, tenantOf(request), request.params.connectionId)),
  );

  app.patch(
    '/v1/bank-connections/:connectionId',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['bank-connections'],
        summary: 'Change a bank connection; secrets, when sent, replace all secrets',
        description: 'A disabled connection is not offered to debtors and not refreshed; its authorisations stay until their consents end.',
        params: ConnectionParams,
        body: Type.Object(
          {
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            baseUrl: Type.Optional(Type.String({ minLength: 8, maxLength: 2000 })),
            settings: Type.Optional(SettingsSchema),
            secrets: Type.Optional(SecretsSchema),
            enabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: ConnectionSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      return db.transaction().execute(async (trx) => {
        const connection = await updateBankConnection(trx, tenantId, request.params.connectionId, request.body, services.connections);
        await recordAudit(trx, { tenantId, actor: actor(request), action: 'bank_connection.updated', subjectType: 'bank_connection', subjectId: connection.id, details: { fields: Object.keys(request.body).join(',') } });
        return connection;
      });
    },
  );

  app.delete(
    '/v1/bank-connections/:connectionId',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['bank-connections'],
        summary: 'Delete a bank connection (409 while debtors’ authorisations through it are active)',
        params: ConnectionParams,
        response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 409) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      await db.transaction().execute(async (trx) => {
        await deleteBankConnection(trx, tenantId, request.params.connectionId);
        await recordAudit(trx, { tenantId, actor: actor(request), action: 'bank_connection.deleted', subjectType: 'bank_connection', subjectId: request.params.connectionId, details: {} });
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/consents/:consentId/bank-authorisations',
    {
      config: { auth: { roles: ['creditor', 'analyst'] } },
      schema: {
        tags: ['bank-connections'],
        summary: 'The banks the debtor connected under this consent: status, last pull, last error',
        params: ConsentParams,
        response: { 200: Type.Object({ items: Type.Array(BankAuthorisationSchema) }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => ({ items: await listBankAuthorisations(db, tenantOf(request), request.params.consentId, { now: new Date(), timeZone: deps.config.tenantTimeZone }) }),
  );

  app.post(
    '/v1/consents/:consentId/pulls',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['bank-connections'],
        summary: 'Pull the debtor’s connected banks now',
        description:
          'Counts as an unattended access at the bank: at most the consent’s frequencyPerDay a day together with the scheduled refresh (429 with Retry-After when used up, or while the bank asked us to wait). ' +
          '409 when the consent is not valid or no bank is connected. A failing bank is an outcome in the answer (data unchanged), not an error.',
        params: ConsentParams,
        response: { 200: Type.Object({ items: Type.Array(PullSchema) }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 409, 429) },
      },
    },
    async (request) => {
      const results = await pullConsentNow(db, services.flow, tenantOf(request), request.params.consentId, { now: new Date(), today: deps.today() });
      return { items: results.map(({ consentStatus: _status, ...pull }) => pull) };
    },
  );

  app.get(
    '/v1/consents/:consentId/pulls',
    {
      config: { auth: { roles: ['creditor', 'analyst'] } },
      schema: {
        tags: ['bank-connections'],
        summary: 'Pull history of the consent, newest first',
        params: ConsentParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }),
        response: { 200: Type.Object({ items: Type.Array(PullSchema) }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => ({ items: await listBankPulls(db, tenantOf(request), request.params.consentId, { limit: request.query.limit ?? 100 }) }),
  );
}
