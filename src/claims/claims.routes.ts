/**
 * Claims: a creditor's unpaid invoices with statutory interest and the collection costs the law
 * allows, computed for any date with every figure's arithmetic. Creditors write and read them, like
 * data points; the computation itself is in claim-totals.ts.
 */
import { Type } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, IsoDateSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { DebtorParamsSchema } from '../debtors/debtors.routes.js';
import { MAX_AMOUNT_CENTS } from '../data-points/data-point.schema.js';
import { COSTS_FLAGS, COSTS_STATUSES, INTEREST_BASES } from './claim-totals.js';
import { createClaims, getClaimView, listDebtorClaims, recordFourteenDayLetter, type ClaimView } from './claims.service.js';

/** A batch holds at most this many claims: a creditor's daily run of new arrears, checked in one request. */
export const MAX_CLAIMS_PER_BATCH = 1000;

const Cents = (description: string) => Type.Integer({ description: `${description} In euro cents.` });
const reference = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });

const LetterBodySchema = Type.Object(
  {
    sentOn: IsoDateSchema,
    receivedOn: Type.Optional(Type.String({ format: 'date', description: 'The day the debtor received it, when known; otherwise it is deemed received 2 days after sending.' })),
  },
  { additionalProperties: false },
);

const ClaimBodySchema = Type.Object(
  {
    reference: reference('The creditor’s invoice id: unique for the creditor, the key that makes a resend idempotent, and the id payments (`invoice_paid` data points) refer to.'),
    debtorRef: reference('The creditor’s own reference for the debtor; a new one registers the debtor.'),
    principalCents: Type.Integer({ minimum: 1, maximum: MAX_AMOUNT_CENTS, description: 'The principal (hoofdsom) including VAT, in euro cents.' }),
    currency: Type.Optional(StringEnum(['EUR'] as const, { description: 'Only EUR.' })),
    dueDate: IsoDateSchema,
    costsChargedCents: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_AMOUNT_CENTS, description: 'Collection costs the creditor has put on the claim, in euro cents (default 0). Only the part the law allows on a date is counted; the rest is flagged.' })),
    vatOnCosts: Type.Optional(Type.Boolean({ description: 'Add VAT to the costs, for a creditor that cannot reclaim VAT (default false).' })),
    interestBasis: StringEnum(INTEREST_BASES, { description: 'statutory_consumer (art. 6:119 BW), statutory_commercial (art. 6:119a BW), none, or contractual (with contractualRateBasisPoints).' }),
    contractualRateBasisPoints: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'The contract’s annual rate in basis points (100 = 1 %), simple interest. Only for the contractual basis.' })),
    fourteenDayLetter: Type.Optional(LetterBodySchema),
  },
  { additionalProperties: false },
);

const ClaimsBatchSchema = Type.Object({ claims: Type.Array(ClaimBodySchema, { minItems: 1, maxItems: MAX_CLAIMS_PER_BATCH, description: 'One claim or many; all are stored or none.' }) }, { additionalProperties: false });

const InterestPeriodSchema = Type.Object({
  from: IsoDateSchema,
  through: IsoDateSchema,
  days: Type.Integer(),
  baseCents: Cents('Principal plus interest added at earlier anniversaries.'),
  rateBasisPoints: Type.Integer(),
  rateValidFrom: IsoDateSchema,
  lastKnownKept: Type.Boolean({ description: 'The rate’s period had passed: a later rate is missing from the table and the last known one is used.' }),
  interestCents: Cents('base × rate × days / 365, rounded half up.'),
});

const BandSchema = Type.Object({ fromCents: Type.Integer(), toCents: Type.Union([Type.Integer(), Type.Null()]), rateBasisPoints: Type.Integer(), appliedToCents: Type.Integer(), feeCents: Type.Integer() });

