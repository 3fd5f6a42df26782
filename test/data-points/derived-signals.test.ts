/**
 * Hand-computed signals. Each expected number is worked out in the comment beside it, from the
 * dates and amounts of the history, so a reader can check the arithmetic without running the code.
 */
import { describe, expect, it } from 'vitest';
import { deriveSignals } from '../../src/data-points/derived-signals.js';
import { eventBuilders } from './event-builders.js';

const ZERO_CLASSES = {
  insufficient_funds: 0,
  dispute_or_refusal: 0,
  mandate_problem: 0,
  account_closed: 0,
  account_blocked: 0,
  deceased: 0,
  technical: 0,
  unknown: 0,
};

describe('days past due, payment delay and its trend', () => {
  const e = eventBuilders();
  // Bills paid later and later: 0, 5, 10, 15 days after the due date, then one not paid at all.
  const history = [
    e.invoice('I1', '2024-01-01', 10_000, '2024-01-15'),
    e.paid('I1', '2024-01-15', 10_000),
    e.invoice('I2', '2024-02-01', 10_000, '2024-02-15'),
    e.paid('I2', '2024-02-20', 10_000),
    e.invoice('I3', '2024-03-01', 10_000, '2024-03-15'),
    e.paid('I3', '2024-03-25', 10_000),
    e.invoice('I4', '2024-04-01', 10_000, '2024-04-15'),
    e.paid('I4', '2024-04-30', 10_000),
    e.invoice('I5', '2024-05-01', 10_000, '2024-05-15'),
  ];

  it('before the last invoice is due: nothing past due, the trend rests on the four paid invoices', () => {
    const signals = deriveSignals(history, '2024-05-10');
    expect(signals.openInvoices).toEqual([{ invoiceId: 'I5', issuedOn: '2024-05-01', dueDate: '2024-05-15', outstandingCents: 10_000, daysPastDue: 0 }]);
    expect(signals.maxDaysPastDue).toBe(0);
    expect(signals.sumDaysPastDue).toBe(0);
    expect(signals.paidInvoices.map((invoice) => [invoice.invoiceId, invoice.paidOn, invoice.delayDays])).toEqual([
      ['I1', '2024-01-15', 0],
      ['I2', '2024-02-20', 5],
      ['I3', '2024-03-25', 10],
      ['I4', '2024-04-30', 15],
    ]);
    // Delays 0, 5, 10, 15 against positions 0..3: a straight line of 5 days per invoice.
    expect(signals.delayTrend).toEqual({ slopeDaysPerInvoice: 5, invoiceCount: 4 });
    // I2, I3, I4 late out of four paid.
    expect(signals.sharePaidLate).toBe(0.75);
    expect(signals.openBalanceCents).toBe(10_000);
  });

  it('once the last invoice is overdue it counts with its delay so far: 2024-06-04 is 20 days after 2024-05-15', () => {
    const signals = deriveSignals(history, '2024-06-04');
    expect(signals.openInvoices.map((invoice) => invoice.daysPastDue)).toEqual([20]);
    expect(signals.maxDaysPastDue).toBe(20);
    expect(signals.sumDaysPastDue).toBe(20);
    // Delays 0, 5, 10, 15, 20: still 5 days per invoice, now over five invoices.
    expect(signals.delayTrend).toEqual({ slopeDaysPerInvoice: 5, invoiceCount: 5 });
    expect(signals.sharePaidLate).toBe(0.75);
  });

  it('an invoice paid after the as-of day is unpaid as of that day', () => {
    const paidLater = [...history, e.paid('I5', '2024-06-10', 10_000)];
    expect(deriveSignals(paidLater, '2024-06-04')).toEqual(deriveSignals(history, '2024-06-04'));
    // And the day it is paid it is paid: 2024-06-10 is 26 days after 2024-05-15.
    const onPayday = deriveSignals(paidLater, '2024-06-10');
    expect(onPayday.openInvoices).toEqual([]);
    expect(onPayday.paidInvoices.at(-1)).toMatchObject({ invoiceId: 'I5', delayDays: 26 });
  });

  it('sums days past due over several open invoices and reports the oldest as the maximum', () => {
    const f = eventBuilders();
    const signals = deriveSignals(
      [f.invoice('A', '2024-01-01', 1_000, '2024-01-15'), f.invoice('B', '2024-02-01', 2_000, '2024-02-15'), f.invoice('C', '2024-03-01', 3_000, '2024-03-31')],
      '2024-03-01',
    );
    // A: Jan 15 → Mar 1 = 16 + 29 + 1 = 46 days (2024 is a leap year); B: Feb 15 → Mar 1 = 15; C not yet due.
    expect(signals.openInvoices.map((invoice) => [invoice.invoiceId, invoice.daysPastDue])).toEqual([
      ['A', 46],
      ['B', 15],
      ['C', 0],
    ]);
    expect(signals.maxDaysPastDue).toBe(46);
    expect(signals.sumDaysPastDue).toBe(61);
    expect(signals.openBalanceCents).toBe(6_000);
  });

  it('the trend looks at the last N invoices only', () => {
    const f = eventBuilders();
    // Delays 30, 0, 5, 10: one bad month long ago, then a steady slide.
    const slide = [
      f.invoice('A', '2024-01-01', 1_000, '2024-01-10'),
      f.paid('A', '2024-02-09', 1_000),
      f.invoice('B', '2024-02-01', 1_000, '2024-02-10'),
      f.paid('B', '2024-02-10', 1_000),
      f.invoice('C', '2024-03-01', 1_000, '2024-03-10'),
      f.paid('C', '2024-03-15', 1_000),
      f.invoice('D', '2024-04-01', 1_000, '2024-04-10'),
      f.paid('D', '2024-04-20', 1_000),
    ];
    // Last three: 0, 5, 10 → +5 per invoice.
    expect(deriveSignals(slide, '2024-05-01', { delayTrendInvoices: 3 }).delayTrend).toEqual({ slopeDaysPerInvoice: 5, invoiceCount: 3 });
    // All four: x̄ = 1.5, ȳ = 11.25, Σ(x−x̄)(y−ȳ) = −27.5, Σ(x−x̄)² = 5 → −5.5 per invoice.
    expect(deriveSignals(slide, '2024-05-01').delayTrend).toEqual({ slopeDaysPerInvoice: -5.5, invoiceCount: 4 });
  });

  it('has no trend and no late share without enough paid invoices', () => {
    const f = eventBuilders();
    expect(deriveSignals([], '2024-05-01')).toMatchObject({ delayTrend: { slopeDaysPerInvoice: null, invoiceCount: 0 }, sharePaidLate: null });
    const one = deriveSignals([f.invoice('A', '2024-01-01', 1_000, '2024-01-10'), f.paid('A', '2024-01-12', 1_000)], '2024-05-01');
    expect(one.delayTrend).toEqual({ slopeDaysPerInvoice: null, invoiceCount: 1 });
    expect(one.sharePaidLate).toBe(1);
  });
});

