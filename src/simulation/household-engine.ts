/**
 * The day-by-day life of one household: income arrives on its paydays, fixed costs are collected,
 * the household shops, saves, borrows, gambles, pays what it owes when it can and notices what it
 * forgot. Nothing here decides that a household "defaults": returned debits and arrears happen when
 * the balance is short on a collection day, when the will to pay is lacking, or when a bill is
 * forgotten.
 *
 * The same code runs the household's actual life (with a recorder that writes bank entries and the
 * creditor's events) and the Monte Carlo futures behind the truth (without one). Everything that
 * only describes (names, texts, ids) happens in the recorder, so a future costs only arithmetic.
 */
import { dayOfMonthOf, monthOf, nextCollectionDay, nextPayday } from './dutch-calendar.js';
import {
  allocateVariableBudget,
  clamp,
  roundToStep,
  stableMonthlyIncome,
  targetVariableBudget,
  wholeCents,
} from './household-budget.js';
import { creditorDay } from './creditor-process.js';
import type { CollectionLedger, CreditorPolicy } from './creditor-policy.js';
import type { HouseholdRecorder } from './household-recorder.js';
import { monthlyShocks, reviewAllowances, streamEnded } from './household-shocks.js';
import { addObligation, makeObligation, NEVER, type HouseholdProfile, type HouseholdState, type IncomeStreamState, type ObligationState } from './household-state.js';
import { WORLD } from './world-parameters.js';
import { COLLECTION_AGENCIES, counterpartyNamed, CONSUMER_LENDERS, PAYDAY_LENDERS } from './counterparties.js';
import { logNormalQuantiles } from './seeded-random.js';

export interface EngineContext {
  profile: HouseholdProfile;
  state: HouseholdState;
  /** Present for the household's actual life; null in Monte Carlo futures. */
  rec: HouseholdRecorder | null;
  /** How the creditor handles overdue money; today's dunning when absent (burn-in, Monte Carlo futures). */
  policy?: CreditorPolicy;
  /** Books money paid on arrears, for comparing policies; absent in ordinary runs. */
  ledger?: CollectionLedger;
}

/** Runs days until `endDay` (exclusive). With `stopAtArrearsEvents`, stops once that many arrears events have happened; returns whether it stopped so. */
export function runUntil(ctx: EngineContext, endDay: number, stopAtArrearsEvents = NEVER): boolean {
  const state = ctx.state;
  while (state.day < endDay) {
    simulateDay(ctx);
    state.day++;
    if (state.creditor.arrearsEvents >= stopAtArrearsEvents) return true;
  }
  return false;
}

export function simulateDay(ctx: EngineContext): void {
  const { state } = ctx;
  const day = state.day;
  const dayOfMonth = dayOfMonthOf(day);
  if (dayOfMonth === 1) monthlyTick(ctx, day);
  if (day === state.allowanceReviewDay) reviewAllowances(ctx, day);

  if (day === state.nextIncomeDay) {
    let mainPayday = false;
    let next = NEVER;
    // Indexed loops in the daily path: they never allocate an iterator, whatever tier V8 runs them in.
    for (let i = 0; i < state.streams.length; i++) {
      const stream = state.streams[i]!;
      if (stream.active && stream.nextDay === day && payStream(ctx, stream, day)) mainPayday = true;
      if (stream.active && stream.nextDay < next) next = stream.nextDay;
    }
    state.nextIncomeDay = next;
    if (mainPayday) onMainPayday(ctx, day);
  }

  if (day === state.nextCollectionDay) {
    let finished = false;
    let next = NEVER;
    for (let i = 0; i < state.obligations.length; i++) {
      const obligation = state.obligations[i]!;
      if (obligation.nextDay === day) {
        collectObligation(ctx, obligation, day);
        finished ||= obligation.remaining <= 0;
      }
      if (obligation.nextDay < next) next = obligation.nextDay;
    }
    state.nextCollectionDay = next;
    if (finished) state.obligations = state.obligations.filter((o) => o.remaining > 0 || o.unpaidCents > 0);
  }

  creditorDay(ctx, day);

  if (day === state.savingsSweepDay) paydayHousekeeping(ctx, day);
  if (state.scheduledPayments.length > 0) {
    let settled = false;
    for (let i = 0; i < state.scheduledPayments.length; i++) {
      const payment = state.scheduledPayments[i]!;
      if (payment.dueDay === day) {
        payScheduled(ctx, payment, day);
        settled ||= payment.amountCents <= 0;
      }
    }
    if (settled) state.scheduledPayments = state.scheduledPayments.filter((p) => p.amountCents > 0);
  }
  if (day === state.gamblingWinDay) {
    credit(ctx, state.gamblingWinCents);
    ctx.rec?.transferIn(day, counterpartyNamed(ctx.profile.gamblingVenue), state.gamblingWinCents, 'income.other', `Uitbetaling winst ${ctx.profile.gamblingVenue}`);
    state.gamblingWinDay = -1;
  }
  if (day === state.taxRefundDay) {
    credit(ctx, state.taxRefundCents);
    ctx.rec?.taxRefund(day, state.taxRefundCents);
    state.taxRefundDay = -1;
  }

  if (day === state.holidayDay) bookHoliday(ctx, day);
  dailySpending(ctx, day);
  if (state.savingsBalanceCents > 0 && spendable(state) < weekOfGroceries(state)) maybeTopUpFromSavings(ctx, day);
}