const MaximumCostsSchema = Type.Object({
  principalCents: Cents('The principal the maximum is computed on: what was open at the end of the 14-day term (or, before it ends, on the date).'),
  scaleValidFrom: IsoDateSchema,
  scaleSource: Type.String(),
  bands: Type.Array(BandSchema),
  scaleCents: Type.Integer(),
  minimumApplied: Type.Boolean(),
  maximumApplied: Type.Boolean(),
  costsExcludingVatCents: Type.Integer(),
  vat: Type.Union([Type.Object({ rateBasisPoints: Type.Integer(), validFrom: IsoDateSchema, cents: Type.Integer() }), Type.Null()]),
  totalCents: Type.Integer(),
});

const LetterTermSchema = Type.Object({ sentOn: IsoDateSchema, receivedOn: IsoDateSchema, receivedOnAssumed: Type.Boolean(), termFirstDay: IsoDateSchema, termLastDay: IsoDateSchema, costsPayableFrom: IsoDateSchema });

const PaymentAllocationSchema = Type.Object({ on: IsoDateSchema, cents: Type.Integer(), toCostsCents: Type.Integer(), toInterestCents: Type.Integer(), toPrincipalCents: Type.Integer(), unallocatedCents: Type.Integer() });

export const ClaimSchema = Type.Object(
  {
    id: Type.Union([UuidSchema, Type.Null()], { description: 'Null for a claim derived from an `invoice_issued` data point' }),
    source: StringEnum(['api', 'data_points'] as const, { description: 'Sent as a claim, or derived from the debtor’s invoice data points (statutory consumer interest, no costs charged)' }),
    debtorId: UuidSchema,
    reference: Type.String(),
    principalCents: Type.Integer(),
    currency: StringEnum(['EUR'] as const),
    dueDate: IsoDateSchema,
    costsChargedCents: Type.Integer(),
    vatOnCosts: Type.Boolean(),
    interestBasis: StringEnum(INTEREST_BASES),
    contractualRateBasisPoints: Type.Union([Type.Integer(), Type.Null()]),
    fourteenDayLetter: Type.Union([Type.Object({ sentOn: IsoDateSchema, receivedOn: Type.Union([IsoDateSchema, Type.Null()]), source: StringEnum(['claim', 'data_points'] as const) }), Type.Null()]),
    createdAt: Type.Union([DateTimeSchema, Type.Null()]),
    asOf: IsoDateSchema,
    totals: Type.Object({
      principalOutstandingCents: Type.Integer(),
      interestAccruedCents: Type.Integer(),
      interestPaidCents: Type.Integer(),
      interestOutstandingCents: Type.Integer(),
      costsChargeableCents: Type.Integer(),
      costsOutstandingCents: Type.Integer(),
      paidCents: Type.Integer(),
      unallocatedCents: Type.Integer({ description: 'Paid beyond everything due' }),
      totalDueCents: Type.Integer({ description: 'principal + interest + costs outstanding' }),
    }),
    interest: Type.Object({
      from: IsoDateSchema,
      lastKnownKept: Type.Boolean(),
      ratesUsed: Type.Array(Type.Object({ validFrom: IsoDateSchema, rateBasisPoints: Type.Integer(), source: Type.String(), lastKnownKept: Type.Boolean() })),
      periods: Type.Array(InterestPeriodSchema),
      capitalisations: Type.Array(Type.Object({ on: IsoDateSchema, cents: Type.Integer() }), { description: 'Interest added to the base at each anniversary of default (art. 6:119 lid 2 BW)' }),
    }),
    payments: Type.Array(PaymentAllocationSchema, { description: 'Each payment to costs, interest and principal (art. 6:44 BW)' }),
    costs: Type.Object({
      status: StringEnum(COSTS_STATUSES),
      letterTerm: Type.Union([LetterTermSchema, Type.Null()]),
      maximum: MaximumCostsSchema,
      chargedByCreditorCents: Type.Integer(),
      chargeableCents: Type.Integer(),
      notChargeableCents: Type.Integer(),
      flags: Type.Array(StringEnum(COSTS_FLAGS)),
      explanation: Type.String(),
    }),
    arithmetic: Type.Array(Type.String(), { description: 'Every figure’s computation, in order, to redo by hand' }),
  },
  { $id: 'Claim', description: 'A claim as it stands at the end of asOf' },
);

