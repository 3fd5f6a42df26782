/**
 * Write-off recommendations for stored claims: gathers, per debtor, what the pure recommendForClaim
 * needs (each claim's total due on the date, the payment history and MD07 returns from data points,
 * other debts and the affordable instalment from bank data under consent, the champion model's
 * probability) and, when asked, opens a debt-help referral for every debtor the answer refers.
 *
 * Bank data is read only under a valid consent for affordability assessment or a repayment plan, the
 * purposes a decision about collecting from the debtor falls under; without one the answer says the
 * complex-debt rule could not be decided and the probability did not come from affordability.
 */
import type { Db } from '../platform/database/connection.js';
import { addDays, type IsoDate } from '../platform/dates.js';
import { AppError, type FieldError } from '../platform/errors.js';
import type { ConsentPurpose } from '../consent/consent.table.js';
import type { DataPointEvent } from '../data-points/data-point.schema.js';
import { getClaimViews } from '../claims/claims.service.js';
import { deriveSignals } from '../data-points/derived-signals.js';
import type { AffordabilityEngine } from '../affordability/affordability.service.js';
import type { CategorisedTransaction } from '../analytics/categorisation/categorise.js';
import type { DebtorScore, RiskScorer } from '../risk-models/scoring.js';
import { getTenantPolicy } from '../tenants/tenant-policy.service.js';
import { openReferral, type ReferralReason } from '../debt-help/referrals.service.js';
import { defaultCollectionCostsConfig, type CollectionCostsConfig } from './collection-costs.js';
import { recommendForClaim, type Recommendation, type RecommendationInput } from './recommend.js';

export const MAX_CLAIMS_PER_RECOMMENDATION_REQUEST = 1000;

/** The cost table in force for the tenant: its own document, else the shipped defaults. */
export async function collectionCostsFor(db: Db, tenantId: string): Promise<{ config: CollectionCostsConfig; source: 'default' | 'tenant'; version: number; updatedAt: string | null }> {
  const policy = await getTenantPolicy<CollectionCostsConfig | null>(db, tenantId, 'collection_costs', null);
  if (policy.document === null) return { config: defaultCollectionCostsConfig(), source: 'default', version: 0, updatedAt: null };
  return { config: policy.document, source: 'tenant', version: policy.version, updatedAt: policy.updatedAt };
}

export interface WriteOffItem extends Omit<Recommendation, 'claimId'> {
  claimId: string;
  referral: { id: string; created: boolean } | null;
}

export interface WriteOffAnswer {
  asOf: IsoDate;
  costTable: { source: 'default' | 'tenant'; version: number };
  config: CollectionCostsConfig;
  items: WriteOffItem[];
}

interface DebtorFacts {
  history: RecommendationInput['history'];
  deceasedReturnEventIds: string[];
  otherDebts: RecommendationInput['otherDebts'];
  affordability: RecommendationInput['affordability'];
}

const BANK_DATA_PURPOSES: ConsentPurpose[] = ['affordability_assessment', 'repayment_plan'];
const isConsentProblem = (error: unknown) => error instanceof AppError && (error.code === 'consent_required' || error.code === 'consent_expired');

/** Other debts in the bank data of the rule's window: collectors paid, payday loans paid out, other creditors' returned debits. */
export function otherDebtsIn(transactions: readonly CategorisedTransaction[], asOf: IsoDate, windowDays: number): NonNullable<RecommendationInput['otherDebts']> {
  const from = addDays(asOf, -(windowDays - 1));
  const collectors = new Set<string>();
  const creditors = new Set<string>();
  const payday: string[] = [];
  const ids: string[] = [];
  const party = (t: CategorisedTransaction) => t.counterpartyIban ?? t.counterpartyName?.trim().toLowerCase() ?? null;
  for (const t of transactions) {
    if (t.status !== 'booked' || t.bookingDate < from || t.bookingDate > asOf) continue;
    if (t.category === 'expense.collection' && t.amountCents < 0) {
      collectors.add(party(t) ?? `unnamed:${t.id}`);
      ids.push(t.id);
    } else if (t.category === 'transfer.loan_payout' && t.amountCents > 0) {
      payday.push(t.id);
      ids.push(t.id);
    } else if (t.category === 'reversal.returned_debit' && t.amountCents > 0) {
      // The creditor whose debit came back: its SEPA creditor id names it best, then its account, then its name.
      creditors.add(t.creditorId ?? party(t) ?? `unnamed:${t.id}`);
      ids.push(t.id);
    }
  }
  return { collectors: [...collectors], paydayCreditTransactionIds: payday, creditorsWithReturns: [...creditors], transactionIds: ids };
}