// ---------------------------------------------------------------------------------------------
// Money

/** What the household feels free to spend: balance plus overdraft minus what it keeps aside for fixed costs. */
export function spendable(state: HouseholdState): number {
  return state.currentBalanceCents + state.overdraftLimitCents - state.reservedCents;
}

/** What a household keeps back when paying a bill: a week of groceries at its floor. */
export function weekOfGroceries(state: HouseholdState): number {
  return wholeCents(state.groceriesFloorCents / 4);
}

/**
 * What a household keeps back before paying arrears: food and transport at its floor and the
 * essential bills (rent, insurance) still to come until its next payday. A household that is short
 * every month cannot keep a promise without going hungry or falling behind on rent, so it does not.
 */
export function essentialsUntilPayday(state: HouseholdState, day: number): number {
  const payday = nextMainPayday(state, day + 1);
  const share = Math.min(1, (payday - day) / DAYS_PER_MONTH);
  let bills = 0;
  for (let i = 0; i < state.obligations.length; i++) {
    const o = state.obligations[i]!;
    if (o.essential && o.nextDay < payday) bills += o.amountCents;
  }
  return wholeCents((state.groceriesFloorCents + state.transportFloorCents) * share) + bills;
}

/** Money that can go to a bill or an arrear without touching what the essentials until payday need. */
export function freeForArrears(state: HouseholdState, day: number): number {
  return available(state) - Math.max(state.reservedCents, essentialsUntilPayday(state, day));
}

/** What the bank will let through: balance plus overdraft. */
export function available(state: HouseholdState): number {
  return state.currentBalanceCents + state.overdraftLimitCents;
}

export function credit(ctx: EngineContext, cents: number): void {
  ctx.state.currentBalanceCents += cents;
}

export function debit(ctx: EngineContext, cents: number): void {
  ctx.state.currentBalanceCents -= cents;
}

/** A fixed cost paid: its money was among what was kept aside. */
export function debitReserved(ctx: EngineContext, cents: number): void {
  ctx.state.currentBalanceCents -= cents;
  ctx.state.reservedCents = Math.max(0, ctx.state.reservedCents - cents);
}

// ---------------------------------------------------------------------------------------------
// Income