/** A stored claim as sent, for the GDPR export. */
export const ClaimRecordSchema = Type.Object({
  id: UuidSchema,
  reference: Type.String(),
  principalCents: Type.Integer(),
  currency: StringEnum(['EUR'] as const),
  dueDate: IsoDateSchema,
  costsChargedCents: Type.Integer(),
  vatOnCosts: Type.Boolean(),
  interestBasis: StringEnum(INTEREST_BASES),
  contractualRateBasisPoints: Type.Union([Type.Integer(), Type.Null()]),
  fourteenDayLetter: Type.Union([Type.Object({ sentOn: IsoDateSchema, receivedOn: Type.Union([IsoDateSchema, Type.Null()]) }), Type.Null()]),
  createdAt: DateTimeSchema,
});

function toResponse(view: ClaimView) {
  const t = view.totals;
  return {
    id: view.id,
    source: view.source,
    debtorId: view.debtorId,
    reference: view.reference,
    principalCents: view.principalCents,
    currency: view.currency,
    dueDate: view.dueDate,
    costsChargedCents: view.costsChargedCents,
    vatOnCosts: view.vatOnCosts,
    interestBasis: view.interestBasis,
    contractualRateBasisPoints: view.contractualRateBasisPoints,
    fourteenDayLetter: view.fourteenDayLetter,
    createdAt: view.createdAt,
    asOf: t.asOf,
    totals: {
      principalOutstandingCents: t.principalOutstandingCents,
      interestAccruedCents: t.interestAccruedCents,
      interestPaidCents: t.interestPaidCents,
      interestOutstandingCents: t.interestOutstandingCents,
      costsChargeableCents: t.costsChargeableCents,
      costsOutstandingCents: t.costsOutstandingCents,
      paidCents: t.paidCents,
      unallocatedCents: t.unallocatedCents,
      totalDueCents: t.totalDueCents,
    },
    interest: { from: t.interestFrom, lastKnownKept: t.lastKnownKept, ratesUsed: t.ratesUsed, periods: t.interest.periods, capitalisations: t.interest.capitalisations },
    payments: t.interest.payments,
    costs: { status: t.costs.status, letterTerm: t.costs.letter, maximum: t.costs.maximum, chargedByCreditorCents: t.costs.chargedByCreditorCents, chargeableCents: t.costs.chargeableCents, notChargeableCents: t.costs.notChargeableCents, flags: t.costs.flags, explanation: t.costs.explanation },
    arithmetic: t.arithmetic,
  };
}

const ClaimParamsSchema = Type.Object({ claimId: UuidSchema });
const AsOfQuerySchema = Type.Object({ asOf: Type.Optional(Type.String({ format: 'date', description: 'Compute as at the end of this day (default: today). Payments and letters dated later are left out.' })) });
const ROLES = { write: ['creditor'] as const, read: ['creditor'] as const };