/**
 * What each debtor's data says, in two reads for all of them (their data points, their consents); the
 * bank data is read per debtor, and only for those with a consent that covers it.
 */
async function debtorFacts(db: Db, engine: AffordabilityEngine, tenantId: string, debtorIds: readonly string[], config: CollectionCostsConfig, asOf: IsoDate, today: IsoDate): Promise<Map<string, DebtorFacts>> {
  const [events, consents] = await Promise.all([
    db.selectFrom('data_point_events').select(['debtor_id', 'payload']).where('tenant_id', '=', tenantId).where('debtor_id', 'in', debtorIds).where('occurred_on', '<=', asOf).orderBy('occurred_on').orderBy('id').execute(),
    // The rule requireConsent applies, for many debtors in one query: valid, not past its date, transactions, a covering purpose.
    db
      .selectFrom('consents')
      .select('debtor_id')
      .distinct()
      .where('tenant_id', '=', tenantId)
      .where('debtor_id', 'in', debtorIds)
      .where('status', '=', 'valid')
      .where('valid_until', '>=', today)
      .where('access_transactions', '=', true)
      .where('purpose', 'in', BANK_DATA_PURPOSES)
      .execute(),
  ]);
  const eventsOf = new Map<string, DataPointEvent[]>(debtorIds.map((id) => [id, []]));
  for (const e of events) eventsOf.get(e.debtor_id)!.push(e.payload);
  const consented = new Set(consents.map((c) => c.debtor_id));
  const result = new Map<string, DebtorFacts>();
  for (const debtorId of debtorIds) {
    const own = eventsOf.get(debtorId)!;
    const signals = deriveSignals(own, asOf);
    const returns = signals.returnedDirectDebits.last365Days.byClass;
    const facts: DebtorFacts = {
      history: { paidInvoices: signals.paidInvoices.length, sharePaidLate: signals.sharePaidLate, cannotOrWontPayReturnsLast365Days: returns.insufficient_funds + returns.dispute_or_refusal },
      deceasedReturnEventIds: own.filter((e) => e.type === 'direct_debit_returned' && e.reasonCode === 'MD07').map((e) => e.eventId),
      otherDebts: null,
      affordability: null,
    };
    if (consented.has(debtorId)) {
      try {
        const [transactions, report] = await Promise.all([engine.categoriseStored(db, tenantId, debtorId, { today }), engine.assessStored(db, tenantId, debtorId, { asOf, today })]);
        facts.otherDebts = otherDebtsIn(transactions, asOf, config.rules.complexDebt.windowDays);
        facts.affordability = { lowCents: report.affordableInstalment.lowCents, highCents: report.affordableInstalment.highCents, asOf: report.asOf };
      } catch (error) {
        // The consent ended between the read above and this one: decide without bank data, as for any debtor without it.
        if (!isConsentProblem(error)) throw error;
      }
    }
    result.set(debtorId, facts);
  }
  return result;
}

/** The champion model's score per debtor, or none when the tenant has no model for the debtor's feature set. */
async function modelScores(scorer: RiskScorer, tenantId: string, debtorIds: string[], options: { asOf: IsoDate; today: IsoDate; requestedBy: string }): Promise<Map<string, DebtorScore>> {
  try {
    const scores = await scorer.score(tenantId, debtorIds, options);
    return new Map(scores.map((s) => [s.debtorId, s]));
  } catch (error) {
    // No champion for a feature set: decide on affordability and signals, and say so (probability.source).
    if (error instanceof AppError && error.code === 'unprocessable_entity') return new Map();
    throw error;
  }
}

/** Reasons for a referral the recommendation made, from its complex-debt rule. */
function referralReasons(recommendation: Recommendation, config: CollectionCostsConfig): ReferralReason[] {
  const figures = recommendation.rules.find((r) => r.rule === 'complex_debt')?.evidence.figures ?? {};
  const reasons: ReferralReason[] = ['complex_debt'];
  const cd = config.rules.complexDebt;
  if (Number(figures.collectors ?? 0) >= cd.minCollectors) reasons.push('multiple_collectors');
  if (cd.paydayCredit && Number(figures.paydayCreditTransactions ?? 0) > 0) reasons.push('payday_credit');
  if (Number(figures.creditorsWithReturns ?? 0) >= cd.minCreditorsWithReturns) reasons.push('many_creditors');
  return reasons;
}

