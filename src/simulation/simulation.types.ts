/**
 * What the synthetic world hands out: households with their bank accounts, the creditor's events
 * about them, and the hidden truth that estimates and models are judged against.
 *
 * Glossary
 * - household: one debtor of the simulated creditor and the people living with them.
 * - debtor reference: the creditor's id of the household ("sim-<seed>-<index>"), as in data points.
 * - main income: the household's largest regular income stream; its payday is when bills get paid.
 * - stable income: the regular amounts of salary, benefits, pension and allowances, not holiday pay,
 *   refunds, winnings or loans.
 * - essential costs: housing, energy, water, insurance, telecom, municipal taxes, bank fees, and
 *   groceries and transport at the household's floor (what it spends when it must cut back).
 * - debt service: contractual monthly payments on loans, buy-now-pay-later, collection-agency plans
 *   and arrangements with the creditor.
 * - affordable monthly amount: stable income − essential costs − debt service, never below zero.
 *   This is what a repayment plan can take each month without cutting into essentials.
 * - as-of date: a first of the month on which the truth states the probability of arrears.
 * - p_arrears_90d: the probability that an arrears_started event (at 30, 60 or 90 days past due, any
 *   invoice) occurs on a day in [as-of, as-of + 90), estimated by K forward runs of the household from
 *   its exact hidden state on the as-of date, each with its own random stream.
 * - realised: whether the household's actual path had such an event in that window.
 */
import type { CategoryId } from '../analytics/taxonomy.js';
import type { IsoDate } from '../platform/dates.js';
import type { PaySchedule } from './dutch-calendar.js';
import type { DataPointEvent } from '../data-points/data-point.schema.js';
import type { MainIncomeSource } from './world-parameters.js';

export type HouseholdComposition = 'single' | 'couple' | 'single_parent' | 'couple_with_children';

export type IncomeKind =
  | 'salary'
  | 'ww'
  | 'wia'
  | 'wajong'
  | 'aow'
  | 'occupational_pension'
  | 'bijstand'
  | 'zorgtoeslag'
  | 'huurtoeslag'
  | 'kindgebonden_budget'
  | 'kinderbijslag';

export interface SimulatedBankTransaction {
  transactionId: string;
  /** Pending entries are card payments of the last two days; they appear in Berlin Group output only. */
  status: 'booked' | 'pending';
  bookingDate: IsoDate;
  valueDate: IsoDate;
  /** Signed from the account holder's view: money in is positive. */
  amountCents: number;
  counterpartyName: string;
  counterpartyIban: string | null;
  remittance: string;
  /** ISO 20022 bank transaction code as DOMAIN-FAMILY-SUBFAMILY. */
  bankTransactionCode: string;
  creditorId: string | null;
  mandateId: string | null;
  endToEndId: string | null;
  /** Return reason of a returned direct debit (AM04, MS02, MD06). */
  returnReasonCode: string | null;
  /** The true category: what a categoriser should say. */
  category: CategoryId;
}

export interface SimulatedAccount {
  iban: string;
  bic: string;
  bankName: string;
  ownerName: string;
  kind: 'current' | 'savings';
  openedOn: IsoDate;
  /** Set when the household moved to another bank and closed this account. */
  closedOn: IsoDate | null;
  /** First and last day the statement covers. */
  statementFrom: IsoDate;
  statementTo: IsoDate;
  openingBalanceCents: number;
  /** Opening balance plus booked entries (pending ones excluded, as a bank's booked balance). */
  closingBookedBalanceCents: number;
  transactions: SimulatedBankTransaction[];
}

export interface TrueIncomeStream {
  kind: IncomeKind;
  category: CategoryId;
  payerName: string;
  payerIban: string;
  /** Whose income: the debtor, the partner, or the household as a whole (allowances, child benefit). */
  earner: 'debtor' | 'partner' | 'household';
  schedule: PaySchedule;
  /** The regular amount of the last payment (holiday pay not included). */
  regularAmountCents: number;
  firstPaidOn: IsoDate | null;
  lastPaidOn: IsoDate | null;
  payments: number;
  /** Still paying at the end of the simulation. */
  activeAtEnd: boolean;
}

export type ShockKind =
  | 'job_loss'
  | 'ww_started'
  | 'ww_ended'
  | 'reemployment'
  | 'separation'
  | 'illness'
  | 'recovery'
  | 'energy_price_rise'
  | 'unexpected_expense'
  | 'move'
  | 'bank_change'
  | 'contact_details_change'
  | 'loan_taken';

export interface TrueShock {
  kind: ShockKind;
  occurredOn: IsoDate;
  /** Whose shock for per-person shocks (job loss, illness). */
  earner?: 'debtor' | 'partner';
  amountCents?: number;
}

export interface MonthlyAffordability {
  month: IsoDate;
  stableIncomeCents: number;
  essentialCostsCents: number;
  debtServiceCents: number;
  affordableCents: number;
}

export interface ArrearsTruth {
  asOf: IsoDate;
  pArrears90d: number;
  realised: boolean;
  /** Whether an invoice was already 30 or more days past due on the as-of date. */
  inArrearsOnAsOf: boolean;
}

export interface HiddenTraits {
  initialBufferCents: number;
  financialLiteracy: number;
  willingnessToPay: number;
  forgetfulness: number;
  spendingPropensity: number;
  paysCreditorBy: 'direct_debit' | 'bank_transfer';
  gambling: 'none' | 'lottery' | 'active' | 'compulsive';
  usesBnpl: boolean;
  borrowsWhenShort: boolean;
  overdraftLimitCents: number;
  hasCar: boolean;
}

export interface HouseholdTruth {
  debtorRef: string;
  /** At the end of the simulation (a separation turns a couple into a single or single parent). */
  composition: HouseholdComposition;
  compositionAtStart: HouseholdComposition;
  adults: number;
  children: number;
  mainIncomeSource: MainIncomeSource;
  tenure: 'owner' | 'social_rent' | 'private_rent';
  city: string;
  hidden: HiddenTraits;
  incomeStreams: TrueIncomeStream[];
  shocks: TrueShock[];
  /** Affordable monthly amount on the last first-of-month of the simulation (see the glossary). */
  affordableMonthlyCents: number;
  affordabilityByMonth: MonthlyAffordability[];
  arrears: ArrearsTruth[];
  accounts: { iban: string; kind: 'current' | 'savings'; openedOn: IsoDate; closedOn: IsoDate | null }[];
}

export interface SimulatedHousehold {
  index: number;
  debtorRef: string;
  seed: number;
  /** At the end of the simulation, as the creditor would know it now. */
  composition: HouseholdComposition;
  accounts: SimulatedAccount[];
  /** The creditor's data points and outcomes, in the order they happened. */
  events: DataPointEvent[];
  truth: HouseholdTruth;
}

export interface SimulationOptions {
  households: number;
  months: number;
  seed: number;
  /** First day of the simulation, a first of the month (default 2025-01-01). */
  startDate?: IsoDate;
  /** Monte Carlo runs per as-of date (default 32). */
  truthRuns?: number;
  /** Months between as-of dates (default 1). */
  truthEveryMonths?: number;
  /** First as-of date, in months after the start (default 6: the 1st of the seventh month). */
  truthFromMonth?: number;
  /** Index of the first household (default 0), so that work can be split across processes. */
  firstIndex?: number;
}
