/**
 * The hidden state of one household on one day, and the profile that does not change.
 *
 * The split matters for the Monte Carlo truth: a forward run copies the state (cheap, a few dozen
 * small objects) and shares the profile. Everything a future can depend on must therefore be in the
 * state, including the random generator; nothing in the state may point into another state.
 * Counterparty objects and pay schedules are immutable and shared.
 */
import type { Counterparty } from './counterparties.js';
import type { PaySchedule } from './dutch-calendar.js';
import type { SeededRandom } from './seeded-random.js';
import type { CategoryId } from '../analytics/taxonomy.js';
import type { HiddenTraits, HouseholdComposition, IncomeKind } from './simulation.types.js';
import type { MainIncomeSource } from './world-parameters.js';

/**
 * "Never" and "ongoing" as a day number and a count: a large integer rather than Infinity, so that
 * every day field stays a small integer and the engine's loops stay on V8's fast path.
 */
export const NEVER = 2 ** 30;

/** What does not change during a household's life in the simulation. */
export interface HouseholdProfile {
  index: number;
  seed: number;
  debtorRef: string;
  mainIncomeSource: MainIncomeSource;
  compositionAtStart: HouseholdComposition;
  city: string;
  surname: string;
  debtorName: string;
  partnerName: string | null;
  bankCode: string;
  traits: HiddenTraits;
  /** Answers by this channel; the creditor reminds by e-mail only when it has an address. */
  answerChannel: 'email' | 'phone' | 'sms' | 'whatsapp' | 'app';
  hasEmailOnFile: boolean;
  /** Household's own planning: share of coming fixed costs it keeps aside after payday (literacy). */
  planning: number;
  favouriteSupermarket: string;
  fuelStation: string;
  publicTransport: string;
  groceryTripsPerWeek: number;
  cashUser: boolean;
  uwvDayOfMonth: number;
  /** Month of the summer holiday (6–8), 0 for households that do not go away. */
  holidayMonth: number;
  bijstandOnLastWorkingDay: boolean;
  savesMonthly: boolean;
  gamblingVenue: string;
  bnplProvider: string;
  creditor: Counterparty;
  collectionAgency: Counterparty;
  startDay: number;
  endDay: number;
}

export interface IncomeStreamState {
  /** Index in the household's stream registry (truth output); stable across copies. */
  id: number;
  kind: IncomeKind;
  category: CategoryId;
  payer: Counterparty;
  /** 0 = debtor, 1 = partner, -1 = the household (allowances). */
  earner: 0 | 1 | -1;
  schedule: PaySchedule;
  amountCents: number;
  /** Log-scale spread of each payment around amountCents: hours that vary for flex workers, 0 otherwise. */
  variability: number;
  /** Holiday pay as a share of the regular amount, paid in holidayPayMonth. */
  holidayPayFactor: number;
  holidayPayMonth: number;
  /** Holiday pay comes in the same payment (salary) or as a separate credit (benefits). */
  holidayPayCombined: boolean;
  nextDay: number;
  /** No payment after this day (NEVER while open-ended). */
  lastDay: number;
  active: boolean;
  paymentsMade: number;
}

export type ObligationKind =
  | 'housing'
  | 'water'
  | 'health_insurance'
  | 'health_deductible'
  | 'other_insurance'
  | 'internet'
  | 'mobile'
  | 'subscription'
  | 'local_taxes'
  | 'bank_fees'
  | 'loan'
  | 'payday_loan'
  | 'lottery';

export interface ObligationState {
  kind: ObligationKind;
  category: CategoryId;
  payee: Counterparty;
  method: 'direct_debit' | 'standing_order' | 'card' | 'bank_charge';
  mandateId: string | null;
  amountCents: number;
  dayOfMonth: number;
  /** Bit i set = collected in month i+1 (municipal taxes in ten instalments). */
  monthMask: number;
  nextDay: number;
  /** Instalments left (NEVER for ongoing contracts). */
  remaining: number;
  /** Counted as an essential cost (affordability) and paid first when money is short. */
  essential: boolean;
  /** Counted as debt service (loans). */
  debtService: boolean;
  /** Unpaid amount after failed collections, and since when. */
  unpaidCents: number;
  unpaidSinceDay: number;
  reference: string;
}

