/**
 * Repayment plans for a stored debtor: offers computed from the debtor's claims and affordability
 * report, acceptance by the creditor or by the debtor through a signed link, the plan's state on a
 * date with the payments matched from bank data and the creditor's data points, re-plans, and a
 * payment link per instalment. The arithmetic is in the pure modules beside this one
 * (plan-options.ts, payment-matching.ts, plan-state.ts); this file loads, stores and checks.
 */
import { inTransaction, recordEvent, type NewEvent } from '../webhooks/events.js';
import { randomUUID } from 'node:crypto';
import type { AffordabilityEngine } from '../affordability/affordability.service.js';
import { getClaimView } from '../claims/claims.service.js';
import { requireConsent } from '../consent/consent.service.js';
import { signScopedLinkToken, type ScopedLinkTokenPayload } from '../consent/link-token.js';
import { listDataPoints } from '../data-points/data-point.service.js';
import { getDebtor } from '../debtors/debtor.service.js';
import { epcQrCaption } from '../payment-links/caption.js';
import { formatCreditorReference, instalmentCreditorReference } from '../payment-links/creditor-reference.js';
import { buildEpcPayload, EpcQrError, normaliseIban } from '../payment-links/epc-qr.js';
import type { Db } from '../platform/database/connection.js';
import { addDays, toDayNumber, type IsoDate } from '../platform/dates.js';
import { AppError, notFound } from '../platform/errors.js';
import { getTenantPolicy } from '../tenants/tenant-policy.service.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { isUniqueViolation } from '../risk-models/registry.js';
import { matchPayments, type IncomingPayment, type PaymentMatch } from './payment-matching.js';
import { planInputsFromReport, planOptions, type PlanClaimTotal, type PlanIncome, type PlanOptionsResult, type PlanReward } from './plan-options.js';
import { resolveRepaymentPlanPolicy, type RepaymentPlanPolicy } from './plan-policy.js';
import { planState, type PlanState, type PlanStatus } from './plan-state.js';
import type { InstalmentRow, PlanOfferRow, PlanRow } from './repayment-plans.table.js';

/** What the service needs besides the database. */
export interface PlanContext {
  today: IsoDate;
  linkTokenSecret: string;
  engine: AffordabilityEngine;
}

export interface PlanOfferView extends PlanOptionsResult {
  id: string;
  debtorId: string;
  replacesPlanId: string | null;
  expiresOn: IsoDate;
  status: 'open' | 'accepted' | 'expired';
  acceptedOptionId: string | null;
  planId: string | null;
  policyVersion: number;
  createdAt: string;
}

export interface PlanView {
  id: string;
  planNumber: number;
  debtorId: string;
  offerId: string;
  optionId: string;
  kind: string;
  claimIds: string[];
  totalCents: number;
  totalIfKeptCents: number;
  costsCents: number;
  rewards: PlanReward[];
  acceptedBy: 'creditor' | 'debtor';
  acceptedOn: IsoDate;
  replacesPlanId: string | null;
  replacedByPlanId: string | null;
  state: PlanState;
  payments: PaymentMatch[];
  /** Whether the debtor's bank data could be read for matching (it needs a valid consent). */
  bankDataUsed: boolean;
}

export async function repaymentPlanPolicy(db: Db, tenantId: string): Promise<{ policy: RepaymentPlanPolicy; version: number; updatedAt: string | null }> {
  const stored = await getTenantPolicy<Partial<RepaymentPlanPolicy>>(db, tenantId, 'repayment_plans', {});
  return { policy: resolveRepaymentPlanPolicy(stored.document), version: stored.version, updatedAt: stored.updatedAt };
}

/** The end of the offer's last day, in seconds since the epoch: the link works through that day. */
function endOfDaySeconds(date: IsoDate): number {
  return (toDayNumber(date) + 1) * 86_400 - 1;
}

export function offerLinkToken(row: Pick<PlanOfferRow, 'tenant_id' | 'id' | 'debtor_id' | 'expires_on'>, secret: string): string {
  return signScopedLinkToken({ scope: 'plan_offer', tenantId: row.tenant_id, subjectId: row.id, debtorId: row.debtor_id, expiresAt: endOfDaySeconds(row.expires_on) }, secret);
}

function offerStatus(row: PlanOfferRow, today: IsoDate): PlanOfferView['status'] {
  if (row.status === 'accepted') return 'accepted';
  return today > row.expires_on ? 'expired' : 'open';
}

