/**
 * The hidden truth a comparison of policies is judged against, read from the household's exact
 * state. Only the measurement (compare-policies.ts) and the household's own choices read it; the
 * draagkracht policy never does.
 *
 * - True affordable amount: regular monthly income − essential costs (fixed essentials plus
 *   groceries and transport at the household's floor) − contractual debt service, as the world's
 *   truth defines it (household-recorder.ts, monthStart).
 * - True protected amount: the beslagvrije voet (src/affordability/protected-income.ts) for the true
 *   regular income, the true household type and the true housing costs (the housing-cost raise
 *   counts, which errs on the debtor's side as the product does).
 * - A plan is affordable by truth when its largest instalment is at most both the true affordable
 *   amount and the true income minus the true protected amount.
 */
import { normsAt } from '../affordability/norms/norms.js';
import { computeProtectedAmount } from '../affordability/protected-income.js';
import { debtServiceMonthly, essentialFixedMonthly, monthlyEquivalentOfObligation, monthlyEquivalentOfStream, stableMonthlyIncome } from '../simulation/household-budget.js';
import { isoDateOf } from '../simulation/dutch-calendar.js';
import type { HouseholdProfile, HouseholdState } from '../simulation/household-state.js';

export interface TrueMargins {
  stableIncomeCents: number;
  affordableCents: number;
  protectedCents: number;
  /** Income minus the protected amount, never below zero. */
  aboveProtectedCents: number;
}

/** The beslagvrije voet for a true monthly income of this household, with the norms valid on `day`. */
export function trueProtectedCents(state: HouseholdState, profile: HouseholdProfile, incomeCents: number, day: number): number {
  let housingCosts = 0;
  for (const o of state.obligations) if (o.kind === 'housing') housingCosts += monthlyEquivalentOfObligation(o);
  let housingAllowance = 0;
  for (const s of state.streams) if (s.active && s.kind === 'huurtoeslag') housingAllowance += monthlyEquivalentOfStream(s);
  return computeProtectedAmount({
    netIncomeCents: incomeCents,
    household: state.composition,
    pensionAge: profile.mainIncomeSource === 'pension',
    norms: normsAt(isoDateOf(day)),
    ...(housingCosts > 0 ? { housing: { costsCents: housingCosts, allowanceCents: housingAllowance, persons: state.adults + state.children } } : {}),
  }).protectedCents;
}

/**
 * The household's true margins today. `ownPlanCents` is an instalment the household already owes
 * our creditor under a plan: it is part of its debt service, but judging that same plan must not
 * count it twice.
 */
export function trueMargins(state: HouseholdState, profile: HouseholdProfile, day: number, ownPlanCents = 0): TrueMargins {
  const stableIncomeCents = stableMonthlyIncome(state);
  const essential = essentialFixedMonthly(state) + state.groceriesFloorCents + state.transportFloorCents;
  const affordableCents = Math.max(0, stableIncomeCents - essential - (debtServiceMonthly(state) - ownPlanCents));
  const protectedCents = trueProtectedCents(state, profile, stableIncomeCents, day);
  return { stableIncomeCents, affordableCents, protectedCents, aboveProtectedCents: Math.max(0, stableIncomeCents - protectedCents) };
}

export function affordableByTruth(largestInstalmentCents: number, margins: TrueMargins): boolean {
  return largestInstalmentCents <= margins.affordableCents && largestInstalmentCents <= margins.aboveProtectedCents;
}
