/**
 * Category corrections: a creditor's or analyst's correction of one transaction's category, which
 * applies at once and teaches the tenant a rule for that counterparty; the learned rules, with
 * where they came from; and removing either.
 */
import { Type } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { CATEGORY_IDS, type CategoryId } from '../analytics/taxonomy.js';
import { sharedAffordabilityEngine } from '../affordability/affordability.service.js';
import { APPLIES_TO, RULE_DIRECTIONS } from './corrections.table.js';
import {
  correctCategory,
  deleteCorrection,
  deleteLearnedRule,
  listDebtorCorrections,
  listTenantLearnedRules,
  transactionCategory,
  type DebtorCategoriser,
} from './corrections.service.js';

/** Shared once (see app.ts), so the 30-odd taxonomy ids appear once in openapi.yaml. */
export const CategoryIdSchemaDefinition = Type.Unsafe<CategoryId>({ $id: 'CategoryId', type: 'string', enum: [...CATEGORY_IDS], description: 'A category of the transaction taxonomy' });
const CategoryIdSchema = Type.Ref('CategoryId') as unknown as typeof CategoryIdSchemaDefinition;

const TransactionParamsSchema = Type.Object({
  debtorId: UuidSchema,
  transactionId: Type.String({ pattern: '^[0-9]{1,15}$', description: 'The transaction’s id as GET /v1/debtors/{debtorId}/transactions gives it' }),
});

const CategorisationSchema = Type.Object({
  category: CategoryIdSchema,
  ruleId: Type.String({ description: '"correction:<id>" for a transaction’s own correction, "learned:<id>" for a learned rule, else the rule that decided' }),
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
});

export const CorrectionSchemaDefinition = Type.Object({
  id: UuidSchema,
  debtorId: UuidSchema,
  transactionId: Type.String(),
  category: CategoryIdSchema,
  previousCategory: CategoryIdSchema,
  previousRuleId: Type.String({ description: 'What decided the category before this correction' }),
  appliesTo: StringEnum(APPLIES_TO),
  learnedRuleId: Type.Union([UuidSchema, Type.Null()], { description: 'The learned rule this correction made or confirmed; null for a one-off' }),
  actor: Type.String({ description: 'Who corrected: "api_key:<key id>"' }),
  createdAt: DateTimeSchema,
}, { $id: 'CategoryCorrection' });
export const CorrectionSchema = Type.Ref('CategoryCorrection') as unknown as typeof CorrectionSchemaDefinition;

export const LearnedRuleSchemaDefinition = Type.Object({
  id: UuidSchema,
  ruleId: Type.String({ description: 'What categorisations decided by this rule name as ruleId' }),
  match: Type.Union([Type.Object({ counterpartyIban: Type.String() }), Type.Object({ counterpartyName: Type.String({ description: 'Normalised name; matches names that start with it' }) })]),
  direction: StringEnum(RULE_DIRECTIONS, { description: 'Money in or out, as in the corrected transaction' }),
  category: CategoryIdSchema,
  origin: Type.Object({
    correctionId: Type.Union([UuidSchema, Type.Null()], { description: 'null once that correction’s bank data is erased' }),
    actor: Type.String(),
    learnedAt: DateTimeSchema,
  }),
}, { $id: 'LearnedCategorisationRule' });
const LearnedRuleSchema = Type.Ref('LearnedCategorisationRule') as unknown as typeof LearnedRuleSchemaDefinition;

export const LearnedRulesResponseSchema = Type.Array(LearnedRuleSchema);

const CorrectionResultSchema = Type.Object({
  correction: CorrectionSchema,
  categorisation: CategorisationSchema,
  rule: Type.Union([Type.Intersect([LearnedRuleSchema, Type.Object({ status: StringEnum(['created', 'replaced', 'unchanged'] as const) })]), Type.Null()]),
  coversOtherTransactions: Type.Integer({ minimum: 0, description: 'How many of the debtor’s other transactions the learned rule now decides' }),
  changed: Type.Boolean({ description: 'false when the same correction was already in place' }),
});

