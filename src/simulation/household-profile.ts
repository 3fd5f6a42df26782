/**
 * Draws a household: who lives there, what they earn and when, what they pay for, their hidden
 * traits, and their starting money. Every draw comes from the household's own seed, so household i
 * is the same whatever else is simulated.
 */
import {
  BANK_FEES,
  CITIES,
  counterpartyNamed,
  FUEL_STATIONS,
  GAMBLING_VENUES,
  HEALTH_INSURERS,
  HOME_INTERNET,
  HOUSING_CORPORATIONS,
  INITIALS,
  LOTTERIES,
  MOBILE_PROVIDERS,
  MORTGAGE_LENDERS,
  OTHER_INSURERS,
  PENSION_FUNDS,
  PRIVATE_LANDLORDS,
  PUBLIC_TRANSPORT,
  SUBSCRIPTIONS,
  SUPERMARKETS,
  SURNAMES,
  CONSUMER_LENDERS,
  BNPL_PROVIDERS,
  UWV,
  SVB,
  type Counterparty,
} from './counterparties.js';
import { dayNumberOf, dayOfMonthOf, monthOf, yearOf } from './dutch-calendar.js';
import { DUTCH_BANKS } from './dutch-identifiers.js';
import { allocateVariableBudget, clamp, groceriesFloorCents, roundToStep, stableMonthlyIncome, targetVariableBudget, wholeCents } from './household-budget.js';
import { nextObligationDay, type EngineContext } from './household-engine.js';
import { reviewAllowances } from './household-shocks.js';
import { addObligation, makeObligation, NEVER, type EarnerState, type HouseholdProfile, type HouseholdState, type ObligationKind, type ObligationState } from './household-state.js';
import {
  addIncomeStream,
  AOW_SCHEDULE,
  bijstandSchedule,
  drawEmployer,
  drawPayVariability,
  drawSalarySchedule,
  municipality,
  uwvSchedule,
} from './income-streams.js';
import { deriveSeed, SeededRandom } from './seeded-random.js';
import type { HiddenTraits, HouseholdComposition } from './simulation.types.js';
import { WORLD, type MainIncomeSource } from './world-parameters.js';

export interface WorldSetup {
  seed: number;
  startDay: number;
  endDay: number;
  creditor: Counterparty;
  collectionAgency: Counterparty;
}

export function debtorRefOf(seed: number, index: number): string {
  return `sim-${seed}-${String(index).padStart(7, '0')}`;
}

export function householdSeed(seed: number, index: number): number {
  return deriveSeed(seed, 'household', index);
}

const ALL_MONTHS = 0xfff;
/** Municipal taxes in ten instalments, March to December. */
const TEN_INSTALMENTS = 0b111111111100;

/**
 * Days a household lives before the recorded period starts, unrecorded and without shocks, so that
 * on the first recorded day its balance stands where its payday cycle puts it (and its savings
 * habits are under way) rather than at an arbitrary opening amount.
 */
export const BURN_IN_DAYS = 42;

