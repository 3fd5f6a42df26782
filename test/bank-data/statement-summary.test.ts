/** summariseStatement: what the debtor is shown of a parsed file before it is used. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/platform/dates.js';
import type { ParsedAccount, ParsedStatement, ParsedTransaction } from '../../src/bank-data/canonical.js';
import { parseBankFile } from '../../src/bank-data/formats/index.js';
import { monthsTouched, summariseStatement, wholeMonthsWithin } from '../../src/bank-data/statement-summary.js';
import { fixture } from '../support/flows.js';

const account: fc.Arbitrary<ParsedAccount> = fc.record({
  iban: fc.option(fc.constantFrom('NL91ABNA0417164300', 'NL20INGB0001234567'), { nil: null }),
  otherId: fc.option(fc.string({ minLength: 1, maxLength: 10 }), { nil: null }),
  currency: fc.option(fc.constantFrom('EUR', 'GBP'), { nil: null }),
  ownerName: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
  servicerBic: fc.constant(null),
});

function transaction(accounts: number): fc.Arbitrary<ParsedTransaction> {
  return fc
    .record({
      accountIndex: fc.integer({ min: 0, max: accounts - 1 }),
      status: fc.constantFrom('booked' as const, 'pending' as const),
      // Four years from 2023-12-25: crosses year ends, leap day 2024-02-29 and month ends.
      day: fc.integer({ min: 0, max: 4 * 366 }),
      amountCents: fc.integer({ min: -5_000_000, max: 5_000_000 }),
    })
    .map((r) => ({
      accountIndex: r.accountIndex,
      sourceId: null,
      status: r.status,
      bookingDate: addDays('2023-12-25', r.day),
      valueDate: null,
      amountCents: r.amountCents,
      currency: 'EUR',
      counterpartyName: null,
      counterpartyIban: null,
      counterpartyBic: null,
      remittanceUnstructured: null,
      remittanceStructured: null,
      endToEndId: null,
      mandateId: null,
      creditorId: null,
      bankTransactionCode: null,
      proprietaryCode: null,
      returnReasonCode: null,
      reversal: false,
      location: `line ${r.day}`,
    }));
}

const statement: fc.Arbitrary<ParsedStatement> = fc.array(account, { minLength: 1, maxLength: 4 }).chain((accounts) =>
  fc.record({
    format: fc.constant('camt.053' as const),
    accounts: fc.constant(accounts),
    transactions: fc.array(transaction(accounts.length), { maxLength: 60 }),
    balances: fc.constant([]),
    rejected: fc.array(fc.record({ location: fc.string(), reason: fc.string() }), { maxLength: 3 }),
    warnings: fc.constant([]),
  }),
);

/** Months by walking day by day: the slow, obvious definition the fast one must agree with. */
function monthsByWalking(first: string, last: string): { touched: number; whole: number } {
  const days = new Map<string, number>();
  for (let d = first; d <= last; d = addDays(d, 1)) days.set(d.slice(0, 7), (days.get(d.slice(0, 7)) ?? 0) + 1);
  let whole = 0;
  for (const [month, n] of days) {
    const [y, m] = month.split('-').map(Number);
    if (n === new Date(Date.UTC(y!, m!, 0)).getUTCDate()) whole += 1;
  }
  return { touched: days.size, whole };
}

