/**
 * What a creditor can see of a simulated household: the bank data the debtor shared (PSD2 account
 * information, every account the household has had, booked entries before today) and the creditor's
 * own data points (invoices, payments, returned debits, reminders, answers). Nothing here reads the
 * household's hidden state: the draagkracht policy decides on this view only.
 *
 * Assumption: the debtor shares bank data when the creditor asks (consent is part of the policy's
 * offer of a plan). The affordability report over the last months of that data is what the product
 * would compute through POST /v1/debtors/:id/affordability.
 */
import type { AnalysisTransaction } from '../analytics/analysis-input.js';
import { categorise, compileRuleSet, type CategorisedTransaction, type CompiledRuleSet } from '../analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../analytics/categorisation/default-rules.js';
import { assessCategorised } from '../affordability/assess-affordability.js';
import { normsAt } from '../affordability/norms/norms.js';
import type { AffordabilityReport } from '../affordability/report.types.js';
import type { DataPointEvent } from '../data-points/data-point.schema.js';
import { addMonths, type IsoDate } from '../platform/dates.js';
import { toAnalysisTransaction } from '../simulation/analysis-transaction.js';
import type { HouseholdRecorder } from '../simulation/household-recorder.js';

/** Months of bank data the report reads: enough for six whole months and the current one. */
export const BANK_DATA_MONTHS = 7;

let rules: CompiledRuleSet | null = null;

export interface CreditorView {
  asOf: IsoDate;
  transactions: AnalysisTransaction[];
  ownIbans: string[];
  accountHolderNames: string[];
  /** The creditor's own data points before asOf, oldest first. */
  events: DataPointEvent[];
}

export function creditorViewOf(rec: HouseholdRecorder, asOf: IsoDate): CreditorView {
  const from = addMonths(asOf, -BANK_DATA_MONTHS);
  const transactions: AnalysisTransaction[] = [];
  for (const account of rec.accounts) {
    for (const t of account.transactions) {
      if (t.status !== 'booked' || t.bookingDate >= asOf || t.bookingDate < from) continue;
      transactions.push(toAnalysisTransaction(account.iban, t));
    }
  }
  return {
    asOf,
    transactions,
    ownIbans: rec.accounts.map((a) => a.iban),
    accountHolderNames: [...new Set(rec.accounts.map((a) => a.ownerName))],
    events: rec.events.filter((e) => e.occurredOn < asOf),
  };
}

/** The view's bank data categorised, and the affordability report the product would compute from it (norms valid on asOf). */
export function assessView(view: CreditorView): { categorised: CategorisedTransaction[]; report: AffordabilityReport } {
  rules ??= compileRuleSet(DEFAULT_RULE_SET);
  const categorised = categorise(view.transactions, { rules, ownIbans: view.ownIbans, accountHolderNames: view.accountHolderNames });
  const report = assessCategorised({
    categorised,
    balances: [],
    asOf: view.asOf,
    accountHolderNames: view.accountHolderNames,
    norms: normsAt(view.asOf),
    rulesVersion: rules.version,
  });
  return { categorised, report };
}