/** A household on its first (burn-in) day; the caller runs it to the start and attaches a recorder. */
export function drawHousehold(world: WorldSetup, index: number): EngineContext {
  const seed = householdSeed(world.seed, index);
  const r = new SeededRandom(deriveSeed(seed, 'profile'));
  const startDay = world.startDay - BURN_IN_DAYS;

  const mainIncomeSource = r.pickWeighted(WORLD.incomeSource) as MainIncomeSource;
  const group = mainIncomeSource === 'salary' ? 'salary' : mainIncomeSource === 'pension' ? 'pension' : 'benefit';
  const composition = r.pickWeighted(WORLD.compositionBySource[group]) as HouseholdComposition;
  const adults = composition === 'couple' || composition === 'couple_with_children' ? 2 : 1;
  const childCount = composition === 'single_parent' || composition === 'couple_with_children' ? r.pickWeighted(WORLD.childrenCount) : 0;
  const childAges = Array.from({ length: childCount }, () => r.int(0, 17));
  const city = r.pickWeighted(CITIES);
  const surname = r.pick(SURNAMES);
  const initials = () => `${INITIALS[r.int(0, INITIALS.length - 1)]}.${r.chance(0.5) ? `${INITIALS[r.int(0, INITIALS.length - 1)]}.` : ''}`;
  const debtorName = `${initials()} ${surname}`;
  const partnerName = adults > 1 ? `${initials()} ${r.chance(0.5) ? surname : r.pick(SURNAMES)}` : null;
  const bank = r.pickWeighted(DUTCH_BANKS);

  const traits = drawTraits(r, mainIncomeSource, composition);
  const literacy = traits.financialLiteracy;
  const profile: HouseholdProfile = {
    index,
    seed,
    debtorRef: debtorRefOf(world.seed, index),
    mainIncomeSource,
    compositionAtStart: composition,
    city: city.name,
    surname,
    debtorName,
    partnerName,
    bankCode: bank.code,
    traits,
    answerChannel: literacy > 0.65 ? r.pick(['email', 'app'] as const) : literacy > 0.35 ? r.pick(['phone', 'email', 'whatsapp'] as const) : 'phone',
    hasEmailOnFile: r.chance(0.3 + 0.65 * literacy),
    planning: clamp((literacy - 0.2) / 0.6, 0, 1),
    favouriteSupermarket: r.pickWeighted(SUPERMARKETS),
    fuelStation: r.pick(FUEL_STATIONS),
    publicTransport: city.name === 'Amsterdam' ? 'GVB' : city.name === 'Rotterdam' ? 'RET' : city.name === 'Den Haag' ? 'HTM' : r.pick(PUBLIC_TRANSPORT),
    groceryTripsPerWeek: r.int(2, 5),
    cashUser: r.chance(mainIncomeSource === 'pension' ? 0.6 : WORLD.costs.cashUserShare),
    uwvDayOfMonth: r.int(WORLD.benefits.uwvDayRange[0], WORLD.benefits.uwvDayRange[1]),
    holidayMonth: r.chance(group === 'benefit' ? 0.35 : 0.7) ? r.int(6, 8) : 0,
    bijstandOnLastWorkingDay: r.chance(WORLD.benefits.bijstandLastWorkingDayShare),
    savesMonthly: r.chance(0.3 + 0.5 * literacy),
    gamblingVenue: traits.gambling === 'lottery' ? r.pick(LOTTERIES) : r.pick(GAMBLING_VENUES),
    bnplProvider: r.pick(BNPL_PROVIDERS),
    creditor: world.creditor,
    collectionAgency: world.collectionAgency,
    startDay: world.startDay,
    endDay: world.endDay,
  };

  const state = emptyState(new SeededRandom(deriveSeed(seed, 'life')), startDay, composition, adults, childAges);
  state.overdraftLimitCents = traits.overdraftLimitCents;
  state.spendingPropensity = traits.spendingPropensity;
  const ctx: EngineContext = { profile, state, rec: null };

  drawIncome(ctx, r, mainIncomeSource, startDay);
  drawHousing(ctx, r);
  drawFixedCosts(ctx, r);
  reviewAllowances(ctx, startDay);
  drawCreditorRelation(ctx, r);

  state.groceriesFloorCents = groceriesFloorCents(adults, childAges.length);
  state.transportFloorCents = traits.hasCar ? 8_000 : 3_000;
  state.variableBudgetCents = targetVariableBudget(state);
  allocateVariableBudget(state, traits.hasCar, profile.cashUser, traits.gambling);

  const income = stableMonthlyIncome(state);
  // Low incomes save less and more of them have nothing put by (Nibud: about one in five households
  // could not absorb a EUR 1,000 setback; among benefit households it is more than half).
  const noBufferShare = WORLD.traits.noBufferShareBySource[group];
  const incomeFactor = Math.sqrt(Math.min(2, income / WORLD.salary.mainNetMedianCents));
  const buffer = r.chance(noBufferShare)
    ? r.int(0, 30_000)
    : Math.min(15_000_000, wholeCents(r.logNormal(WORLD.traits.bufferMedianMonths * income * (0.5 + literacy) * incomeFactor, 1.0)));
  state.savingsBalanceCents = buffer;
  state.currentBalanceCents = wholeCents(income * r.uniform(0.2, 0.8));
  state.reservedCents = wholeCents(profile.planning * essentialMonthlyForReserve(state) * 0.5);
  traits.initialBufferCents = buffer;
  return ctx;
}