/** Pays a stream; returns true when it is the household's main income. */
function payStream(ctx: EngineContext, stream: IncomeStreamState, day: number): boolean {
  const { state, rec } = ctx;
  if (stream.kind === 'ww' && stream.paymentsMade === WORLD.benefits.ww.firstMonths) {
    // WW steps down from 75 % to 70 % of the last wage after two months (WW art. 47).
    stream.amountCents = wholeCents((stream.amountCents * WORLD.benefits.ww.laterShare) / WORLD.benefits.ww.firstMonthsShare);
  }
  // A flex worker's pay follows the hours worked; the truth keeps the regular amount.
  const paid = stream.variability > 0 ? state.random.logNormalCents(stream.amountCents, logNormalQuantiles(stream.variability)) : stream.amountCents;
  const holidayPay = stream.holidayPayFactor > 0 && monthOf(day) === stream.holidayPayMonth && !isSecondPaymentInMonth(stream, day);
  const holidayCents = holidayPay ? wholeCents(stream.amountCents * stream.holidayPayFactor) : 0;
  if (holidayPay && stream.holidayPayCombined) {
    credit(ctx, paid + holidayCents);
    rec?.incomeCredit(day, stream, paid + holidayCents, true);
  } else {
    credit(ctx, paid);
    rec?.incomeCredit(day, stream, paid, false);
    if (holidayCents > 0) {
      credit(ctx, holidayCents);
      rec?.holidayPayCredit(day, stream, holidayCents);
    }
  }
  stream.paymentsMade++;
  stream.nextDay = nextPayday(stream.schedule, day + 1);
  if (stream.nextDay > stream.lastDay) {
    stream.active = false;
    streamEnded(ctx, stream, day);
  }
  return stream.id === mainStreamId(state);
}

/** Four-weekly pay can fall twice in May; holiday pay comes with the first. */
function isSecondPaymentInMonth(stream: { schedule: { rule: string } }, day: number): boolean {
  return stream.schedule.rule === 'four_weekly' && dayOfMonthOf(day) > 28;
}

/** The largest active regular income (not allowances): its payday is when the household pays bills. */
export function mainStreamId(state: HouseholdState): number {
  let best = -1;
  let bestAmount = 0;
  for (const s of state.streams) {
    if (!s.active || s.earner === -1) continue;
    if (s.amountCents > bestAmount) {
      bestAmount = s.amountCents;
      best = s.id;
    }
  }
  return best;
}

export function nextMainPayday(state: HouseholdState, fromDay: number): number {
  const id = mainStreamId(state);
  if (id < 0) return fromDay + 30;
  const stream = state.streams.find((s) => s.id === id)!;
  return stream.nextDay >= fromDay ? stream.nextDay : nextPayday(stream.schedule, fromDay);
}

export function mainIncomeAmount(state: HouseholdState): number {
  const id = mainStreamId(state);
  return id < 0 ? 0 : state.streams.find((s) => s.id === id)!.amountCents;
}

/** The fixed costs a month brings: every collected obligation, the creditor's advance, an arrangement instalment. */
function fixedCostsUntilPayday(state: HouseholdState): number {
  let fixed = state.creditor.advanceCents + (state.creditor.arrangement?.monthlyCents ?? 0);
  for (const o of state.obligations) if (o.method !== 'card') fixed += o.amountCents;
  return fixed;
}

function onMainPayday(ctx: EngineContext, day: number): void {
  const { state, profile } = ctx;
  // Planners keep their fixed costs aside until the next payday; others spend from the full balance.
  state.reservedCents = wholeCents(profile.planning * fixedCostsUntilPayday(state));
  state.savingsSweepDay = day + 1;
}

// ---------------------------------------------------------------------------------------------
// Fixed costs

export function nextObligationDay(obligation: ObligationState, fromDay: number): number {
  // Collections move to the next working day, as SEPA settles only on TARGET days.
  return nextCollectionDay(obligation.dayOfMonth, obligation.monthMask, fromDay);
}

function collectObligation(ctx: EngineContext, obligation: ObligationState, day: number): void {
  const { state, rec } = ctx;
  const amount = obligation.amountCents;
  switch (obligation.method) {
    case 'bank_charge':
      debitReserved(ctx, amount);
      rec?.obligationDebit(day, obligation, amount);
      break;
    case 'card':
      // A declined card stops the service for a month; nothing is owed.
      if (available(state) >= amount) {
        debit(ctx, amount);
        rec?.obligationDebit(day, obligation, amount);
      }
      break;
    case 'standing_order':
      // A bank does not execute a standing order without cover; the payee is simply not paid.
      if (available(state) >= amount) {
        debitReserved(ctx, amount);
        rec?.obligationDebit(day, obligation, amount);
      } else {
        owe(obligation, amount, day);
      }
      break;
    case 'direct_debit':
      if (available(state) >= amount) {
        debitReserved(ctx, amount);
        rec?.obligationDebit(day, obligation, amount);
      } else {
        // The debit is booked and returned at once: AM04, insufficient funds.
        rec?.obligationDebit(day, obligation, amount);
        rec?.obligationReturned(day, obligation, amount, 'AM04');
        owe(obligation, amount, day);
      }
      break;
  }
  obligation.remaining--;
  obligation.nextDay = obligation.remaining > 0 ? nextObligationDay(obligation, day + 1) : NEVER;
}

