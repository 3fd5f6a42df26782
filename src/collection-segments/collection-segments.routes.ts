/**
 * Debtor segments over HTTP: the segment of one debtor with its evidence, treatment and contact
 * window, and the tenant's segment thresholds (policy kind collection_segments).
 */
import { Type } from '@sinclair/typebox';
import { sharedAffordabilityEngine } from '../affordability/affordability.service.js';
import { CONTACT_CHANNELS } from '../data-points/data-point.schema.js';
import { DebtorParamsSchema } from '../debtors/debtors.routes.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { AppError } from '../platform/errors.js';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, IsoDateSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import type { RiskScorer } from '../risk-models/scoring.js';
import { putTenantPolicy } from '../tenants/tenant-policy.service.js';
import { collectionSegmentPolicy, debtorSegment } from './collection-segments.service.js';
import { SEGMENTS } from './segment-debtor.js';
import { CollectionSegmentOverridesSchema, CollectionSegmentThresholdsSchema, DEFAULT_COLLECTION_SEGMENT_THRESHOLDS, resolveThresholds } from './segment-thresholds.js';

const SegmentSchema = StringEnum(SEGMENTS, { description: 'cant_pay, wont_pay, forgot, temporary_shock, complex_debt or no_risk' });
const RuleSegmentSchema = StringEnum(['cant_pay', 'wont_pay', 'forgot', 'temporary_shock', 'complex_debt'] as const);
const ScoreSchema = Type.Number({ description: 'Sum of the weights of the fired rules of the segment' });

const RuleResultSchema = Type.Object({
  rule: Type.String(),
  segment: RuleSegmentSchema,
  fired: Type.Boolean(),
  weight: Type.Number(),
  test: Type.String({ description: 'What was compared, in words' }),
  threshold: Type.Number(),
  observed: Type.Union([Type.Number(), Type.Null()], { description: 'The observed value; null when it could not be observed' }),
  eventIds: Type.Array(Type.String(), { description: 'Data-point event ids the rule looked at' }),
  transactionIds: Type.Array(Type.String(), { description: 'Bank transaction ids the rule looked at' }),
  notTestedBecause: Type.Optional(Type.String()),
});

const ModelSchema = Type.Union([
  Type.Object({ kind: Type.Literal('model'), probability: Type.Number(), modelId: Type.String(), version: Type.Integer(), featureSet: Type.String() }),
  Type.Object({ kind: Type.Literal('no_model'), reason: Type.String({ description: 'Why no model was used; the segment then rests on affordability and signals alone' }) }),
]);

const TreatmentSchema = Type.Object({
  segment: SegmentSchema,
  action: StringEnum(['send_payment_reminder', 'offer_plan', 'offer_payment_pause', 'refer_to_debt_help', 'firm_notice', 'none', 'stop_collection'] as const),
  channels: Type.Array(StringEnum(CONTACT_CHANNELS), { description: 'In order of preference; channels the debtor answered through come first' }),
  tone: StringEnum(['supportive', 'firm'] as const),
  templateKey: Type.String({ description: 'Key of the plain-language template' }),
  rationale: Type.String(),
});

const ContactWindowSchema = Type.Object({
  basis: StringEnum(['main_income', 'no_income_day'] as const),
  from: IsoDateSchema,
  until: IsoDateSchema,
  incomeArrival: Type.Union([IsoDateSchema, Type.Null()]),
  nextIncomeArrival: Type.Union([IsoDateSchema, Type.Null()]),
  mainIncome: Type.Union([
    Type.Object({ streamId: Type.Union([Type.String(), Type.Null()]), category: Type.String(), counterpartyName: Type.Union([Type.String(), Type.Null()]), source: StringEnum(['learned', 'calendar'] as const), monthlyEquivalentCents: Type.Integer() }),
    Type.Null(),
  ]),
  explanation: Type.String(),
});

const Cents = Type.Union([Type.Integer(), Type.Null()]);