function toOfferView(row: PlanOfferRow, today: IsoDate): PlanOfferView {
  const result = row.options as PlanOptionsResult;
  return {
    ...result,
    id: row.id,
    debtorId: row.debtor_id,
    replacesPlanId: row.replaces_plan_id,
    expiresOn: row.expires_on,
    status: offerStatus(row, today),
    acceptedOptionId: row.accepted_option_id,
    planId: row.plan_id,
    policyVersion: row.policy_version,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

async function storeOffer(db: Db, tenantId: string, debtorId: string, result: PlanOptionsResult, claimIds: string[], replacesPlanId: string | null, policy: { policy: RepaymentPlanPolicy; version: number }, today: IsoDate): Promise<PlanOfferRow> {
  return db
    .insertInto('repayment_plan_offers')
    .values({
      tenant_id: tenantId,
      id: randomUUID(),
      debtor_id: debtorId,
      replaces_plan_id: replacesPlanId,
      as_of: result.asOf,
      expires_on: addDays(today, policy.policy.offerValidDays),
      claim_ids: JSON.stringify(claimIds),
      options: JSON.stringify(result),
      policy_version: policy.version,
      status: 'open',
      accepted_option_id: null,
      plan_id: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function affordabilityInputs(db: Db, tenantId: string, debtorId: string, asOf: IsoDate, ctx: PlanContext, policy: RepaymentPlanPolicy) {
  const report = await ctx.engine.assessStored(db, tenantId, debtorId, { asOf, today: ctx.today });
  return planInputsFromReport(report, { protectedMarginBasisPoints: policy.protectedMarginBasisPoints });
}

/** Options for the debtor's claims on `asOf`, stored as an offer the creditor or the debtor can accept. */
export async function createPlanOffer(db: Db, tenantId: string, debtorId: string, input: { claimIds: string[]; asOf?: IsoDate }, ctx: PlanContext): Promise<{ offer: PlanOfferView; linkToken: string }> {
  await getDebtor(db, tenantId, debtorId);
  const asOf = input.asOf ?? ctx.today;
  const claimIds = [...new Set(input.claimIds)];
  const claims: PlanClaimTotal[] = [];
  for (const [i, claimId] of claimIds.entries()) {
    const view = await getClaimView(db, tenantId, claimId, asOf).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found') throw new AppError('unprocessable_entity', `claim ${claimId} was not found`, { errors: [{ in: 'body', pointer: `/claimIds/${i}`, message: 'no such claim' }] });
      throw error;
    });
    if (view.debtorId !== debtorId) throw new AppError('unprocessable_entity', `claim ${claimId} is not this debtor's`, { errors: [{ in: 'body', pointer: `/claimIds/${i}`, message: 'belongs to another debtor' }] });
    if (view.totals.totalDueCents <= 0) throw new AppError('unprocessable_entity', `claim ${claimId} has nothing due on ${asOf}`, { errors: [{ in: 'body', pointer: `/claimIds/${i}`, message: 'nothing due' }] });
    claims.push({ claimId, totalDueCents: view.totals.totalDueCents, costsOutstandingCents: view.totals.costsOutstandingCents });
  }
  const policy = await repaymentPlanPolicy(db, tenantId);
  const inputs = await affordabilityInputs(db, tenantId, debtorId, asOf, ctx, policy.policy);
  const result = planOptions({ asOf, claims, ...inputs, policy: policy.policy });
  const row = await storeOffer(db, tenantId, debtorId, result, claimIds, null, policy, ctx.today);
  return { offer: toOfferView(row, ctx.today), linkToken: offerLinkToken(row, ctx.linkTokenSecret) };
}

async function findOfferRow(db: Db, tenantId: string, offerId: string): Promise<PlanOfferRow> {
  const row = await db.selectFrom('repayment_plan_offers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', offerId).executeTakeFirst();
  if (!row) throw notFound(`plan offer ${offerId}`);
  return row;
}

export async function getPlanOffer(db: Db, tenantId: string, offerId: string, ctx: Pick<PlanContext, 'today' | 'linkTokenSecret'>): Promise<{ offer: PlanOfferView; linkToken: string | null }> {
  const row = await findOfferRow(db, tenantId, offerId);
  const offer = toOfferView(row, ctx.today);
  return { offer, linkToken: offer.status === 'open' ? offerLinkToken(row, ctx.linkTokenSecret) : null };
}

/** The offer a debtor's link names; the token was checked by the caller. */
export async function getPlanOfferByToken(db: Db, token: ScopedLinkTokenPayload, today: IsoDate): Promise<PlanOfferView> {
  const row = await db.selectFrom('repayment_plan_offers').selectAll().where('tenant_id', '=', token.tenantId).where('id', '=', token.subjectId).executeTakeFirst();
  // A token naming another tenant's or debtor's offer cannot be made without the secret; checked anyway, and
  // answered like any bad link, so a link never tells whether an offer exists.
  if (!row || row.debtor_id !== token.debtorId) throw new AppError('invalid_link_token');
  return toOfferView(row, today);
}

/**
 * Turns the chosen option into a plan. Accepting the same option again returns the plan made the
 * first time (a double click, or the creditor and the debtor both accepting it); another option of
 * an accepted offer, or an expired offer, is refused.
 */
export async function acceptPlanOffer(db: Db, tenantId: string, offerId: string, optionId: string, by: 'creditor' | 'debtor', today: IsoDate): Promise<{ planId: string; created: boolean }> {
  const offer = await db.selectFrom('repayment_plan_offers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', offerId).forUpdate().executeTakeFirst();
  if (!offer) throw notFound(`plan offer ${offerId}`);
  if (offer.status === 'accepted') {
    if (offer.accepted_option_id === optionId) return { planId: offer.plan_id!, created: false };
    throw new AppError('invalid_state', `the offer was already accepted with option ${offer.accepted_option_id}`);
  }
  if (today > offer.expires_on) throw new AppError('invalid_state', `the offer expired on ${offer.expires_on}`);
  const result = offer.options as PlanOptionsResult;
  const option = result.options.find((o) => o.id === optionId);
  if (!option) throw new AppError('unprocessable_entity', `the offer has no option ${optionId}; it has ${result.options.map((o) => o.id).join(', ') || 'none'}`, { errors: [{ in: 'body', pointer: '/optionId', message: 'no such option' }] });
  if (offer.replaces_plan_id !== null) {
    const replaced = await db.selectFrom('repayment_plans').select(['status']).where('tenant_id', '=', tenantId).where('id', '=', offer.replaces_plan_id).forUpdate().executeTakeFirst();
    if (!replaced || replaced.status !== 'active') throw new AppError('invalid_state', 'the plan this offer would replace was already replaced');
  }
  await refuseClaimsInAnotherActivePlan(db, tenantId, offer);
  const last = await db.selectFrom('repayment_plans').select((eb) => eb.fn.max('plan_number').as('n')).where('tenant_id', '=', tenantId).executeTakeFirst();
  const planNumber = Number(last?.n ?? 0) + 1;
  const planId = randomUUID();
  await db
    .insertInto('repayment_plans')
    .values({
      tenant_id: tenantId,
      id: planId,
      plan_number: planNumber,
      debtor_id: offer.debtor_id,
      offer_id: offer.id,
      option_id: option.id,
      kind: option.kind,
      claim_ids: JSON.stringify(offer.claim_ids),
      total_cents: option.totalCents,
      total_if_kept_cents: option.totalIfKeptCents,
      costs_cents: result.costsOutstandingCents,
      rewards: JSON.stringify(option.rewards),
      income: JSON.stringify(result.income),
      accepted_by: by,
      accepted_on: today,
      status: 'active',
      replanned_on: null,
      replaced_by_plan_id: null,
      replaces_plan_id: offer.replaces_plan_id,
    })
    .execute();
  await db
    .insertInto('repayment_plan_instalments')
    .values(
      option.instalments.map((i) => ({
        tenant_id: tenantId,
        plan_id: planId,
        number: i.number,
        debtor_id: offer.debtor_id,
        due_date: i.dueDate,
        income_date: i.incomeDate,
        amount_cents: i.amountCents,
        amount_if_kept_cents: i.amountIfKeptCents,
        reference: instalmentCreditorReference({ planNumber, instalmentNumber: i.number }),
      })),
    )
    .execute();
  await db.updateTable('repayment_plan_offers').set({ status: 'accepted', accepted_option_id: option.id, plan_id: planId }).where('tenant_id', '=', tenantId).where('id', '=', offer.id).execute();
  if (offer.replaces_plan_id !== null) {
    await db.updateTable('repayment_plans').set({ status: 'replanned', replanned_on: today, replaced_by_plan_id: planId }).where('tenant_id', '=', tenantId).where('id', '=', offer.replaces_plan_id).execute();
  }
  await inTransaction(db, (trx) =>
    recordEvent(trx, tenantId, {
      type: 'plan.accepted',
      debtorId: offer.debtor_id,
      subject: { type: 'plan', id: planId },
      data: { planId, planNumber, offerId: offer.id, optionId: option.id, kind: option.kind, acceptedBy: by, acceptedOn: today, totalCents: option.totalCents, instalments: option.instalments.length, firstDueDate: option.instalments[0]?.dueDate ?? null, replacesPlanId: offer.replaces_plan_id },
    }),
  );
  return { planId, created: true };
}

/**
 * Accepts an option in its own transaction with the audit entry, as the creditor's API and the
 * debtor's page both do. Two offers of the tenant accepted at the same moment can take the same next
 * plan number; the unique key refuses the second, which then runs again with the number after it.
 */
export async function acceptPlanOfferAudited(
  db: Db,
  input: { tenantId: string; offerId: string; optionId: string; by: 'creditor' | 'debtor'; actor: string; today: IsoDate },
): Promise<{ planId: string; created: boolean }> {
  const attempt = () =>
    db.transaction().execute(async (trx) => {
      const result = await acceptPlanOffer(trx, input.tenantId, input.offerId, input.optionId, input.by, input.today);
      if (result.created) {
        await recordAudit(trx, { tenantId: input.tenantId, actor: input.actor, action: 'plan.accepted', subjectType: 'plan', subjectId: result.planId, details: { offerId: input.offerId, optionId: input.optionId, by: input.by } });
      }
      return result;
    });
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= 3 || !isUniqueViolation(error)) throw error;
    }
  }
}

