/** The matcher: references first, then amount and date within the tolerance; the same money seen twice counts once. */
import { describe, expect, it } from 'vitest';
import { instalmentCreditorReference, formatCreditorReference } from '../../src/payment-links/creditor-reference.js';
import { matchPayments, referencedInstalments, type IncomingPayment, type MatchablePlan } from '../../src/repayment-plans/payment-matching.js';

const plan: MatchablePlan = {
  planNumber: 7,
  acceptedOn: '2026-12-07',
  instalments: [
    { number: 1, dueDate: '2026-12-24', amountCents: 10_000, amountIfKeptCents: 10_000 },
    { number: 2, dueDate: '2027-01-25', amountCents: 10_000, amountIfKeptCents: 10_000 },
    { number: 3, dueDate: '2027-02-24', amountCents: 10_010, amountIfKeptCents: 6_010 },
  ],
};
const tolerance = { toleranceCents: 100, toleranceDays: 7 };
const ref = (planNumber: number, instalmentNumber: number) => instalmentCreditorReference({ planNumber, instalmentNumber });
const pay = (id: string, paidOn: string, amountCents: number, texts: string[] = [], overrides: Partial<IncomingPayment> = {}): IncomingPayment => ({ id, source: 'bank_transaction', paidOn, amountCents, referenceTexts: texts, toPayee: true, ...overrides });

describe('referencedInstalments', () => {
  it('reads the reference in electronic form, in print form inside a text, and tells another plan’s apart', () => {
    expect(referencedInstalments({ referenceTexts: [ref(7, 2)] }, 7)).toEqual({ own: [2], foreign: false });
    expect(referencedInstalments({ referenceTexts: [`Termijn ${formatCreditorReference(ref(7, 3))} dank u`] }, 7)).toEqual({ own: [3], foreign: false });
    expect(referencedInstalments({ referenceTexts: [ref(8, 1)] }, 7)).toEqual({ own: [], foreign: true });
    expect(referencedInstalments({ referenceTexts: ['factuur 2026-001'] }, 7)).toEqual({ own: [], foreign: false });
  });
});

describe('matchPayments', () => {
  it('matches by reference whatever the amount or date', () => {
    const { matches } = matchPayments(plan, [pay('bank:1', '2027-02-01', 1_234, [ref(7, 3)], { toPayee: false })], tolerance);
    expect(matches).toEqual([{ paymentId: 'bank:1', source: 'bank_transaction', paidOn: '2027-02-01', amountCents: 1_234, instalmentNumber: 3, matchedBy: 'reference' }]);
  });

  it.each([
    ['the exact amount on the due date', '2026-12-24', 10_000, 1],
    ['one euro less, a week early', '2026-12-17', 9_900, 1],
    ['the if-kept amount of the last instalment', '2027-02-24', 6_010, 3],
    ['the full last instalment three days late', '2027-02-27', 10_010, 3],
  ])('matches %s by amount and date', (_label, paidOn, amountCents, instalmentNumber) => {
    const { matches } = matchPayments(plan, [pay('bank:1', paidOn, amountCents)], tolerance);
    expect(matches).toEqual([expect.objectContaining({ instalmentNumber, matchedBy: 'amount_and_date' })]);
  });

  it.each([
    ['1.01 euro off', '2026-12-24', 9_899],
    ['eight days early', '2026-12-16', 10_000],
    ['before the plan was accepted', '2026-12-06', 10_000],
  ])('does not match %s', (_label, paidOn, amountCents) => {
    expect(matchPayments({ ...plan, acceptedOn: '2026-12-07' }, [pay('bank:1', paidOn, amountCents)], tolerance).matches).toEqual([]);
  });

  it('needs a reference for money not sent to the payee, and never takes another plan’s reference by amount', () => {
    expect(matchPayments(plan, [pay('bank:1', '2026-12-24', 10_000, [], { toPayee: false })], tolerance).matches).toEqual([]);
    expect(matchPayments(plan, [pay('bank:1', '2026-12-24', 10_000, [ref(9, 1)])], tolerance).matches).toEqual([]);
  });

  it('gives each instalment one amount match, the nearest due date first', () => {
    const { matches } = matchPayments(plan, [pay('bank:1', '2026-12-23', 10_000), pay('bank:2', '2026-12-24', 10_000)], tolerance);
    // The second 100.00 is eight or more days from every other due date: unmatched.
    expect(matches.map((m) => [m.paymentId, m.instalmentNumber])).toEqual([['bank:1', 1]]);
  });

  it('skips payments matched before and keeps their instalments from amount matching', () => {
    const before = [{ paymentId: 'dp:a', source: 'data_point' as const, paidOn: '2026-12-24', amountCents: 10_000, instalmentNumber: 1, matchedBy: 'amount_and_date' as const }];
    const { matches } = matchPayments(plan, [pay('dp:a', '2026-12-24', 10_000, [], { source: 'data_point' }), pay('bank:1', '2026-12-26', 10_000)], tolerance, before);
    expect(matches).toEqual([]);
  });

  it('counts a bank debit and the creditor’s booking of the same money once, keeping the booking', () => {
    const { matches, duplicates } = matchPayments(plan, [pay('bank:1', '2026-12-24', 10_000), pay('dp:x', '2026-12-27', 10_000, [], { source: 'data_point' })], tolerance);
    expect(duplicates).toEqual([{ paymentId: 'bank:1', sameAs: 'dp:x' }]);
    expect(matches.map((m) => [m.paymentId, m.instalmentNumber])).toEqual([['dp:x', 1]]);
  });
});