describe('allocation of money: partial, unlinked, overpaid, returned', () => {
  it('pays the oldest invoice first with unlinked money and carries credit to the next invoice', () => {
    const e = eventBuilders();
    const history = [
      e.invoice('I1', '2024-01-01', 10_000, '2024-01-15'),
      e.invoice('I2', '2024-02-01', 5_000, '2024-02-15'),
      e.collected('2024-02-20', 12_000), // no invoice named: 10,000 settles I1, 2,000 goes to I2
      e.paid('I2', '2024-03-05', 4_000), // I2 needed 3,000: 1,000 is credit
      e.invoice('I3', '2024-03-15', 3_000, '2024-03-29'), // the credit pays 1,000 of it at once
    ];

    const afterCollection = deriveSignals(history, '2024-03-01');
    expect(afterCollection.paidInvoices).toEqual([{ invoiceId: 'I1', issuedOn: '2024-01-01', dueDate: '2024-01-15', paidOn: '2024-02-20', delayDays: 36 }]);
    expect(afterCollection.openInvoices).toEqual([{ invoiceId: 'I2', issuedOn: '2024-02-01', dueDate: '2024-02-15', outstandingCents: 3_000, daysPastDue: 15 }]);
    expect(afterCollection.openBalanceCents).toBe(3_000);

    const withCredit = deriveSignals(history, '2024-03-10');
    expect(withCredit.openInvoices).toEqual([]);
    expect(withCredit.paidInvoices.map((invoice) => [invoice.invoiceId, invoice.delayDays])).toEqual([
      ['I1', 36],
      ['I2', 19], // Feb 15 → Mar 5
    ]);
    expect(withCredit.openBalanceCents).toBe(-1_000);

    const nextInvoice = deriveSignals(history, '2024-03-20');
    expect(nextInvoice.openInvoices).toEqual([{ invoiceId: 'I3', issuedOn: '2024-03-15', dueDate: '2024-03-29', outstandingCents: 2_000, daysPastDue: 0 }]);
    expect(nextInvoice.openBalanceCents).toBe(2_000);
  });

  it('a returned direct debit reopens the invoice it paid, and the later settlement sets the delay', () => {
    const e = eventBuilders();
    const history = [
      e.invoice('I1', '2024-01-01', 10_000, '2024-01-15'),
      e.collected('2024-01-15', 10_000, 'I1'),
      e.returned('2024-01-18', 10_000, 'AM04', 'I1'),
      e.paid('I1', '2024-01-25', 10_000),
    ];
    expect(deriveSignals(history, '2024-01-16')).toMatchObject({ openInvoices: [], paidInvoices: [{ invoiceId: 'I1', delayDays: 0 }], openBalanceCents: 0 });
    const reopened = deriveSignals(history, '2024-01-20');
    expect(reopened.openInvoices).toEqual([{ invoiceId: 'I1', issuedOn: '2024-01-01', dueDate: '2024-01-15', outstandingCents: 10_000, daysPastDue: 5 }]);
    expect(reopened.paidInvoices).toEqual([]);
    expect(reopened.openBalanceCents).toBe(10_000);
    expect(deriveSignals(history, '2024-01-31')).toMatchObject({ openInvoices: [], paidInvoices: [{ invoiceId: 'I1', paidOn: '2024-01-25', delayDays: 10 }] });
  });

  it('an unlinked return reopens the latest invoice, since it reverses a recent collection', () => {
    const e = eventBuilders();
    const signals = deriveSignals(
      [
        e.invoice('I1', '2024-01-01', 10_000, '2024-01-15'),
        e.collected('2024-01-15', 10_000, 'I1'),
        e.invoice('I2', '2024-02-01', 8_000, '2024-02-15'),
        e.collected('2024-02-15', 8_000, 'I2'),
        e.returned('2024-02-19', 5_000, 'MD06'),
      ],
      '2024-02-20',
    );
    expect(signals.openInvoices).toEqual([{ invoiceId: 'I2', issuedOn: '2024-02-01', dueDate: '2024-02-15', outstandingCents: 5_000, daysPastDue: 5 }]);
    expect(signals.paidInvoices.map((invoice) => invoice.invoiceId)).toEqual(['I1']);
    expect(signals.openBalanceCents).toBe(5_000);
  });

  it('counts a resent event once', () => {
    const e = eventBuilders();
    const payment = e.paid('I1', '2024-01-10', 4_000);
    const signals = deriveSignals([e.invoice('I1', '2024-01-01', 10_000, '2024-01-15'), payment, { ...payment }], '2024-01-20');
    expect(signals.openBalanceCents).toBe(6_000);
  });
});

