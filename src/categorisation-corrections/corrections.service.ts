/**
 * Category corrections that teach: a person sets the category of one stored transaction; it applies
 * to that transaction at once and, unless they say it is a one-off, becomes a tenant rule for the
 * same counterparty (by IBAN, else by normalised name) and direction of money. Removing the rule
 * removes the corrections behind it, so the transactions fall back to the other rules.
 *
 * Corrections are tied to bank data: when a transaction is erased (consent ended, debtor erased) its
 * correction goes with it. A learned rule is the tenant's knowledge and stays; it only loses the link
 * to the correction it came from.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/database/connection.js';
import type { IsoDate } from '../platform/dates.js';
import { requireConsent } from '../consent/consent.service.js';
import { AppError, notFound } from '../platform/errors.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { getDebtor } from '../debtors/debtor.service.js';
import { normaliseIban } from '../bank-data/canonical.js';
import type { Categorisation, CategorisedTransaction } from '../analytics/categorisation/categorise.js';
import { counterpartyNameTokens, tokenise } from '../analytics/counterparty-name.js';
import { CATEGORIES, type CategoryId } from '../analytics/taxonomy.js';
import { learnedRuleRef } from './corrections.queries.js';
import type { AppliesTo, CategoryCorrectionRow, LearnedRuleRow, MatchKind, RuleDirection } from './corrections.table.js';

/** Categorises a debtor's stored transactions as reports do (corrections, learned rules, defaults). */
export type DebtorCategoriser = (db: Db, tenantId: string, debtorId: string) => Promise<CategorisedTransaction[]>;

export interface Correction {
  id: string;
  debtorId: string;
  transactionId: string;
  category: CategoryId;
  previousCategory: CategoryId;
  previousRuleId: string;
  appliesTo: AppliesTo;
  /** The learned rule this correction made or confirmed; null for a one-off. */
  learnedRuleId: string | null;
  actor: string;
  createdAt: string;
}

export interface LearnedRule {
  id: string;
  /** What a categorisation decided by this rule names as its ruleId. */
  ruleId: string;
  match: { counterpartyIban: string } | { counterpartyName: string };
  direction: RuleDirection;
  category: CategoryId;
  /** Where the rule came from: the correction (null once its bank data is erased), who and when. */
  origin: { correctionId: string | null; actor: string; learnedAt: string };
}

export interface CorrectionResult {
  correction: Correction;
  categorisation: Categorisation;
  rule: (LearnedRule & { status: 'created' | 'replaced' | 'unchanged' }) | null;
  /** How many of the debtor's other transactions the learned rule now decides. */
  coversOtherTransactions: number;
  /** False when the same correction was already in place: nothing was written. */
  changed: boolean;
}