/**
 * One claim, one running plan: two plans over the same claim would ask the debtor twice for the same
 * money. The debtor's row is locked first, so two offers accepted at the same moment are decided one
 * after the other and the second sees the first's plan. A broken plan is changed through a re-plan,
 * whose offer names the plan it replaces and is therefore allowed here.
 */
async function refuseClaimsInAnotherActivePlan(db: Db, tenantId: string, offer: PlanOfferRow): Promise<void> {
  await db.selectFrom('debtors').select('id').where('tenant_id', '=', tenantId).where('id', '=', offer.debtor_id).forUpdate().executeTakeFirst();
  const running = await db
    .selectFrom('repayment_plans')
    .select(['id', 'plan_number', 'claim_ids'])
    .where('tenant_id', '=', tenantId)
    .where('debtor_id', '=', offer.debtor_id)
    .where('status', '=', 'active')
    .execute();
  const offered = new Set(offer.claim_ids as string[]);
  for (const plan of running) {
    if (plan.id === offer.replaces_plan_id) continue;
    const shared = (plan.claim_ids as string[]).filter((claimId) => offered.has(claimId));
    if (shared.length > 0) {
      throw new AppError('invalid_state', `claim ${shared.join(', ')} is already in plan ${plan.plan_number} (${plan.id}); to change that plan, re-plan it (POST /v1/plans/${plan.id}/replan)`);
    }
  }
}

