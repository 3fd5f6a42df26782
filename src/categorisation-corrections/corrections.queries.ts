/**
 * The read side of corrections, which every categorisation of stored data goes through: the
 * tenant's learned rules (merged into its own rules) and the debtor's transaction-level corrections
 * (applied over the result). Order of precedence: a transaction's own correction, then the learned
 * rules, then the tenant's other rules, then the default rules.
 */
import type { Db } from '../platform/database/connection.js';
import type { Categorisation, CategorisedTransaction } from '../analytics/categorisation/categorise.js';
import type { CategorisationRule } from '../analytics/categorisation/rule-set.schema.js';
import type { CategoryId } from '../analytics/taxonomy.js';
import type { LearnedRuleRow } from './corrections.table.js';

/** What a categorisation names when a learned rule decided it. */
export function learnedRuleRef(ruleId: string): string {
  return `learned:${ruleId}`;
}

/** What a categorisation names when a transaction's own correction decided it. */
export function correctionRef(correctionId: string): string {
  return `correction:${correctionId}`;
}

/** A correction is a person's judgement: it is certain, whatever the rules would have said. */
export const CORRECTION_CONFIDENCE = 1;

export async function listLearnedRules(db: Db, tenantId: string): Promise<LearnedRuleRow[]> {
  return db.selectFrom('learned_categorisation_rules').selectAll().where('tenant_id', '=', tenantId).orderBy('learned_at').orderBy('id').execute();
}

/** The learned rule in the rule language, so the categorisation engine needs no knowledge of corrections. */
export function learnedRuleAsRule(row: LearnedRuleRow, priority: number): CategorisationRule {
  const when: CategorisationRule['when'] = row.match_kind === 'counterparty_iban' ? { counterpartyIban: [row.match_value] } : { name: [`^${row.match_value}`] };
  if (row.direction !== 'any') when.direction = row.direction;
  return { id: learnedRuleRef(row.id), category: row.category as CategoryId, confidence: CORRECTION_CONFIDENCE, priority, when, note: 'learned from a correction' };
}

/**
 * The tenant's own rules with its learned rules in front. Learned rules get a priority above every
 * other tenant rule: a correction names one counterparty exactly, so it is the more specific judgement.
 */
export function mergeTenantRules(learned: readonly LearnedRuleRow[], own: readonly CategorisationRule[]): CategorisationRule[] {
  if (learned.length === 0) return [...own];
  const priority = own.reduce((max, rule) => Math.max(max, rule.priority), 0) + 1;
  return [...learned.map((row) => learnedRuleAsRule(row, priority)), ...own];
}

/** Changes whenever a learned rule is added, replaced or removed: the key for caching compiled rules. */
export function learnedRulesStamp(learned: readonly LearnedRuleRow[]): string {
  return learned.map((row) => `${row.id}@${new Date(row.learned_at).getTime()}`).join(',');
}

/** The debtor's transaction-level corrections by transaction id. */
export async function correctionsOfDebtor(db: Db, tenantId: string, debtorId: string): Promise<Map<string, Categorisation>> {
  const rows = await db.selectFrom('category_corrections').select(['id', 'transaction_id', 'category']).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute();
  return new Map(rows.map((row) => [String(row.transaction_id), { category: row.category as CategoryId, ruleId: correctionRef(row.id), confidence: CORRECTION_CONFIDENCE }]));
}

/** Transaction-level corrections over a categorisation (in place, and returned for chaining). */
export function applyCorrections<T extends CategorisedTransaction>(categorised: T[], corrections: ReadonlyMap<string, Categorisation> | undefined): T[] {
  if (!corrections || corrections.size === 0) return categorised;
  for (let i = 0; i < categorised.length; i += 1) {
    const correction = corrections.get(categorised[i]!.id);
    if (correction) categorised[i] = { ...categorised[i]!, ...correction };
  }
  return categorised;
}