export function toCorrection(row: CategoryCorrectionRow): Correction {
  return {
    id: row.id,
    debtorId: row.debtor_id,
    transactionId: String(row.transaction_id),
    category: row.category as CategoryId,
    previousCategory: row.previous_category as CategoryId,
    previousRuleId: row.previous_rule_id,
    appliesTo: row.applies_to,
    learnedRuleId: row.rule_id,
    actor: row.actor,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export function toLearnedRule(row: LearnedRuleRow): LearnedRule {
  return {
    id: row.id,
    ruleId: learnedRuleRef(row.id),
    match: row.match_kind === 'counterparty_iban' ? { counterpartyIban: row.match_value } : { counterpartyName: row.match_value },
    direction: row.direction,
    category: row.category as CategoryId,
    origin: { correctionId: row.correction_id, actor: row.actor, learnedAt: new Date(row.learned_at).toISOString() },
  };
}

/**
 * What a learned rule matches on: the counterparty IBAN when the bank gives one (exact), else the
 * normalised name (terminal numbers and legal forms dropped, so "Albert Heijn 1403" teaches "albert
 * heijn"). The name is cut where the bank's own name words stop running on, so the rule matches the
 * name as the categorisation engine reads it.
 */
export function counterpartyKeyOf(tx: Pick<CategorisedTransaction, 'counterpartyIban' | 'counterpartyName'>): { kind: MatchKind; value: string } | null {
  const iban = tx.counterpartyIban ? (normaliseIban(tx.counterpartyIban) ?? tx.counterpartyIban.replace(/\s+/g, '').toUpperCase()) : null;
  if (iban) return { kind: 'counterparty_iban', value: iban };
  const cut = counterpartyNameTokens(tx.counterpartyName);
  if (cut.length === 0) return null;
  const all = tokenise(tx.counterpartyName);
  const start = all.indexOf(cut[0]!);
  let run = 0;
  while (run < cut.length && all[start + run] === cut[run]) run += 1;
  return { kind: 'counterparty_name', value: cut.slice(0, Math.max(run, 1)).join(' ') };
}

function directionOf(amountCents: number): RuleDirection {
  return amountCents > 0 ? 'in' : amountCents < 0 ? 'out' : 'any';
}

export interface CorrectCategoryInput {
  tenantId: string;
  debtorId: string;
  transactionId: string;
  category: CategoryId;
  appliesTo: AppliesTo;
  actor: string;
  today: IsoDate;
}

export async function correctCategory(db: Db, categoriseDebtor: DebtorCategoriser, input: CorrectCategoryInput): Promise<CorrectionResult> {
  const { tenantId, debtorId, transactionId, category, appliesTo, actor } = input;
  // Outside the transaction: a consent found expired here has its data erased, and that must stick.
  await requireConsent(db, tenantId, debtorId, { access: ['transactions'] }, { today: input.today });
  return db.transaction().execute(async (trx) => {
    // Serialises corrections of one transaction, so two identical requests at once make one correction.
    const locked = await trx.selectFrom('bank_transactions').select('id').where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).where('id', '=', Number(transactionId)).forUpdate().executeTakeFirst();
    const before = await categoriseDebtor(trx, tenantId, debtorId);
    const tx = locked ? before.find((t) => t.id === transactionId) : undefined;
    if (!tx) throw notFound('transaction');

    const direction = CATEGORIES[category].direction;
    if ((direction === 'in' && tx.amountCents < 0) || (direction === 'out' && tx.amountCents > 0)) {
      const message = `${category} is for money ${direction === 'in' ? 'in' : 'out'}; this transaction is money ${tx.amountCents < 0 ? 'out' : 'in'}`;
      throw new AppError('unprocessable_entity', message, { errors: [{ in: 'body', pointer: '/category', message, code: 'category_direction_mismatch' }] });
    }
    const key = appliesTo === 'counterparty' ? counterpartyKeyOf(tx) : null;
    if (appliesTo === 'counterparty' && !key) {
      const message = 'the transaction names no counterparty (no IBAN, no name) to learn a rule for; send appliesTo "transaction"';
      throw new AppError('unprocessable_entity', message, { errors: [{ in: 'body', pointer: '/appliesTo', message, code: 'no_counterparty' }] });
    }
    const ruleDirection = directionOf(tx.amountCents);

    const existing = await trx.selectFrom('category_corrections').selectAll().where('tenant_id', '=', tenantId).where('transaction_id', '=', transactionId).executeTakeFirst();
    const currentRule = key
      ? await trx.selectFrom('learned_categorisation_rules').selectAll().where('tenant_id', '=', tenantId).where('match_kind', '=', key.kind).where('match_value', '=', key.value).where('direction', '=', ruleDirection).executeTakeFirst()
      : undefined;

    const unchanged =
      existing !== undefined &&
      existing.category === category &&
      existing.applies_to === appliesTo &&
      (appliesTo === 'transaction' || (currentRule !== undefined && currentRule.category === category && existing.rule_id === currentRule.id));
    if (unchanged) {
      return { ...(await describe(trx, categoriseDebtor, tenantId, debtorId, transactionId, existing, currentRule ?? null, 'unchanged')), changed: false };
    }

    const correctionId = randomUUID();
    // One correction per transaction: a newer one replaces it (a rule it taught loses only the link).
    if (existing) await trx.deleteFrom('category_corrections').where('tenant_id', '=', tenantId).where('id', '=', existing.id).execute();
    await trx
      .insertInto('category_corrections')
      .values({ tenant_id: tenantId, id: correctionId, debtor_id: debtorId, transaction_id: transactionId, category, previous_category: tx.category, previous_rule_id: tx.ruleId, applies_to: appliesTo, rule_id: null, actor })
      .execute();

    let rule: LearnedRuleRow | null = null;
    let ruleStatus: 'created' | 'replaced' | 'unchanged' = 'unchanged';
    if (key) {
      if (!currentRule) {
        // A correction of another line of the same counterparty may have taught it meanwhile: the newer wins.
        rule = await trx
          .insertInto('learned_categorisation_rules')
          .values({ tenant_id: tenantId, id: randomUUID(), match_kind: key.kind, match_value: key.value, direction: ruleDirection, category, correction_id: correctionId, actor })
          .onConflict((oc) => oc.columns(['tenant_id', 'match_kind', 'match_value', 'direction']).doUpdateSet({ category, correction_id: correctionId, actor, learned_at: new Date() }))
          .returningAll()
          .executeTakeFirstOrThrow();
        ruleStatus = 'created';
      } else if (currentRule.category !== category) {
        rule = await trx
          .updateTable('learned_categorisation_rules')
          .set({ category, correction_id: correctionId, actor, learned_at: new Date() })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', currentRule.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        ruleStatus = 'replaced';
      } else {
        // The same lesson again: no second rule; this correction confirms the one there is.
        rule = currentRule;
      }
      await trx.updateTable('category_corrections').set({ rule_id: rule.id }).where('tenant_id', '=', tenantId).where('id', '=', correctionId).execute();
    }
    const row = await trx.selectFrom('category_corrections').selectAll().where('tenant_id', '=', tenantId).where('id', '=', correctionId).executeTakeFirstOrThrow();
    await recordAudit(trx, {
      tenantId,
      actor,
      action: 'categorisation.corrected',
      subjectType: 'debtor',
      subjectId: debtorId,
      details: { correctionId, transactionId, appliesTo, learnedRuleId: rule?.id ?? null, ruleStatus: rule ? ruleStatus : null, replacedCorrectionId: existing?.id ?? null },
    });
    return { ...(await describe(trx, categoriseDebtor, tenantId, debtorId, transactionId, row, rule, ruleStatus)), changed: true };
  });
}

async function describe(
  db: Db,
  categoriseDebtor: DebtorCategoriser,
  tenantId: string,
  debtorId: string,
  transactionId: string,
  correction: CategoryCorrectionRow,
  rule: LearnedRuleRow | null,
  ruleStatus: 'created' | 'replaced' | 'unchanged',
): Promise<Omit<CorrectionResult, 'changed'>> {
  const after = await categoriseDebtor(db, tenantId, debtorId);
  const tx = after.find((t) => t.id === transactionId)!;
  const ref = rule ? learnedRuleRef(rule.id) : null;
  return {
    correction: toCorrection(correction),
    categorisation: { category: tx.category, ruleId: tx.ruleId, confidence: tx.confidence },
    rule: rule ? { ...toLearnedRule(rule), status: ruleStatus } : null,
    coversOtherTransactions: ref ? after.filter((t) => t.id !== transactionId && t.ruleId === ref).length : 0,
  };
}

/** The transaction's category as reports see it, and its correction if it has one. */
export async function transactionCategory(db: Db, categoriseDebtor: DebtorCategoriser, tenantId: string, debtorId: string, transactionId: string) {
  const categorised = await categoriseDebtor(db, tenantId, debtorId);
  const tx = categorised.find((t) => t.id === transactionId);
  if (!tx) throw notFound('transaction');
  const row = await db.selectFrom('category_corrections').selectAll().where('tenant_id', '=', tenantId).where('transaction_id', '=', transactionId).executeTakeFirst();
  return { transactionId, categorisation: { category: tx.category, ruleId: tx.ruleId, confidence: tx.confidence }, correction: row ? toCorrection(row) : null };
}

export async function listDebtorCorrections(db: Db, tenantId: string, debtorId: string): Promise<Correction[]> {
  await getDebtor(db, tenantId, debtorId);
  const rows = await db.selectFrom('category_corrections').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toCorrection);
}