async function findPlanRow(db: Db, tenantId: string, planId: string): Promise<PlanRow> {
  const row = await db.selectFrom('repayment_plans').selectAll().where('tenant_id', '=', tenantId).where('id', '=', planId).executeTakeFirst();
  if (!row) throw notFound(`plan ${planId}`);
  return row;
}

async function instalmentsOf(db: Db, tenantId: string, planId: string): Promise<InstalmentRow[]> {
  return db.selectFrom('repayment_plan_instalments').selectAll().where('tenant_id', '=', tenantId).where('plan_id', '=', planId).orderBy('number').execute();
}

/**
 * The payments that may be for the plan: the creditor's `invoice_paid` bookings on the plan's claims
 * or carrying one of its references, and the debtor's debits to the payee's account or carrying a
 * reference (read only under a valid consent).
 */
async function candidatePayments(db: Db, plan: PlanRow, policy: RepaymentPlanPolicy, today: IsoDate): Promise<{ payments: IncomingPayment[]; bankDataUsed: boolean }> {
  const tenantId = plan.tenant_id;
  const claimIds = plan.claim_ids as string[];
  const claimRefs = new Set(
    claimIds.length === 0 ? [] : (await db.selectFrom('claims').select('external_ref').where('tenant_id', '=', tenantId).where('id', 'in', claimIds).execute()).map((r) => r.external_ref),
  );
  const payments: IncomingPayment[] = [];
  for (const event of await listDataPoints(db, tenantId, plan.debtor_id)) {
    if (event.type !== 'invoice_paid' || event.occurredOn < plan.accepted_on) continue;
    const onPlanClaim = claimRefs.has(event.invoiceId);
    payments.push({ id: `dp:${event.eventId}`, source: 'data_point', paidOn: event.occurredOn, amountCents: event.amountCents, referenceTexts: [event.invoiceId], toPayee: onPlanClaim });
  }
  let bankDataUsed = false;
  try {
    await requireConsent(db, tenantId, plan.debtor_id, { access: ['transactions'], purposes: ['repayment_plan', 'affordability_assessment'] }, { today });
    bankDataUsed = true;
  } catch (error) {
    if (!(error instanceof AppError) || (error.code !== 'consent_required' && error.code !== 'consent_expired')) throw error;
  }
  if (bankDataUsed) {
    const payeeIban = policy.payee === null ? null : normaliseIban(policy.payee.iban);
    const rows = await db
      .selectFrom('bank_transactions')
      .select(['id', 'booking_date', 'amount_cents', 'counterparty_iban', 'remittance_structured', 'remittance_unstructured'])
      .where('tenant_id', '=', tenantId)
      .where('debtor_id', '=', plan.debtor_id)
      .where('status', '=', 'booked')
      .where('amount_cents', '<', 0)
      .where('booking_date', '>=', plan.accepted_on)
      .execute();
    for (const r of rows) {
      if (r.booking_date === null) continue;
      const toPayee = payeeIban !== null && r.counterparty_iban !== null && normaliseIban(r.counterparty_iban) === payeeIban;
      const texts = [r.remittance_structured, r.remittance_unstructured].filter((t): t is string => t !== null && t !== '');
      payments.push({ id: `bank:${String(r.id)}`, source: 'bank_transaction', paidOn: r.booking_date, amountCents: -Number(r.amount_cents), referenceTexts: texts, toPayee });
    }
  }
  return { payments, bankDataUsed };
}

