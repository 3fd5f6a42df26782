/**
 * Point in time: features as of D read nothing dated after D. Random bookings, balances and data
 * points dated after D (any category, amount, balance type or event type, outcomes included) are
 * appended to simulated debtors, and every feature value stays the same. The converse keeps the
 * test honest: the same kinds of data dated on or before D do change the features.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisBalance } from '../../src/analytics/analysis-input.js';
import { categorise, compileRuleSet, type CategorisedTransaction } from '../../src/analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../../src/analytics/categorisation/default-rules.js';
import { CATEGORY_IDS } from '../../src/analytics/taxonomy.js';
import { normsAt } from '../../src/affordability/norms/norms.js';
import type { DataPointEvent } from '../../src/data-points/data-point.schema.js';
import { addDays } from '../../src/platform/dates.js';
import { computeFeatures, type FeatureSource } from '../../src/risk-features/compute-features.js';
import { simulatedDebtors } from '../analytics/simulated-world.js';
import { eventBuilders } from '../data-points/event-builders.js';

const AS_OF_DATES = ['2025-09-14', '2025-12-31', '2026-02-01'];

let sources: FeatureSource[] = [];

beforeAll(() => {
  const rules = compileRuleSet(DEFAULT_RULE_SET);
  const debtors = simulatedDebtors({ households: 4, months: 16, seed: 4_242, startDate: '2025-01-01' });
  sources = debtors.flatMap((d) => {
    const transactions = categorise(d.transactions, { rules, ownIbans: d.ownIbans, accountHolderNames: d.accountHolderNames });
    const balances: AnalysisBalance[] = d.household.accounts.flatMap((a) => [
      { accountIban: a.iban, date: a.statementFrom, amountCents: a.openingBalanceCents, type: 'openingBooked' as const },
      { accountIban: a.iban, date: a.statementTo, amountCents: a.closingBookedBalanceCents, type: 'closingBooked' as const },
    ]);
    return AS_OF_DATES.map((asOf): FeatureSource => ({
      asOf,
      // Only what the debtor's data held up to the as-of date is the base; the property adds later data.
      bank: { transactions: transactions.filter((t) => t.bookingDate <= asOf), balances: balances.filter((b) => b.date <= asOf), ownIbans: d.ownIbans, accountHolderNames: d.accountHolderNames },
      events: d.household.events.filter((e) => e.occurredOn <= asOf),
      household: { composition: d.household.composition },
      norms: normsAt(asOf),
    }));
  });
}, 60_000);

const laterTransaction = (asOf: string, index: number) =>
  fc.record({ days: fc.integer({ min: 1, max: 400 }), cents: fc.integer({ min: -2_000_000, max: 2_000_000 }).filter((c) => c !== 0), category: fc.constantFrom(...CATEGORY_IDS), code: fc.constantFrom(null, 'AM04', 'MD06', 'AC04') }).map(
    ({ days, cents, category, code }): CategorisedTransaction => ({
      id: `later-${index}-${days}-${cents}`,
      accountIban: null,
      status: 'booked',
      bookingDate: addDays(asOf, days),
      valueDate: null,
      amountCents: cents,
      currency: 'EUR',
      counterpartyName: 'Later BV',
      counterpartyIban: null,
      remittanceUnstructured: code ? `reden ${code}` : null,
      remittanceStructured: null,
      creditorId: null,
      mandateId: null,
      bankTransactionCode: null,
      proprietaryCode: null,
      returnReasonCode: code,
      reversal: false,
      category,
      ruleId: 'test',
      confidence: 1,
    }),
  );

const laterBalance = (asOf: string, ibans: readonly string[]) =>
  fc.record({ days: fc.integer({ min: 1, max: 400 }), cents: fc.integer({ min: -5_000_000, max: 5_000_000 }), type: fc.constantFrom('closingBooked', 'openingBooked', 'interimBooked', 'expected') as fc.Arbitrary<AnalysisBalance['type']>, iban: fc.constantFrom(...ibans, null) }).map(
    ({ days, cents, type, iban }): AnalysisBalance => ({ accountIban: iban, date: addDays(asOf, days), amountCents: cents, type }),
  );

/** Any kind of data point after D, outcomes included, some about invoices the debtor already has. */
function laterEvents(asOf: string, debtorRef: string, invoiceIds: readonly string[]): fc.Arbitrary<DataPointEvent[]> {
  const kinds = fc.record({ kind: fc.integer({ min: 0, max: 11 }), days: fc.integer({ min: 1, max: 300 }), cents: fc.integer({ min: 1, max: 500_000 }), invoice: fc.constantFrom(...invoiceIds, 'NEW-1') });
  return fc.array(kinds, { maxLength: 12 }).map((list) => {
    const b = eventBuilders(debtorRef);
    return list.map(({ kind, days, cents, invoice }, i): DataPointEvent => {
      const on = addDays(asOf, days);
      switch (kind) {
        case 0: return b.invoice(`${invoice}-later-${i}`, on, cents, addDays(on, 14));
        case 1: return b.paid(invoice, on, cents);
        case 2: return b.collected(on, cents, invoice);
        case 3: return b.returned(on, cents, 'AM04', invoice);
        case 4: return b.reminder(on);
        case 5: return b.answer(on);
        case 6: return b.promise(on, addDays(on, 7), cents);
        case 7: return b.bankAccountChanged(on);
        case 8: return b.contactDetailsChanged(on);
        case 9: return b.addressChanged(on);
        case 10: return b.arrears(on, 30);
        default: return b.arrangementBroken(on, 'A1');
      }
    });
  });
}

