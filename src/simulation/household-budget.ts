/**
 * A household's money per month as the household (and the truth) sees it: regular income, fixed
 * costs, debt service, the allowances its income entitles it to, and how it splits what it spends
 * freely. Used by the daily engine (budgets, allowances) and by the affordability truth, so both
 * rest on one definition.
 */
import { paymentsPerMonth } from './dutch-calendar.js';
import { NEVER, type HouseholdState, type IncomeStreamState, type ObligationState } from './household-state.js';
import { WORLD } from './world-parameters.js';

const ALLOWANCE_KINDS = new Set(['zorgtoeslag', 'huurtoeslag', 'kindgebonden_budget', 'kinderbijslag']);

export function monthlyEquivalentOfStream(stream: IncomeStreamState): number {
  return wholeCents(stream.amountCents * paymentsPerMonth(stream.schedule));
}

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}

export function monthlyEquivalentOfObligation(obligation: ObligationState): number {
  if (obligation.remaining <= 0 || obligation.nextDay >= NEVER) return 0;
  return wholeCents((obligation.amountCents * popcount(obligation.monthMask)) / 12);
}

/** Regular net income per month from every active stream (holiday pay, refunds and winnings excluded). */
export function stableMonthlyIncome(state: HouseholdState): number {
  let total = 0;
  for (const stream of state.streams) if (stream.active) total += monthlyEquivalentOfStream(stream);
  return total;
}

/** Income that allowances are assessed on: everything regular except the allowances themselves. */
export function assessableMonthlyIncome(state: HouseholdState): number {
  let total = 0;
  for (const stream of state.streams) if (stream.active && !ALLOWANCE_KINDS.has(stream.kind)) total += monthlyEquivalentOfStream(stream);
  return total;
}

/** Fixed essential costs per month: the essential obligations plus the creditor's energy advance. */
export function essentialFixedMonthly(state: HouseholdState): number {
  let total = state.creditor.advanceCents;
  for (const o of state.obligations) if (o.essential) total += monthlyEquivalentOfObligation(o);
  return total;
}

/** Contractual monthly debt payments: loans, collection-agency plans and the creditor's arrangement. */
export function debtServiceMonthly(state: HouseholdState): number {
  let total = state.creditor.arrangement ? state.creditor.arrangement.monthlyCents : 0;
  for (const o of state.obligations) if (o.debtService) total += monthlyEquivalentOfObligation(o);
  for (const k of state.collectionCases) total += Math.min(k.monthlyCents, k.outstandingCents);
  return total;
}

/** Fixed costs that are neither essential nor debt: subscriptions and lotteries. */
export function otherFixedMonthly(state: HouseholdState): number {
  let total = 0;
  for (const o of state.obligations) if (!o.essential && !o.debtService) total += monthlyEquivalentOfObligation(o);
  return total;
}

export function groceriesFloorCents(adults: number, children: number): number {
  const f = WORLD.costs.groceriesFloorCents;
  return f.firstAdult + f.extraAdult * Math.max(0, adults - 1) + f.child * children;
}

function taper(incomeCents: number, fullBelow: number, zeroAt: number): number {
  if (incomeCents <= fullBelow) return 1;
  if (incomeCents >= zeroAt) return 0;
  return (zeroAt - incomeCents) / (zeroAt - fullBelow);
}

export interface AllowanceAmounts {
  zorgtoeslag: number;
  huurtoeslag: number;
  kindgebondenBudget: number;
}

/** What the Belastingdienst pays per month for this income, household and rent (see world-parameters). */
export function allowancesFor(state: HouseholdState, assessableIncomeCents: number): AllowanceAmounts {
  const a = WORLD.allowances;
  const couple = state.adults > 1;
  const zt = couple ? a.zorgtoeslag.couple : a.zorgtoeslag.single;
  const zorgtoeslag = wholeCents(zt.maxCents * taper(assessableIncomeCents, zt.fullBelowCents, zt.zeroAtCents));
  let huurtoeslag = 0;
  if (state.tenure !== 'owner') {
    const rent = state.obligations.find((o) => o.kind === 'housing')?.amountCents ?? 0;
    if (rent > 0 && rent <= a.huurtoeslag.maxRentCents) {
      const band = couple ? a.huurtoeslag.couple : a.huurtoeslag.single;
      huurtoeslag = wholeCents(Math.max(0, rent - a.huurtoeslag.baseRentCents) * 0.75 * taper(assessableIncomeCents, band.fullBelowCents, band.zeroAtCents));
    }
  }
  let kindgebondenBudget = 0;
  if (state.children > 0) {
    const k = a.kindgebondenBudget;
    const full = k.perChildCents * state.children + (state.adults === 1 ? k.singleParentCents : 0);
    kindgebondenBudget = Math.max(0, wholeCents(full - k.taperRate * Math.max(0, assessableIncomeCents - k.taperFromCents)));
  }
  return { zorgtoeslag, huurtoeslag, kindgebondenBudget };
}

export function kinderbijslagPerQuarter(childAges: readonly number[]): number {
  let total = 0;
  for (const age of childAges) {
    const band = WORLD.allowances.kinderbijslagPerQuarterCents.find(([maxAge]) => age <= maxAge);
    if (band) total += band[1];
  }
  return total;
}

/**
 * Splits the monthly variable budget over groceries, transport, cash, gambling and shopping.
 * Groceries and transport never go below their floor: that is what the household cuts back to.
 */
export function allocateVariableBudget(state: HouseholdState, hasCar: boolean, cashUser: boolean, gambling: string): void {
  const v = state.variableBudgetCents;
  state.groceriesMonthlyCents = wholeCents(clamp(0.42 * v, state.groceriesFloorCents, state.groceriesFloorCents * 1.8));
  state.transportMonthlyCents = wholeCents(hasCar ? clamp(0.16 * v, state.transportFloorCents, 30_000) : clamp(0.08 * v, state.transportFloorCents, 12_000));
  state.cashMonthlyCents = cashUser ? wholeCents(clamp(0.08 * v, 4_000, 30_000)) : 0;
  state.gamblingMonthlyCents = gambling === 'compulsive' ? wholeCents(0.15 * v) : gambling === 'active' ? wholeCents(0.04 * v) : 0;
  state.shoppingMonthlyCents = Math.max(0, v - state.groceriesMonthlyCents - state.transportMonthlyCents - state.cashMonthlyCents - state.gamblingMonthlyCents);
}

/** The variable spending the household would settle at with its current means. */
export function targetVariableBudget(state: HouseholdState): number {
  const free = stableMonthlyIncome(state) - essentialFixedMonthly(state) - debtServiceMonthly(state) - otherFixedMonthly(state);
  const floor = state.groceriesFloorCents + state.transportFloorCents;
  return Math.max(floor, wholeCents(state.spendingPropensity * free));
}

/**
 * Rounds to whole cents as a 32-bit integer. A household's amounts stay far below 2^31 cents
 * (EUR 21 million); keeping every money field a small integer lets V8 hold it unboxed, where
 * Math.round alone yields a float that is boxed on every call and makes the garbage collector a
 * fifth of the run time (measured on the Monte Carlo futures).
 */
export function wholeCents(value: number): number {
  return Math.round(value) | 0;
}

export function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

/** Rounds cents to a step (EUR 5 = 500), at least one step. */
export function roundToStep(cents: number, step: number): number {
  return Math.max(step, Math.round(cents / step) * step) | 0;
}
