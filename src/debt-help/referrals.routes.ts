/**
 * Debt-help referrals: a creditor refers a debtor to municipal debt help, lists whom it referred (who,
 * why, since when) for the early-warning route (vroegsignalering), and closes a referral with how it
 * ended. Creditors write; creditors and analysts read the list.
 */
import { Type } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, IsoDateSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { REFERRAL_SOURCES, REFERRAL_STATUSES } from './referrals.table.js';
import { closeReferral, getReferral, listReferrals, openReferral, REFERRAL_OUTCOMES, REFERRAL_REASONS } from './referrals.service.js';

const IdList = (description: string, maxItems: number) => Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems, description });

export const ReferralEvidenceSchema = Type.Object(
  {
    claimIds: Type.Optional(Type.Array(UuidSchema, { maxItems: 1000, description: 'Claims the referral is about' })),
    transactionIds: Type.Optional(IdList('Bank transactions that show the problem (collectors, payday credit, returns)', 200)),
    eventIds: Type.Optional(IdList('Data-point events that show the problem', 200)),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'What a person at the creditor adds; no special categories of personal data' })),
  },
  { additionalProperties: false },
);

export const ReferralSchema = Type.Object(
  {
    id: UuidSchema,
    debtorId: UuidSchema,
    status: StringEnum(REFERRAL_STATUSES),
    reasons: Type.Array(StringEnum(REFERRAL_REASONS)),
    evidence: Type.Union([ReferralEvidenceSchema, Type.Null()]),
    source: StringEnum(REFERRAL_SOURCES, { description: 'api: sent by the creditor; write_off_recommendation: created by POST /v1/write-off-recommendations with createReferrals' }),
    openedOn: IsoDateSchema,
    closedOn: Type.Union([IsoDateSchema, Type.Null()]),
    outcome: Type.Union([StringEnum(REFERRAL_OUTCOMES), Type.Null()]),
    createdAt: DateTimeSchema,
    closedAt: Type.Union([DateTimeSchema, Type.Null()]),
  },
  { description: 'A referral of a debtor to municipal debt help' },
);

const ReferralParamsSchema = Type.Object({ referralId: UuidSchema });

export async function debtHelpReferralRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { db } = deps.database;

  app.post(
    '/v1/debt-help-referrals',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['debt-help'],
        summary: 'Refer a debtor to municipal debt help (idempotent: one open referral per debtor)',
        description: 'Opens a referral (201). While the debtor has an open referral, the same request returns that referral unchanged (200): its reasons and date stand, because since when is what the municipality needs.',
        body: Type.Object(
          {
            debtorId: UuidSchema,
            reasons: Type.Array(StringEnum(REFERRAL_REASONS), { minItems: 1, maxItems: REFERRAL_REASONS.length, uniqueItems: true }),
            evidence: Type.Optional(ReferralEvidenceSchema),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ referral: ReferralSchema, created: Type.Boolean() }, { description: 'The debtor’s open referral, unchanged' }),
          201: Type.Object({ referral: ReferralSchema, created: Type.Boolean() }, { description: 'A new referral' }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const result = await db.transaction().execute(async (trx) => {
        const opened = await openReferral(trx, tenantId, { debtorId: request.body.debtorId, reasons: request.body.reasons, ...(request.body.evidence ? { evidence: request.body.evidence } : {}), source: 'api' }, deps.today());
        if (opened.created) await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'debt_help_referral.opened', subjectType: 'debtor', subjectId: request.body.debtorId, details: { referralId: opened.referral.id, reasons: opened.referral.reasons.join(',') } });
        return opened;
      });
      reply.status(result.created ? 201 : 200);
      return result;
    },
  );

  app.get(
    '/v1/debt-help-referrals',
    {
      config: { auth: { roles: ['creditor', 'analyst'] } },
      schema: {
        tags: ['debt-help'],
        summary: 'The referral list: who, why, since when (oldest first)',
        querystring: Type.Object({
          status: Type.Optional(StringEnum(REFERRAL_STATUSES, { default: 'open' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          cursor: Type.Optional(Type.String({ maxLength: 200, description: 'Opaque cursor from the previous page' })),
        }),
        response: { 200: Type.Object({ items: Type.Array(ReferralSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses(...AUTHENTICATED_PROBLEMS) },
      },
    },
    async (request) => listReferrals(db, tenantOf(request), { status: request.query.status ?? 'open', limit: request.query.limit ?? 100, ...(request.query.cursor ? { cursor: request.query.cursor } : {}) }),
  );

  app.get(
    '/v1/debt-help-referrals/:referralId',
    {
      config: { auth: { roles: ['creditor', 'analyst'] } },
      schema: { tags: ['debt-help'], summary: 'One referral', params: ReferralParamsSchema, response: { 200: ReferralSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) } },
    },
    async (request) => getReferral(db, tenantOf(request), request.params.referralId),
  );

  app.post(
    '/v1/debt-help-referrals/:referralId/close',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['debt-help'],
        summary: 'Close a referral with its outcome',
        description: 'Closing again with the same outcome changes nothing; another outcome is refused (409). A closed referral is kept: the list of closed referrals is the record of what came of them.',
        params: ReferralParamsSchema,
        body: Type.Object({ outcome: StringEnum(REFERRAL_OUTCOMES) }, { additionalProperties: false }),
        response: { 200: ReferralSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 409) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      return db.transaction().execute(async (trx) => {
        const closed = await closeReferral(trx, tenantId, request.params.referralId, request.body.outcome, deps.today());
        if (closed.changed) await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'debt_help_referral.closed', subjectType: 'debtor', subjectId: closed.referral.debtorId, details: { referralId: closed.referral.id, outcome: request.body.outcome } });
        return closed.referral;
      });
    },
  );
}