describe('returned direct debits by window and reason class', () => {
  const e = eventBuilders();
  const asOf = '2024-12-31';
  const returns = [
    e.returned('2024-12-31', 100, 'AM04'), //   0 days ago: in all windows
    e.returned('2024-10-03', 100, 'MD06'), //  89 days ago: last day inside 90
    e.returned('2024-10-02', 100, 'AM04'), //  90 days ago: outside 90, inside 180
    e.returned('2024-07-05', 100, 'AC04'), // 179 days ago: last day inside 180
    e.returned('2024-07-04', 100, 'ZZ99'), // 180 days ago: only in 365; unlisted code → unknown
    e.returned('2024-01-02', 100, 'AM05'), // 364 days ago: last day inside 365
    e.returned('2024-01-01', 100, 'AM04'), // 365 days ago: outside every window
    e.returned('2025-01-01', 100, 'AC06'), // after the as-of day: invisible
  ];

  it.each([
    ['last90Days', 2, { insufficient_funds: 1, dispute_or_refusal: 1 }],
    ['last180Days', 4, { insufficient_funds: 2, dispute_or_refusal: 1, account_closed: 1 }],
    ['last365Days', 6, { insufficient_funds: 2, dispute_or_refusal: 1, account_closed: 1, unknown: 1, technical: 1 }],
  ] as const)('%s: %i returns', (window, total, byClass) => {
    expect(deriveSignals(returns, asOf).returnedDirectDebits[window]).toEqual({ total, byClass: { ...ZERO_CLASSES, ...byClass } });
  });
});

describe('days since bank-account, contact-details and address changes', () => {
  const e = eventBuilders();
  const history = [
    e.bankAccountChanged('2024-03-01'),
    e.bankAccountChanged('2024-05-01'),
    e.addressChanged('2024-05-11'),
    e.contactDetailsChanged('2024-06-01'), // after the as-of day below
  ];

  it.each([
    ['2024-05-11', 10, null, 0], // last bank change May 1; address changed today; contact change still ahead
    ['2024-04-01', 31, null, null], // only the March change is known yet
    ['2024-06-11', 41, 10, 31],
    ['2024-02-01', null, null, null],
  ])('as of %s: bank %s, contact %s, address %s', (asOf, bank, contact, address) => {
    const signals = deriveSignals(history, asOf);
    expect([signals.daysSinceBankAccountChange, signals.daysSinceContactDetailsChange, signals.daysSinceAddressChange]).toEqual([bank, contact, address]);
  });
});

