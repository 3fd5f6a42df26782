/**
 * The comparison as a markdown table, as the README shows it: one row per measure, one column per
 * policy. Amounts in euros with two decimals; shares as percentages with one decimal.
 */
import { formatCents } from '../platform/money.js';
import type { ComparisonResult, PolicyOutcome } from './compare-policies.js';

function euros(cents: number): string {
  return `EUR ${formatCents(cents)}`;
}

function share(part: number, whole: number): string {
  return whole === 0 ? 'n/a (none)' : `${((100 * part) / whole).toFixed(1)} % (${part} of ${whole})`;
}

const ROWS: readonly [string, (o: PolicyOutcome) => string][] = [
  ['Households in arrears (30 days past due)', (o) => `${o.householdsInArrears} of ${o.households}`],
  ['Recovered on overdue invoices', (o) => euros(o.recoveredCents)],
  ['Collection costs borne by the creditor', (o) => euros(o.collectionCostsCents)],
  ['Net recovered', (o) => euros(o.netRecoveredCents)],
  ['Written off', (o) => euros(o.writtenOffCents)],
  ['Collection costs charged to debtors (WIK)', (o) => euros(o.costsChargedToDebtorsCents)],
  ['… of which paid by debtors', (o) => euros(o.costsPaidByDebtorsCents)],
  ['Reminders and contacts / 14-day letters', (o) => `${o.contacts} / ${o.fourteenDayLetters}`],
  ['Paid in full on a contact', (o) => String(o.paidAtOnce)],
  ['Plans agreed / kept / broken / running at the end', (o) => `${o.plansAgreed} / ${o.plansKept} / ${o.plansBroken} / ${o.plansRunningAtEnd}`],
  ['Agreed plans affordable by the hidden truth', (o) => share(o.agreedPlansAffordableByTruth, o.plansAgreed)],
  ["Plans offered to can't-pay households affordable by truth", (o) => share(o.plansOfferedToCantPayAffordableByTruth, o.plansOfferedToCantPay)],
  ['Households pushed below the protected income (months)', (o) => `${o.householdsPushedBelowProtected} (${o.householdMonthsPushedBelowProtected})`],
  ['Debt-help referrals made / entered', (o) => `${o.referralsMade} / ${o.referralsEntered}`],
  ['Hand-overs to the collection agency', (o) => String(o.agencyHandOvers)],
];

export function comparisonTable(result: ComparisonResult): string {
  const s = result.outcomes.standard_dunning;
  const d = result.outcomes.draagkracht;
  const lines = ['| Measure | Standard dunning | Draagkracht |', '| --- | --- | --- |'];
  for (const [label, value] of ROWS) lines.push(`| ${label} | ${value(s)} | ${value(d)} |`);
  return lines.join('\n');
}
