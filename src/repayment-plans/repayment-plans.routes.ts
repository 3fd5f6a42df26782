/**
 * Repayment plans: options a debtor can keep (from the affordability report and the claims), offers
 * the creditor or the debtor (through a signed link) accepts, each plan's schedule and state with the
 * payments matched to it, re-plans, and an EPC QR payment link per instalment. The tenant's policy
 * (maximum term, rewards, matching tolerance, payee) is GET/PUT /v1/policies/repayment-plans.
 */
import { Type } from '@sinclair/typebox';
import { sharedAffordabilityEngine } from '../affordability/affordability.service.js';
import { verifyScopedLinkToken, type ScopedLinkTokenPayload } from '../consent/link-token.js';
import { DebtorParamsSchema } from '../debtors/debtors.routes.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { toDayNumber } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import { negotiate } from '../platform/http/negotiation.js';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, IsoDateSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { isValidIban } from '../payment-links/epc-qr.js';
import { renderEpcQrPng, renderEpcQrSvg } from '../payment-links/qr-image.js';
import { putTenantPolicy } from '../tenants/tenant-policy.service.js';
import { resolveRepaymentPlanPolicy, type RepaymentPlanPolicy } from './plan-policy.js';
import {
  acceptPlanOfferAudited,
  createPlanOffer,
  getPlanOffer,
  getPlanOfferByToken,
  getPlanView,
  instalmentPaymentLink,
  listDebtorPlans,
  replan,
  repaymentPlanPolicy,
} from './repayment-plans.service.js';

const Cents = (description: string) => Type.Integer({ description: `${description} In euro cents.` });
const Text = Type.Object({ nl: Type.String(), en: Type.String() });

const RewardSchema = Type.Object({ kind: StringEnum(['costs_waived_if_paid_now', 'costs_waived_at_completion', 'last_instalment_discount'] as const), cents: Type.Integer() });

const PlannedInstalmentSchema = Type.Object({
  number: Type.Integer(),
  dueDate: IsoDateSchema,
  incomeDate: Type.Union([IsoDateSchema, Type.Null()], { description: 'The predicted income day the due date follows' }),
  amountCents: Cents('Due when the plan is not kept.'),
  amountIfKeptCents: Cents('Due when every earlier instalment was paid on time (the reward taken off the last instalments).'),
});

const OptionSchema = Type.Object({
  id: Type.String({ description: 'Pass to accept: pay_now, or short_/medium_/longest_ with the months' }),
  kind: StringEnum(['pay_now', 'short', 'medium', 'longest'] as const),
  months: Type.Integer({ description: '0 for paying now' }),
  totalCents: Type.Integer(),
  totalIfKeptCents: Type.Integer(),
  largestInstalmentCents: Type.Integer(),
  rewards: Type.Array(RewardSchema),
  instalments: Type.Array(PlannedInstalmentSchema),
  summary: Text,
});

const IncomeSchema = Type.Union([
  Type.Object({
    schedule: Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, description: 'The income schedule (day of month, four-weekly or weekly) as in the affordability report' }),
    windowDays: Type.Integer(),
  }),
  Type.Null(),
]);

const RecommendationSchema = Type.Union([
  Type.Object({ kind: Type.Literal('refer_to_debt_help'), reason: Text }),
  Type.Object({ kind: Type.Literal('consider_write_off'), payableWithinTermCents: Type.Integer(), remainderCents: Type.Integer(), reason: Text }),
  Type.Null(),
]);

const OfferSchema = Type.Object({
  id: UuidSchema,
  debtorId: UuidSchema,
  replacesPlanId: Type.Union([UuidSchema, Type.Null()]),
  status: StringEnum(['open', 'accepted', 'expired'] as const),
  expiresOn: IsoDateSchema,
  acceptedOptionId: Type.Union([Type.String(), Type.Null()]),
  planId: Type.Union([UuidSchema, Type.Null()]),
  policyVersion: Type.Integer(),
  createdAt: DateTimeSchema,
  asOf: IsoDateSchema,
  claimIds: Type.Array(Type.String()),
  totalDueCents: Type.Integer(),
  costsOutstandingCents: Type.Integer(),
  ceiling: Type.Object(
    { cents: Type.Integer(), lowCents: Type.Integer(), highCents: Type.Integer(), incomeAboveProtectedCents: Type.Integer() },
    { description: 'No instalment is above cents: the lowest of the affordable range’s two ends and income minus the protected amount' },
  ),
  dueDateBasis: StringEnum(['income_days', 'no_income_day'] as const),
  income: IncomeSchema,
  affordable: Type.Boolean({ description: 'False when no option fits; see recommendation' }),
  options: Type.Array(OptionSchema),
  recommendation: RecommendationSchema,
  arithmetic: Type.Array(Type.String()),
});