describe('summariseStatement', () => {
  it('totals are the sums of the accounts; the period is ordered and at least a month when there are entries', () => {
    fc.assert(
      fc.property(statement, (s) => {
        const summary = summariseStatement(s);
        const { totals, accounts } = summary;
        const sum = (f: (a: (typeof accounts)[number]) => number) => accounts.reduce((n, a) => n + f(a), 0);
        expect(totals.accounts).toBe(s.accounts.length);
        expect(accounts).toHaveLength(s.accounts.length);
        expect(totals.transactions).toBe(sum((a) => a.transactions));
        expect(totals.transactions).toBe(s.transactions.length);
        expect(totals.booked).toBe(sum((a) => a.booked));
        expect(totals.pending).toBe(sum((a) => a.pending));
        expect(totals.booked + totals.pending).toBe(totals.transactions);
        expect(sum((a) => a.creditsCents - a.debitsCents)).toBe(s.transactions.reduce((n, t) => n + t.amountCents, 0));
        expect(totals.rejected).toBe(s.rejected.length);
        for (const a of accounts) {
          expect(a.creditsCents).toBeGreaterThanOrEqual(0);
          expect(a.debitsCents).toBeGreaterThanOrEqual(0);
          expect(a.firstDate === null).toBe(a.transactions === 0);
          if (a.firstDate !== null) expect(a.firstDate <= a.lastDate!).toBe(true);
        }
        if (s.transactions.length === 0) {
          expect(totals).toMatchObject({ firstDate: null, lastDate: null, months: 0, fullMonths: 0 });
          return;
        }
        const dates = s.transactions.map((t) => t.bookingDate).sort();
        expect(totals.firstDate).toBe(dates[0]);
        expect(totals.lastDate).toBe(dates[dates.length - 1]);
        expect(totals.firstDate! <= totals.lastDate!).toBe(true);
        expect(totals.months).toBeGreaterThanOrEqual(1);
        expect(totals.fullMonths).toBeLessThanOrEqual(totals.months);
        expect({ touched: totals.months, whole: totals.fullMonths }).toEqual(monthsByWalking(totals.firstDate!, totals.lastDate!));
      }),
      { numRuns: 300 },
    );
  });

  it('counts months touched and whole months at the edges', () => {
    expect([monthsTouched('2026-01-15', '2026-03-10'), wholeMonthsWithin('2026-01-15', '2026-03-10')]).toEqual([3, 1]);
    expect([monthsTouched('2026-01-01', '2026-01-31'), wholeMonthsWithin('2026-01-01', '2026-01-31')]).toEqual([1, 1]);
    expect([monthsTouched('2024-02-01', '2024-02-28'), wholeMonthsWithin('2024-02-01', '2024-02-28')]).toEqual([1, 0]);
    expect([monthsTouched('2024-02-01', '2024-02-29'), wholeMonthsWithin('2024-02-01', '2024-02-29')]).toEqual([1, 1]);
    expect([monthsTouched('2025-12-31', '2026-01-01'), wholeMonthsWithin('2025-12-31', '2026-01-01')]).toEqual([2, 0]);
    expect([monthsTouched('2026-05-05', '2026-05-05'), wholeMonthsWithin('2026-05-05', '2026-05-05')]).toEqual([1, 0]);
  });

  it('summarises the ING CSV sample: one account, six entries from 13 Dec 2019 to 13 Feb 2020', () => {
    const parsed = parseBankFile(fixture('bank-formats/nl-bank-csv/ing_ok.csv'));
    expect(summariseStatement(parsed)).toEqual({
      format: 'csv-ing',
      accounts: [
        {
          iban: null,
          otherId: 'NL99INGB9999999999',
          currency: 'EUR',
          ownerName: null,
          transactions: 6,
          booked: 6,
          pending: 0,
          firstDate: '2019-12-13',
          lastDate: '2020-02-13',
          creditsCents: 2125,
          debitsCents: 187,
        },
      ],
      totals: { accounts: 1, transactions: 6, booked: 6, pending: 0, firstDate: '2019-12-13', lastDate: '2020-02-13', months: 3, fullMonths: 1, balances: 0, warnings: 0, rejected: 0 },
    });
    expect(summariseStatement(parsed, 4).totals.warnings).toBe(4);
  });

  it('summarises a camt.053 sample with its balances: two statements of one account on one day', () => {
    const summary = summariseStatement(parseBankFile(fixture('bank-formats/camt/camt053.v2.multi.statement.xml')));
    expect(summary.format).toBe('camt.053');
    expect(summary.accounts).toEqual([
      { iban: 'NL26VAYB8060476890', otherId: null, currency: 'EUR', ownerName: null, transactions: 2, booked: 2, pending: 0, firstDate: '2014-12-31', lastDate: '2014-12-31', creditsCents: 885, debitsCents: 700 },
    ]);
    expect(summary.totals).toEqual({ accounts: 1, transactions: 2, booked: 2, pending: 0, firstDate: '2014-12-31', lastDate: '2014-12-31', months: 1, fullMonths: 0, balances: 4, warnings: 0, rejected: 0 });
  });
});
