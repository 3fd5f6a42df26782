/**
 * The bank files the simulator writes are read by the project's own adapters, unchanged, and give
 * back the same amounts, dates, counterparties, remittance texts and direct-debit details.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParsedStatement } from '../../src/bank-data/canonical.js';
import { detectBankFormat, parseBankFile } from '../../src/bank-data/formats/index.js';
import { writeBerlinGroupTransactions } from '../../src/simulation/berlin-group.writer.js';
import { writeCamt053Statement } from '../../src/simulation/camt053.writer.js';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import type { SimulatedAccount, SimulatedBankTransaction } from '../../src/simulation/simulation.types.js';

let accounts: SimulatedAccount[] = [];
beforeAll(() => {
  // From a world large enough that returned debits, bank changes and pending card payments occur,
  // the accounts that show them plus a few ordinary ones (parsing every account would only be slower).
  const all = [...simulateHouseholds({ households: 150, months: 8, seed: 11, truthRuns: 0 })].flatMap((h) => h.accounts);
  const returned = all.filter((a) => a.transactions.some((t) => t.returnReasonCode !== null)).slice(0, 8);
  const closed = all.filter((a) => a.closedOn !== null).slice(0, 4);
  const savings = all.filter((a) => a.kind === 'savings').slice(0, 3);
  accounts = [...new Set([...returned, ...closed, ...savings, ...all.slice(0, 6)])];
});

function view(t: SimulatedBankTransaction) {
  return {
    sourceId: t.transactionId,
    status: t.status,
    bookingDate: t.bookingDate,
    valueDate: t.valueDate,
    amountCents: t.amountCents,
    counterpartyName: t.counterpartyName,
    counterpartyIban: t.counterpartyIban,
    remittanceUnstructured: t.remittance,
    mandateId: t.mandateId,
    creditorId: t.creditorId,
    bankTransactionCode: t.bankTransactionCode,
  };
}

function parsedView(statement: ParsedStatement) {
  return statement.transactions.map((p) => ({
    sourceId: p.sourceId,
    status: p.status,
    bookingDate: p.bookingDate,
    valueDate: p.valueDate,
    amountCents: p.amountCents,
    counterpartyName: p.counterpartyName,
    counterpartyIban: p.counterpartyIban,
    remittanceUnstructured: p.remittanceUnstructured,
    mandateId: p.mandateId,
    creditorId: p.creditorId,
    bankTransactionCode: p.bankTransactionCode,
  }));
}

describe('bank files', () => {
  it('have returned debits, pending entries and closed accounts in the sample', () => {
    const all = accounts.flatMap((a) => a.transactions);
    expect(all.some((t) => t.returnReasonCode !== null)).toBe(true);
    expect(all.some((t) => t.status === 'pending')).toBe(true);
    expect(accounts.some((a) => a.closedOn !== null)).toBe(true);
  });

  it('Berlin Group JSON parses unchanged into the same transactions and balances', () => {
    for (const account of accounts) {
      const bytes = Buffer.from(writeBerlinGroupTransactions(account));
      expect(detectBankFormat(bytes).format).toBe('berlin-group');
      const parsed = parseBankFile(bytes);
      expect(parsed.rejected).toEqual([]);
      expect(parsed.accounts.map((a) => a.iban)).toEqual([account.iban]);
      // The report lists booked entries, then pending ones (which carry no booking date; the value date stands in).
      const inReportOrder = [...account.transactions.filter((t) => t.status === 'booked'), ...account.transactions.filter((t) => t.status === 'pending')];
      expect(parsedView(parsed)).toEqual(inReportOrder.map(view));
      const balance = (type: string) => parsed.balances.find((b) => b.type === type)?.amountCents;
      expect(balance('openingBooked')).toBe(account.openingBalanceCents);
      expect(balance('closingBooked')).toBe(account.closingBookedBalanceCents);
    }
  });

  it('camt.053 parses unchanged into the same booked transactions, balances and return reasons', () => {
    for (const account of accounts) {
      const bytes = Buffer.from(writeCamt053Statement(account));
      expect(detectBankFormat(bytes).format).toBe('camt.053');
      const parsed = parseBankFile(bytes);
      expect(parsed.format).toBe('camt.053');
      expect(parsed.rejected).toEqual([]);
      expect(parsed.accounts[0]).toMatchObject({ iban: account.iban, currency: 'EUR', ownerName: account.ownerName, servicerBic: account.bic });
      const booked = account.transactions.filter((t) => t.status === 'booked');
      expect(parsedView(parsed)).toEqual(booked.map(view));
      expect(parsed.transactions.map((p) => p.returnReasonCode)).toEqual(booked.map((t) => t.returnReasonCode));
      expect(parsed.transactions.map((p) => p.endToEndId)).toEqual(booked.map((t) => t.endToEndId));
      const balance = (type: string) => parsed.balances.find((b) => b.type === type)?.amountCents;
      expect(balance('openingBooked')).toBe(account.openingBalanceCents);
      expect(balance('closingBooked')).toBe(account.closingBookedBalanceCents);
    }
  });
});
