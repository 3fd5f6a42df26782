/**
 * Life events with monthly hazards (rates and reasons in world-parameters.ts) and what each does to
 * income and costs. A shock never touches the creditor's process directly: it changes money, and
 * the creditor's outcomes follow from the money.
 */
import { counterpartyNamed, HOUSING_CORPORATIONS, PRIVATE_LANDLORDS, UNEXPECTED_EXPENSE_PAYEES, UWV } from './counterparties.js';
import { nextPayday } from './dutch-calendar.js';
import {
  allowancesFor,
  assessableMonthlyIncome,
  groceriesFloorCents,
  kinderbijslagPerQuarter,
  monthlyEquivalentOfStream,
  roundToStep,
  wholeCents,
} from './household-budget.js';
import { nextObligationDay, type EngineContext } from './household-engine.js';
import { addObligation, makeObligation, NEVER, watchStream, type IncomeStreamState, type ObligationState } from './household-state.js';
import {
  addIncomeStream,
  ALLOWANCE_SCHEDULE,
  bijstandSchedule,
  drawEmployer,
  drawPayVariability,
  drawSalarySchedule,
  KINDERBIJSLAG_SCHEDULE,
  municipality,
  uwvSchedule,
} from './income-streams.js';
import { WORLD } from './world-parameters.js';

const DAYS_PER_MONTH = 30.44;

export function monthlyShocks(ctx: EngineContext, day: number): void {
  const { state } = ctx;
  const random = state.random;
  const h = WORLD.hazards;
  for (let e = 0; e < state.earners.length; e++) {
    const earner = state.earners[e]!;
    if (earner.status === 'employed') {
      if (random.chance(h.jobLossPerEarner)) loseJob(ctx, e, day);
      else if (random.chance(h.illnessPerEarner)) fallIll(ctx, e, day);
    } else if (earner.status === 'unemployed') {
      if (random.chance(h.reemploymentWhileUnemployed)) findJob(ctx, e, day);
    } else if (earner.status === 'sick') {
      progressIllness(ctx, e, day);
    }
  }
  if (state.adults > 1 && !state.separated && random.chance(h.separationPerCouple)) separate(ctx, day);
  if (random.chance(h.energyPriceRise)) {
    state.creditor.pendingPriceRise = random.uniform(1.15, 1.4);
    ctx.rec?.shock(day, { kind: 'energy_price_rise' });
  }
  if (random.chance(h.unexpectedExpense)) unexpectedExpense(ctx, day);
  if (random.chance(h.moveHouse)) moveHouse(ctx, day);
  if (random.chance(h.contactDetailsChange)) changeContactDetails(ctx, day);
  const bankHazard = h.bankChange * (state.stressMonths >= 2 ? h.bankChangeUnderStressFactor : 1);
  if (random.chance(bankHazard)) changeBank(ctx, day);
}

function earnerLabel(e: number): 'debtor' | 'partner' {
  return e === 0 ? 'debtor' : 'partner';
}

