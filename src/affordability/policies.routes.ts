/**
 * A creditor's own policy where it differs from the defaults: extra categorisation rules (its own
 * suppliers, its own collection agency) and overrides of the dated norms. Admins change them; every
 * report then says which norms a tenant overrode.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, IsoDateSchema, problemResponses } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { AppError } from '../platform/errors.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { CategorisationRuleSchema, parseRules, RuleSetError, type CategorisationRule } from '../analytics/categorisation/rule-set.schema.js';
import { getTenantPolicy, putTenantPolicy } from '../tenants/tenant-policy.service.js';
import { AssessmentPolicyEntrySchema, BeslagvrijeVoetEntrySchema, BijstandNormEntrySchema, HousingRaiseEntrySchema, MinimumLivingCostsEntrySchema, normsAt, NormsError, type NormOverrides } from './norms/norms.js';
import { listTenantLearnedRules } from '../categorisation-corrections/corrections.service.js';
import { LearnedRulesResponseSchema } from '../categorisation-corrections/corrections.routes.js';

/** Bounds on what a norm override may hold: it is stored and read into every report of the tenant. */
const OVERRIDE_TEXT_MAX = 2000;
const OVERRIDE_LIST_MAX = 100;

/**
 * An override entry: the table's entry schema made closed and partial all the way down (a tenant
 * changes only what it names), with every string and list bounded. Only validFrom is required.
 */
function closedPartial(schema: TSchema): TSchema {
  const s = schema as TSchema & { type?: string; properties?: Record<string, TSchema>; items?: TSchema; maxLength?: number; maxItems?: number; minItems?: number };
  if (s.type === 'object' && s.properties) {
    const properties = Object.fromEntries(Object.entries(s.properties).map(([key, value]) => [key, Type.Optional(closedPartial(value))]));
    return Type.Object(properties, { additionalProperties: false });
  }
  if (s.type === 'array' && s.items) return Type.Array(closedPartial(s.items), { ...(s.minItems === undefined ? {} : { minItems: s.minItems }), maxItems: Math.min(s.maxItems ?? OVERRIDE_LIST_MAX, OVERRIDE_LIST_MAX) });
  if (s.type === 'string') return { ...s, maxLength: Math.min(s.maxLength ?? OVERRIDE_TEXT_MAX, OVERRIDE_TEXT_MAX) } as TSchema;
  return s;
}

const DatedOverrides = (entry: TSchema, description: string) => {
  const partial = closedPartial(entry) as TSchema & { properties: Record<string, TSchema> };
  const item = Type.Object({ ...partial.properties, validFrom: IsoDateSchema }, { additionalProperties: false });
  return Type.Optional(Type.Array(item, { maxItems: 50, description }));
};

const NormOverridesSchema = Type.Object(
  {
    bijstandNorms: DatedOverrides(BijstandNormEntrySchema, 'Bijstand norms by household type, in cents'),
    beslagvrijeVoet: DatedOverrides(BeslagvrijeVoetEntrySchema, 'Protected-income parameters'),
    housingRaise: DatedOverrides(HousingRaiseEntrySchema, 'Housing-cost raise of the protected amount: the share of housing in the norm and the maximum raises, in cents'),
    minimumLivingCosts: DatedOverrides(MinimumLivingCostsEntrySchema, 'Minimum variable living costs used when data is thin'),
    assessmentPolicy: DatedOverrides(AssessmentPolicyEntrySchema, 'Assessment settings (months assessed, percentiles, thresholds)'),
  },
  { additionalProperties: false },
);

const PolicyMeta = { version: Type.Integer({ description: '0 while the defaults apply' }), updatedAt: Type.Union([DateTimeSchema, Type.Null()]) };

