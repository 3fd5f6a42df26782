/** Other debts in bank data: what counts for the complex-debt rule, by hand on a few transactions. */
import { describe, expect, it } from 'vitest';
import type { CategorisedTransaction } from '../../src/analytics/categorisation/categorise.js';
import { otherDebtsIn } from '../../src/write-off/write-off.service.js';

const tx = (id: string, bookingDate: string, amountCents: number, category: string, party: { name?: string; iban?: string; creditorId?: string } = {}, status: 'booked' | 'pending' = 'booked'): CategorisedTransaction =>
  ({ id, accountIban: null, status, bookingDate, valueDate: null, amountCents, currency: 'EUR', counterpartyName: party.name ?? null, counterpartyIban: party.iban ?? null, remittanceUnstructured: null, remittanceStructured: null, creditorId: party.creditorId ?? null, mandateId: null, bankTransactionCode: null, proprietaryCode: null, returnReasonCode: null, reversal: false, category, ruleId: 'test', confidence: 1 }) as CategorisedTransaction;

describe('otherDebtsIn', () => {
  const asOf = '2026-06-30';
  const transactions = [
    // Two payments to one agency (same IBAN, names spelt differently) are one collector.
    tx('c1', '2026-02-01', -5000, 'expense.collection', { name: 'Incasso A', iban: 'NL20INGB0001234567' }),
    tx('c2', '2026-03-01', -5000, 'expense.collection', { name: 'INCASSO A BV', iban: 'NL20INGB0001234567' }),
    // A bailiff known only by name, in other case and spacing.
    tx('c3', '2026-04-01', -9000, 'expense.collection', { name: ' Deurwaarder B ' }),
    tx('c4', '2026-04-15', -9000, 'expense.collection', { name: 'deurwaarder b' }),
    // Outside the 365-day window (the window is 2025-07-01 to 2026-06-30), after asOf, pending: not counted.
    tx('c5', '2025-06-30', -9000, 'expense.collection', { name: 'Oude Incasso' }),
    tx('c6', '2026-07-01', -9000, 'expense.collection', { name: 'Later Incasso' }),
    tx('c7', '2026-05-01', -9000, 'expense.collection', { name: 'Pending Incasso' }, 'pending'),
    // A refund from a collector is not a payment to one.
    tx('c8', '2026-05-02', 2000, 'expense.collection', { name: 'Incasso C' }),
    tx('l1', '2025-07-01', 50000, 'transfer.loan_payout', { name: 'Flits Krediet' }),
    tx('l2', '2026-03-03', -6000, 'transfer.loan_payout', { name: 'Flits Krediet' }),
    tx('r1', '2026-01-05', 4500, 'reversal.returned_debit', { name: 'Energie X', creditorId: 'NL98ZZZ999999990000' }),
    tx('r2', '2026-02-05', 4500, 'reversal.returned_debit', { name: 'Energie X andere naam', creditorId: 'NL98ZZZ999999990000' }),
    tx('r3', '2026-02-06', 3000, 'reversal.returned_debit', { name: 'Zorgverzekeraar Y', iban: 'NL39RABO0300065264' }),
  ];

  it('counts distinct collectors, payday loans paid out and creditors with returns in the window', () => {
    const found = otherDebtsIn(transactions, asOf, 365);
    expect(found.collectors).toEqual(['NL20INGB0001234567', 'deurwaarder b']);
    expect(found.paydayCreditTransactionIds).toEqual(['l1']);
    expect(found.creditorsWithReturns).toEqual(['NL98ZZZ999999990000', 'NL39RABO0300065264']);
    expect(found.transactionIds).toEqual(['c1', 'c2', 'c3', 'c4', 'l1', 'r1', 'r2', 'r3']);
  });

  it('a shorter window leaves the older ones out', () => {
    const found = otherDebtsIn(transactions, asOf, 120);
    // 120 days back from 2026-06-30 inclusive starts 2026-03-03.
    expect(found.collectors).toEqual(['deurwaarder b']);
    expect(found.paydayCreditTransactionIds).toEqual([]);
    expect(found.creditorsWithReturns).toEqual([]);
  });
});