/** A debt with a collection agency: handed over by another creditor (or ours), paid in monthly instalments. */
export interface CollectionCaseState {
  agency: Counterparty;
  originalCreditorName: string;
  fromOurCreditor: boolean;
  /** Principal of our creditor's claim still unpaid (for write-off and paid-in-full). */
  ourPrincipalCents: number;
  outstandingCents: number;
  monthlyCents: number;
  nextPaymentDay: number;
  lastPaymentDay: number;
  reference: string;
  openedDay: number;
}

export interface ScheduledPaymentState {
  payee: Counterparty;
  category: CategoryId;
  amountCents: number;
  dueDay: number;
  reference: string;
  /** Unpaid since this day when it failed; -1 while not failed. */
  failedSinceDay: number;
  /** A one-off bill (repair, deposit): when money is short, savings, a loan or buy-now-pay-later may cover it. */
  oneOff: boolean;
}

export interface InvoiceState {
  seq: number;
  issuedDay: number;
  dueDay: number;
  /** The due date moved to the next working day: when the direct debit is collected. */
  collectionDay: number;
  amountCents: number;
  outstandingCents: number;
  kind: 'advance' | 'settlement';
  /** Direct debit still to be attempted on the due date. */
  collectionPending: boolean;
  /** Day an MD06 refund of a collected debit will be booked (-1 when none). */
  refundDay: number;
  /** Highest arrears milestone reported (0, 30, 60, 90). */
  arrearsMilestone: number;
  inArrangement: boolean;
  /** Disputed invoices (price rise, settlement) are refused more often by unwilling payers. */
  disputed: boolean;
}

export interface ArrangementState {
  seq: number;
  monthlyCents: number;
  remainingCents: number;
  nextInstalmentDay: number;
  instalmentsLeft: number;
  /** The household forgot this month's instalment. */
  forgotThisTerm: boolean;
}

export interface CreditorRelationState {
  paysByDirectDebit: boolean;
  mandateSeq: number;
  /** False after a bank change the creditor was not told about: the next collection returns AC04. */
  mandateValid: boolean;
  /** Day the household tells the creditor its new account (-1 when not planned). */
  tellNewAccountDay: number;
  dueDayOfMonth: number;
  advanceCents: number;
  settlementMonth: number;
  /** Due date of the next invoice; it is issued invoiceLeadDays before. */
  nextDueDay: number;
  /** A refund from the annual settlement, credited on that day (-1 when none). */
  settlementRefundDay: number;
  settlementRefundCents: number;
  invoiceSeq: number;
  invoices: InvoiceState[];
  /** Reminder stage sent for the current dunning case (0 = none). */
  reminderStage: number;
  lastReminderDay: number;
  /** A dunning case is open: something was overdue; closes with paid_in_full. */
  caseOpen: boolean;
  /** Day the household will notice the latest reminder or returned debit (-1 when none pending). */
  noticeDay: number;
  /** Day the household means to pay by transfer (-1 when none). */
  plannedPaymentDay: number;
  promiseDay: number;
  promiseCents: number;
  arrangement: ArrangementState | null;
  arrangementSeq: number;
  lastArrangementBrokenDay: number;
  /** Count of arrears_started events so far: the Monte Carlo runs watch it change. */
  arrearsEvents: number;
  /** Price rise pending for the next invoice (factor), 0 when none. */
  pendingPriceRise: number;
}

export interface EarnerState {
  status: 'employed' | 'unemployed' | 'sick' | 'retired' | 'benefit' | 'none';
  /** Stream id of the salary (or benefit/pension) that the status concerns; -1 when none. */
  streamId: number;
  lastNetWageCents: number;
  /** The full salary payment, restored on recovery from illness. */
  regularPaymentCents: number;
  employerTopsUp: boolean;
  sinceDay: number;
  wwStreamId: number;
}