describe('features as of D', () => {
  it('are unchanged by any bookings, balances and data points dated after D', () => {
    const cases = fc.integer({ min: 0, max: sources.length - 1 }).chain((s) => {
      const source = sources[s]!;
      const debtorRef = source.events[0]?.debtorRef ?? 'D1';
      const invoiceIds = source.events.flatMap((e) => (e.type === 'invoice_issued' ? [e.invoiceId] : []));
      return fc.record({
        s: fc.constant(s),
        transactions: fc.array(laterTransaction(source.asOf, s), { maxLength: 15 }),
        balances: fc.array(laterBalance(source.asOf, source.bank!.ownIbans), { maxLength: 4 }),
        events: laterEvents(source.asOf, debtorRef, invoiceIds.length > 0 ? invoiceIds : ['NONE']),
      });
    });
    fc.assert(
      fc.property(cases, ({ s, transactions, balances, events }) => {
        const source = sources[s]!;
        const before = computeFeatures(source, 'bank-and-data-points');
        const withLater: FeatureSource = {
          ...source,
          bank: { ...source.bank!, transactions: [...source.bank!.transactions, ...transactions], balances: [...source.bank!.balances, ...balances] },
          events: [...source.events, ...events],
        };
        expect(computeFeatures(withLater, 'bank-and-data-points')).toEqual(before);
        expect(computeFeatures(withLater, 'data-points-only')).toEqual(computeFeatures(source, 'data-points-only'));
      }),
      { numRuns: 40, seed: 20_261_204 },
    );
  });

  it('do change when data dated on or before D changes (the test above could fail)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sources.length - 1 }), fc.integer({ min: 0, max: 29 }), fc.constantFrom('expense.gambling', 'expense.bnpl', 'expense.collection') as fc.Arbitrary<'expense.gambling' | 'expense.bnpl' | 'expense.collection'>, (s, daysBack, category) => {
        const source = sources[s]!;
        const on = addDays(source.asOf, -daysBack);
        const earlier: CategorisedTransaction = { ...source.bank!.transactions[0]!, id: `earlier-${daysBack}`, bookingDate: on, status: 'booked', amountCents: -12_345, category };
        const b = eventBuilders(source.events[0]?.debtorRef ?? 'D1');
        const changed: FeatureSource = { ...source, bank: { ...source.bank!, transactions: [...source.bank!.transactions, earlier] }, events: [...source.events, b.arrears(on, 30)] };
        const before = computeFeatures(source, 'bank-and-data-points').values;
        const after = computeFeatures(changed, 'bank-and-data-points').values;
        const name = { 'expense.gambling': 'bank.gambling_stakes_30d', 'expense.bnpl': 'bank.bnpl_paid_90d', 'expense.collection': 'bank.collector_paid_90d' }[category];
        expect(after[name]).toBe((before[name] ?? 0) + 12_345);
        expect(after['dp.outcomes_arrears_started']).toBe(before['dp.outcomes_arrears_started']! + 1);
        expect(after['dp.days_since_arrears_started']).toBe(daysBack);
      }),
      { numRuns: 20, seed: 7 },
    );
  });
});