export async function correctionRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { db } = deps.database;
  const engine = sharedAffordabilityEngine(deps);
  const categoriseDebtor: DebtorCategoriser = (handle, tenantId, debtorId) => engine.categoriseStored(handle, tenantId, debtorId, { today: deps.today() });
  const actorOf = (request: { auth: { keyId: string } | null }) => `api_key:${request.auth!.keyId}`;

  app.put(
    '/v1/debtors/:debtorId/transactions/:transactionId/category',
    {
      config: { auth: { roles: ['creditor', 'analyst'] } },
      schema: {
        tags: ['bank-data'],
        summary: 'Correct a transaction’s category; by default the tenant also learns it for the same counterparty',
        description:
          'Applies at once. With appliesTo "counterparty" (the default) the tenant learns a rule for the counterparty’s IBAN (else its normalised name) and the direction of money, which decides that counterparty’s other transactions of every debtor. Sending the same correction again changes nothing; a newer correction for the same counterparty replaces the rule.',
        params: TransactionParamsSchema,
        body: Type.Object({ category: CategoryIdSchema, appliesTo: Type.Optional(StringEnum(APPLIES_TO, { default: 'counterparty' })) }, { additionalProperties: false }),
        response: { 200: CorrectionResultSchema, ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 422) },
      },
    },
    async (request) =>
      correctCategory(db, categoriseDebtor, {
        tenantId: tenantOf(request),
        debtorId: request.params.debtorId,
        transactionId: request.params.transactionId,
        category: request.body.category,
        appliesTo: request.body.appliesTo ?? 'counterparty',
        actor: actorOf(request),
        today: deps.today(),
      }),
  );

  app.get(
    '/v1/debtors/:debtorId/transactions/:transactionId/category',
    {
      config: { auth: { roles: ['creditor', 'analyst'] } },
      schema: {
        tags: ['bank-data'],
        summary: 'A transaction’s category as reports use it (its correction, else the rules), and its correction if any',
        params: TransactionParamsSchema,
        response: {
          200: Type.Object({ transactionId: Type.String(), categorisation: CategorisationSchema, correction: Type.Union([CorrectionSchema, Type.Null()]) }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS, 404),
        },
      },
    },
    async (request) => transactionCategory(db, categoriseDebtor, tenantOf(request), request.params.debtorId, request.params.transactionId),
  );

  app.delete(
    '/v1/debtors/:debtorId/transactions/:transactionId/category',
    {
      config: { auth: { roles: ['creditor', 'analyst'] } },
      schema: {
        tags: ['bank-data'],
        summary: 'Remove a transaction’s own correction; a rule it taught stays (remove it under policies)',
        params: TransactionParamsSchema,
        response: { 204: Type.Null({ description: 'Removed' }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request, reply) => {
      await deleteCorrection(db, tenantOf(request), request.params.debtorId, request.params.transactionId, actorOf(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/debtors/:debtorId/category-corrections',
    {
      config: { auth: { roles: ['creditor', 'analyst'] } },
      schema: {
        tags: ['bank-data'],
        summary: 'The debtor’s category corrections, oldest first',
        params: Type.Object({ debtorId: UuidSchema }),
        response: { 200: Type.Object({ items: Type.Array(CorrectionSchema) }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => ({ items: await listDebtorCorrections(db, tenantOf(request), request.params.debtorId) }),
  );

  app.get(
    '/v1/policies/learned-categorisation-rules',
    {
      config: { auth: { roles: ['creditor', 'analyst', 'admin'] } },
      schema: {
        tags: ['policies'],
        summary: 'Categorisation rules the tenant learned from corrections, with their origin (correction, who, when)',
        description: 'They win over the tenant’s other rules and the default rules; a transaction’s own correction wins over them.',
        response: { 200: Type.Object({ rules: LearnedRulesResponseSchema }), ...problemResponses(...AUTHENTICATED_PROBLEMS) },
      },
    },
    async (request) => ({ rules: await listTenantLearnedRules(db, tenantOf(request)) }),
  );

  app.delete(
    '/v1/policies/learned-categorisation-rules/:ruleId',
    {
      config: { auth: { roles: ['creditor', 'analyst', 'admin'] } },
      schema: {
        tags: ['policies'],
        summary: 'Remove a learned rule and the corrections behind it; the transactions fall back to the other rules',
        params: Type.Object({ ruleId: UuidSchema }),
        response: { 200: Type.Object({ correctionsRemoved: Type.Integer({ minimum: 0 }) }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => deleteLearnedRule(db, tenantOf(request), request.params.ruleId, actorOf(request)),
  );
}