function owe(obligation: ObligationState, cents: number, day: number): void {
  if (obligation.unpaidCents === 0) obligation.unpaidSinceDay = day;
  obligation.unpaidCents += cents;
}

// ---------------------------------------------------------------------------------------------
// After payday: arrears with other creditors, collection agencies, savings

/** Days an unpaid bill stays with its creditor before it goes to a collection agency. */
const OTHER_CREDITORS_HAND_OVER_DAYS = 75;

function paydayHousekeeping(ctx: EngineContext, day: number): void {
  const { state, profile, rec } = ctx;
  const random = state.random;
  const willing = profile.traits.willingnessToPay;
  // Essential bills first (rent, insurance), then the rest; each only when there is money for it.
  const order = state.obligations.filter((o) => o.unpaidCents > 0).sort((a, b) => Number(b.essential) - Number(a.essential));
  for (const o of order) {
    if (freeForArrears(state, day) >= o.unpaidCents && random.chance(0.4 + 0.6 * willing)) {
      debit(ctx, o.unpaidCents);
      rec?.transferOut(day, o.payee, o.unpaidCents, o.category, `Achterstand ${o.reference}`);
      o.unpaidCents = 0;
    } else if (day - o.unpaidSinceDay > OTHER_CREDITORS_HAND_OVER_DAYS) {
      handOverToAgency(ctx, o.payee.name, o.unpaidCents, day, random.pick(COLLECTION_AGENCIES));
      o.unpaidCents = 0;
    }
  }
  for (const payment of state.scheduledPayments) {
    if (payment.failedSinceDay >= 0) payScheduled(ctx, payment, day);
  }
  state.scheduledPayments = state.scheduledPayments.filter((p) => p.amountCents > 0);

  for (const k of state.collectionCases) {
    if (k.nextPaymentDay > day || k.outstandingCents <= 0) continue;
    const instalment = Math.min(k.monthlyCents, k.outstandingCents);
    if (spendable(state) >= instalment && random.chance(0.35 + 0.6 * willing)) {
      debit(ctx, instalment);
      rec?.transferOut(day, k.agency, instalment, 'expense.collection', `Dossier ${k.reference} termijn`);
      k.outstandingCents -= instalment;
      k.lastPaymentDay = day;
      if (k.fromOurCreditor) {
        const principalBefore = k.ourPrincipalCents;
        k.ourPrincipalCents = Math.max(0, k.ourPrincipalCents - instalment);
        ctx.ledger?.agencyPaid(day, principalBefore - k.ourPrincipalCents, instalment);
      }
    }
    k.nextPaymentDay = day + 28;
  }
  closeSettledCollectionCases(ctx, day);

  const shortfall = -spendable(state) - state.savingsBalanceCents;
  if (shortfall > 10_000) maybeBorrow(ctx, day, shortfall);
  sweepToSavings(ctx, day);
  state.savingsSweepDay = -1;
}

/**
 * A claim goes to a collection agency with collection costs on top. `costsCents` is what the
 * creditor charges (our creditor: the WIK maximum from src/claims); other creditors charge the WIK
 * scale's first band: 15 % of the principal, at least EUR 40, which is the WIK maximum up to EUR 2,500.
 */