async function storedMatches(db: Db, tenantId: string, planId: string): Promise<PaymentMatch[]> {
  const rows = await db.selectFrom('repayment_plan_payments').selectAll().where('tenant_id', '=', tenantId).where('plan_id', '=', planId).orderBy('paid_on').orderBy('payment_id').execute();
  return rows.map((r) => ({ paymentId: r.payment_id, source: r.source, paidOn: r.paid_on, amountCents: Number(r.amount_cents), instalmentNumber: r.instalment_number, matchedBy: r.matched_by }));
}

/**
 * Matches new payments to an active plan and stores the matches: a payment, once matched, stays
 * with its plan even when the policy's tolerance changes later, and is never counted for two plans.
 */
async function syncMatches(db: Db, plan: PlanRow, instalments: InstalmentRow[], policy: RepaymentPlanPolicy, today: IsoDate): Promise<{ matches: PaymentMatch[]; bankDataUsed: boolean }> {
  const known = await storedMatches(db, plan.tenant_id, plan.id);
  if (plan.status !== 'active') return { matches: known, bankDataUsed: false };
  const { payments, bankDataUsed } = await candidatePayments(db, plan, policy, today);
  const elsewhere = new Set(
    (await db.selectFrom('repayment_plan_payments').select('payment_id').where('tenant_id', '=', plan.tenant_id).where('debtor_id', '=', plan.debtor_id).where('plan_id', '<>', plan.id).execute()).map((r) => r.payment_id),
  );
  const { matches } = matchPayments(
    {
      planNumber: Number(plan.plan_number),
      acceptedOn: plan.accepted_on,
      instalments: instalments.map((i) => ({ number: i.number, dueDate: i.due_date, amountCents: Number(i.amount_cents), amountIfKeptCents: Number(i.amount_if_kept_cents) })),
    },
    payments.filter((p) => !elsewhere.has(p.id)),
    policy.matching,
    known,
  );
  if (matches.length > 0) {
    await db
      .insertInto('repayment_plan_payments')
      .values(
        matches.map((m) => ({
          tenant_id: plan.tenant_id,
          plan_id: plan.id,
          payment_id: m.paymentId,
          debtor_id: plan.debtor_id,
          source: m.source,
          paid_on: m.paidOn,
          amount_cents: m.amountCents,
          instalment_number: m.instalmentNumber,
          matched_by: m.matchedBy,
        })),
      )
      .onConflict((oc) => oc.columns(['tenant_id', 'payment_id']).doNothing())
      .execute();
  }
  return { matches: await storedMatches(db, plan.tenant_id, plan.id), bankDataUsed };
}

function stateOf(plan: PlanRow, instalments: InstalmentRow[], matches: PaymentMatch[], asOf: IsoDate, policy: RepaymentPlanPolicy): PlanState {
  return planState(
    {
      acceptedOn: plan.accepted_on,
      instalments: instalments.map((i) => ({ number: i.number, dueDate: i.due_date, incomeDate: i.income_date, amountCents: Number(i.amount_cents), amountIfKeptCents: Number(i.amount_if_kept_cents), reference: i.reference })),
      rewards: plan.rewards as PlanReward[],
      income: plan.income as PlanIncome | null,
      replannedOn: plan.replanned_on,
    },
    matches,
    asOf,
    policy,
  );
}

function toPlanView(plan: PlanRow, state: PlanState, matches: PaymentMatch[], bankDataUsed: boolean): PlanView {
  return {
    id: plan.id,
    planNumber: Number(plan.plan_number),
    debtorId: plan.debtor_id,
    offerId: plan.offer_id,
    optionId: plan.option_id,
    kind: plan.kind,
    claimIds: plan.claim_ids as string[],
    totalCents: Number(plan.total_cents),
    totalIfKeptCents: Number(plan.total_if_kept_cents),
    costsCents: Number(plan.costs_cents),
    rewards: plan.rewards as PlanReward[],
    acceptedBy: plan.accepted_by,
    acceptedOn: plan.accepted_on,
    replacesPlanId: plan.replaces_plan_id,
    replacedByPlanId: plan.replaced_by_plan_id,
    state,
    payments: matches.filter((m) => m.paidOn <= state.asOf),
    bankDataUsed,
  };
}