/**
 * One recommendation per claim id, in the order given (a repeated id answers twice). An id the tenant
 * does not have fails the whole request with 404 naming each such field; a claim with nothing due on
 * the date fails it with 422, since there is nothing to decide.
 */
export async function recommendWriteOffs(
  db: Db,
  tenantId: string,
  claimIds: readonly string[],
  options: { asOf: IsoDate; today: IsoDate; requestedBy: string; scorer: RiskScorer; engine: AffordabilityEngine },
): Promise<WriteOffAnswer> {
  const views = await getClaimViews(db, tenantId, claimIds, options.asOf);
  const missing: FieldError[] = claimIds.flatMap((id, i) => (views.has(id) ? [] : [{ in: 'body' as const, pointer: `/claimIds/${i}`, message: `claim ${id} was not found`, code: 'unknown_claim' }]));
  if (missing.length > 0) throw new AppError('not_found', `${missing.length} claim id(s) were not found; the first: ${missing[0]!.pointer}`, { errors: missing });
  const nothingDue: FieldError[] = claimIds.flatMap((id, i) => (views.get(id)!.totals.totalDueCents > 0 ? [] : [{ in: 'body' as const, pointer: `/claimIds/${i}`, message: `claim ${id} has nothing due as of ${options.asOf}`, code: 'nothing_due' }]));
  if (nothingDue.length > 0) throw new AppError('unprocessable_entity', `${nothingDue.length} claim(s) have nothing due as of ${options.asOf}; the first: ${nothingDue[0]!.pointer}`, { errors: nothingDue });

  const costs = await collectionCostsFor(db, tenantId);
  const debtorIds = [...new Set([...views.values()].map((v) => v.debtorId))];
  const facts = await debtorFacts(db, options.engine, tenantId, debtorIds, costs.config, options.asOf, options.today);
  const scores = await modelScores(options.scorer, tenantId, debtorIds, { asOf: options.asOf, today: options.today, requestedBy: options.requestedBy });

  const recommendations = claimIds.map((claimId) => {
    const view = views.get(claimId)!;
    const debtor = facts.get(view.debtorId)!;
    const score = scores.get(view.debtorId);
    return recommendForClaim({
      claim: { claimId, reference: view.reference, debtorId: view.debtorId, totalDueCents: view.totals.totalDueCents },
      riskModel: score ? { arrearsProbability: score.probability, modelId: score.model.modelId, version: score.model.version, horizonDays: score.horizonDays } : null,
      affordability: debtor.affordability,
      history: debtor.history,
      deceasedReturnEventIds: debtor.deceasedReturnEventIds,
      otherDebts: debtor.otherDebts,
      config: costs.config,
    });
  });

  return {
    asOf: options.asOf,
    costTable: { source: costs.source, version: costs.version },
    config: costs.config,
    items: recommendations.map((r, i) => ({ ...r, claimId: claimIds[i]!, referral: null })),
  };
}

/**
 * Opens a debt-help referral for each debtor the answer refers (or finds the open one) and names it on
 * each of the debtor's referred claims. Run inside a transaction, apart from the reads of the answer:
 * scoring and the bank-data reads use the pool, which a held transaction would starve.
 */
export async function openReferralsFor(db: Db, tenantId: string, answer: WriteOffAnswer, today: IsoDate): Promise<{ referralId: string; debtorId: string }[]> {
  const referrals = new Map<string, { id: string; created: boolean }>();
  for (const r of answer.items) {
    if (r.action !== 'refer_to_debt_help' || referrals.has(r.debtorId)) continue;
    const claimIdsOfDebtor = [...new Set(answer.items.filter((x) => x.debtorId === r.debtorId && x.action === 'refer_to_debt_help').map((x) => x.claimId))];
    const transactionIds = (r.rules.find((x) => x.rule === 'complex_debt')?.evidence.transactionIds ?? []).slice(0, 200);
    const opened = await openReferral(db, tenantId, { debtorId: r.debtorId, reasons: referralReasons(r, answer.config), evidence: { claimIds: claimIdsOfDebtor, transactionIds }, source: 'write_off_recommendation' }, today);
    referrals.set(r.debtorId, { id: opened.referral.id, created: opened.created });
  }
  for (const item of answer.items) if (item.action === 'refer_to_debt_help') item.referral = referrals.get(item.debtorId) ?? null;
  return [...referrals.entries()].filter(([, r]) => r.created).map(([debtorId, r]) => ({ referralId: r.id, debtorId }));
}