const OfferWithLinkSchema = Type.Object({
  offer: OfferSchema,
  linkToken: Type.Union([Type.String(), Type.Null()], { description: 'The debtor’s signed link while the offer is open' }),
  linkUrl: Type.Union([Type.String(), Type.Null()]),
});

const InstalmentStateSchema = Type.Object({
  number: Type.Integer(),
  dueDate: IsoDateSchema,
  incomeDate: Type.Union([IsoDateSchema, Type.Null()]),
  reference: Type.String({ description: 'The ISO 11649 RF reference to pay this instalment with' }),
  amountCents: Type.Integer(),
  amountIfKeptCents: Type.Integer(),
  expectedCents: Cents('What this instalment asks on the date.'),
  paidCents: Type.Integer(),
  paidOn: Type.Union([IsoDateSchema, Type.Null()]),
  state: StringEnum(['upcoming', 'due', 'paid', 'paid_late', 'late', 'missed'] as const),
  missedOn: Type.Union([IsoDateSchema, Type.Null()]),
  reminderDueOn: Type.Union([IsoDateSchema, Type.Null()], { description: 'For a late or missed instalment: the next predicted income day' }),
});

const PlanSchema = Type.Object({
  id: UuidSchema,
  planNumber: Type.Integer(),
  debtorId: UuidSchema,
  offerId: UuidSchema,
  optionId: Type.String(),
  kind: Type.String(),
  claimIds: Type.Array(Type.String()),
  totalCents: Type.Integer(),
  totalIfKeptCents: Type.Integer(),
  costsCents: Type.Integer(),
  rewards: Type.Array(RewardSchema),
  acceptedBy: StringEnum(['creditor', 'debtor'] as const),
  acceptedOn: IsoDateSchema,
  replacesPlanId: Type.Union([UuidSchema, Type.Null()]),
  replacedByPlanId: Type.Union([UuidSchema, Type.Null()]),
  bankDataUsed: Type.Boolean({ description: 'Whether the debtor’s bank data was read for matching (needs a valid consent)' }),
  state: Type.Object({
    asOf: IsoDateSchema,
    status: StringEnum(['active', 'completed', 'breached', 'replanned'] as const),
    kept: Type.Boolean({ description: 'Every instalment so far was paid on time: the rewards still apply' }),
    completedOn: Type.Union([IsoDateSchema, Type.Null()]),
    breachedOn: Type.Union([IsoDateSchema, Type.Null()]),
    replannedOn: Type.Union([IsoDateSchema, Type.Null()]),
    paidCents: Type.Integer(),
    expectedCents: Type.Integer(),
    outstandingCents: Type.Integer(),
    surplusCents: Type.Integer(),
    nextInstalmentNumber: Type.Union([Type.Integer(), Type.Null()]),
    rewardsEarned: Type.Array(RewardSchema),
    rewardsAvailable: Type.Array(RewardSchema),
    instalments: Type.Array(InstalmentStateSchema),
  }),
  payments: Type.Array(
    Type.Object({
      paymentId: Type.String({ description: 'bank:<transaction id> or dp:<data point event id>' }),
      source: StringEnum(['bank_transaction', 'data_point'] as const),
      paidOn: IsoDateSchema,
      amountCents: Type.Integer(),
      instalmentNumber: Type.Integer(),
      matchedBy: StringEnum(['reference', 'amount_and_date'] as const),
    }),
  ),
});

