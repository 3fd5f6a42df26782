/**
 * Runs the same households (same seed, same burn-in) for the same months under standard dunning and
 * under the draagkracht policy, and measures both against the world's hidden truth.
 *
 * Definitions (docs/policy-simulation.md):
 * - in arrears: the household had an arrears_started data point (30 days past due) in the period.
 * - recovered: money paid on our creditor's invoices after their due date (by the household or in a
 *   plan or arrangement), plus the principal the agency collected for us.
 * - collection payment: money paid in answer to the creditor (a reminder, a promise, a pay-now
 *   offer), in an arrangement or plan, or to the agency (costs included); not a manual payer's own
 *   planned transfer, on time or late.
 * - collection costs borne by the creditor: the cost table of the write-off recommendations
 *   (src/write-off/collection-costs.json): each reminder or contact a third of the three reminder
 *   letters, each 14-day letter its step, each plan or arrangement set up its step, each broken one
 *   the follow-up step, each referral the staff time of a plan set-up, each hand-over the file fee
 *   plus the agency's commission on the principal it collected.
 * - net recovered: recovered − collection costs borne by the creditor.
 * - pushed below the protected income: an income month (from one main payday to the next) in which
 *   the household's collection payments were more than its true regular income minus its true
 *   protected amount (household-truth.ts), as they stood on the payday.
 * - affordable by truth: the plan's largest instalment fits the true affordable amount and the true
 *   income above the protected amount on the day it was offered or agreed.
 * - can't pay (by truth): on the day of the offer the household could not pay the total from its
 *   money without cutting into food, transport and essential bills until payday (freeForArrears).
 */
import type { PlanOption } from '../repayment-plans/plan-options.js';
import type { CollectionLedger, CreditorPolicy, CreditorPolicyFactory, PaymentCause } from '../simulation/creditor-policy.js';
import { overdueCents, standardDunning } from '../simulation/creditor-process.js';
import { dayOfMonthOf } from '../simulation/dutch-calendar.js';
import { freeForArrears, mainStreamId, nextMainPayday, type EngineContext } from '../simulation/household-engine.js';
import type { InvoiceState } from '../simulation/household-state.js';
import { resolveSimulation, simulateHousehold } from '../simulation/simulate-households.js';
import type { SimulatedHousehold } from '../simulation/simulation.types.js';
import { defaultCollectionCostsConfig, stepCostCents, type CollectionCostsConfig } from '../write-off/collection-costs.js';
import { applyBasisPoints } from '../platform/money.js';
import { defaultDraagkrachtSettings, DraagkrachtPolicy, type DraagkrachtSettings } from './draagkracht-policy.js';
import { affordableByTruth, trueMargins, type TrueMargins } from './household-truth.js';