function streamById(ctx: EngineContext, id: number): IncomeStreamState | undefined {
  return id >= 0 ? ctx.state.streams[id] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Work

function loseJob(ctx: EngineContext, e: number, day: number): void {
  const { state, profile, rec } = ctx;
  const random = state.random;
  const earner = state.earners[e]!;
  const salary = streamById(ctx, earner.streamId);
  if (!salary || !salary.active) return;
  earner.lastNetWageCents = monthlyEquivalentOfStream(salary);
  // The last salary comes on the next payday; nothing after.
  salary.lastDay = salary.nextDay;
  earner.status = 'unemployed';
  earner.sinceDay = day;
  const ww = WORLD.benefits.ww;
  const months = random.int(ww.minMonths, ww.maxMonths);
  const firstDay = day + random.int(ww.startDelayDays[0], ww.startDelayDays[1]);
  const schedule = uwvSchedule(profile);
  const firstPayday = nextPayday(schedule, firstDay);
  const stream = addIncomeStream(state, rec, {
    kind: 'ww',
    payer: counterpartyNamed(UWV),
    earner: e as 0 | 1,
    schedule,
    amountCents: Math.min(ww.maxNetCents, wholeCents(earner.lastNetWageCents * ww.firstMonthsShare)),
    firstDay,
    lastDay: firstPayday + wholeCents(months * DAYS_PER_MONTH) - 1,
    holidayPayFactor: WORLD.benefits.uwvHolidayPayMonthFactor,
  });
  earner.wwStreamId = stream.id;
  state.allowanceReviewDay = day + 35;
  rec?.shock(day, { kind: 'job_loss', earner: earnerLabel(e) });
}

function findJob(ctx: EngineContext, e: number, day: number): void {
  const { state, rec } = ctx;
  const random = state.random;
  const earner = state.earners[e]!;
  let schedule = drawSalarySchedule(random, day);
  const employer = drawEmployer(random, schedule);
  const colleague = state.streams.find((s) => s.kind === 'salary' && s.active && s.payer.name === employer.name);
  if (colleague) schedule = colleague.schedule;
  const variability = drawPayVariability(random, schedule);
  const monthly = wholeCents(earner.lastNetWageCents * 0.95);
  const perPayment = schedule.rule === 'four_weekly' ? wholeCents((monthly * 12) / 13) : monthly;
  const stream = addIncomeStream(state, rec, {
    kind: 'salary',
    payer: employer,
    earner: e as 0 | 1,
    schedule,
    amountCents: perPayment,
    firstDay: day + random.int(20, 40),
    holidayPayFactor: WORLD.salary.holidayPayMonthFactor,
    holidayPayCombined: true,
    variability,
  });
  for (const s of state.streams) {
    if (s.active && s.earner === e && (s.kind === 'ww' || s.kind === 'bijstand')) {
      // Benefits stop once wages start; the last benefit month is still paid.
      s.lastDay = Math.min(s.lastDay, stream.nextDay);
    }
  }
  earner.status = 'employed';
  earner.streamId = stream.id;
  earner.regularPaymentCents = perPayment;
  earner.sinceDay = day;
  state.allowanceReviewDay = day + 35;
  rec?.shock(day, { kind: 'reemployment', earner: earnerLabel(e) });
}

/** Called by the engine when a stream has paid for the last time. */
export function streamEnded(ctx: EngineContext, stream: IncomeStreamState, day: number): void {
  const { state, profile, rec } = ctx;
  if (stream.kind !== 'ww') return;
  rec?.shock(day, { kind: 'ww_ended', earner: earnerLabel(stream.earner === 1 ? 1 : 0) });
  const earner = state.earners[stream.earner === 1 ? 1 : 0]!;
  if (earner.status !== 'unemployed') return;
  // Bijstand tops income up to the norm, unless the household has savings above the asset limit
  // (about EUR 7,600 single, 15,200 couple in 2025).
  const norm = state.adults > 1 ? WORLD.benefits.bijstandMonthlyCents.couple : WORLD.benefits.bijstandMonthlyCents.single;
  const assetLimit = state.adults > 1 ? 1_520_000 : 760_000;
  const otherIncome = assessableMonthlyIncome(state);
  if (otherIncome >= norm || state.savingsBalanceCents > assetLimit) return;
  addIncomeStream(state, rec, {
    kind: 'bijstand',
    payer: municipality(profile),
    earner: stream.earner === 1 ? 1 : 0,
    schedule: bijstandSchedule(profile),
    amountCents: norm - otherIncome,
    firstDay: day + 20,
  });
  state.allowanceReviewDay = day + 35;
}

function fallIll(ctx: EngineContext, e: number, day: number): void {
  const { state, rec } = ctx;
  const earner = state.earners[e]!;
  const salary = streamById(ctx, earner.streamId);
  if (!salary || !salary.active) return;
  earner.status = 'sick';
  earner.sinceDay = day;
  earner.lastNetWageCents = monthlyEquivalentOfStream(salary);
  earner.regularPaymentCents = salary.amountCents;
  // The law requires 70 % in the first year; most collective agreements top up to 100 %.
  if (!earner.employerTopsUp) salary.amountCents = wholeCents(salary.amountCents * 0.7);
  addHealthDeductible(ctx, day);
  rec?.shock(day, { kind: 'illness', earner: earnerLabel(e) });
}

function progressIllness(ctx: EngineContext, e: number, day: number): void {
  const { state, rec, profile } = ctx;
  const earner = state.earners[e]!;
  const salary = streamById(ctx, earner.streamId);
  if (state.random.chance(WORLD.hazards.recoveryFromIllness)) {
    earner.status = 'employed';
    if (salary && salary.active) salary.amountCents = earner.regularPaymentCents;
    rec?.shock(day, { kind: 'recovery', earner: earnerLabel(e) });
    return;
  }
  const sickDays = day - earner.sinceDay;
  if (salary && salary.active && sickDays >= 365 && sickDays < 365 + 31 && earner.employerTopsUp) {
    salary.amountCents = wholeCents(earner.regularPaymentCents * 0.7);
  }
  if (salary && salary.active && sickDays >= 730) {
    // After 104 weeks the employer stops paying; UWV's WIA takes over at about 70 % of the last wage.
    salary.lastDay = salary.nextDay;
    earner.status = 'benefit';
    const wia = addIncomeStream(state, rec, {
      kind: 'wia',
      payer: counterpartyNamed(UWV),
      earner: e as 0 | 1,
      schedule: uwvSchedule(profile),
      amountCents: wholeCents(earner.lastNetWageCents * 0.7),
      firstDay: salary.nextDay + 5,
      holidayPayFactor: WORLD.benefits.uwvHolidayPayMonthFactor,
    });
    earner.streamId = wia.id;
    state.allowanceReviewDay = day + 35;
  }
}

function addHealthDeductible(ctx: EngineContext, day: number): void {
  const { state } = ctx;
  if (state.obligations.some((o) => o.kind === 'health_deductible')) return;
  const insurance = state.obligations.find((o) => o.kind === 'health_insurance');
  if (!insurance) return;
  // Insurers collect the deductible (eigen risico) in instalments after the claims come in.
  const obligation: ObligationState = makeObligation({
    ...insurance,
    kind: 'health_deductible',
    // The deductible pays for care already had: healthcare, though the insurer collects it.
    category: 'expense.healthcare',
    amountCents: wholeCents(WORLD.costs.healthDeductibleCents / 3),
    remaining: 3,
    unpaidCents: 0,
    unpaidSinceDay: -1,
    reference: `${insurance.reference} eigen risico`,
  });
  obligation.nextDay = nextObligationDay(obligation, day + 45);
  addObligation(state, obligation);
}

// ---------------------------------------------------------------------------------------------
// Household

function separate(ctx: EngineContext, day: number): void {
  const { state, rec } = ctx;
  const random = state.random;
  state.separated = true;
  for (const s of state.streams) {
    if (s.active && s.earner === 1) s.active = false;
  }
  state.earners[1] = { ...state.earners[1]!, status: 'none', streamId: -1 };
  for (const s of state.streams) {
    if (!s.active) continue;
    if (s.kind === 'aow') s.amountCents = WORLD.benefits.aowNetCents.single;
    if (s.kind === 'bijstand') s.amountCents = WORLD.benefits.bijstandMonthlyCents.single;
  }
  const childrenStay = state.children > 0 && random.chance(0.5);
  state.adults = 1;
  if (!childrenStay) {
    state.children = 0;
    state.childAges = [];
  }
  state.composition = state.children > 0 ? 'single_parent' : 'single';
  state.groceriesFloorCents = groceriesFloorCents(state.adults, state.children);

  for (const o of state.obligations) {
    if (o.kind === 'health_insurance') o.amountCents = WORLD.costs.healthPremiumPerAdultCents;
    if (o.kind === 'mobile') o.amountCents = wholeCents(o.amountCents / 2);
  }
  if (random.chance(0.5)) {
    // The debtor moves out to a rented home: deposit, furniture, a new landlord and energy contract.
    const income = assessableMonthlyIncome(state);
    const social = income < 300_000 || random.chance(0.3);
    const rent = social
      ? Math.min(WORLD.housing.socialRentMaxCents, wholeCents(random.logNormal(WORLD.housing.socialRentMedianCents, 0.15)))
      : wholeCents(random.logNormal(WORLD.housing.privateRentMedianCents, 0.2));
    const housing = state.obligations.find((o) => o.kind === 'housing');
    const landlord = counterpartyNamed(social ? random.pick(HOUSING_CORPORATIONS) : random.pick(PRIVATE_LANDLORDS));
    if (housing) {
      housing.payee = landlord;
      housing.category = 'expense.housing';
      housing.amountCents = rent;
      housing.method = random.chance(WORLD.housing.rentDirectDebitShare) ? 'direct_debit' : 'standing_order';
      housing.mandateId = housing.method === 'direct_debit' ? `${housing.reference}-2` : null;
    }
    state.tenure = social ? 'social_rent' : 'private_rent';
    state.creditor.advanceCents = roundToStep(random.logNormal(WORLD.costs.energyAdvanceCents[state.composition], 0.2), 100);
    scheduleOneOff(ctx, day + 3, landlord.name, rent, 'expense.housing', 'Waarborgsom');
    scheduleOneOff(ctx, day + 7, 'IKEA', roundToStep(random.logNormal(80_000, 0.4), 100), 'expense.shopping', 'IKEA bestelling');
    rec?.event(day, { type: 'address_changed' });
  } else {
    state.creditor.advanceCents = roundToStep(state.creditor.advanceCents * 0.85, 100);
  }
  // Mediation or a lawyer for the divorce, paid in two parts.
  for (let i = 0; i < 2; i++) {
    scheduleOneOff(ctx, day + 14 + 30 * i, 'Scheidingsmediation Nederland', 60_000, 'expense.other', `Factuur mediation deel ${i + 1}`);
  }
  state.allowanceReviewDay = day + 30;
  rec?.shock(day, { kind: 'separation' });
  if (random.chance(0.6)) changeContactDetails(ctx, day);
  if (random.chance(0.4)) changeBank(ctx, day);
}

/** A one-off bill, paid on its day from the balance, savings or a loan, or later (see the engine's scheduled payments). */
function scheduleOneOff(ctx: EngineContext, dueDay: number, payeeName: string, amount: number, category: 'expense.shopping' | 'expense.other' | 'expense.transport' | 'expense.housing' | 'expense.healthcare', reference: string): void {
  ctx.state.scheduledPayments.push({ payee: counterpartyNamed(payeeName), category, amountCents: amount, dueDay, reference, failedSinceDay: -1, oneOff: true });
}

function unexpectedExpense(ctx: EngineContext, day: number): void {
  const { state, rec } = ctx;
  const random = state.random;
  const amount = Math.min(300_000, roundToStep(random.logNormal(30_000, 0.8), 100));
  const payeeName = random.pick(UNEXPECTED_EXPENSE_PAYEES);
  const category = /Autobedrijf|Fietsenmaker/.test(payeeName) ? 'expense.transport' : /Coolblue|MediaMarkt/.test(payeeName) ? 'expense.shopping' : /Tandarts/.test(payeeName) ? 'expense.healthcare' : 'expense.other';
  rec?.shock(day, { kind: 'unexpected_expense', amountCents: amount });
  scheduleOneOff(ctx, day + random.int(0, 20), payeeName, amount, category, `Factuur ${payeeName}`);
}

function moveHouse(ctx: EngineContext, day: number): void {
  const { state, rec } = ctx;
  const random = state.random;
  const housing = state.obligations.find((o) => o.kind === 'housing');
  if (housing && state.tenure !== 'owner') housing.amountCents = wholeCents(housing.amountCents * random.uniform(0.95, 1.15));
  state.creditor.advanceCents = roundToStep(state.creditor.advanceCents * random.uniform(0.9, 1.1), 100);
  scheduleOneOff(ctx, day + random.int(0, 10), 'Verhuisbedrijf De Vries', roundToStep(random.logNormal(40_000, 0.4), 100), 'expense.other', 'Verhuizing');
  rec?.shock(day, { kind: 'move' });
  rec?.event(day, { type: 'address_changed' });
  state.allowanceReviewDay = day + 30;
}

function changeContactDetails(ctx: EngineContext, day: number): void {
  const { rec } = ctx;
  const which = ctx.state.random.int(0, 2);
  rec?.shock(day, { kind: 'contact_details_change' });
  rec?.event(day, { type: 'contact_details_changed', fields: which === 0 ? ['email'] : which === 1 ? ['phone'] : ['email', 'phone'] });
}

/** A new current account at another bank; the old one closes. The creditor learns of it only when told. */
export function changeBank(ctx: EngineContext, day: number): void {
  const { state, profile, rec } = ctx;
  rec?.bankChange(day, state.currentBalanceCents);
  rec?.shock(day, { kind: 'bank_change' });
  const c = state.creditor;
  if (c.paysByDirectDebit) {
    c.mandateValid = false;
    const tells = state.random.chance(0.3 + 0.6 * profile.traits.financialLiteracy);
    c.tellNewAccountDay = tells ? day + state.random.int(0, 20) : -1;
  }
}

// ---------------------------------------------------------------------------------------------
// Allowances

/** Sets allowance streams to what the current income entitles the household to. */
export function reviewAllowances(ctx: EngineContext, day: number): void {
  const { state, rec } = ctx;
  const amounts = allowancesFor(state, assessableMonthlyIncome(state));
  const toeslagen = counterpartyNamed('Belastingdienst Toeslagen');
  const setStream = (kind: 'zorgtoeslag' | 'huurtoeslag' | 'kindgebonden_budget' | 'kinderbijslag', amount: number) => {
    const existing = state.streams.find((s) => s.kind === kind);
    if (amount <= 0) {
      if (existing) existing.active = false;
      return;
    }
    if (existing) {
      existing.amountCents = amount;
      if (!existing.active) {
        existing.active = true;
        existing.lastDay = NEVER;
        existing.nextDay = nextPayday(existing.schedule, day + 1);
        watchStream(state, existing);
      }
      return;
    }
    addIncomeStream(state, rec, {
      kind,
      payer: kind === 'kinderbijslag' ? counterpartyNamed('Sociale Verzekeringsbank') : toeslagen,
      earner: -1,
      schedule: kind === 'kinderbijslag' ? KINDERBIJSLAG_SCHEDULE : ALLOWANCE_SCHEDULE,
      amountCents: amount,
      firstDay: day + 1,
    });
  };
  setStream('zorgtoeslag', amounts.zorgtoeslag);
  setStream('huurtoeslag', amounts.huurtoeslag);
  setStream('kindgebonden_budget', amounts.kindgebondenBudget);
  setStream('kinderbijslag', kinderbijslagPerQuarter(state.childAges));
  state.allowanceReviewDay = -1;
}