const PolicySchema = Type.Object(
  {
    maxTermMonths: Type.Integer({ minimum: 1, maximum: 120, description: 'The longest plan offered, in months (default 18)' }),
    minimumInstalmentCents: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'The smallest instalment worth a plan (default 1000)' }),
    payNow: Type.Object({ withinDays: Type.Integer({ minimum: 1, maximum: 30 }), waiveCosts: Type.Boolean() }, { additionalProperties: false }),
    rewards: Type.Object({ costsWaivedAtCompletion: Type.Boolean(), lastInstalmentDiscountBasisPoints: Type.Integer({ minimum: 0, maximum: 10_000 }) }, { additionalProperties: false }),
    offerValidDays: Type.Integer({ minimum: 1, maximum: 90 }),
    matching: Type.Object({ toleranceCents: Type.Integer({ minimum: 0, maximum: 100_000 }), toleranceDays: Type.Integer({ minimum: 0, maximum: 60 }) }, { additionalProperties: false }),
    missedAfterDays: Type.Integer({ minimum: 1, maximum: 90 }),
    graceDays: Type.Integer({ minimum: 0, maximum: 30 }),
    breachAfterMissed: Type.Integer({ minimum: 1, maximum: 12 }),
    protectedMarginBasisPoints: Type.Integer({
      minimum: 0,
      maximum: 5_000,
      description: 'Margin on top of the protected amount when capping instalments, in basis points of the average stable income (default 500 = 5 %)',
    }),
    payee: Type.Union([
      Type.Object({ name: Type.String({ minLength: 1, maxLength: 70 }), iban: Type.String({ minLength: 15, maxLength: 42 }), bic: Type.Optional(Type.String({ minLength: 8, maxLength: 11 })) }, { additionalProperties: false }),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);

/** A stored offer, for the GDPR export. */
export const PlanOfferRecordSchema = Type.Object({
  id: UuidSchema,
  replacesPlanId: Type.Union([UuidSchema, Type.Null()]),
  asOf: IsoDateSchema,
  expiresOn: IsoDateSchema,
  status: StringEnum(['open', 'accepted'] as const),
  claimIds: Type.Array(Type.String()),
  acceptedOptionId: Type.Union([Type.String(), Type.Null()]),
  planId: Type.Union([UuidSchema, Type.Null()]),
  // additionalProperties: the options as computed, whole; without it the serializer writes {}.
  options: Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, description: 'The options as offered' }),
  createdAt: DateTimeSchema,
});

/** A stored plan with instalments and matched payments, for the GDPR export. */
export const PlanRecordSchema = Type.Object({
  id: UuidSchema,
  planNumber: Type.Integer(),
  offerId: UuidSchema,
  optionId: Type.String(),
  kind: Type.String(),
  claimIds: Type.Array(Type.String()),
  totalCents: Type.Integer(),
  totalIfKeptCents: Type.Integer(),
  costsCents: Type.Integer(),
  rewards: Type.Array(RewardSchema),
  acceptedBy: StringEnum(['creditor', 'debtor'] as const),
  acceptedOn: IsoDateSchema,
  status: StringEnum(['active', 'replanned'] as const),
  replannedOn: Type.Union([IsoDateSchema, Type.Null()]),
  replacesPlanId: Type.Union([UuidSchema, Type.Null()]),
  replacedByPlanId: Type.Union([UuidSchema, Type.Null()]),
  instalments: Type.Array(
    Type.Object({ number: Type.Integer(), dueDate: IsoDateSchema, incomeDate: Type.Union([IsoDateSchema, Type.Null()]), amountCents: Type.Integer(), amountIfKeptCents: Type.Integer(), reference: Type.String() }),
  ),
  payments: Type.Array(
    Type.Object({ paymentId: Type.String(), source: StringEnum(['bank_transaction', 'data_point'] as const), paidOn: IsoDateSchema, amountCents: Type.Integer(), instalmentNumber: Type.Integer(), matchedBy: StringEnum(['reference', 'amount_and_date'] as const) }),
  ),
  createdAt: DateTimeSchema,
});

const PolicyMeta = { version: Type.Integer({ description: '0 while the defaults apply' }), updatedAt: Type.Union([DateTimeSchema, Type.Null()]) };