/** The plan and its state at the end of `asOf`, after matching the payments seen so far. */
export async function getPlanView(db: Db, tenantId: string, planId: string, asOf: IsoDate, today: IsoDate): Promise<PlanView> {
  const plan = await findPlanRow(db, tenantId, planId);
  const [instalments, { policy }] = await Promise.all([instalmentsOf(db, tenantId, planId), repaymentPlanPolicy(db, tenantId)]);
  const { matches, bankDataUsed } = await syncMatches(db, plan, instalments, policy, today);
  const state = stateOf(plan, instalments, matches, asOf, policy);
  // Transitions are announced as they stand today, whatever date the caller asked about: a view of
  // next month must not report an instalment missed that has not been missed yet.
  await notifyPlanTransitions(db, plan, asOf === today ? state : stateOf(plan, instalments, matches, today, policy));
  return toPlanView(plan, state, matches, bankDataUsed);
}

/**
 * Plan state is computed on read, so its transitions are found on read too (the daily follow-up job
 * reads every active plan): each missed instalment, the completion and the breach are written to the
 * outbox the first time a read sees them. webhook_plan_notices remembers what was announced; its
 * primary key makes the announcement once-only even when two reads see the transition together.
 */
async function notifyPlanTransitions(db: Db, plan: PlanRow, state: PlanState): Promise<void> {
  const wanted: { notice: string; event: NewEvent }[] = [];
  const base = { debtorId: plan.debtor_id, subject: { type: 'plan', id: plan.id } };
  for (const instalment of state.instalments) {
    if (instalment.missedOn === null) continue;
    wanted.push({
      notice: `instalment_missed:${instalment.number}`,
      event: { ...base, type: 'plan.instalment_missed', data: { planId: plan.id, planNumber: Number(plan.plan_number), instalmentNumber: instalment.number, dueDate: instalment.dueDate, missedOn: instalment.missedOn, expectedCents: instalment.expectedCents, paidCents: instalment.paidCents } },
    });
  }
  if (state.status === 'completed') wanted.push({ notice: 'completed', event: { ...base, type: 'plan.completed', data: { planId: plan.id, planNumber: Number(plan.plan_number), completedOn: state.completedOn, paidCents: state.paidCents, kept: state.kept } } });
  if (state.status === 'breached') wanted.push({ notice: 'broken', event: { ...base, type: 'plan.broken', data: { planId: plan.id, planNumber: Number(plan.plan_number), breachedOn: state.breachedOn, paidCents: state.paidCents } } });
  if (wanted.length === 0) return;
  // Most reads find nothing new: one read decides, and only news opens a transaction.
  const sent = new Set((await db.selectFrom('webhook_plan_notices').select('notice').where('tenant_id', '=', plan.tenant_id).where('plan_id', '=', plan.id).execute()).map((r) => r.notice));
  const news = wanted.filter((w) => !sent.has(w.notice));
  if (news.length === 0) return;
  await inTransaction(db, async (trx) => {
    for (const { notice, event } of news) {
      const inserted = await trx.insertInto('webhook_plan_notices').values({ tenant_id: plan.tenant_id, plan_id: plan.id, notice }).onConflict((oc) => oc.doNothing()).returning('notice').executeTakeFirst();
      if (inserted) await recordEvent(trx, plan.tenant_id, event);
    }
  });
}

/**
 * What changed in a plan's state over one day: its state at the end of `asOf` against the end of the
 * day before, after matching the payments seen so far (getPlanView's matching, stored). The daily
 * plan follow-up job reports these; they are the events a creditor wants to hear about (an instalment
 * went missed, the plan completed or was breached), so a webhook sender can take them from here.
 */
export interface PlanStateChange {
  planId: string;
  debtorId: string;
  asOf: IsoDate;
  statusBefore: PlanStatus;
  status: PlanStatus;
  /** Instalments whose state became missed on asOf. */
  newlyMissed: number[];
  /** Instalments paid (on time or late) that were not paid the day before. */
  newlyPaid: number[];
  completed: boolean;
  breached: boolean;
}

export async function planStateChange(db: Db, tenantId: string, planId: string, asOf: IsoDate, today: IsoDate): Promise<PlanStateChange> {
  const plan = await findPlanRow(db, tenantId, planId);
  const [instalments, { policy }] = await Promise.all([instalmentsOf(db, tenantId, planId), repaymentPlanPolicy(db, tenantId)]);
  const { matches } = await syncMatches(db, plan, instalments, policy, today);
  const before = stateOf(plan, instalments, matches, addDays(asOf, -1), policy);
  const after = stateOf(plan, instalments, matches, asOf, policy);
  const stateBefore = new Map(before.instalments.map((i) => [i.number, i.state]));
  const paid = (state: string | undefined) => state === 'paid' || state === 'paid_late';
  return {
    planId: plan.id,
    debtorId: plan.debtor_id,
    asOf,
    statusBefore: before.status,
    status: after.status,
    newlyMissed: after.instalments.filter((i) => i.state === 'missed' && stateBefore.get(i.number) !== 'missed').map((i) => i.number),
    newlyPaid: after.instalments.filter((i) => paid(i.state) && !paid(stateBefore.get(i.number))).map((i) => i.number),
    completed: after.status === 'completed' && before.status !== 'completed',
    breached: after.status === 'breached' && before.status !== 'breached',
  };
}

