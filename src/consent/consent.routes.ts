import { Type } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, IsoDateSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { AppError } from '../platform/errors.js';
import { DebtorParamsSchema } from '../debtors/debtors.routes.js';
import { CONSENT_PURPOSES, CONSENT_STATUSES } from './consent.table.js';
import {
  CURRENT_CONSENT_TEXT_VERSION,
  getConsent,
  grantConsent,
  linkTokenFor,
  listConsents,
  MAX_CONSENT_DAYS,
  rejectConsent,
  requestConsent,
  revokeConsentByDebtor,
  terminateConsent,
  toConsent,
  viewConsentByToken,
} from './consent.service.js';
import { verifyLinkToken, type LinkTokenPayload } from './link-token.js';
import { revokeEndedAuthorisations, type BankFlowDeps } from '../bank-connections/bank-authorisation.service.js';

export const ConsentSchema = Type.Object(
  {
    id: UuidSchema,
    debtorId: UuidSchema,
    access: Type.Object({ accounts: Type.Boolean(), balances: Type.Boolean(), transactions: Type.Boolean() }),
    purpose: StringEnum(CONSENT_PURPOSES),
    validUntil: IsoDateSchema,
    frequencyPerDay: Type.Integer(),
    recurringIndicator: Type.Boolean(),
    status: StringEnum(CONSENT_STATUSES),
    statusChangedAt: DateTimeSchema,
    linkExpiresAt: DateTimeSchema,
    evidence: Type.Union([
      Type.Object({
        grantedAt: Type.Optional(DateTimeSchema),
        method: Type.Optional(Type.String()),
        textVersion: Type.Optional(Type.String()),
        endedAt: Type.Optional(DateTimeSchema),
        endedBy: Type.Optional(Type.String()),
      }),
      Type.Null(),
    ]),
    createdAt: DateTimeSchema,
  },
  { $id: 'Consent' },
);

const ConsentRef = Type.Ref('Consent');
const TokenParams = Type.Object({ token: Type.String({ minLength: 10, maxLength: 1000, description: 'The signed link token sent to the debtor' }) });