export const POLICY_NAMES = ['standard_dunning', 'draagkracht'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface ComparisonOptions {
  households: number;
  months: number;
  seed: number;
  startDate?: string;
  draagkracht?: DraagkrachtSettings;
}

export interface PolicyOutcome {
  policy: PolicyName;
  households: number;
  householdsInArrears: number;
  recoveredCents: number;
  collectionCostsCents: number;
  netRecoveredCents: number;
  costsChargedToDebtorsCents: number;
  costsPaidByDebtorsCents: number;
  writtenOffCents: number;
  contacts: number;
  fourteenDayLetters: number;
  paidAtOnce: number;
  plansAgreed: number;
  plansKept: number;
  plansBroken: number;
  plansRunningAtEnd: number;
  agreedPlansAffordableByTruth: number;
  plansOfferedToCantPay: number;
  plansOfferedToCantPayAffordableByTruth: number;
  householdsPushedBelowProtected: number;
  householdMonthsPushedBelowProtected: number;
  referralsMade: number;
  referralsEntered: number;
  agencyHandOvers: number;
}

export interface ComparisonResult {
  options: Required<Omit<ComparisonOptions, 'draagkracht'>>;
  outcomes: Record<PolicyName, PolicyOutcome>;
  wallMs: Record<PolicyName, number>;
}

function emptyOutcome(policy: PolicyName): PolicyOutcome {
  return {
    policy,
    households: 0,
    householdsInArrears: 0,
    recoveredCents: 0,
    collectionCostsCents: 0,
    netRecoveredCents: 0,
    costsChargedToDebtorsCents: 0,
    costsPaidByDebtorsCents: 0,
    writtenOffCents: 0,
    contacts: 0,
    fourteenDayLetters: 0,
    paidAtOnce: 0,
    plansAgreed: 0,
    plansKept: 0,
    plansBroken: 0,
    plansRunningAtEnd: 0,
    agreedPlansAffordableByTruth: 0,
    plansOfferedToCantPay: 0,
    plansOfferedToCantPayAffordableByTruth: 0,
    householdsPushedBelowProtected: 0,
    householdMonthsPushedBelowProtected: 0,
    referralsMade: 0,
    referralsEntered: 0,
    agencyHandOvers: 0,
  };
}

/** What one household's life under one policy added up to, before the costs are priced. */
interface HouseholdTally {
  recoveredCents: number;
  agencyPrincipalCents: number;
  costsChargedCents: number;
  costsPaidCents: number;
  /** Collection payments per month (key: day number of the month's first day). */
  collectionByMonth: Map<number, number>;
  /** True margins at the start of each month. */
  marginsByMonth: Map<number, TrueMargins>;
  paidAtOnce: number;
  plansAgreed: number;
  plansKept: number;
  plansBroken: number;
  agreedAffordable: number;
  offeredToCantPay: number;
  offeredToCantPayAffordable: number;
  referralsMade: number;
  referralsEntered: number;
  planRunning: () => boolean;
  /** The day the current income month began (-1 before the first), and the main payday expected next. */
  periodStart: number;
  expectedPayday: number;
}

function newTally(): HouseholdTally {
  return {
    recoveredCents: 0,
    agencyPrincipalCents: 0,
    costsChargedCents: 0,
    costsPaidCents: 0,
    collectionByMonth: new Map(),
    marginsByMonth: new Map(),
    paidAtOnce: 0,
    plansAgreed: 0,
    plansKept: 0,
    plansBroken: 0,
    agreedAffordable: 0,
    offeredToCantPay: 0,
    offeredToCantPayAffordable: 0,
    referralsMade: 0,
    referralsEntered: 0,
    planRunning: () => false,
    periodStart: -1,
    expectedPayday: -1,
  };
}


function ledgerFor(tally: HouseholdTally): CollectionLedger {
  const addCollection = (_day: number, cents: number) => tally.collectionByMonth.set(tally.periodStart, (tally.collectionByMonth.get(tally.periodStart) ?? 0) + cents);
  return {
    invoicePaid(day: number, invoice: Readonly<InvoiceState>, amountCents: number, cause: PaymentCause): void {
      if (invoice.dueDay < day || cause === 'arrangement') tally.recoveredCents += amountCents;
      if (cause !== 'own_initiative') addCollection(day, amountCents);
    },
    handedOver(_day: number, _principalCents: number, costsCents: number): void {
      tally.costsChargedCents += costsCents;
    },
    agencyPaid(day: number, principalCents: number, paidCents: number): void {
      tally.recoveredCents += principalCents;
      tally.agencyPrincipalCents += principalCents;
      tally.costsPaidCents += paidCents - principalCents;
      addCollection(day, paidCents);
    },
  };
}

/**
 * Starts a new income month on each main payday (or on the first of the month for a household
 * without a regular income) and records its true margins, whatever the policy does. The protected
 * amount protects a month's income; a plan's instalments follow paydays, so one instalment on the
 * 1st and the next on the 29th belong to two incomes, not to one calendar month.
 */
function watchMonths(tally: HouseholdTally, ctx: EngineContext, day: number): void {
  const { state } = ctx;
  const hasIncome = mainStreamId(state) >= 0;
  const nextPayday = hasIncome ? nextMainPayday(state, day) : -1;
  const newPeriod = hasIncome ? nextPayday !== tally.expectedPayday : dayOfMonthOf(day) === 1;
  tally.expectedPayday = nextPayday;
  if (!newPeriod && tally.periodStart >= 0) return;
  tally.periodStart = day;
  tally.marginsByMonth.set(day, trueMargins(state, ctx.profile, day));
}

function standardFactory(tally: HouseholdTally): CreditorPolicyFactory {
  return (ctx) => {
    tally.planRunning = () => ctx.state.creditor.arrangement !== null;
    let brokenSeen = ctx.state.creditor.lastArrangementBrokenDay;
    const measured: CreditorPolicy = {
      name: standardDunning.name,
      arrearsDay(c: EngineContext, day: number): void {
        watchMonths(tally, c, day);
        const creditor = c.state.creditor;
        const seqBefore = creditor.arrangementSeq;
        const hadArrangement = creditor.arrangement !== null;
        // An arrangement starts only when the household answers a reminder it noticed today; it is
        // judged on the household's state just before it agreed, as a draagkracht plan is.
        const noticing = day === creditor.noticeDay;
        const before = noticing ? trueMargins(c.state, c.profile, day) : null;
        const overdueBefore = noticing ? overdueCents(creditor, day) : 0;
        const recoveredBefore = tally.recoveredCents;
        standardDunning.arrearsDay(c, day);
        if (overdueBefore > 0 && overdueCents(creditor, day) === 0 && tally.recoveredCents - recoveredBefore >= overdueBefore) tally.paidAtOnce += 1;
        if (creditor.arrangementSeq > seqBefore && creditor.arrangement) {
          tally.plansAgreed += 1;
          if (before && affordableByTruth(creditor.arrangement.monthlyCents, before)) tally.agreedAffordable += 1;
        }
        if (creditor.lastArrangementBrokenDay !== brokenSeen) {
          brokenSeen = creditor.lastArrangementBrokenDay;
          tally.plansBroken += 1;
        } else if (hadArrangement && creditor.arrangement === null) tally.plansKept += 1;
      },
    };
    return measured;
  };
}

function draagkrachtFactory(tally: HouseholdTally, settings: DraagkrachtSettings): CreditorPolicyFactory {
  return (ctx) => {
    const judge = (option: PlanOption, day: number) => affordableByTruth(option.largestInstalmentCents, trueMargins(ctx.state, ctx.profile, day, ctx.state.creditor.arrangement?.monthlyCents ?? 0));
    const policy = new DraagkrachtPolicy(settings, {
      offered(day, offer) {
        if (freeForArrears(ctx.state, day) >= offer.totalDueCents) return;
        for (const option of offer.options) {
          if (option.kind === 'pay_now') continue;
          tally.offeredToCantPay += 1;
          if (judge(option, day)) tally.offeredToCantPayAffordable += 1;
        }
      },
      agreed(day, option) {
        tally.plansAgreed += 1;
        if (judge(option, day)) tally.agreedAffordable += 1;
      },
      kept() {
        tally.plansKept += 1;
      },
      broken() {
        tally.plansBroken += 1;
      },
      referred() {
        tally.referralsMade += 1;
      },
      enteredDebtHelp() {
        tally.referralsEntered += 1;
      },
      paidNow() {
        tally.paidAtOnce += 1;
      },
    });
    tally.planRunning = () => policy.hasPlan();
    return {
      name: policy.name,
      arrearsDay(c: EngineContext, day: number): void {
        watchMonths(tally, c, day);
        policy.arrearsDay(c, day);
      },
    };
  };
}

/** The creditor's cost of each step, from the write-off cost table. */
export interface StepPrices {
  contactCents: number;
  fourteenDayLetterCents: number;
  planSetUpCents: number;
  planFollowUpCents: number;
  referralCents: number;
  handOverFileCents: number;
  agencyCommissionBasisPoints: number;
}

function stepOf(config: CollectionCostsConfig, route: keyof CollectionCostsConfig['routes'], step: string): number {
  const found = config.routes[route].steps.find((s) => s.step === step);
  if (!found) throw new Error(`the collection-costs table has no step ${route}.${step}`);
  return stepCostCents(found, 0);
}

export function stepPrices(config: CollectionCostsConfig = defaultCollectionCostsConfig()): StepPrices {
  // The table prices "three letters" as one step (its source says so); one contact is a third of it.
  const REMINDER_LETTERS_IN_STEP = 3;
  return {
    contactCents: Math.round(stepOf(config, 'standard_dunning', 'reminder_letters') / REMINDER_LETTERS_IN_STEP),
    fourteenDayLetterCents: stepOf(config, 'standard_dunning', 'fourteen_day_letter'),
    planSetUpCents: stepOf(config, 'plan', 'plan_set_up'),
    planFollowUpCents: stepOf(config, 'plan', 'plan_follow_up'),
    // ASSUMPTION: a referral takes the staff time of agreeing a plan.
    referralCents: stepOf(config, 'plan', 'plan_set_up'),
    handOverFileCents: stepOf(config, 'agency', 'hand_over_file'),
    agencyCommissionBasisPoints: config.routes.agency.commissionBasisPoints,
  };
}

function addHousehold(outcome: PolicyOutcome, household: SimulatedHousehold, tally: HouseholdTally, prices: StepPrices): void {
  outcome.households += 1;
  let contacts = 0;
  let letters = 0;
  let handOvers = 0;
  let arrangements = 0;
  let inArrears = false;
  for (const e of household.events) {
    if (e.type === 'reminder_sent') {
      if (e.stage === 'fourteen_day_letter') letters += 1;
      else contacts += 1;
    } else if (e.type === 'handed_to_collection') handOvers += 1;
    else if (e.type === 'arrangement_started') arrangements += 1;
    else if (e.type === 'arrears_started') inArrears = true;
    else if (e.type === 'written_off') outcome.writtenOffCents += e.amountCents;
  }
  const costs =
    contacts * prices.contactCents +
    letters * prices.fourteenDayLetterCents +
    arrangements * prices.planSetUpCents +
    tally.plansBroken * prices.planFollowUpCents +
    tally.referralsMade * prices.referralCents +
    handOvers * prices.handOverFileCents +
    applyBasisPoints(tally.agencyPrincipalCents, prices.agencyCommissionBasisPoints);
  if (inArrears) outcome.householdsInArrears += 1;
  outcome.recoveredCents += tally.recoveredCents;
  outcome.collectionCostsCents += costs;
  outcome.netRecoveredCents += tally.recoveredCents - costs;
  outcome.costsChargedToDebtorsCents += tally.costsChargedCents;
  outcome.costsPaidByDebtorsCents += tally.costsPaidCents;
  outcome.contacts += contacts;
  outcome.fourteenDayLetters += letters;
  outcome.agencyHandOvers += handOvers;
  outcome.paidAtOnce += tally.paidAtOnce;
  outcome.plansAgreed += tally.plansAgreed;
  outcome.plansKept += tally.plansKept;
  outcome.plansBroken += tally.plansBroken;
  if (tally.planRunning()) outcome.plansRunningAtEnd += 1;
  outcome.agreedPlansAffordableByTruth += tally.agreedAffordable;
  outcome.plansOfferedToCantPay += tally.offeredToCantPay;
  outcome.plansOfferedToCantPayAffordableByTruth += tally.offeredToCantPayAffordable;
  outcome.referralsMade += tally.referralsMade;
  outcome.referralsEntered += tally.referralsEntered;
  let monthsBelow = 0;
  for (const [month, paid] of tally.collectionByMonth) {
    const margins = tally.marginsByMonth.get(month);
    if (margins && paid > margins.aboveProtectedCents) monthsBelow += 1;
  }
  outcome.householdMonthsPushedBelowProtected += monthsBelow;
  if (monthsBelow > 0) outcome.householdsPushedBelowProtected += 1;
}

/** One policy over the whole world, household by household (memory stays flat). */
export function runPolicy(policy: PolicyName, options: ComparisonOptions, prices: StepPrices = stepPrices()): PolicyOutcome {
  const resolved = resolveSimulation({ households: options.households, months: options.months, seed: options.seed, truthRuns: 0, ...(options.startDate ? { startDate: options.startDate } : {}) });
  const settings = options.draagkracht ?? defaultDraagkrachtSettings();
  const outcome = emptyOutcome(policy);
  for (let index = 0; index < resolved.households; index++) {
    const tally = newTally();
    const factory = policy === 'standard_dunning' ? standardFactory(tally) : draagkrachtFactory(tally, settings);
    const household = simulateHousehold(resolved, resolved.firstIndex + index, { policy: factory, ledger: ledgerFor(tally) });
    addHousehold(outcome, household, tally, prices);
  }
  return outcome;
}

export function comparePolicies(options: ComparisonOptions): ComparisonResult {
  const outcomes = {} as Record<PolicyName, PolicyOutcome>;
  const wallMs = {} as Record<PolicyName, number>;
  for (const policy of POLICY_NAMES) {
    const started = performance.now();
    outcomes[policy] = runPolicy(policy, options);
    wallMs[policy] = performance.now() - started;
  }
  return { options: { households: options.households, months: options.months, seed: options.seed, startDate: options.startDate ?? '2025-01-01' }, outcomes, wallMs };
}