describe('response time to reminders', () => {
  it('uses the linked answer, else the first answer on or after the reminder; silence is counted apart', () => {
    const e = eventBuilders();
    const history = [
      e.reminder('2024-03-01', 'r1'),
      e.answer('2024-03-04', 'r1'), // r1: 3 days
      e.reminder('2024-03-10', 'r2'),
      e.answer('2024-03-15'), // r2: first answer after it, 5 days
      e.reminder('2024-03-20', 'r3'),
      e.answer('2024-03-21'), // an answer, but not the one linked to r3
      e.answer('2024-03-28', 'r3'), // r3: linked, 8 days
      e.reminder('2024-04-01', 'r4'), // no answer yet as of 2024-04-10
      e.answer('2024-04-20', 'r4'), // after the as-of day
    ];
    const signals = deriveSignals(history, '2024-04-10');
    // Median of 3, 5, 8.
    expect([signals.medianResponseDays, signals.answeredReminders, signals.unansweredReminders]).toEqual([5, 3, 1]);
    // Later, r4 is answered after 19 days: median of 3, 5, 8, 19 is 6.5.
    const later = deriveSignals(history, '2024-04-30');
    expect([later.medianResponseDays, later.answeredReminders, later.unansweredReminders]).toEqual([6.5, 4, 0]);
  });

  it('ignores a link that claims an answer came before its reminder', () => {
    const e = eventBuilders();
    const signals = deriveSignals([e.answer('2024-02-28', 'r'), e.reminder('2024-03-01', 'r'), e.answer('2024-03-06')], '2024-03-31');
    expect([signals.medianResponseDays, signals.answeredReminders]).toEqual([5, 1]);
  });

  it('has no median without answered reminders', () => {
    const e = eventBuilders();
    expect(deriveSignals([e.reminder('2024-03-01')], '2024-03-31')).toMatchObject({ medianResponseDays: null, answeredReminders: 0, unansweredReminders: 1 });
  });
});

describe('promises to pay', () => {
  const e = eventBuilders();
  const history = [
    e.invoice('I1', '2024-04-01', 20_000, '2024-04-15'),
    e.promise('2024-05-01', '2024-05-10', 5_000), // met: 3,000 + 2,000 by May 10 → kept
    e.promise('2024-05-01', '2024-05-10', 10_000), // 5,000 of 10,000 by May 10 → broken after May 10
    e.promise('2024-05-11', '2024-05-20', 1_000), // nothing paid since May 11 → pending until May 20
    e.paid('I1', '2024-05-05', 3_000),
    e.collected('2024-05-10', 2_000, 'I1'),
  ];

  it.each([
    ['2024-05-05', { kept: 0, broken: 0, pending: 2 }], // 3,000 received so far; the third promise not yet made
    ['2024-05-10', { kept: 1, broken: 0, pending: 1 }], // the promised day itself still counts
    ['2024-05-11', { kept: 1, broken: 1, pending: 1 }],
    ['2024-05-21', { kept: 1, broken: 2, pending: 0 }],
  ])('as of %s', (asOf, counts) => {
    expect(deriveSignals(history, asOf).promises).toEqual(counts);
  });

  it('counts money net of returns in the promise window', () => {
    const f = eventBuilders();
    const bounced = [f.promise('2024-05-01', '2024-05-10', 2_000), f.collected('2024-05-05', 2_000), f.returned('2024-05-08', 2_000, 'AM04')];
    expect(deriveSignals(bounced, '2024-05-07').promises).toEqual({ kept: 1, broken: 0, pending: 0 });
    expect(deriveSignals(bounced, '2024-05-11').promises).toEqual({ kept: 0, broken: 1, pending: 0 });
  });
});

describe('outcomes so far', () => {
  it('counts outcomes dated up to the as-of day, and they never move money', () => {
    const e = eventBuilders();
    const history = [
      e.invoice('I1', '2024-01-01', 10_000, '2024-01-31'),
      e.arrears('2024-03-01', 30),
      e.arrears('2024-04-01', 60),
      { ...e.arrangementBroken('2024-05-01', 'ARR-1') },
      { eventId: 'wo', debtorRef: 'D1', type: 'written_off' as const, occurredOn: '2024-04-10', amountCents: 10_000 },
    ];
    const signals = deriveSignals(history, '2024-04-15');
    expect(signals.outcomes).toEqual({
      arrears_started: 2,
      handed_to_collection: 0,
      written_off: 1,
      paid_in_full: 0,
      arrangement_started: 0,
      arrangement_broken: 0,
    });
    expect(signals.openBalanceCents).toBe(10_000);
  });
});

describe('scope', () => {
  it('refuses the events of more than one debtor', () => {
    expect(() => deriveSignals([eventBuilders('D1').addressChanged('2024-01-01'), eventBuilders('D2').addressChanged('2024-01-01')], '2024-02-01')).toThrow(RangeError);
  });
});