export async function consentRoutes(app: AppInstance, deps: AppDeps, services: { bankFlow: BankFlowDeps }): Promise<void> {
  const { db } = deps.database;
  const now = () => new Date();
  /** A consent that ended here ends at the debtor's bank too; best effort, the bank-refresh job retries. */
  const endAtBanks = async (tenantId: string, consentId: string) => {
    await revokeEndedAuthorisations(db, services.bankFlow, tenantId, { consentId, now: now() }).catch((error: unknown) => app.log.warn({ err: error }, 'revoking at the bank failed; the bank-refresh job retries'));
  };

  const tokenOf = (token: string): LinkTokenPayload => {
    const payload = verifyLinkToken(token, deps.linkTokenSecret);
    if (!payload) throw new AppError('invalid_link_token');
    return payload;
  };

  app.post(
    '/v1/debtors/:debtorId/consents',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['consent'],
        summary: 'Request the debtor’s consent; returns the link to send them',
        description: `Berlin Group consent model. validUntil is at most ${MAX_CONSENT_DAYS} days ahead. The debtor grants or declines through the link.`,
        params: DebtorParamsSchema,
        body: Type.Object(
          {
            access: Type.Object(
              { accounts: Type.Optional(Type.Boolean()), balances: Type.Optional(Type.Boolean()), transactions: Type.Optional(Type.Boolean()) },
              { additionalProperties: false },
            ),
            purpose: StringEnum(CONSENT_PURPOSES),
            validUntil: IsoDateSchema,
            frequencyPerDay: Type.Integer({ minimum: 1, maximum: 1000, description: 'How many uploads a day the consent allows' }),
            recurringIndicator: Type.Boolean(),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ consent: ConsentRef, linkToken: Type.String(), linkUrl: Type.String() }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS, 404),
        },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const result = await db.transaction().execute((trx) =>
        requestConsent(trx, tenantId, request.params.debtorId, request.body, { today: deps.today(), now: now(), secret: deps.linkTokenSecret, actor: `api_key:${request.auth!.keyId}` }),
      );
      reply.status(201);
      return { ...result, linkUrl: `${deps.config.publicBaseUrl}/consent/${result.linkToken}` };
    },
  );

  app.get(
    '/v1/debtors/:debtorId/consents',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['consent'],
        summary: 'The debtor’s consents, newest first',
        params: DebtorParamsSchema,
        response: { 200: Type.Object({ items: Type.Array(ConsentRef) }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => ({ items: await listConsents(db, tenantOf(request), request.params.debtorId) }),
  );

  app.get(
    '/v1/consents/:consentId',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['consent'],
        summary: 'One consent, with a fresh debtor link while it can still be acted on',
        params: Type.Object({ consentId: UuidSchema }),
        response: { 200: Type.Object({ consent: ConsentRef, linkToken: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => {
      const row = await getConsent(db, tenantOf(request), request.params.consentId);
      const open = row.status === 'valid' || row.status === 'received';
      return { consent: toConsent(row), linkToken: open ? linkTokenFor(row, deps.linkTokenSecret) : null };
    },
  );

  app.delete(
    '/v1/consents/:consentId',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['consent'],
        summary: 'End a consent (terminatedByTpp); all bank data obtained under it is erased at once',
        params: Type.Object({ consentId: UuidSchema }),
        response: { 200: ConsentRef, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const ended = await db.transaction().execute((trx) => terminateConsent(trx, tenantId, request.params.consentId, { now: now(), actor: `api_key:${request.auth!.keyId}` }));
      await endAtBanks(tenantId, ended.id);
      return ended;
    },
  );

  const DebtorView = Type.Object({
    creditorName: Type.String(),
    consent: ConsentRef,
    textVersion: Type.String({ description: 'The consent text version the debtor is shown and agrees to' }),
  });

  app.get(
    '/v1/consent-links/:token',
    {
      config: { auth: 'link-token' },
      schema: {
        tags: ['debtor'],
        summary: 'What the debtor is asked to agree to (for the debtor’s page)',
        params: TokenParams,
        response: { 200: DebtorView, ...problemResponses(400, 401) },
      },
    },
    async (request) => ({ ...(await viewConsentByToken(db, tokenOf(request.params.token))), textVersion: CURRENT_CONSENT_TEXT_VERSION }),
  );

  app.post(
    '/v1/consent-links/:token/grant',
    {
      config: { auth: 'link-token' },
      schema: {
        tags: ['debtor'],
        summary: 'The debtor grants the consent',
        params: TokenParams,
        body: Type.Object(
          { textVersion: Type.String({ minLength: 1, maxLength: 50 }), agreed: Type.Literal(true, { description: 'The debtor ticked the box' }) },
          { additionalProperties: false },
        ),
        response: { 200: ConsentRef, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request) => {
      const token = tokenOf(request.params.token);
      return db.transaction().execute((trx) => grantConsent(trx, token, { textVersion: request.body.textVersion, method: 'debtor_link' }, { now: now(), today: deps.today() }));
    },
  );

  app.post(
    '/v1/consent-links/:token/reject',
    {
      config: { auth: 'link-token' },
      schema: {
        tags: ['debtor'],
        summary: 'The debtor declines the consent',
        params: TokenParams,
        response: { 200: ConsentRef, ...problemResponses(400, 401, 409) },
      },
    },
    async (request) => {
      const token = tokenOf(request.params.token);
      return db.transaction().execute((trx) => rejectConsent(trx, token, { now: now() }));
    },
  );

  app.post(
    '/v1/consent-links/:token/revoke',
    {
      config: { auth: 'link-token' },
      schema: {
        tags: ['debtor'],
        summary: 'The debtor withdraws the consent (revokedByPsu); their bank data is erased at once',
        params: TokenParams,
        response: { 200: ConsentRef, ...problemResponses(400, 401, 409) },
      },
    },
    async (request) => {
      const token = tokenOf(request.params.token);
      const ended = await db.transaction().execute((trx) => revokeConsentByDebtor(trx, token, { now: now() }));
      await endAtBanks(token.tenantId, ended.id);
      return ended;
    },
  );
}