export function handOverToAgency(
  ctx: EngineContext,
  creditorName: string,
  principalCents: number,
  day: number,
  agencyName: string,
  fromOurCreditor = false,
  costsCents?: number,
): void {
  const { state } = ctx;
  const c = WORLD.creditor;
  const costs = costsCents ?? Math.max(c.collectionCostsMinimumCents, wholeCents(principalCents * c.collectionCostsShare));
  if (fromOurCreditor) ctx.ledger?.handedOver(day, principalCents, costs);
  const total = principalCents + costs;
  // References are built from the state, not the recorder: a case opened before recording starts
  // (or in a future) must carry the same reference once it shows on a statement.
  const reference = `${agencyName.slice(0, 3).toUpperCase()}${String(day * 10 + state.collectionCases.length).padStart(7, '0')}`;
  state.collectionCases.push({
    agency: counterpartyNamed(agencyName),
    originalCreditorName: creditorName,
    fromOurCreditor,
    ourPrincipalCents: fromOurCreditor ? principalCents : 0,
    outstandingCents: total,
    monthlyCents: roundToStep(Math.max(5_000, total / 8), 500),
    nextPaymentDay: day + 14,
    lastPaymentDay: day,
    reference,
    openedDay: day,
  });
}

function closeSettledCollectionCases(ctx: EngineContext, day: number): void {
  const { state } = ctx;
  if (!state.collectionCases.some((k) => k.outstandingCents <= 0)) return;
  for (const k of state.collectionCases) {
    if (k.outstandingCents <= 0 && k.fromOurCreditor) {
      k.fromOurCreditor = false;
      ourCollectionSettled(ctx, day);
    }
  }
  state.collectionCases = state.collectionCases.filter((k) => k.outstandingCents > 0);
}

/** The agency collected our creditor's claim in full: the case may close. */
function ourCollectionSettled(ctx: EngineContext, day: number): void {
  const c = ctx.state.creditor;
  const stillOpen = ctx.state.collectionCases.some((k) => k.fromOurCreditor && k.outstandingCents > 0);
  const overdue = c.invoices.some((i) => i.outstandingCents > 0 && i.dueDay < day);
  if (!stillOpen && !overdue && !c.arrangement && c.caseOpen) {
    c.caseOpen = false;
    ctx.rec?.event(day, { type: 'paid_in_full' });
  }
}

function payScheduled(ctx: EngineContext, payment: HouseholdState['scheduledPayments'][number], day: number): void {
  const { state, profile, rec } = ctx;
  if (payment.amountCents <= 0) return;
  if (payment.oneOff && available(state) < payment.amountCents) {
    // A repair or deposit cannot wait: savings first, then credit, then buy-now-pay-later for goods.
    if (state.savingsBalanceCents > 0) {
      const move = Math.min(state.savingsBalanceCents, roundToStep(payment.amountCents - available(state) + 5_000, 1_000));
      state.savingsBalanceCents -= move;
      credit(ctx, move);
      rec?.ownTransfer(day, 'from_savings', move);
    }
    if (available(state) < payment.amountCents) maybeBorrow(ctx, day, payment.amountCents - available(state));
    if (available(state) < payment.amountCents && profile.traits.usesBnpl && payment.category === 'expense.shopping') {
      const provider = counterpartyNamed('in3');
      const part = wholeCents(payment.amountCents / 3);
      for (let i = 0; i < 3; i++) {
        state.scheduledPayments.push({ payee: provider, category: 'expense.bnpl', amountCents: i < 2 ? part : payment.amountCents - 2 * part, dueDay: day + 1 + 30 * i, reference: `in3 ${payment.reference} termijn ${i + 1} van 3`, failedSinceDay: -1, oneOff: false });
      }
      payment.amountCents = 0;
      return;
    }
  }
  if (available(state) >= payment.amountCents) {
    debit(ctx, payment.amountCents);
    rec?.transferOut(day, payment.payee, payment.amountCents, payment.category, payment.reference);
    payment.amountCents = 0;
    return;
  }
  if (payment.failedSinceDay < 0) payment.failedSinceDay = day;
  else if (day - payment.failedSinceDay > 60) {
    handOverToAgency(ctx, payment.payee.name, payment.amountCents, day, 'Intrum');
    payment.amountCents = 0;
  }
}