const OfferParams = Type.Object({ offerId: UuidSchema });
const PlanParams = Type.Object({ planId: UuidSchema });
const InstalmentParams = Type.Object({ planId: UuidSchema, number: Type.Integer({ minimum: 1, maximum: 999 }) });
const TokenParams = Type.Object({ token: Type.String({ minLength: 10, maxLength: 1000, description: 'The signed link token sent to the debtor' }) });
const AsOfQuery = Type.Object({ asOf: Type.Optional(Type.String({ format: 'date', description: 'The state at the end of this day (default: today)' })) });
const AcceptBody = Type.Object({ optionId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

const LINK_MEDIA_TYPES = ['application/json', 'image/svg+xml', 'image/png'] as const;
const FORMAT_MEDIA: Record<'json' | 'svg' | 'png', (typeof LINK_MEDIA_TYPES)[number]> = { json: 'application/json', svg: 'image/svg+xml', png: 'image/png' };

const ROLES = { creditor: ['creditor'] as const, read: ['creditor', 'analyst'] as const, policyRead: ['creditor', 'analyst', 'admin'] as const, admin: ['admin'] as const };

export async function repaymentPlanRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { db } = deps.database;
  const engine = sharedAffordabilityEngine(deps);
  const ctx = () => ({ today: deps.today(), linkTokenSecret: deps.linkTokenSecret, engine });
  const linkUrl = (token: string | null) => (token === null ? null : `${deps.config.publicBaseUrl}/plan/${token}`);
  const tokenOf = (token: string): ScopedLinkTokenPayload => {
    // Checked against the service's own day, as the offer's expiry is: the token runs to the end of the offer's last day.
    const payload = verifyScopedLinkToken(token, deps.linkTokenSecret, 'plan_offer', toDayNumber(deps.today()) * 86_400);
    if (!payload) throw new AppError('invalid_link_token');
    return payload;
  };

  app.get(
    '/v1/policies/repayment-plans',
    {
      config: { auth: { roles: ROLES.policyRead } },
      schema: { tags: ['policies'], summary: 'The tenant’s repayment-plan policy (defaults filled in)', response: { 200: Type.Object({ policy: PolicySchema, ...PolicyMeta }), ...problemResponses(...AUTHENTICATED_PROBLEMS) } },
    },
    async (request) => repaymentPlanPolicy(db, tenantOf(request)),
  );

  app.put(
    '/v1/policies/repayment-plans',
    {
      config: { auth: { roles: ROLES.admin } },
      schema: {
        tags: ['policies'],
        summary: 'Replace the tenant’s repayment-plan policy: maximum term, rewards, matching tolerance, payee',
        body: Type.Object({ policy: Type.Partial(PolicySchema) }, { additionalProperties: false }),
        response: { 200: Type.Object({ policy: PolicySchema, ...PolicyMeta }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 422) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const given = request.body.policy as Partial<RepaymentPlanPolicy>;
      if (given.payee && !isValidIban(given.payee.iban)) throw new AppError('unprocessable_entity', 'the payee IBAN is not valid', { errors: [{ in: 'body', pointer: '/policy/payee/iban', message: 'not a valid IBAN' }] });
      const saved = await db.transaction().execute(async (trx) => {
        const policy = await putTenantPolicy(trx, tenantId, 'repayment_plans', given);
        await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'policy.repayment_plans.updated', subjectType: 'tenant', subjectId: tenantId, details: { version: policy.version } });
        return policy;
      });
      return { policy: resolveRepaymentPlanPolicy(saved.document), version: saved.version, updatedAt: saved.updatedAt };
    },
  );

  app.post(
    '/v1/debtors/:debtorId/plan-options',
    {
      config: { auth: { roles: ROLES.creditor } },
      schema: {
        tags: ['repayment-plans'],
        summary: 'Repayment options the debtor can keep, for a set of claims, stored as an offer with a debtor link',
        description:
          '2–4 options (pay now with the costs waived, a short plan, a medium one, the longest within the maximum term) from the affordability report (needs a consent for affordability_assessment or repayment_plan) and the claims’ totals on asOf. No instalment is above the affordable range or takes income below the protected amount; each falls due 1–2 working days after a predicted income day. When none fits, affordable is false and recommendation says what to do instead.',
        params: DebtorParamsSchema,
        body: Type.Object({ claimIds: Type.Array(UuidSchema, { minItems: 1, maxItems: 100 }), asOf: Type.Optional(IsoDateSchema) }, { additionalProperties: false }),
        response: { 201: OfferWithLinkSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 422) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const created = await db.transaction().execute(async (trx) => {
        const result = await createPlanOffer(trx, tenantId, request.params.debtorId, request.body, ctx());
        await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'plan_offer.created', subjectType: 'debtor', subjectId: request.params.debtorId, details: { offerId: result.offer.id, options: result.offer.options.length, affordable: result.offer.affordable } });
        return result;
      });
      reply.status(201);
      return { offer: created.offer, linkToken: created.linkToken, linkUrl: linkUrl(created.linkToken) };
    },
  );

  app.get(
    '/v1/plan-offers/:offerId',
    {
      config: { auth: { roles: ROLES.read } },
      schema: { tags: ['repayment-plans'], summary: 'One offer with its options, and the debtor link while it is open', params: OfferParams, response: { 200: OfferWithLinkSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) } },
    },
    async (request) => {
      const { offer, linkToken } = await getPlanOffer(db, tenantOf(request), request.params.offerId, ctx());
      return { offer, linkToken, linkUrl: linkUrl(linkToken) };
    },
  );

  const acceptAndView = async (tenantId: string, offerId: string, optionId: string, by: 'creditor' | 'debtor', actor: string) => {
    const today = deps.today();
    const accepted = await acceptPlanOfferAudited(db, { tenantId, offerId, optionId, by, actor, today });
    return { created: accepted.created, plan: await getPlanView(db, tenantId, accepted.planId, today, today) };
  };

  app.post(
    '/v1/plan-offers/:offerId/accept',
    {
      config: { auth: { roles: ROLES.creditor } },
      schema: {
        tags: ['repayment-plans'],
        summary: 'Accept one option of an offer on the debtor’s behalf: the plan starts',
        description: 'The same option again returns the plan made the first time (200); another option of an accepted offer, or an expired offer, is 409 invalid_state.',
        params: OfferParams,
        body: AcceptBody,
        response: { 201: PlanSchema, 200: PlanSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const result = await acceptAndView(tenantOf(request), request.params.offerId, request.body.optionId, 'creditor', `api_key:${request.auth!.keyId}`);
      reply.status(result.created ? 201 : 200);
      return result.plan;
    },
  );

  const DebtorOfferView = Type.Object({ creditorName: Type.String(), offer: OfferSchema });

  app.get(
    '/v1/plan-links/:token',
    {
      config: { auth: 'link-token' },
      schema: { tags: ['debtor'], summary: 'The repayment options offered to the debtor (for the debtor’s page)', params: TokenParams, response: { 200: DebtorOfferView, ...problemResponses(400, 401) } },
    },
    async (request) => {
      const token = tokenOf(request.params.token);
      const offer = await getPlanOfferByToken(db, token, deps.today());
      const tenant = await db.selectFrom('tenants').select('name').where('id', '=', token.tenantId).executeTakeFirstOrThrow();
      return { creditorName: tenant.name, offer };
    },
  );

  app.post(
    '/v1/plan-links/:token/accept',
    {
      config: { auth: 'link-token' },
      schema: {
        tags: ['debtor'],
        summary: 'The debtor accepts one of the options: the plan starts',
        params: TokenParams,
        body: AcceptBody,
        response: { 201: PlanSchema, 200: PlanSchema, ...problemResponses(400, 401, 409, 422) },
      },
    },
    async (request, reply) => {
      const token = tokenOf(request.params.token);
      await getPlanOfferByToken(db, token, deps.today());
      const result = await acceptAndView(token.tenantId, token.subjectId, request.body.optionId, 'debtor', `debtor_link:${token.debtorId}`);
      reply.status(result.created ? 201 : 200);
      return result.plan;
    },
  );

  app.get(
    '/v1/plans/:planId',
    {
      config: { auth: { roles: ROLES.read } },
      schema: {
        tags: ['repayment-plans'],
        summary: 'A plan’s schedule and state on a date: each instalment upcoming, due, paid, late or missed, reminders, completion, breach, rewards',
        description: 'Payments are matched first: the creditor’s invoice_paid data points and, under a valid consent, the debtor’s debits to the payee, by RF reference first, else by amount and date within the policy’s tolerance. A match is stored and kept.',
        params: PlanParams,
        querystring: AsOfQuery,
        response: { 200: PlanSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => getPlanView(db, tenantOf(request), request.params.planId, request.query.asOf ?? deps.today(), deps.today()),
  );

  app.get(
    '/v1/debtors/:debtorId/plans',
    {
      config: { auth: { roles: ROLES.read } },
      schema: {
        tags: ['repayment-plans'],
        summary: 'The debtor’s plans, oldest first, each with its state on a date',
        params: DebtorParamsSchema,
        querystring: AsOfQuery,
        response: { 200: Type.Object({ debtorId: UuidSchema, items: Type.Array(PlanSchema) }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => ({ debtorId: request.params.debtorId, items: await listDebtorPlans(db, tenantOf(request), request.params.debtorId, request.query.asOf ?? deps.today(), deps.today()) }),
  );

  app.post(
    '/v1/plans/:planId/replan',
    {
      config: { auth: { roles: ROLES.creditor } },
      schema: {
        tags: ['repayment-plans'],
        summary: 'A new offer for what is left of a plan, from a fresh affordability report; accepting it replaces the plan',
        params: PlanParams,
        body: Type.Object({ asOf: Type.Optional(IsoDateSchema) }, { additionalProperties: false }),
        response: { 201: OfferWithLinkSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const created = await db.transaction().execute(async (trx) => {
        const result = await replan(trx, tenantId, request.params.planId, request.body, ctx());
        await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'plan_offer.replan_created', subjectType: 'plan', subjectId: request.params.planId, details: { offerId: result.offer.id } });
        return result;
      });
      reply.status(201);
      return { offer: created.offer, linkToken: created.linkToken, linkUrl: linkUrl(created.linkToken) };
    },
  );

  const PaymentLinkSchema = Type.Object({
    planId: UuidSchema,
    instalmentNumber: Type.Integer(),
    dueDate: IsoDateSchema,
    amountCents: Cents('What is still open on the instalment.'),
    reference: Type.String({ description: 'RF reference, electronic form' }),
    referenceFormatted: Type.String({ description: 'RF reference in groups of four' }),
    payee: Type.Object({ name: Type.String(), iban: Type.String(), bic: Type.Union([Type.String(), Type.Null()]) }),
    payload: Type.String({ description: 'The EPC069-12 (version 002, SCT) QR payload' }),
    caption: Text,
  });

  app.get(
    '/v1/plans/:planId/instalments/:number/payment-link',
    {
      config: { auth: { roles: ROLES.creditor } },
      schema: {
        tags: ['repayment-plans'],
        summary: 'The EPC QR payment link of one instalment: JSON with the payload, or the QR as SVG or PNG',
        description: 'By Accept (application/json, image/svg+xml, image/png) or ?format=json|svg|png (format wins). The amount is what is still open on the instalment; the structured reference is its RF reference, which the matcher recognises. 422 while the policy has no payee.',
        params: InstalmentParams,
        querystring: Type.Object({ format: Type.Optional(StringEnum(['json', 'svg', 'png'] as const)), asOf: Type.Optional(Type.String({ format: 'date' })) }),
        response: {
          200: Type.Unsafe({
            description: 'The payment link',
            content: { 'application/json': { schema: PaymentLinkSchema }, 'image/svg+xml': { schema: { type: 'string' } }, 'image/png': { schema: { type: 'string', format: 'binary' } } },
          }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 406, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const { format, asOf } = request.query;
      const mediaType = format !== undefined ? FORMAT_MEDIA[format] : negotiate(request.headers.accept, LINK_MEDIA_TYPES);
      if (mediaType === null) throw new AppError('not_acceptable', `the payment link is available as ${LINK_MEDIA_TYPES.join(', ')}; the Accept header allows none`);
      const today = deps.today();
      const link = await instalmentPaymentLink(db, tenantOf(request), request.params.planId, request.params.number, asOf ?? today, today);
      reply.header('vary', 'Accept');
      if (mediaType === 'image/svg+xml') return reply.type('image/svg+xml; charset=utf-8').send(await renderEpcQrSvg(link.payload, { title: link.caption.nl }));
      if (mediaType === 'image/png') return reply.type('image/png').send(await renderEpcQrPng(link.payload));
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(link));
    },
  );
}