/** Removes a transaction's own correction; a rule it taught stays (remove that with deleteLearnedRule). */
export async function deleteCorrection(db: Db, tenantId: string, debtorId: string, transactionId: string, actor: string): Promise<void> {
  await getDebtor(db, tenantId, debtorId);
  const removed = await db.deleteFrom('category_corrections').where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).where('transaction_id', '=', transactionId).returning('id').executeTakeFirst();
  if (!removed) throw notFound('correction');
  await recordAudit(db, { tenantId, actor, action: 'categorisation.correction.deleted', subjectType: 'debtor', subjectId: debtorId, details: { correctionId: removed.id, transactionId } });
}

export async function listTenantLearnedRules(db: Db, tenantId: string): Promise<LearnedRule[]> {
  const rows = await db.selectFrom('learned_categorisation_rules').selectAll().where('tenant_id', '=', tenantId).orderBy('learned_at').orderBy('id').execute();
  return rows.map(toLearnedRule);
}

/** Removes a learned rule and the corrections behind it: every transaction it decided falls back to the other rules. */
export async function deleteLearnedRule(db: Db, tenantId: string, ruleId: string, actor: string): Promise<{ correctionsRemoved: number }> {
  return db.transaction().execute(async (trx) => {
    const rule = await trx.selectFrom('learned_categorisation_rules').select('id').where('tenant_id', '=', tenantId).where('id', '=', ruleId).forUpdate().executeTakeFirst();
    if (!rule) throw notFound('learned rule');
    const removed = await trx.deleteFrom('category_corrections').where('tenant_id', '=', tenantId).where('rule_id', '=', ruleId).executeTakeFirst();
    await trx.deleteFrom('learned_categorisation_rules').where('tenant_id', '=', tenantId).where('id', '=', ruleId).execute();
    const correctionsRemoved = Number(removed.numDeletedRows);
    await recordAudit(trx, { tenantId, actor, action: 'categorisation.learned_rule.deleted', subjectType: 'tenant', subjectId: tenantId, details: { learnedRuleId: ruleId, correctionsRemoved } });
    return { correctionsRemoved };
  });
}

/** For the GDPR export: everything the debtor's corrections hold. */
export async function exportDebtorCorrections(db: Db, tenantId: string, debtorId: string): Promise<Correction[]> {
  const rows = await db.selectFrom('category_corrections').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toCorrection);
}