function essentialMonthlyForReserve(state: HouseholdState): number {
  let total = state.creditor.advanceCents;
  for (const o of state.obligations) if (o.method !== 'card') total += o.amountCents;
  return total;
}

function emptyState(random: SeededRandom, startDay: number, composition: HouseholdComposition, adults: number, childAges: number[]): HouseholdState {
  const earner = (): EarnerState => ({ status: 'none', streamId: -1, lastNetWageCents: 0, regularPaymentCents: 0, employerTopsUp: true, sinceDay: startDay, wwStreamId: -1 });
  return {
    day: startDay,
    random,
    composition,
    adults,
    children: childAges.length,
    childAges,
    tenure: 'social_rent',
    currentBalanceCents: 0,
    savingsBalanceCents: 0,
    overdraftLimitCents: 0,
    reservedCents: 0,
    streams: [],
    nextIncomeDay: NEVER,
    obligations: [],
    nextCollectionDay: NEVER,
    collectionCases: [],
    scheduledPayments: [],
    earners: adults > 1 ? [earner(), earner()] : [earner()],
    creditor: {
      paysByDirectDebit: true,
      mandateSeq: 1,
      mandateValid: true,
      tellNewAccountDay: -1,
      dueDayOfMonth: 1,
      advanceCents: 0,
      settlementMonth: 1,
      nextDueDay: startDay,
      settlementRefundDay: -1,
      settlementRefundCents: 0,
      invoiceSeq: 0,
      invoices: [],
      reminderStage: 0,
      lastReminderDay: -100_000,
      caseOpen: false,
      noticeDay: -1,
      plannedPaymentDay: -1,
      promiseDay: -1,
      promiseCents: 0,
      arrangement: null,
      arrangementSeq: 0,
      lastArrangementBrokenDay: -100_000,
      arrearsEvents: 0,
      pendingPriceRise: 0,
    },
    variableBudgetCents: 0,
    spendingPropensity: 0.9,
    groceriesMonthlyCents: 0,
    groceriesFloorCents: 0,
    transportMonthlyCents: 0,
    transportFloorCents: 0,
    cashMonthlyCents: 0,
    shoppingMonthlyCents: 0,
    gamblingMonthlyCents: 0,
    allowanceReviewDay: -1,
    stressMonths: 0,
    savingsSweepDay: -1,
    lastBorrowDay: -100_000,
    nextBnplSeq: 0,
    gamblingWinDay: -1,
    gamblingWinCents: 0,
    taxRefundDay: -1,
    taxRefundCents: 0,
    holidayDay: -1,
    holidayCents: 0,
    separated: false,
  };
}

