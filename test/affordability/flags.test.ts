/**
 * Every flag on a small hand-made list of transactions, with the transaction ids it must name.
 * Figures are hand-computed in the comments.
 */
import { describe, expect, it } from 'vitest';
import type { AnalysisBalance } from '../../src/analytics/analysis-input.js';
import type { CategorisedTransaction } from '../../src/analytics/categorisation/categorise.js';
import type { RecurringStream } from '../../src/analytics/streams/detect-streams.js';
import { reconstructDailyBalances } from '../../src/affordability/daily-balances.js';
import { detectFlags, type FlagContext } from '../../src/affordability/flags.js';
import { normsAt } from '../../src/affordability/norms/norms.js';
import type { AffordabilityFlag, MonthFigures } from '../../src/affordability/report.types.js';
import { balance, categorised } from '../analytics/transaction-builder.js';

const policy = normsAt('2025-01-10').assessmentPolicy;

function month(month: string, stableIncomeCents: number, irregularIncomeCents = 0): MonthFigures {
  const incomeCents = stableIncomeCents + irregularIncomeCents;
  return {
    month,
    stableIncomeCents,
    irregularIncomeCents,
    incomeCents,
    fixedEssentialCents: 0,
    variableEssentialObservedCents: 0,
    variableEssentialCents: 0,
    variableEssentialSource: 'observed',
    debtServiceCents: 0,
    discretionaryCents: 0,
    disposableCents: incomeCents,
    protectedAmountCents: 0,
    affordableCents: 0,
  };
}

const threeMonths = [month('2024-10', 200_000), month('2024-11', 200_000), month('2024-12', 200_000)];

function flagsFor(transactions: CategorisedTransaction[], overrides: Partial<FlagContext> = {}): AffordabilityFlag[] {
  const last = [...transactions].sort((a, b) => (a.bookingDate < b.bookingDate ? 1 : -1))[0];
  return detectFlags({
    transactions,
    balances: [],
    windowStart: '2024-01-01',
    asOf: '2025-01-10',
    months: threeMonths,
    streams: [],
    policy,
    lastDataDate: '2025-01-08',
    lastTransactionId: last?.id ?? null,
    ...overrides,
  });
}

const codes = (flags: AffordabilityFlag[]) => flags.map((f) => f.code);
const flag = (flags: AffordabilityFlag[], code: AffordabilityFlag['code']) => flags.find((f) => f.code === code);