/** The tenant's plans still in force (not replanned), in id order, cut into batches for the follow-up job. */
export async function activePlanBatches(db: Db, tenantId: string, batchSize: number): Promise<string[][]> {
  const rows = await db.selectFrom('repayment_plans').select('id').where('tenant_id', '=', tenantId).where('status', '=', 'active').orderBy('id').execute();
  const batches: string[][] = [];
  for (let i = 0; i < rows.length; i += batchSize) batches.push(rows.slice(i, i + batchSize).map((r) => r.id));
  return batches;
}

export async function listDebtorPlans(db: Db, tenantId: string, debtorId: string, asOf: IsoDate, today: IsoDate): Promise<PlanView[]> {
  await getDebtor(db, tenantId, debtorId);
  const rows = await db.selectFrom('repayment_plans').select('id').where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).orderBy('plan_number').execute();
  const views: PlanView[] = [];
  for (const row of rows) views.push(await getPlanView(db, tenantId, row.id, asOf, today));
  return views;
}

/**
 * A new offer for what is left of a plan that no longer fits (a breach, a drop in income): the
 * remainder at the full amounts (a reward belongs to a plan kept to its end), with options from a
 * fresh affordability report. Accepting it replaces the plan.
 */
export async function replan(db: Db, tenantId: string, planId: string, input: { asOf?: IsoDate }, ctx: PlanContext): Promise<{ offer: PlanOfferView; linkToken: string }> {
  const asOf = input.asOf ?? ctx.today;
  const view = await getPlanView(db, tenantId, planId, asOf, ctx.today);
  if (view.state.status === 'completed' || view.state.status === 'replanned') throw new AppError('invalid_state', `the plan is ${view.state.status}`);
  const remainingCents = view.totalCents - view.state.paidCents;
  if (remainingCents <= 0) throw new AppError('invalid_state', 'nothing is left to pay on the plan');
  const policy = await repaymentPlanPolicy(db, tenantId);
  const inputs = await affordabilityInputs(db, tenantId, view.debtorId, asOf, ctx, policy.policy);
  const claims: PlanClaimTotal[] = [{ claimId: `plan-${view.planNumber}`, totalDueCents: remainingCents, costsOutstandingCents: Math.min(view.costsCents, remainingCents) }];
  const result = { ...planOptions({ asOf, claims, ...inputs, policy: policy.policy }), claimIds: view.claimIds };
  const row = await storeOffer(db, tenantId, view.debtorId, result, view.claimIds, planId, policy, ctx.today);
  return { offer: toOfferView(row, ctx.today), linkToken: offerLinkToken(row, ctx.linkTokenSecret) };
}

export interface InstalmentPaymentLink {
  planId: string;
  instalmentNumber: number;
  dueDate: IsoDate;
  amountCents: number;
  reference: string;
  referenceFormatted: string;
  payee: { name: string; iban: string; bic: string | null };
  payload: string;
  caption: { nl: string; en: string };
}

/** The EPC QR payload for what is still open on one instalment, with the instalment's RF reference. */
export async function instalmentPaymentLink(db: Db, tenantId: string, planId: string, instalmentNumber: number, asOf: IsoDate, today: IsoDate): Promise<InstalmentPaymentLink> {
  const view = await getPlanView(db, tenantId, planId, asOf, today);
  const { policy } = await repaymentPlanPolicy(db, tenantId);
  return paymentLinkOf(view, instalmentNumber, policy);
}

/**
 * The payment link of one instalment of a plan view already read: a page that shows every instalment's
 * code reads the plan (and matches its payments) once, not once per instalment.
 */