export interface HouseholdState {
  day: number;
  random: SeededRandom;
  composition: HouseholdComposition;
  adults: number;
  children: number;
  childAges: number[];
  tenure: 'owner' | 'social_rent' | 'private_rent';
  currentBalanceCents: number;
  savingsBalanceCents: number;
  overdraftLimitCents: number;
  /** Money kept aside for fixed costs until the next main payday (set on payday, used by debits). */
  reservedCents: number;
  streams: IncomeStreamState[];
  /** The earliest nextDay of the active streams: on other days the engine need not look at them. */
  nextIncomeDay: number;
  obligations: ObligationState[];
  /** The earliest nextDay of the obligations. */
  nextCollectionDay: number;
  collectionCases: CollectionCaseState[];
  scheduledPayments: ScheduledPaymentState[];
  earners: EarnerState[];
  creditor: CreditorRelationState;
  /** Monthly variable spending the household aims at; follows its means with a lag. */
  variableBudgetCents: number;
  spendingPropensity: number;
  groceriesMonthlyCents: number;
  groceriesFloorCents: number;
  transportMonthlyCents: number;
  transportFloorCents: number;
  cashMonthlyCents: number;
  shoppingMonthlyCents: number;
  gamblingMonthlyCents: number;
  /** Allowance amounts take effect a month after the income change that sets them. */
  allowanceReviewDay: number;
  /** Consecutive months ending with money short: drives bank changes and avoidance. */
  stressMonths: number;
  /** Day after the main payday on which the household moves savings (-1 when none). */
  savingsSweepDay: number;
  lastBorrowDay: number;
  nextBnplSeq: number;
  /** A gambling win to be credited on that day (-1 when none). */
  gamblingWinDay: number;
  gamblingWinCents: number;
  /** Income-tax refund of the year (the Belastingdienst pays most by July). */
  taxRefundDay: number;
  taxRefundCents: number;
  /** The summer holiday is paid on this day (-1 when none planned). */
  holidayDay: number;
  holidayCents: number;
  separated: boolean;
}

function copyStream(s: IncomeStreamState): IncomeStreamState {
  return { ...s };
}

export function addObligation(state: HouseholdState, obligation: ObligationState): void {
  state.obligations.push(obligation);
  state.nextCollectionDay = Math.min(state.nextCollectionDay, obligation.nextDay);
}

/** A stream starts paying again or anew: make sure the engine looks at it on its day. */
export function watchStream(state: HouseholdState, stream: IncomeStreamState): void {
  if (stream.active) state.nextIncomeDay = Math.min(state.nextIncomeDay, stream.nextDay);
}

/** The one way to make an obligation, so that all have one object shape (the engine loops over them daily). */
export function makeObligation(fields: ObligationState): ObligationState {
  return {
    kind: fields.kind,
    category: fields.category,
    payee: fields.payee,
    method: fields.method,
    mandateId: fields.mandateId,
    amountCents: fields.amountCents,
    dayOfMonth: fields.dayOfMonth,
    monthMask: fields.monthMask,
    nextDay: fields.nextDay,
    remaining: fields.remaining,
    essential: fields.essential,
    debtService: fields.debtService,
    unpaidCents: fields.unpaidCents,
    unpaidSinceDay: fields.unpaidSinceDay,
    reference: fields.reference,
  };
}

/** A deep copy of everything mutable; immutable counterparties and schedules are shared. */
export function copyHouseholdState(state: HouseholdState): HouseholdState {
  const c = state.creditor;
  return {
    ...state,
    random: state.random.copy(),
    childAges: state.childAges.slice(),
    streams: state.streams.map(copyStream),
    obligations: state.obligations.map((o) => ({ ...o })),
    collectionCases: state.collectionCases.map((k) => ({ ...k })),
    scheduledPayments: state.scheduledPayments.map((p) => ({ ...p })),
    earners: state.earners.map((e) => ({ ...e })),
    creditor: {
      ...c,
      invoices: c.invoices.map((i) => ({ ...i })),
      arrangement: c.arrangement ? { ...c.arrangement } : null,
    },
  };
}