export async function policyRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { db } = deps.database;

  app.get(
    '/v1/policies/categorisation-rules',
    {
      config: { auth: { roles: ['creditor', 'analyst', 'admin'] } },
      schema: {
        tags: ['policies'],
        summary: 'The tenant’s own categorisation rules (they win over the default rules), and the rules it learned from corrections (they win over both)',
        response: {
          200: Type.Object({
            rules: Type.Array(CategorisationRuleSchema),
            ...PolicyMeta,
            learnedRules: Type.Array(LearnedRulesResponseSchema.items as typeof LearnedRulesResponseSchema.items, { description: 'Learned from corrections, with their origin; remove one with DELETE /v1/policies/learned-categorisation-rules/{ruleId}' }),
          }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS),
        },
      },
    },
    async (request) => {
      const [policy, learnedRules] = await Promise.all([getTenantPolicy<CategorisationRule[]>(db, tenantOf(request), 'categorisation_rules', []), listTenantLearnedRules(db, tenantOf(request))]);
      return { rules: policy.document, version: policy.version, updatedAt: policy.updatedAt, learnedRules };
    },
  );

  app.put(
    '/v1/policies/categorisation-rules',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['policies'],
        summary: 'Replace the tenant’s own categorisation rules',
        body: Type.Object({ rules: Type.Array(CategorisationRuleSchema, { maxItems: 1000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ rules: Type.Array(CategorisationRuleSchema), ...PolicyMeta }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 422) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      let rules: CategorisationRule[];
      try {
        rules = parseRules(request.body.rules, 'rules');
      } catch (error) {
        if (error instanceof RuleSetError) {
          throw new AppError('unprocessable_entity', error.message, { errors: [{ in: 'body', pointer: `/${error.place.replace(/\[(\d+)\].*/, '/$1')}`, message: error.message, code: 'invalid_rule' }] });
        }
        throw error;
      }
      const saved = await db.transaction().execute(async (trx) => {
        const policy = await putTenantPolicy(trx, tenantId, 'categorisation_rules', rules);
        await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'policy.categorisation_rules.updated', subjectType: 'tenant', subjectId: tenantId, details: { rules: rules.length, version: policy.version } });
        return policy;
      });
      return { rules: saved.document, version: saved.version, updatedAt: saved.updatedAt };
    },
  );

  app.get(
    '/v1/policies/norm-overrides',
    {
      config: { auth: { roles: ['creditor', 'analyst', 'admin'] } },
      schema: {
        tags: ['policies'],
        summary: 'The tenant’s overrides of the dated norms (protected income, living costs, assessment settings)',
        response: { 200: Type.Object({ overrides: NormOverridesSchema, ...PolicyMeta }), ...problemResponses(...AUTHENTICATED_PROBLEMS) },
      },
    },
    async (request) => {
      const policy = await getTenantPolicy<NormOverrides>(db, tenantOf(request), 'norm_overrides', {});
      return { overrides: policy.document as Record<string, never>, version: policy.version, updatedAt: policy.updatedAt };
    },
  );

  app.put(
    '/v1/policies/norm-overrides',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['policies'],
        summary: 'Replace the tenant’s norm overrides; each entry is dated and only changes what it names',
        body: Type.Object({ overrides: NormOverridesSchema }, { additionalProperties: false }),
        response: { 200: Type.Object({ overrides: NormOverridesSchema, ...PolicyMeta }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 422) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const overrides = request.body.overrides as NormOverrides;
      // Apply the overrides on every date they name and today: a bad entry fails now, not in a report.
      const dates = new Set([deps.today(), ...Object.values(overrides).flatMap((entries) => (entries ?? []).map((e: { validFrom: string }) => e.validFrom))]);
      try {
        for (const date of dates) normsAt(date, overrides);
      } catch (error) {
        if (error instanceof NormsError) throw new AppError('unprocessable_entity', error.message, { errors: [{ in: 'body', pointer: '/overrides', message: error.message, code: 'invalid_norms' }] });
        throw error;
      }
      const saved = await db.transaction().execute(async (trx) => {
        const policy = await putTenantPolicy(trx, tenantId, 'norm_overrides', overrides);
        await recordAudit(trx, { tenantId, actor: `api_key:${request.auth!.keyId}`, action: 'policy.norm_overrides.updated', subjectType: 'tenant', subjectId: tenantId, details: { version: policy.version } });
        return policy;
      });
      return { overrides: saved.document as Record<string, never>, version: saved.version, updatedAt: saved.updatedAt };
    },
  );
}
