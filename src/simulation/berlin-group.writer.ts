/**
 * Writes a simulated account as a Berlin Group NextGenPSD2 (v1.3.x) transaction report: the body of
 * GET /v1/accounts/{id}/transactions?bookingStatus=both, with the booked balances the report may carry.
 *
 * The counterparty goes where the specification puts it from the account holder's view: a debit
 * names the creditor (creditorName, creditorAccount), a credit names the debtor. A returned direct
 * debit is a credit that keeps the original collection's creditor, creditor id and mandate, as
 * banks show it; Berlin Group has no field for the return reason, so it travels in
 * additionalInformation and the remittance text.
 */
import { formatCents } from '../platform/money.js';
import type { SimulatedAccount, SimulatedBankTransaction } from './simulation.types.js';

interface BerlinGroupAmount {
  amount: string;
  currency: 'EUR';
}

function amount(cents: number): BerlinGroupAmount {
  return { amount: formatCents(cents), currency: 'EUR' };
}

/** One transaction as the Berlin Group `transactions` object (shared with the sandbox bank, src/sandbox-bank). */
export function berlinGroupTransaction(t: SimulatedBankTransaction): Record<string, unknown> {
  const entry: Record<string, unknown> = { transactionId: t.transactionId };
  if (t.endToEndId) entry.endToEndId = t.endToEndId;
  if (t.mandateId) entry.mandateId = t.mandateId;
  if (t.creditorId) entry.creditorId = t.creditorId;
  if (t.status === 'booked') entry.bookingDate = t.bookingDate;
  entry.valueDate = t.valueDate;
  entry.transactionAmount = amount(t.amountCents);
  const party = t.counterpartyIban ? { name: t.counterpartyName, account: { iban: t.counterpartyIban } } : { name: t.counterpartyName, account: null };
  const asCreditor = t.amountCents < 0 || t.returnReasonCode !== null;
  if (asCreditor) {
    entry.creditorName = party.name;
    if (party.account) entry.creditorAccount = party.account;
  } else {
    entry.debtorName = party.name;
    if (party.account) entry.debtorAccount = party.account;
  }
  entry.remittanceInformationUnstructured = t.remittance;
  if (t.returnReasonCode) entry.additionalInformation = `Returned direct debit, reason ${t.returnReasonCode}`;
  entry.bankTransactionCode = t.bankTransactionCode;
  return entry;
}

/** The booked balances the report carries: opening and closing booked over the statement period. */
export function berlinGroupBalances(account: SimulatedAccount): Record<string, unknown>[] {
  return [
    { balanceType: 'openingBooked', balanceAmount: amount(account.openingBalanceCents), referenceDate: account.statementFrom },
    { balanceType: 'closingBooked', balanceAmount: amount(account.closingBookedBalanceCents), referenceDate: account.statementTo },
  ];
}

/**
 * The booked and pending entries in the report's order. The sandbox bank pages exactly these, so a
 * pull joined page by page equals an upload of the written file entry for entry.
 */
export function berlinGroupEntries(account: SimulatedAccount): { booked: Record<string, unknown>[]; pending: Record<string, unknown>[] } {
  return {
    booked: account.transactions.filter((t) => t.status === 'booked').map(berlinGroupTransaction),
    pending: account.transactions.filter((t) => t.status === 'pending').map(berlinGroupTransaction),
  };
}

export function writeBerlinGroupTransactions(account: SimulatedAccount): string {
  const { booked, pending } = berlinGroupEntries(account);
  const report = {
    account: { iban: account.iban, currency: 'EUR' },
    balances: berlinGroupBalances(account),
    transactions: {
      booked,
      pending,
      _links: { account: { href: `/v1/accounts/${account.iban}` } },
    },
  };
  return `${JSON.stringify(report)}\n`;
}
