/**
 * Write-off recommendations for claims, and the tenant's collection cost table they are computed with.
 * Creditors ask for recommendations (and may have them open debt-help referrals); analysts may ask too,
 * without referrals, to study the arithmetic. Admins change the cost table.
 */
import { Type } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, IsoDateSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { AppError } from '../platform/errors.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { sharedAffordabilityEngine } from '../affordability/affordability.service.js';
import type { RiskScorer } from '../risk-models/scoring.js';
import { putTenantPolicy } from '../tenants/tenant-policy.service.js';
import { checkCollectionCostsConfig, COLLECTION_ROUTES, CollectionCostsConfigError, CollectionCostsConfigSchema, type CollectionCostsConfig } from './collection-costs.js';
import { PROBABILITY_SOURCES, RECOMMENDATION_ACTIONS, WRITE_OFF_RULES } from './recommend.js';
import { collectionCostsFor, MAX_CLAIMS_PER_RECOMMENDATION_REQUEST, openReferralsFor, recommendWriteOffs } from './write-off.service.js';

const Cents = (description: string) => Type.Integer({ description: `${description} In euro cents.` });
const BasisPoints = (description: string) => Type.Integer({ description: `${description} In basis points (10000 = 100 %).` });

const RouteBreakdownSchema = Type.Object({
  route: StringEnum(COLLECTION_ROUTES),
  available: Type.Boolean(),
  unavailableReason: Type.Union([Type.String(), Type.Null()]),
  probabilityFactorBasisPoints: BasisPoints('The route’s factor on the debtor’s payment probability.'),
  paymentProbabilityBasisPoints: BasisPoints('p for this route: min(100 %, p × factor).'),
  amountCents: Cents('The claim’s total due on asOf.'),
  expectedRecoveryCents: Cents('amount × p, rounded half up.'),
  commissionBasisPoints: Type.Integer(),
  commissionCents: Cents('expected × commission, rounded half up.'),
  months: Type.Number({ description: 'Months until the money comes (for a plan, (n + 1) / 2)' }),
  plan: Type.Union([Type.Object({ months: Type.Integer(), instalmentCents: Type.Integer(), basis: StringEnum(['affordable_low', 'affordable_high', 'configured_months'] as const) }), Type.Null()]),
  discountFactor: Type.Number({ description: '(1 + annual rate)^(−months/12)' }),
  discountedRecoveryCents: Cents('(expected − commission) × discount factor, rounded half up.'),
  steps: Type.Array(Type.Object({ step: Type.String(), cents: Type.Integer(), incurred: StringEnum(['always', 'if_unpaid'] as const), expectedCents: Type.Integer({ description: 'cost, or cost × (1 − p) for if_unpaid' }) })),
  expectedCostsCents: Cents('Σ the steps’ expected costs (not discounted: paid as the route runs).'),
  netCents: Type.Union([Type.Integer(), Type.Null()], { description: 'discounted − costs; null when the route is not available' }),
  arithmetic: Type.String(),
});

const RecommendationSchema = Type.Object({
  claimId: UuidSchema,
  reference: Type.String(),
  debtorId: UuidSchema,
  totalDueCents: Cents('Principal, interest and chargeable costs outstanding on asOf.'),
  action: StringEnum(RECOMMENDATION_ACTIONS),
  route: Type.Union([StringEnum(COLLECTION_ROUTES), Type.Null()]),
  decidedBy: Type.Object({ kind: StringEnum(['rule', 'expected_value'] as const), rule: Type.Optional(StringEnum(WRITE_OFF_RULES)) }),
  reason: Type.String(),
  probability: Type.Object({
    source: StringEnum(PROBABILITY_SOURCES, { description: 'risk_model: 1 − the champion model’s arrears probability; affordability: from the affordable instalment (no model); assumed: the configured figure (neither)' }),
    paymentProbabilityBasisPoints: Type.Integer(),
    model: Type.Union([Type.Object({ modelId: Type.String(), version: Type.Integer(), horizonDays: Type.Integer(), arrearsProbability: Type.Number() }), Type.Null()]),
    explanation: Type.String(),
  }),
  rules: Type.Array(
    Type.Object({
      rule: StringEnum(WRITE_OFF_RULES),
      applies: Type.Union([Type.Boolean(), Type.Null()], { description: 'null: not decided for lack of data' }),
      evidence: Type.Object({
        eventIds: Type.Optional(Type.Array(Type.String())),
        transactionIds: Type.Optional(Type.Array(Type.String())),
        figures: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Null()]))),
      }),
      explanation: Type.String(),
    }),
  ),
  routes: Type.Array(RouteBreakdownSchema),
  discount: Type.Object({ annualRateBasisPoints: Type.Integer() }),
  referral: Type.Union([Type.Object({ id: UuidSchema, created: Type.Boolean() }), Type.Null()], { description: 'The debtor’s debt-help referral, when createReferrals was asked and the action is refer_to_debt_help' }),
});