describe('flags', () => {
  it('raises none on a quiet household', () => {
    const quiet = [categorised('income.salary', { id: 's1', bookingDate: '2024-12-24', amountCents: 200_000 }), categorised('expense.groceries', { id: 'g1', bookingDate: '2025-01-08', amountCents: -3_000 })];
    expect(flagsFor(quiet)).toEqual([]);
  });

  it('returned direct debits, grouped by reason code with what each code says', () => {
    const txs = [
      categorised('expense.energy', { id: 'debit', bookingDate: '2024-11-05', amountCents: -4_425 }),
      categorised('reversal.returned_debit', { id: 'r-am04', bookingDate: '2024-11-08', amountCents: 4_425, returnReasonCode: 'AM04' }),
      categorised('reversal.returned_debit', { id: 'r-md06', bookingDate: '2024-12-08', amountCents: 6_195, returnReasonCode: 'MD06' }),
      categorised('reversal.returned_debit', { id: 'r-ms02', bookingDate: '2024-12-09', amountCents: 1_000, returnReasonCode: 'MS02' }),
    ];
    const returned = flag(flagsFor(txs), 'returned_direct_debits')!;
    expect(returned.transactionIds).toEqual(['r-am04', 'r-md06', 'r-ms02']);
    expect(returned.severity).toBe('alert');
    expect(returned.returnReasons).toEqual([
      { code: 'AM04', signal: 'cannot_pay', meaning: { en: 'insufficient funds', nl: 'te weinig saldo' }, transactionIds: ['r-am04'] },
      { code: 'MD06', signal: 'dispute_or_wont_pay', meaning: expect.any(Object), transactionIds: ['r-md06'] },
      { code: 'MS02', signal: 'dispute_or_wont_pay', meaning: expect.any(Object), transactionIds: ['r-ms02'] },
    ]);
    expect(returned.message.nl).toContain('te weinig saldo (AM04)');
  });

  it('a dispute without a can’t-pay code is a warning, not an alert', () => {
    const txs = [categorised('reversal.returned_debit', { id: 'r', bookingDate: '2024-12-08', amountCents: 6_195, returnReasonCode: 'MD06' })];
    expect(flag(flagsFor(txs), 'returned_direct_debits')!.severity).toBe('warning');
  });

  describe('balances', () => {
    // End of 10 Dec is 700.00; working back: 9 Dec −98.50 (before +800.00 and −1.50 interest), 7–9 Dec −98.50,
    // 6 Dec 1.50, 5 Dec 1.50 (after −1,500.00), 1–4 Dec 1,501.50, 30 Nov 501.50.
    const txs = [
      categorised('income.salary', { id: 'a', bookingDate: '2024-12-01', amountCents: 100_000 }),
      categorised('expense.housing', { id: 'b', bookingDate: '2024-12-05', amountCents: -150_000 }),
      categorised('expense.groceries', { id: 'c', bookingDate: '2024-12-07', amountCents: -10_000 }),
      categorised('income.other', { id: 'd', bookingDate: '2024-12-10', amountCents: 80_000 }),
      categorised('expense.bank_fees', { id: 'i', bookingDate: '2024-12-10', amountCents: -150 }, 'bank-fees.overdraft-interest'),
    ];
    const balances: AnalysisBalance[] = [balance('2024-12-10', 70_000)];

    it('rebuilds end-of-day balances from one balance and the transactions', () => {
      const [account] = reconstructDailyBalances(txs, balances, '2024-11-30', '2024-12-10');
      expect(account!.days.map((d) => d.endOfDayCents)).toEqual([50_150, 150_150, 150_150, 150_150, 150_150, 150, 150, -9_850, -9_850, -9_850, 70_000]);
    });

    it('counts an opening balance as the end of the day before', () => {
      const [account] = reconstructDailyBalances(txs, [balance('2024-12-11', 70_000, 'openingBooked')], '2024-12-09', '2024-12-10');
      expect(account!.days.map((d) => d.endOfDayCents)).toEqual([-9_850, 70_000]);
    });

    it('ignores available balances, which include the credit line', () => {
      expect(reconstructDailyBalances(txs, [balance('2024-12-10', 70_000, 'interimAvailable')], '2024-12-01', '2024-12-10')).toEqual([]);
    });

    it('flags the days below zero with the debits on them, and overdraft use with the interest', () => {
      const flags = flagsFor(txs, { balances, windowStart: '2024-12-01', lastDataDate: '2024-12-10', asOf: '2024-12-12' });
      expect(flag(flags, 'negative_balance_days')).toMatchObject({ days: ['2024-12-07', '2024-12-08', '2024-12-09'], transactionIds: ['c'], figures: { days: 3, lowestBalanceCents: -9_850 } });
      // Three negative days reach the policy's minimum of 3, so the debits on them join the interest.
      expect(flag(flags, 'overdraft_use')).toMatchObject({ transactionIds: ['i', 'c'], figures: { interestCents: 150, negativeDays: 3 } });
    });

    it('flags overdraft interest alone, without balances', () => {
      expect(flag(flagsFor(txs), 'overdraft_use')).toMatchObject({ transactionIds: ['i'], figures: { interestCents: 150, negativeDays: 0 } });
      expect(flag(flagsFor(txs), 'negative_balance_days')).toBeUndefined();
    });
  });

  it('gambling above the policy share of income, with stakes and payouts', () => {
    // Stakes in the assessed months: 150.00 + 100.00 = 250.00 of 6,000.00 income = 4.2 % → below 5 %: no flag.
    const moderate = [
      categorised('expense.gambling', { id: 'g1', bookingDate: '2024-11-02', amountCents: -15_000 }),
      categorised('expense.gambling', { id: 'g2', bookingDate: '2024-12-02', amountCents: -10_000 }),
    ];
    expect(flag(flagsFor(moderate), 'gambling')).toBeUndefined();
    // Add 100.00: 350.00 of 6,000.00 = 5.8 % (583 bp) → flag, with the payout too.
    const heavy = [
      ...moderate,
      categorised('expense.gambling', { id: 'g3', bookingDate: '2024-12-20', amountCents: -10_000 }),
      categorised('income.other', { id: 'win', bookingDate: '2024-12-21', amountCents: 5_000 }, 'gambling.payout'),
    ];
    expect(flag(flagsFor(heavy), 'gambling')).toMatchObject({ transactionIds: ['g1', 'g2', 'g3', 'win'], figures: { stakesCents: 35_000, incomeCents: 600_000, shareBasisPoints: 583 }, severity: 'alert' });
  });

  it('buy-now-pay-later use', () => {
    const txs = [
      categorised('expense.bnpl', { id: 'k1', bookingDate: '2024-11-02', amountCents: -4_999 }),
      categorised('expense.bnpl', { id: 'k2', bookingDate: '2024-12-02', amountCents: -2_500 }),
      categorised('expense.groceries', { id: 'x', bookingDate: '2024-12-02', amountCents: -2_500 }),
    ];
    expect(flag(flagsFor(txs), 'bnpl_use')).toMatchObject({ transactionIds: ['k1', 'k2'], figures: { count: 2, paidCents: 7_499 } });
  });

  it('payday credit: money borrowed is an alert', () => {
    const txs = [
      categorised('transfer.loan_payout', { id: 'p1', bookingDate: '2024-11-02', amountCents: 50_000 }),
      categorised('expense.credit', { id: 'p2', bookingDate: '2024-12-02', amountCents: -15_000 }),
    ];
    expect(flag(flagsFor(txs), 'payday_credit_use')).toMatchObject({ transactionIds: ['p1', 'p2'], severity: 'alert', figures: { borrowedCents: 50_000, repaidCents: 15_000 } });
  });

  it('payments to collectors or bailiffs', () => {
    const txs = [categorised('expense.collection', { id: 'c1', bookingDate: '2024-12-02', amountCents: -5_000 })];
    expect(flag(flagsFor(txs), 'collector_payments')).toMatchObject({ transactionIds: ['c1'], severity: 'alert', figures: { paidCents: 5_000 } });
  });

  it('income drop: the last two months below 70 % of the months before', () => {
    // Earlier months average 2,500.00; 70 % is 1,750.00; the last two average 1,000.00.
    const months = [month('2024-07', 250_000), month('2024-08', 250_000), month('2024-09', 250_000), month('2024-10', 250_000), month('2024-11', 100_000), month('2024-12', 100_000)];
    const txs = [
      categorised('income.salary', { id: 's-oct', bookingDate: '2024-10-25', amountCents: 250_000 }),
      categorised('income.benefit_uwv', { id: 'ww-nov', bookingDate: '2024-11-25', amountCents: 100_000 }),
      categorised('income.benefit_uwv', { id: 'ww-dec', bookingDate: '2024-12-23', amountCents: 100_000 }),
      categorised('income.refund', { id: 'refund', bookingDate: '2024-12-23', amountCents: 1_000 }),
    ];
    expect(flag(flagsFor(txs, { months }), 'income_drop')).toMatchObject({
      transactionIds: ['s-oct', 'ww-nov', 'ww-dec'],
      figures: { recentAverageCents: 100_000, earlierAverageCents: 250_000, thresholdCents: 175_000, stoppedSalaryStreams: 0 },
    });
    const steady = [month('2024-09', 250_000), month('2024-10', 250_000), month('2024-11', 200_000), month('2024-12', 200_000)];
    expect(flag(flagsFor(txs, { months: steady }), 'income_drop')).toBeUndefined();
  });

  it('income drop: a salary stream that stopped', () => {
    const stopped = { id: 'salary-stream', category: 'income.salary', direction: 'in', status: 'inactive', occurrences: 5, lastDate: '2024-10-25', transactionIds: ['s1', 's2', 's3', 's4', 's5'] } as RecurringStream;
    expect(flag(flagsFor([], { streams: [stopped] }), 'income_drop')).toMatchObject({ transactionIds: ['s1', 's2', 's3', 's4', 's5'], figures: { stoppedSalaryStreams: 1, lastSalaryDate: '2024-10-25' } });
  });

  it('stale data: nothing in the last 10 days', () => {
    const txs = [categorised('expense.groceries', { id: 'last', bookingDate: '2024-12-20', amountCents: -3_000 })];
    expect(flag(flagsFor(txs, { lastDataDate: '2024-12-20' }), 'stale_data')).toMatchObject({ transactionIds: ['last'], figures: { daysSince: 21, limitDays: 10 } });
    expect(codes(flagsFor(txs, { lastDataDate: '2025-01-02' }))).not.toContain('stale_data');
  });

  it('short history: fewer than 3 complete months', () => {
    expect(flag(flagsFor([], { months: threeMonths.slice(1) }), 'short_history')).toMatchObject({ transactionIds: [], figures: { monthsAssessed: 2, minimumMonths: 3 } });
    expect(codes(flagsFor([], { months: threeMonths }))).not.toContain('short_history');
  });
});