export const DebtorSegmentSchema = Type.Object(
  {
    debtorId: UuidSchema,
    asOf: IsoDateSchema,
    segment: SegmentSchema,
    secondarySegment: Type.Union([SegmentSchema, Type.Null()]),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    scores: Type.Object({ cant_pay: ScoreSchema, wont_pay: ScoreSchema, forgot: ScoreSchema, temporary_shock: ScoreSchema, complex_debt: ScoreSchema }),
    abilityToPay: StringEnum(['shown', 'not_shown', 'unknown'] as const),
    stopCollection: Type.Union([Type.Object({ reason: Type.Literal('deceased'), eventIds: Type.Array(Type.String()) }), Type.Null()]),
    rules: Type.Array(RuleResultSchema),
    figures: Type.Object({
      openClaims: Type.Integer(),
      totalDueCents: Type.Integer(),
      maxDaysPastDue: Type.Integer(),
      affordableLowCents: Cents,
      affordableHighCents: Cents,
      averageDisposableCents: Cents,
      modelProbability: Type.Union([Type.Number(), Type.Null()]),
    }),
    fallback: Type.Union([StringEnum(['forgot_able', 'cant_pay_unable'] as const), Type.Null()]),
    model: ModelSchema,
    affordability: Type.Object({ used: Type.Boolean(), reason: Type.Union([Type.String(), Type.Null()]), rulesVersion: Type.Union([Type.String(), Type.Null()]) }),
    treatment: TreatmentSchema,
    contactWindow: ContactWindowSchema,
    thresholds: Type.Object({ values: CollectionSegmentThresholdsSchema, policyVersion: Type.Integer(), overriddenByTenant: Type.Array(Type.String()) }),
  },
  { description: 'The debtor’s segment with the evidence of every rule, the treatment and the contact window' },
);

const PolicyResponseSchema = Type.Object({
  overrides: CollectionSegmentOverridesSchema,
  effective: CollectionSegmentThresholdsSchema,
  defaults: CollectionSegmentThresholdsSchema,
  version: Type.Integer({ description: '0 while the defaults apply' }),
  updatedAt: Type.Union([DateTimeSchema, Type.Null()]),
});

export async function collectionSegmentRoutes(app: AppInstance, deps: AppDeps, services: { scorer: RiskScorer | null }): Promise<void> {
  const { db } = deps.database;
  const engine = sharedAffordabilityEngine(deps);

  app.get(
    '/v1/debtors/:debtorId/segment',
    {
      config: { auth: { roles: ['creditor', 'analyst'] } },
      schema: {
        tags: ['collections'],
        summary: 'The debtor’s segment (can’t pay, won’t pay, forgot, temporary shock, complex debt, no risk) with its evidence, treatment and contact window',
        description:
          'Uses the data points, the claims, the affordability report where a consent for affordability assessment or a repayment plan covers the bank data, and the champion model’s probability where the tenant has one; the answer says what was missing. Asking stores a risk score when a model scores.',
        params: DebtorParamsSchema,
        querystring: Type.Object({ asOf: Type.Optional(IsoDateSchema) }, { additionalProperties: false }),
        response: { 200: DebtorSegmentSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 422) },
      },
    },
    async (request) => {
      const today = deps.today();
      const asOf = request.query.asOf ?? today;
      if (asOf > today) throw new AppError('invalid_parameter', `asOf ${asOf} is after today (${today}): a segment uses only what is known`);
      return debtorSegment(db, { engine, scorer: services.scorer }, tenantOf(request), request.params.debtorId, { asOf, today, requestedBy: `api_key:${request.auth!.keyId}` });
    },
  );

  app.get(
    '/v1/policies/collection-segments',
    {
      config: { auth: { roles: ['creditor', 'analyst', 'admin'] } },
      schema: {
        tags: ['policies'],
        summary: 'The tenant’s thresholds for debtor segments: its overrides, the defaults and what applies',
        response: { 200: PolicyResponseSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS) },
      },
    },
    async (request) => {
      const policy = await collectionSegmentPolicy(db, tenantOf(request));
      return { overrides: policy.overrides, effective: resolveThresholds(policy.overrides), defaults: DEFAULT_COLLECTION_SEGMENT_THRESHOLDS, version: policy.version, updatedAt: policy.updatedAt };
    },
  );

  app.put(
    '/v1/policies/collection-segments',
    {
      config: { auth: { roles: ['admin', 'analyst'] } },
      schema: {
        tags: ['policies'],
        summary: 'Replace the tenant’s segment thresholds; thresholds not named keep their defaults',
        body: Type.Object({ overrides: CollectionSegmentOverridesSchema }, { additionalProperties: false }),
        response: { 200: PolicyResponseSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 422) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const overrides = request.body.overrides;
      const saved = await db.transaction().execute(async (trx) => {
        const policy = await putTenantPolicy(trx, tenantId, 'collection_segments', overrides);
        await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'policy.collection_segments.updated', subjectType: 'tenant', subjectId: tenantId, details: { version: policy.version, overridden: Object.keys(overrides).sort().join(',') } });
        return policy;
      });
      return { overrides: saved.document, effective: resolveThresholds(saved.document), defaults: DEFAULT_COLLECTION_SEGMENT_THRESHOLDS, version: saved.version, updatedAt: saved.updatedAt };
    },
  );
}
