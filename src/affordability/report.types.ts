/**
 * The affordability report: what a debtor can pay per month without going below the protected
 * amount, the figures behind it, the signals of trouble, and a plain-language explanation.
 *
 * Glossary
 * - stable income: salary, benefits, allowances, pension, child benefit (taxonomy group stable_income).
 * - irregular income: refunds and other money in (not loans paid out, not gambling payouts).
 * - fixed essential costs: housing, energy, water, insurance, telecom, childcare, local taxes, bank fees.
 * - variable essential costs: groceries, transport, cash; never counted below the minimum for the
 *   household type (the norm), because spending from another account or in cash would otherwise
 *   make the debtor look richer.
 * - debt service: what already goes to lenders, BNPL and collectors.
 * - disposable income: income minus the three cost groups above.
 * - protected amount: the beslagvrije voet for the month's income (protected-income.ts).
 * - affordable instalment: the smaller of disposable income and income minus the protected amount,
 *   never below zero; "low" is a bad month (the policy's percentile), "high" the average month.
 */
import type { IncomeDay } from '../analytics/income-days.js';
import type { ReturnSignal } from '../analytics/return-reasons.js';
import type { IsoDate } from '../platform/dates.js';
import type { HouseholdAssessment } from './household.js';
import type { ProtectedAmount } from './protected-income.js';

export interface MonthFigures {
  /** "2025-03" */
  month: string;
  stableIncomeCents: number;
  irregularIncomeCents: number;
  incomeCents: number;
  fixedEssentialCents: number;
  variableEssentialObservedCents: number;
  variableEssentialCents: number;
  variableEssentialSource: 'observed' | 'norm';
  debtServiceCents: number;
  discretionaryCents: number;
  disposableCents: number;
  protectedAmountCents: number;
  affordableCents: number;
}

export type FlagCode =
  | 'returned_direct_debits'
  | 'negative_balance_days'
  | 'overdraft_use'
  | 'gambling'
  | 'bnpl_use'
  | 'payday_credit_use'
  | 'collector_payments'
  | 'income_drop'
  | 'stale_data'
  | 'short_history';

export interface AffordabilityFlag {
  code: FlagCode;
  severity: 'info' | 'warning' | 'alert';
  transactionIds: string[];
  /** The figures the flag is based on (amounts in cents, shares in basis points, dates, counts). */
  figures: Record<string, number | string | null>;
  /** For returned debits: what each reason code says. */
  returnReasons?: { code: string; signal: ReturnSignal; meaning: { en: string; nl: string }; transactionIds: string[] }[];
  /** For negative balances: the days. */
  days?: IsoDate[];
  message: { nl: string; en: string };
}

export interface AffordabilityReport {
  asOf: IsoDate;
  rulesVersion: string;
  norms: {
    date: IsoDate;
    /**
     * For each published table, `validFrom` is the period whose figures were used; `lastKnownKept`
     * is true when a later period is missing from the tables and the last known figures were kept.
     */
    bijstandNorm: { validFrom: IsoDate; lastKnownKept: boolean; source: string } | null;
    beslagvrijeVoet: { validFrom: IsoDate; lastKnownKept: boolean; source: string; compensationRateSource: string };
    /** Where the 95 % base came from: published base amounts or the bijstand norm, and which period's. */
    protectedBase: { kind: 'published' | 'bijstand_norm'; validFrom: IsoDate; lastKnownKept: boolean; source: string };
    housingRaise: { validFrom: IsoDate; lastKnownKept: boolean; source: string; shareInNormSource: string };
    minimumLivingCosts: { validFrom: IsoDate; source: string; estimate: boolean };
    assessmentPolicy: { validFrom: IsoDate; source: string };
    overriddenByTenant: string[];
  };
  household: HouseholdAssessment;
  monthsAssessed: string[];
  months: MonthFigures[];
  average: Omit<MonthFigures, 'month' | 'variableEssentialSource'> & { variableEssentialNormMonths: number };
  /** The protected amount for the average month's income, with how it was computed. */
  protectedAmount: ProtectedAmount;
  affordableInstalment: { lowCents: number; highCents: number; lowPercentile: number };
  incomeDays: IncomeDay[];
  flags: AffordabilityFlag[];
  /** Things the reader should know about the figures (norms used instead of data, estimates). */
  notes: { nl: string; en: string }[];
  explanation: { nl: string; en: string };
}
