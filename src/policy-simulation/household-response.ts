/**
 * How a simulated household answers the draagkracht creditor. This is the household's side, so it
 * reads the household's true state, exactly as its answers to today's reminders do
 * (creditor-process.ts, respondToCreditor): the same chance of acting on a contact it has noticed
 * (`engagement`), the same priorities when money is short (`freeForArrears`, essentials until
 * payday), the same forgetfulness with instalments. Only what is put to it differs: a plan that
 * the bank data says it can keep, or the way to debt help.
 */
import type { PlanOption } from '../repayment-plans/plan-options.js';
import { answer, engagement, newMandate, payInvoices } from '../simulation/creditor-process.js';
import { available, essentialsUntilPayday, freeForArrears, type EngineContext } from '../simulation/household-engine.js';
import { trueMargins } from './household-truth.js';

/**
 * ASSUMPTION: share of households that, having answered the creditor, accept its referral and
 * enter municipal debt help. Early-warning programmes (vroegsignalering) report that a minority of
 * the households they reach take up help; 40 % is this project's estimate, not a published figure.
 */
export const DEBT_HELP_UPTAKE = 0.4;

export type ContactOffer = { kind: 'offer'; options: readonly PlanOption[] } | { kind: 'pause' } | { kind: 'refer' };

export type ContactAnswer =
  | { kind: 'none' }
  | { kind: 'declined' }
  | { kind: 'entered_debt_help' }
  | { kind: 'pause_accepted' }
  | { kind: 'paid_now'; cents: number }
  | { kind: 'plan'; option: PlanOption };

/**
 * The household has noticed the creditor's contact. If it acts on it, it answers; it pays at once
 * when the pay-now option is there and its money allows, else it takes the shortest plan whose
 * instalment fits what it knows it can spare (the longest when none does: it means to try), or it
 * enters debt help when that is what is offered and it accepts.
 */
export function householdAnswersContact(ctx: EngineContext, day: number, offer: ContactOffer): ContactAnswer {
  const { state, profile } = ctx;
  const random = state.random;
  const traits = profile.traits;
  if (!random.chance(engagement(ctx))) {
    if (random.chance((1 - traits.willingnessToPay) * 0.3)) answer(ctx, day);
    return { kind: 'none' };
  }
  // Having faced the trouble, the household spends a little less from now on (as with any reminder).
  state.spendingPropensity = Math.max(0.75, state.spendingPropensity - 0.02 * (0.5 + traits.financialLiteracy));
  answer(ctx, day);
  if (!state.creditor.mandateValid && state.creditor.paysByDirectDebit) newMandate(ctx, day);
  if (offer.kind === 'pause') return { kind: 'pause_accepted' };
  if (offer.kind === 'refer') return random.chance(DEBT_HELP_UPTAKE) ? { kind: 'entered_debt_help' } : { kind: 'declined' };

  const payNow = offer.options.find((o) => o.kind === 'pay_now');
  if (payNow && freeForArrears(state, day) >= payNow.totalIfKeptCents) {
    // Overdue invoices first, then what a plan being replaced still holds.
    let paid = payInvoices(ctx, day, payNow.totalIfKeptCents, false, false);
    if (paid < payNow.totalIfKeptCents) paid += payInvoices(ctx, day, payNow.totalIfKeptCents - paid, true, true);
    return { kind: 'paid_now', cents: paid };
  }
  const plans = offer.options.filter((o) => o.kind !== 'pay_now').sort((a, b) => a.months - b.months);
  if (plans.length === 0) return { kind: 'declined' };
  const spare = trueMargins(state, profile, day, state.creditor.arrangement?.monthlyCents ?? 0).affordableCents;
  return { kind: 'plan', option: plans.find((o) => o.largestInstalmentCents <= spare) ?? plans[plans.length - 1]! };
}

/**
 * An instalment falls due (or a reminder about a late one is noticed): the household pays it unless
 * it forgot (only on the due day: a reminder is what makes it remember) or paying would leave too
 * little for food, transport and the essential bills until payday.
 */
export function householdPaysInstalment(ctx: EngineContext, day: number, amountCents: number, afterReminder: boolean): boolean {
  const { state, profile } = ctx;
  if (!afterReminder && state.random.chance(0.3 * profile.traits.forgetfulness)) return false;
  if (available(state) - amountCents < essentialsUntilPayday(state, day)) return false;
  return payInvoices(ctx, day, amountCents, true, true) > 0;
}