function sweepToSavings(ctx: EngineContext, day: number): void {
  const { state, profile, rec } = ctx;
  const income = stableMonthlyIncome(state);
  // Whoever moves money to savings does so deliberately, keeping this month's fixed costs and budget.
  const keep = fixedCostsUntilPayday(state) + state.variableBudgetCents + 15_000;
  const surplus = state.currentBalanceCents - keep;
  let amount = 0;
  if (profile.savesMonthly && surplus > 2_500) amount = roundToStep(surplus * 0.8, 500);
  else if (!profile.savesMonthly && state.currentBalanceCents > 3 * income && income > 0) amount = roundToStep((state.currentBalanceCents - 2 * income) / 2, 1_000);
  if (amount <= 0 || amount > state.currentBalanceCents) return;
  state.currentBalanceCents -= amount;
  state.savingsBalanceCents += amount;
  rec?.ownTransfer(day, 'to_savings', amount);
}

function maybeTopUpFromSavings(ctx: EngineContext, day: number): void {
  const { state, profile, rec } = ctx;
  const t = profile.traits;
  // Checking the balance in time is what literacy and a working administration buy.
  const checks = (0.1 + 0.5 * t.financialLiteracy) * (1 - 0.6 * t.forgetfulness);
  if (!state.random.chance(checks)) return;
  const need = roundToStep(weekOfGroceries(state) - spendable(state) + 10_000, 1_000);
  const amount = Math.min(state.savingsBalanceCents, need);
  if (amount <= 0) return;
  state.savingsBalanceCents -= amount;
  state.currentBalanceCents += amount;
  rec?.ownTransfer(day, 'from_savings', amount);
}

// ---------------------------------------------------------------------------------------------
// Everyday spending

const DAYS_PER_MONTH = 30.44;
const SPREAD_GROCERIES = logNormalQuantiles(0.35);
const SPREAD_FLOOR = logNormalQuantiles(0.2);
const SPREAD_TRANSPORT = logNormalQuantiles(0.25);
const SPREAD_CASH = logNormalQuantiles(0.3);
const SPREAD_SHOPPING = logNormalQuantiles(0.6);
const SPREAD_GAMBLING = logNormalQuantiles(0.6);

function dailySpending(ctx: EngineContext, day: number): void {
  const { state, profile, rec } = ctx;
  const random = state.random;
  const traits = profile.traits;

  const tripChance = profile.groceryTripsPerWeek / 7;
  if (random.chance(tripChance)) {
    const trips = tripChance * DAYS_PER_MONTH;
    let amount = random.logNormalCents(state.groceriesMonthlyCents / trips, SPREAD_GROCERIES);
    if (spendable(state) < amount) amount = random.logNormalCents(state.groceriesFloorCents / trips, SPREAD_FLOOR);
    if (available(state) >= amount && amount > 0) {
      debit(ctx, amount);
      rec?.cardPayment(day, rec.supermarket(profile.favouriteSupermarket), amount, 'expense.groceries');
    }
  }

  const transportChance = traits.hasCar ? 0.1 : 0.25;
  if (random.chance(transportChance)) {
    let amount = random.logNormalCents(state.transportMonthlyCents / (transportChance * DAYS_PER_MONTH), SPREAD_TRANSPORT);
    if (spendable(state) < amount) amount = wholeCents(state.transportFloorCents / (transportChance * DAYS_PER_MONTH));
    if (available(state) >= amount && amount > 0) {
      debit(ctx, amount);
      rec?.cardPayment(day, traits.hasCar ? profile.fuelStation : profile.publicTransport, amount, 'expense.transport');
    }
  }

  if (state.cashMonthlyCents > 0 && random.chance(2 / DAYS_PER_MONTH)) {
    const amount = roundToStep(random.logNormalCents(state.cashMonthlyCents / 2, SPREAD_CASH), 1_000);
    if (spendable(state) >= amount) {
      debit(ctx, amount);
      rec?.cashWithdrawal(day, amount);
    }
  }

  if (state.shoppingMonthlyCents > 0 && random.chance(0.3)) {
    const amount = Math.max(100, random.logNormalCents((state.shoppingMonthlyCents / (0.3 * DAYS_PER_MONTH)) * 0.8, SPREAD_SHOPPING));
    if (traits.usesBnpl && amount > 3_000 && random.chance(0.3)) {
      buyNowPayLater(ctx, amount, day);
    } else if (spendable(state) >= amount) {
      debit(ctx, amount);
      rec?.cardPayment(day, rec.shop(amount), amount, 'expense.shopping');
    }
  }

  if (state.gamblingMonthlyCents > 0) gamble(ctx, day);
}