function drawTraits(r: SeededRandom, source: MainIncomeSource, composition: HouseholdComposition): HiddenTraits {
  const t = WORLD.traits;
  const financialLiteracy = r.chance(t.lowLiteracyShare) ? r.uniform(0.05, 0.4) : r.beta(5, 2);
  const wontPay = r.chance(t.wontPayShare);
  const willingnessToPay = wontPay ? r.uniform(0.05, 0.35) : r.beta(8, 1.5);
  const forgetfulness = r.chance(t.noAdministrationShare) ? r.uniform(0.5, 0.95) : r.uniform(0, 0.3);
  const spendingPropensity = clamp(t.spendingPropensityMean + t.spendingPropensitySd * r.normal(), 0.6, 1.3);
  const g = r.float();
  const compulsive = t.activeGamblerShare * t.compulsiveShareOfGamblers;
  const gambling = g < compulsive ? 'compulsive' : g < t.activeGamblerShare ? 'active' : g < t.activeGamblerShare + t.lotteryShare ? 'lottery' : 'none';
  const directDebit = r.chance(wontPay ? WORLD.creditor.directDebitShareWontPay : WORLD.creditor.directDebitShare);
  const multi = composition !== 'single';
  return {
    initialBufferCents: 0,
    financialLiteracy,
    willingnessToPay,
    forgetfulness,
    spendingPropensity,
    paysCreditorBy: directDebit ? 'direct_debit' : 'bank_transfer',
    gambling,
    usesBnpl: r.chance(0.15 + 0.2 * (1 - financialLiteracy)),
    borrowsWhenShort: r.chance(WORLD.traits.borrowsWhenShortShare),
    overdraftLimitCents: r.chance(0.35) ? roundToStep(r.uniform(25_000, 150_000), 5_000) : 0,
    hasCar: r.chance((multi ? WORLD.costs.carShare.multi : WORLD.costs.carShare.single) * (source === 'bijstand' || source === 'wajong' ? 0.5 : 1)),
  };
}

// ---------------------------------------------------------------------------------------------
// Income

