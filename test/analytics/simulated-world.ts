/**
 * The synthetic world (src/simulation) as analytics input: each simulated household's accounts
 * become AnalysisTransactions carrying their true category alongside, so estimates can be judged
 * against the world's hidden truth.
 */
import type { AnalysisBalance, AnalysisTransaction } from '../../src/analytics/analysis-input.js';
import type { CategoryId } from '../../src/analytics/taxonomy.js';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import type { SimulatedHousehold } from '../../src/simulation/simulation.types.js';

export interface SimulatedDebtor {
  household: SimulatedHousehold;
  transactions: (AnalysisTransaction & { trueCategory: CategoryId })[];
  balances: AnalysisBalance[];
  ownIbans: string[];
  accountHolderNames: string[];
}

export function simulatedDebtors(options: { households: number; months: number; seed: number; startDate?: string }): SimulatedDebtor[] {
  return [...simulateHouseholds({ ...options, truthRuns: 0 })].map((household) => ({
    household,
    transactions: household.accounts.flatMap((account) =>
      account.transactions.map((t) => ({
        id: t.transactionId,
        accountIban: account.iban,
        status: t.status,
        bookingDate: t.bookingDate,
        valueDate: t.valueDate,
        amountCents: t.amountCents,
        currency: 'EUR',
        counterpartyName: t.counterpartyName,
        counterpartyIban: t.counterpartyIban,
        remittanceUnstructured: t.remittance,
        remittanceStructured: null,
        creditorId: t.creditorId,
        mandateId: t.mandateId,
        bankTransactionCode: t.bankTransactionCode,
        proprietaryCode: null,
        returnReasonCode: t.returnReasonCode,
        reversal: false,
        trueCategory: t.category,
      })),
    ),
    balances: household.accounts.flatMap((account) => [
      { accountIban: account.iban, date: account.statementTo, amountCents: account.closingBookedBalanceCents, type: 'closingBooked' as const },
    ]),
    ownIbans: household.accounts.map((a) => a.iban),
    accountHolderNames: [...new Set(household.accounts.map((a) => a.ownerName))],
  }));
}