export function paymentLinkOf(view: PlanView, instalmentNumber: number, policy: Pick<RepaymentPlanPolicy, 'payee'>): InstalmentPaymentLink {
  const instalment = view.state.instalments.find((i) => i.number === instalmentNumber);
  if (!instalment) throw notFound(`instalment ${instalmentNumber} of plan ${view.id}`);
  if (view.state.status === 'completed' || view.state.status === 'replanned') throw new AppError('invalid_state', `the plan is ${view.state.status}`);
  const openCents = instalment.expectedCents - instalment.paidCents;
  if (openCents <= 0) throw new AppError('invalid_state', `instalment ${instalmentNumber} is paid`);
  if (policy.payee === null) throw new AppError('unprocessable_entity', 'the tenant has not set the payee (name and IBAN) in its repayment-plan policy');
  const payee = { name: policy.payee.name, iban: normaliseIban(policy.payee.iban), bic: policy.payee.bic ?? null };
  let payload: string;
  try {
    payload = buildEpcPayload({ beneficiaryName: payee.name, iban: payee.iban, ...(payee.bic ? { bic: payee.bic } : {}), amountCents: openCents, structuredReference: instalment.reference });
  } catch (error) {
    if (error instanceof EpcQrError) throw new AppError('unprocessable_entity', `the payment link cannot be made: ${error.message}`);
    throw error;
  }
  const captionInput = { beneficiaryName: payee.name, iban: payee.iban, amountCents: openCents, reference: instalment.reference };
  return {
    planId: view.id,
    instalmentNumber,
    dueDate: instalment.dueDate,
    amountCents: openCents,
    reference: instalment.reference,
    referenceFormatted: formatCreditorReference(instalment.reference),
    payee,
    payload,
    caption: { nl: epcQrCaption(captionInput, 'nl'), en: epcQrCaption(captionInput, 'en') },
  };
}

/** A stored offer as made, for a GDPR access request. */
export interface PlanOfferRecord {
  id: string;
  replacesPlanId: string | null;
  asOf: IsoDate;
  expiresOn: IsoDate;
  status: 'open' | 'accepted';
  claimIds: string[];
  acceptedOptionId: string | null;
  planId: string | null;
  options: PlanOptionsResult;
  createdAt: string;
}

/** A stored plan with its instalments and the payments matched to it, for a GDPR access request. */
export interface PlanRecord {
  id: string;
  planNumber: number;
  offerId: string;
  optionId: string;
  kind: string;
  claimIds: string[];
  totalCents: number;
  totalIfKeptCents: number;
  costsCents: number;
  rewards: PlanReward[];
  acceptedBy: 'creditor' | 'debtor';
  acceptedOn: IsoDate;
  status: 'active' | 'replanned';
  replannedOn: IsoDate | null;
  replacesPlanId: string | null;
  replacedByPlanId: string | null;
  instalments: { number: number; dueDate: IsoDate; incomeDate: IsoDate | null; amountCents: number; amountIfKeptCents: number; reference: string }[];
  payments: PaymentMatch[];
  createdAt: string;
}

/** The debtor's offers, oldest first; the debtor is not checked. A debtor has a handful: one read. */
export async function exportDebtorPlanOffers(db: Db, tenantId: string, debtorId: string): Promise<PlanOfferRecord[]> {
  const rows = await db.selectFrom('repayment_plan_offers').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    replacesPlanId: r.replaces_plan_id,
    asOf: r.as_of,
    expiresOn: r.expires_on,
    status: r.status,
    claimIds: r.claim_ids as string[],
    acceptedOptionId: r.accepted_option_id,
    planId: r.plan_id,
    options: r.options as PlanOptionsResult,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** The debtor's plans with instalments and matched payments, by plan number; the debtor is not checked. */
export async function exportDebtorPlans(db: Db, tenantId: string, debtorId: string): Promise<PlanRecord[]> {
  const [plans, instalments, payments] = await Promise.all([
    db.selectFrom('repayment_plans').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).orderBy('plan_number').execute(),
    db.selectFrom('repayment_plan_instalments').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).orderBy('plan_id').orderBy('number').execute(),
    db.selectFrom('repayment_plan_payments').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).orderBy('paid_on').orderBy('payment_id').execute(),
  ]);
  return plans.map((p) => ({
    id: p.id,
    planNumber: Number(p.plan_number),
    offerId: p.offer_id,
    optionId: p.option_id,
    kind: p.kind,
    claimIds: p.claim_ids as string[],
    totalCents: Number(p.total_cents),
    totalIfKeptCents: Number(p.total_if_kept_cents),
    costsCents: Number(p.costs_cents),
    rewards: p.rewards as PlanReward[],
    acceptedBy: p.accepted_by,
    acceptedOn: p.accepted_on,
    status: p.status,
    replannedOn: p.replanned_on,
    replacesPlanId: p.replaces_plan_id,
    replacedByPlanId: p.replaced_by_plan_id,
    instalments: instalments
      .filter((i) => i.plan_id === p.id)
      .map((i) => ({ number: i.number, dueDate: i.due_date, incomeDate: i.income_date, amountCents: Number(i.amount_cents), amountIfKeptCents: Number(i.amount_if_kept_cents), reference: i.reference })),
    payments: payments
      .filter((m) => m.plan_id === p.id)
      .map((m) => ({ paymentId: m.payment_id, source: m.source, paidOn: m.paid_on, amountCents: Number(m.amount_cents), instalmentNumber: m.instalment_number, matchedBy: m.matched_by })),
    createdAt: new Date(p.created_at).toISOString(),
  }));
}