function drawIncome(ctx: EngineContext, r: SeededRandom, source: MainIncomeSource, day: number): void {
  const { state, profile, rec } = ctx;
  const s = WORLD.salary;
  const b = WORLD.benefits;

  const salary = (e: 0 | 1, monthly: number) => {
    let schedule = drawSalarySchedule(r, day);
    const employer = drawEmployer(r, schedule);
    // Partners who work for the same employer are paid on the same payroll day.
    const colleague = state.streams.find((s) => s.kind === 'salary' && s.payer.name === employer.name);
    if (colleague) schedule = colleague.schedule;
    const variability = drawPayVariability(r, schedule);
    const perPayment = schedule.rule === 'four_weekly' ? wholeCents((monthly * 12) / 13) : monthly;
    const stream = addIncomeStream(state, rec, {
      kind: 'salary',
      payer: employer,
      earner: e,
      schedule,
      amountCents: perPayment,
      firstDay: day,
      holidayPayFactor: s.holidayPayMonthFactor,
      holidayPayCombined: true,
      variability,
    });
    state.earners[e] = { ...state.earners[e]!, status: 'employed', streamId: stream.id, lastNetWageCents: monthly, regularPaymentCents: perPayment, employerTopsUp: r.chance(0.7) };
  };
  const partnerSalary = () => Math.max(s.partnerNetFloorCents, wholeCents(r.logNormal(s.partnerNetMedianCents, s.partnerNetSigma)));
  const uwv = counterpartyNamed(UWV);

  switch (source) {
    case 'salary':
      salary(0, Math.max(s.mainNetFloorCents, wholeCents(r.logNormal(s.mainNetMedianCents, s.mainNetSigma))));
      if (state.adults > 1 && r.chance(s.partnerWorksShare)) salary(1, partnerSalary());
      break;
    case 'pension': {
      const couple = state.adults > 1;
      for (let e = 0; e < state.adults; e++) {
        addIncomeStream(state, rec, {
          kind: 'aow',
          payer: counterpartyNamed(SVB),
          earner: e as 0 | 1,
          schedule: AOW_SCHEDULE,
          amountCents: couple ? wholeCents(b.aowNetCents.couple / 2) : b.aowNetCents.single,
          firstDay: day,
          holidayPayFactor: b.aowHolidayPayMonthFactor,
        });
        state.earners[e] = { ...state.earners[e]!, status: 'retired' };
        if (r.chance(e === 0 ? b.occupationalPensionShare : b.occupationalPensionShare * 0.7)) {
          const fund = r.pickWeighted(PENSION_FUNDS);
          addIncomeStream(state, rec, {
            kind: 'occupational_pension',
            payer: counterpartyNamed(fund.name),
            earner: e as 0 | 1,
            schedule: { rule: 'monthly', dayOfMonth: fund.dayOfMonth, shift: 'previous_working_day' },
            amountCents: wholeCents(r.logNormal(b.occupationalPensionMedianCents * (e === 0 ? 1 : 0.6), b.occupationalPensionSigma)),
            firstDay: day,
          });
        }
      }
      break;
    }
    case 'bijstand': {
      const couple = state.adults > 1;
      const stream = addIncomeStream(state, rec, {
        kind: 'bijstand',
        payer: municipality(profile),
        earner: 0,
        schedule: bijstandSchedule(profile),
        amountCents: couple ? b.bijstandMonthlyCents.couple : b.bijstandMonthlyCents.single,
        firstDay: day,
        holidayPayFactor: b.bijstandHolidayReserveShare * 12,
        holidayPayMonth: b.bijstandHolidayPayMonth,
      });
      state.earners[0] = { ...state.earners[0]!, status: 'benefit', streamId: stream.id };
      break;
    }
    case 'wia':
    case 'wajong': {
      const amount = source === 'wia' ? wholeCents(r.logNormal(b.wiaNetMedianCents, 0.25)) : b.wajongNetCents;
      const stream = addIncomeStream(state, rec, {
        kind: source,
        payer: uwv,
        earner: 0,
        schedule: uwvSchedule(profile),
        amountCents: amount,
        firstDay: day,
        holidayPayFactor: b.uwvHolidayPayMonthFactor,
      });
      state.earners[0] = { ...state.earners[0]!, status: 'benefit', streamId: stream.id };
      if (state.adults > 1 && r.chance(0.5)) salary(1, partnerSalary());
      break;
    }
    case 'ww': {
      const lastWage = Math.max(s.mainNetFloorCents, wholeCents(r.logNormal(s.mainNetMedianCents * 0.85, s.mainNetSigma)));
      const schedule = uwvSchedule(profile);
      const months = r.int(2, 18);
      const stream = addIncomeStream(state, rec, {
        kind: 'ww',
        payer: uwv,
        earner: 0,
        schedule,
        amountCents: Math.min(b.ww.maxNetCents, wholeCents(lastWage * b.ww.laterShare)),
        firstDay: day,
        lastDay: day + wholeCents(months * 30.44),
        holidayPayFactor: b.uwvHolidayPayMonthFactor,
      });
      // Already past the first two months: the step-down has happened.
      stream.paymentsMade = b.ww.firstMonths + 1;
      state.earners[0] = { ...state.earners[0]!, status: 'unemployed', wwStreamId: stream.id, lastNetWageCents: lastWage, sinceDay: day - r.int(60, 300) };
      if (state.adults > 1 && r.chance(0.6)) salary(1, partnerSalary());
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Costs

function obligation(
  state: HouseholdState,
  kind: ObligationKind,
  payee: Counterparty,
  amountCents: number,
  dayOfMonth: number,
  options: Partial<Pick<ObligationState, 'method' | 'monthMask' | 'remaining' | 'essential' | 'debtService' | 'category'>> & { reference: string },
): ObligationState {
  const categories: Record<ObligationKind, ObligationState['category']> = {
    housing: 'expense.housing',
    water: 'expense.water',
    health_insurance: 'expense.health_insurance',
    health_deductible: 'expense.healthcare',
    other_insurance: 'expense.insurance_other',
    internet: 'expense.telecom',
    mobile: 'expense.telecom',
    subscription: 'expense.subscriptions',
    local_taxes: 'expense.local_taxes',
    bank_fees: 'expense.bank_fees',
    loan: 'expense.credit',
    payday_loan: 'expense.credit',
    lottery: 'expense.gambling',
  };
  const method = options.method ?? 'direct_debit';
  const o: ObligationState = makeObligation({
    kind,
    category: options.category ?? categories[kind],
    payee,
    method,
    mandateId: method === 'direct_debit' ? `${options.reference}-${kind.slice(0, 3).toUpperCase()}` : null,
    amountCents,
    dayOfMonth,
    monthMask: options.monthMask ?? ALL_MONTHS,
    nextDay: 0,
    remaining: options.remaining ?? NEVER,
    essential: options.essential ?? false,
    debtService: options.debtService ?? false,
    unpaidCents: 0,
    unpaidSinceDay: -1,
    reference: options.reference,
  });
  o.nextDay = nextObligationDay(o, state.day);
  addObligation(state, o);
  return o;
}

function reference(r: SeededRandom): string {
  return String(r.int(10_000_000, 99_999_999));
}

function drawHousing(ctx: EngineContext, r: SeededRandom): void {
  const { state, profile } = ctx;
  const h = WORLD.housing;
  const income = stableMonthlyIncome(state);
  const ownerChance =
    profile.mainIncomeSource === 'pension'
      ? h.pensionerOwnerShare
      : profile.mainIncomeSource === 'salary'
        ? 1 / (1 + Math.exp(-(income - h.ownerIncomeMidpointCents) / h.ownerIncomeScaleCents))
        : h.benefitOwnerShare;
  if (r.chance(ownerChance)) {
    state.tenure = 'owner';
    const lender = r.pickWeighted(MORTGAGE_LENDERS);
    const amount = Math.max(40_000, wholeCents(r.logNormal(h.mortgageIncomeShare * income, 0.25)));
    obligation(state, 'housing', counterpartyNamed(lender), amount, 1, { essential: true, reference: reference(r) });
    return;
  }
  // The shortage of social housing puts a quarter of low-income renters in the private sector.
  const social = income < 300_000 ? r.chance(0.75) : r.chance(0.35);
  state.tenure = social ? 'social_rent' : 'private_rent';
  const rent = social ? Math.min(h.socialRentMaxCents, wholeCents(r.logNormal(h.socialRentMedianCents, 0.15))) : wholeCents(r.logNormal(h.privateRentMedianCents, 0.2));
  const landlord = counterpartyNamed(social ? r.pick(HOUSING_CORPORATIONS) : r.pick(PRIVATE_LANDLORDS));
  obligation(state, 'housing', landlord, rent, 1, { method: r.chance(h.rentDirectDebitShare) ? 'direct_debit' : 'standing_order', essential: true, reference: reference(r) });
}

function drawFixedCosts(ctx: EngineContext, r: SeededRandom): void {
  const { state, profile } = ctx;
  const c = WORLD.costs;
  const composition = state.composition;
  const city = CITIES.find(([x]) => x.name === profile.city)![0];
  obligation(state, 'water', counterpartyNamed(city.water), wholeCents(c.waterCents[composition] * r.uniform(0.85, 1.15)), r.int(20, 28), { essential: true, reference: reference(r) });
  const insurer = r.pickWeighted(HEALTH_INSURERS);
  const supplement = r.chance(0.7) ? r.int(1_000, 4_000) : 0;
  obligation(state, 'health_insurance', counterpartyNamed(insurer.name), (c.healthPremiumPerAdultCents + supplement) * state.adults, insurer.dayOfMonth, { essential: true, reference: reference(r) });
  if (r.chance(c.otherInsuranceShare)) {
    obligation(state, 'other_insurance', counterpartyNamed(r.pick(OTHER_INSURERS)), wholeCents(r.logNormal(4_000, 0.35)), r.int(1, 28), { essential: true, reference: reference(r) });
  }
  const internet = r.pickWeighted(HOME_INTERNET);
  obligation(state, 'internet', counterpartyNamed(internet.name), wholeCents(internet.median * r.uniform(0.85, 1.2)), r.int(15, 28), { essential: true, reference: reference(r) });
  const mobile = r.pickWeighted(MOBILE_PROVIDERS);
  obligation(state, 'mobile', counterpartyNamed(mobile.name), wholeCents(mobile.median * r.uniform(0.8, 1.3)) * state.adults, r.int(1, 28), { essential: true, reference: reference(r) });

  const subscriptionCount = r.pickWeighted([[0, 2], [1, 3], [2, 3], [3, 2], [4, 1]] as const);
  const picked = new Set<number>();
  for (let i = 0; i < subscriptionCount; i++) picked.add(r.int(0, SUBSCRIPTIONS.length - 1));
  for (const i of picked) {
    const sub = SUBSCRIPTIONS[i]!;
    obligation(state, 'subscription', counterpartyNamed(sub.name), sub.cents, r.int(1, 28), { method: sub.byCard ? 'card' : 'direct_debit', reference: reference(r) });
  }
  if (profile.mainIncomeSource !== 'bijstand') {
    // Bijstand households get their municipal taxes waived (kwijtschelding).
    const year = WORLD.costs.localTaxesYearCents[state.tenure === 'owner' ? 'owner' : 'renter'];
    obligation(state, 'local_taxes', counterpartyNamed(`Gemeente ${profile.city}`), wholeCents((year * r.uniform(0.8, 1.25)) / 10), 28, { monthMask: TEN_INSTALMENTS, essential: true, reference: reference(r) });
  }
  const fees = BANK_FEES[profile.bankCode]!;
  obligation(state, 'bank_fees', { ...counterpartyNamed(fees.name) }, fees.cents, 1, { method: 'bank_charge', essential: true, reference: fees.packageName });
  if (profile.traits.gambling === 'lottery' || r.chance(0.15)) {
    obligation(state, 'lottery', counterpartyNamed(r.pick(LOTTERIES)), r.pick([1_500, 1_750, 2_000, 3_000]), r.int(1, 28), { reference: reference(r) });
  }
  if (r.chance(WORLD.traits.personalLoanShare)) {
    const lender = counterpartyNamed(r.pick(CONSUMER_LENDERS));
    obligation(state, 'loan', lender, roundToStep(r.logNormal(22_000, 0.35), 500), r.int(1, 28), { remaining: r.int(6, 60), debtService: true, reference: reference(r) });
  }
}

function drawCreditorRelation(ctx: EngineContext, r: SeededRandom): void {
  const { state, profile } = ctx;
  const c = state.creditor;
  const policy = WORLD.creditor;
  c.paysByDirectDebit = profile.traits.paysCreditorBy === 'direct_debit';
  c.advanceCents = roundToStep(r.logNormal(WORLD.costs.energyAdvanceCents[state.composition], WORLD.costs.energyAdvanceSigma), 100);
  c.settlementMonth = r.int(1, 12);
  const payday = nextMainDayOfMonth(state);
  // A literate household chooses a collection day just after its payday; others keep the billing cycle.
  c.dueDayOfMonth = payday !== null && r.chance(profile.planning * 0.8) ? Math.min(28, payday + 2) : r.pick(policy.billingDueDays);
  // The creditor's first invoice is issued on or after the first recorded day.
  const start = profile.startDay + policy.invoiceLeadDays;
  let due = dayNumberOf(yearOf(start), monthOf(start), c.dueDayOfMonth);
  if (due < start) due = dayNumberOf(monthOf(start) === 12 ? yearOf(start) + 1 : yearOf(start), (monthOf(start) % 12) + 1, c.dueDayOfMonth);
  c.nextDueDay = due;
}

function nextMainDayOfMonth(state: HouseholdState): number | null {
  let best = null as { amount: number; day: number } | null;
  for (const s of state.streams) {
    if (s.earner === -1) continue;
    if (!best || s.amountCents > best.amount) best = { amount: s.amountCents, day: dayOfMonthOf(s.nextDay) };
  }
  return best ? best.day : null;
}