export async function claimRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { db } = deps.database;

  app.post(
    '/v1/claims',
    {
      config: { auth: { roles: ROLES.write } },
      schema: {
        tags: ['claims'],
        summary: 'Send one or more claims (atomic; idempotent by reference)',
        description:
          'Each claim is an unpaid invoice: principal, due date, collection costs already charged, interest basis and, when sent, the 14-day letter. Debtors are matched by debtorRef and registered when new. A batch with any invalid claim is refused whole (400, with each failing field’s JSON pointer). Resending a stored reference with the same content is a no-op; with other content it is refused (409). Payments are the debtor’s `invoice_paid` data points with the claim’s reference as invoiceId.',
        body: ClaimsBatchSchema,
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({ claimId: UuidSchema, reference: Type.String(), debtorId: UuidSchema, created: Type.Boolean() })), created: Type.Integer(), unchanged: Type.Integer() }, { description: 'Every claim was stored before with the same content' }),
          201: Type.Object({ items: Type.Array(Type.Object({ claimId: UuidSchema, reference: Type.String(), debtorId: UuidSchema, created: Type.Boolean() })), created: Type.Integer(), unchanged: Type.Integer() }, { description: 'At least one claim was new' }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS, 409),
        },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const items = await db.transaction().execute(async (trx) => {
        const stored = await createClaims(trx, tenantId, request.body.claims, deps.today());
        const created = stored.filter((s) => s.created).length;
        if (created > 0) await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'claims.received', subjectType: 'tenant', subjectId: tenantId, details: { created, unchanged: stored.length - created } });
        return stored;
      });
      const created = items.filter((s) => s.created).length;
      reply.status(created > 0 ? 201 : 200);
      return { items, created, unchanged: items.length - created };
    },
  );

  app.get(
    '/v1/claims/:claimId',
    {
      config: { auth: { roles: ROLES.read } },
      schema: {
        tags: ['claims'],
        summary: 'One claim with its interest, chargeable collection costs and total due as of a date, and the arithmetic',
        params: ClaimParamsSchema,
        querystring: AsOfQuerySchema,
        response: { 200: Type.Ref('Claim'), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 422) },
      },
    },
    async (request) => toResponse(await getClaimView(db, tenantOf(request), request.params.claimId, request.query.asOf ?? deps.today())),
  );

  app.get(
    '/v1/debtors/:debtorId/claims',
    {
      config: { auth: { roles: ROLES.read } },
      schema: {
        tags: ['claims'],
        summary: 'The debtor’s open claims as of a date, with totals',
        description: 'Claims sent through POST /v1/claims, and invoices issued (data point `invoice_issued`) that no claim covers and that are not paid in full; only those with something still due.',
        params: DebtorParamsSchema,
        querystring: AsOfQuerySchema,
        response: {
          200: Type.Object({
            debtorId: UuidSchema,
            asOf: IsoDateSchema,
            items: Type.Array(Type.Ref('Claim')),
            totals: Type.Object({ principalOutstandingCents: Type.Integer(), interestOutstandingCents: Type.Integer(), costsOutstandingCents: Type.Integer(), totalDueCents: Type.Integer() }),
            lastKnownKept: Type.Boolean({ description: 'Some interest used a rate kept past its period (a later rate is missing from the table)' }),
          }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 422),
        },
      },
    },
    async (request) => {
      const result = await listDebtorClaims(db, tenantOf(request), request.params.debtorId, request.query.asOf ?? deps.today());
      return { ...result, items: result.items.map(toResponse) };
    },
  );

  app.post(
    '/v1/claims/:claimId/fourteen-day-letter',
    {
      config: { auth: { roles: ROLES.write } },
      schema: {
        tags: ['claims'],
        summary: 'Record that the 14-day letter (veertiendagenbrief) was sent',
        description:
          'Collection costs may be charged only after its term: 14 days starting the day after the letter is received (deemed 2 days after sending unless receivedOn is given). The same letter again is a no-op; a different one is refused (409): the first letter’s term is the one that counts.',
        params: ClaimParamsSchema,
        body: LetterBodySchema,
        response: { 200: Type.Ref('Claim'), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 409, 422) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const { claimId } = request.params;
      const today = deps.today();
      await db.transaction().execute(async (trx) => {
        const { changed } = await recordFourteenDayLetter(trx, tenantId, claimId, request.body, today);
        if (changed) await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'claim.fourteen_day_letter_recorded', subjectType: 'claim', subjectId: claimId, details: { sentOn: request.body.sentOn } });
      });
      return toResponse(await getClaimView(db, tenantId, claimId, today));
    },
  );
}