function buyNowPayLater(ctx: EngineContext, amount: number, day: number): void {
  const { state, profile } = ctx;
  const provider = counterpartyNamed(profile.bnplProvider);
  const seq = ++state.nextBnplSeq;
  if (profile.bnplProvider === 'in3') {
    // in3 splits a purchase in three monthly terms, the first at purchase.
    const parts = [Math.floor(amount / 3), Math.floor(amount / 3), amount - 2 * Math.floor(amount / 3)];
    parts.forEach((part, i) => {
      state.scheduledPayments.push({ payee: provider, category: 'expense.bnpl', amountCents: part, dueDay: day + 1 + i * 30, reference: `in3 bestelling ${seq} termijn ${i + 1} van 3`, failedSinceDay: -1, oneOff: false });
    });
  } else {
    state.scheduledPayments.push({ payee: provider, category: 'expense.bnpl', amountCents: amount, dueDay: day + (profile.bnplProvider === 'Riverty' ? 14 : 30), reference: `Betaling bestelling ${seq}`, failedSinceDay: -1, oneOff: false });
  }
  state.scheduledPayments = state.scheduledPayments.filter((p) => p.amountCents > 0);
}

function gamble(ctx: EngineContext, day: number): void {
  const { state, profile, rec } = ctx;
  const random = state.random;
  const compulsive = profile.traits.gambling === 'compulsive';
  const chance = compulsive ? 0.3 : 0.08;
  if (!random.chance(chance)) return;
  const amount = roundToStep(random.logNormalCents(state.gamblingMonthlyCents / (chance * DAYS_PER_MONTH), SPREAD_GAMBLING), 500);
  // A compulsive gambler plays on whatever the bank allows; others only with money to spare.
  if ((compulsive ? available(state) : spendable(state)) < amount) return;
  debit(ctx, amount);
  rec?.transferOut(day, counterpartyNamed(profile.gamblingVenue), amount, 'expense.gambling', `Storting account ${profile.gamblingVenue}`);
  if (state.gamblingWinDay < 0 && random.chance(0.3)) {
    state.gamblingWinDay = day + random.int(1, 3);
    state.gamblingWinCents = roundToStep(random.logNormalCents(amount * 1.8, SPREAD_GAMBLING), 100);
  }
}

// ---------------------------------------------------------------------------------------------
// The first of the month

function monthlyTick(ctx: EngineContext, day: number): void {
  const { state, profile, rec } = ctx;
  const month = monthOf(day);

  if (state.currentBalanceCents < 0) {
    // Overdraft interest (about 13 % a year) is charged monthly on the negative balance.
    const interest = wholeCents((-state.currentBalanceCents * 0.13) / 12);
    if (interest > 0) {
      debit(ctx, interest);
      rec?.overdraftInterest(day, interest);
    }
  }
  if (month === 1 && state.savingsBalanceCents > 0) {
    const interest = wholeCents(state.savingsBalanceCents * 0.015);
    if (interest > 0) {
      state.savingsBalanceCents += interest;
      rec?.savingsInterest(day, interest);
    }
  }
  if (month === 3 && state.taxRefundDay < 0 && state.random.chance(0.4)) {
    // Most income-tax refunds on a return filed before 1 May are paid before July.
    state.taxRefundDay = day + state.random.int(30, 120);
    state.taxRefundCents = roundToStep(state.random.logNormal(35_000, 0.7), 100);
  }

  const stressed =
    (state.currentBalanceCents < 0 && state.savingsBalanceCents < 5_000) ||
    state.obligations.some((o) => o.unpaidCents > 0) ||
    state.creditor.invoices.some((i) => i.outstandingCents > 0 && i.dueDay < day);
  state.stressMonths = stressed ? state.stressMonths + 1 : 0;

  if (day >= profile.startDay) monthlyShocks(ctx, day);

  // Spending follows means with a lag: a third of the gap closes each month.
  const target = targetVariableBudget(state);
  state.variableBudgetCents = wholeCents(state.variableBudgetCents + WORLD.traits.spendingAdaptPerMonth * (target - state.variableBudgetCents));
  allocateVariableBudget(state, profile.traits.hasCar, profile.cashUser, profile.traits.gambling);
  state.shoppingMonthlyCents = wholeCents(state.shoppingMonthlyCents * SHOPPING_SEASON[month - 1]!);
  if (month === profile.holidayMonth && day >= profile.startDay) {
    // The summer holiday is booked from what the household thinks it has: more by big spenders.
    state.holidayDay = day + state.random.int(0, 20);
    state.holidayCents = roundToStep(state.spendingPropensity * stableMonthlyIncome(state) * state.random.uniform(0.25, 0.7), 1_000);
  }

  rec?.monthStart(day, state);
}