const PolicyMeta = { source: StringEnum(['default', 'tenant'] as const), version: Type.Integer({ description: '0 while the defaults apply' }), updatedAt: Type.Union([DateTimeSchema, Type.Null()]) };

export async function writeOffRoutes(app: AppInstance, deps: AppDeps, riskModels: { scorer: RiskScorer }): Promise<void> {
  const { db } = deps.database;
  const engine = sharedAffordabilityEngine(deps);

  app.post(
    '/v1/write-off-recommendations',
    {
      config: { auth: { roles: ['creditor', 'analyst'] } },
      schema: {
        tags: ['write-off'],
        summary: 'Collect, offer a plan, write off or refer to debt help: one recommendation per claim, with every route’s arithmetic',
        description:
          'For each claim: the expected net value of each route (plan, standard dunning, agency, court and bailiff) = probability × amount − expected costs, the recovery discounted for time; then the rules (MD07 return, complex debt, small claim with a good history), each named. An id the tenant does not have fails the request with 404 naming each field (/claimIds/i); a claim with nothing due on asOf with 422. createReferrals (creditor role only) opens a debt-help referral for each debtor referred, or returns the open one.',
        body: Type.Object(
          {
            claimIds: Type.Array(UuidSchema, { minItems: 1, maxItems: MAX_CLAIMS_PER_RECOMMENDATION_REQUEST }),
            asOf: Type.Optional(Type.String({ format: 'date', description: 'Compute as at the end of this day (default: today)' })),
            createReferrals: Type.Optional(Type.Boolean({ description: 'Open a debt-help referral where the recommendation is refer_to_debt_help (default false)' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ asOf: IsoDateSchema, costTable: Type.Object({ source: StringEnum(['default', 'tenant'] as const), version: Type.Integer() }), items: Type.Array(RecommendationSchema) }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 422),
        },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const createReferrals = request.body.createReferrals ?? false;
      if (createReferrals && request.auth!.role !== 'creditor') throw new AppError('forbidden_role', 'only a creditor key may open debt-help referrals', { errors: [{ in: 'body', pointer: '/createReferrals', message: 'needs the creditor role' }] });
      const today = deps.today();
      const actor = `api_key:${request.auth!.keyId}`;
      const answer = await recommendWriteOffs(db, tenantId, request.body.claimIds, { asOf: request.body.asOf ?? today, today, requestedBy: actor, scorer: riskModels.scorer, engine });
      if (createReferrals) {
        await db.transaction().execute(async (trx) => {
          const opened = await openReferralsFor(trx, tenantId, answer, today);
          for (const { referralId, debtorId } of opened) await recordAudit(trx, { tenantId, actor, action: 'debt_help_referral.opened', subjectType: 'debtor', subjectId: debtorId, details: { referralId, source: 'write_off_recommendation' } });
        });
      }
      return { asOf: answer.asOf, costTable: answer.costTable, items: answer.items };
    },
  );

  app.get(
    '/v1/policies/collection-costs',
    {
      config: { auth: { roles: ['creditor', 'analyst', 'admin'] } },
      schema: {
        tags: ['policies'],
        summary: 'The collection cost table write-off recommendations use: the tenant’s own, else the defaults (with their sources)',
        response: { 200: Type.Object({ config: CollectionCostsConfigSchema, ...PolicyMeta }), ...problemResponses(...AUTHENTICATED_PROBLEMS) },
      },
    },
    async (request) => collectionCostsFor(db, tenantOf(request)),
  );

  app.put(
    '/v1/policies/collection-costs',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['policies'],
        summary: 'Replace the tenant’s collection cost table (the whole document; GET shows the defaults to start from)',
        body: Type.Object({ config: CollectionCostsConfigSchema }, { additionalProperties: false }),
        response: { 200: Type.Object({ config: CollectionCostsConfigSchema, ...PolicyMeta }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 422) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      let config: CollectionCostsConfig;
      try {
        config = checkCollectionCostsConfig(request.body.config);
      } catch (error) {
        if (error instanceof CollectionCostsConfigError) throw new AppError('unprocessable_entity', error.message, { errors: [{ in: 'body', pointer: `/config${error.pointer}`, message: error.message, code: 'invalid_cost_table' }] });
        throw error;
      }
      const saved = await db.transaction().execute(async (trx) => {
        const policy = await putTenantPolicy(trx, tenantId, 'collection_costs', config);
        await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'policy.collection_costs.updated', subjectType: 'tenant', subjectId: tenantId, details: { version: policy.version } });
        return policy;
      });
      return { config: saved.document, source: 'tenant' as const, version: saved.version, updatedAt: saved.updatedAt };
    },
  );
}