/** Shopping by month: Black Friday and Sinterklaas in November, Christmas in December, a lean January. */
const SHOPPING_SEASON = [0.8, 0.95, 1, 1, 1, 1, 1, 1, 1, 1, 1.2, 1.5];

function bookHoliday(ctx: EngineContext, day: number): void {
  const { state, profile, rec } = ctx;
  state.holidayDay = -1;
  let amount = state.holidayCents;
  const bigSpender = state.spendingPropensity >= 1;
  if ((bigSpender ? available(state) : spendable(state)) < amount) {
    if (bigSpender && profile.traits.borrowsWhenShort) maybeBorrow(ctx, day, amount - available(state));
    // Otherwise a cheaper holiday, or none.
    if ((bigSpender ? available(state) : spendable(state)) < amount) amount = roundToStep(Math.max(0, spendable(state) - weekOfGroceries(state)) * 0.5, 1_000);
    if (amount < 10_000) return;
  }
  debit(ctx, amount);
  const agency = rec ? rec.travelAgency() : '';
  rec?.transferOut(day, counterpartyNamed(agency), amount, 'expense.shopping', `Boeking zomervakantie ${agency}`);
}

/** A small loan when money runs short, for households that borrow (once per half year at most). */
export function maybeBorrow(ctx: EngineContext, day: number, shortfallCents: number): void {
  const { state, profile, rec } = ctx;
  if (!profile.traits.borrowsWhenShort || day - state.lastBorrowDay < 180 || shortfallCents <= 0) return;
  if (state.collectionCases.length > 1) return; // lenders check BKR; a household in collection rarely gets credit
  const random = state.random;
  const payday = profile.traits.financialLiteracy < 0.4 && random.chance(0.5);
  const lenderName = payday ? random.pick(PAYDAY_LENDERS) : random.pick(CONSUMER_LENDERS);
  const lender = counterpartyNamed(lenderName);
  const amount = payday ? roundToStep(clamp(shortfallCents * 1.2, 20_000, 60_000), 5_000) : roundToStep(clamp(shortfallCents * 2, 50_000, 300_000), 10_000);
  const months = payday ? 3 : 12 + random.int(0, 2) * 12;
  const instalment = wholeCents((amount * (payday ? 1.15 : 1 + 0.08 * (months / 12))) / months);
  credit(ctx, amount);
  state.lastBorrowDay = day;
  const reference = `${lenderName.replace(/[^A-Za-z]/g, '').slice(0, 4).toUpperCase()}-${day}`;
  rec?.transferIn(day, lender, amount, 'income.other', `Uitbetaling lening ${reference}`);
  rec?.shock(day, { kind: 'loan_taken', amountCents: amount });
  const obligation: ObligationState = makeObligation({
    kind: payday ? 'payday_loan' : 'loan',
    category: 'expense.credit',
    payee: lender,
    method: 'direct_debit',
    mandateId: reference,
    amountCents: instalment,
    dayOfMonth: clamp(dayOfMonthOf(day), 1, 28),
    monthMask: 0xfff,
    nextDay: 0,
    remaining: months,
    essential: false,
    debtService: true,
    unpaidCents: 0,
    unpaidSinceDay: -1,
    reference,
  });
  obligation.nextDay = nextObligationDay(obligation, day + 20);
  addObligation(state, obligation);
}
