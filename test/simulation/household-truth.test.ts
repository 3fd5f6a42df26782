/**
 * The hidden truth agrees with what the bank data shows: every income arrives on its true
 * schedule's paydays, every entry carries a real category, balances reconcile, and the affordable
 * amount follows its stated definition.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isCategoryId } from '../../src/analytics/taxonomy.js';
import { normaliseIban } from '../../src/bank-data/canonical.js';
import { toDayNumber } from '../../src/platform/dates.js';
import { nextPayday, paydaysBetween } from '../../src/simulation/dutch-calendar.js';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import type { SimulatedHousehold } from '../../src/simulation/simulation.types.js';

let world: SimulatedHousehold[] = [];
beforeAll(() => {
  world = [...simulateHouseholds({ households: 150, months: 14, seed: 99, truthRuns: 0 })];
});

const transactions = (h: SimulatedHousehold) => h.accounts.flatMap((a) => a.transactions);

describe('bank data against the truth', () => {
  it('labels every transaction with a taxonomy category and uses valid IBANs throughout', () => {
    // Problems are collected and compared once: an expect per entry would make this test slow.
    const problems: string[] = [];
    let entries = 0;
    for (const h of world) {
      for (const a of h.accounts) {
        if (normaliseIban(a.iban) !== a.iban) problems.push(`account ${a.iban}`);
        for (const t of a.transactions) {
          entries++;
          if (!isCategoryId(t.category)) problems.push(`${t.transactionId}: category ${t.category}`);
          if (t.counterpartyIban !== null && normaliseIban(t.counterpartyIban) !== t.counterpartyIban) problems.push(`${t.transactionId}: IBAN ${t.counterpartyIban}`);
          if (!Number.isSafeInteger(t.amountCents) || t.amountCents === 0) problems.push(`${t.transactionId}: amount ${t.amountCents}`);
          if (t.remittance.length > 140) problems.push(`${t.transactionId}: remittance of ${t.remittance.length} characters`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(entries).toBeGreaterThan(world.length * 300);
  });

  it('keeps entries in date order and reconciles opening balance, entries and closing balance', () => {
    const problems: string[] = [];
    for (const h of world) {
      for (const a of h.accounts) {
        const dates = a.transactions.map((t) => t.bookingDate);
        if (dates.some((d, i) => i > 0 && d < dates[i - 1]!)) problems.push(`${a.iban}: out of order`);
        const booked = a.transactions.filter((t) => t.status === 'booked').reduce((sum, t) => sum + t.amountCents, 0);
        if (a.openingBalanceCents + booked !== a.closingBookedBalanceCents) problems.push(`${a.iban}: does not reconcile`);
        if (a.closedOn && a.transactions.some((t) => t.bookingDate > a.closedOn!)) problems.push(`${a.iban}: entries after closing`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('credits every income stream on exactly the paydays of its true schedule', () => {
    let checked = 0;
    for (const h of world) {
      for (const stream of h.truth.incomeStreams) {
        if (stream.payments === 0) continue;
        const credits = transactions(h).filter((t) => t.amountCents > 0 && t.counterpartyName === stream.payerName && t.category === stream.category && !/VAKANTIEGELD \d{4} KENMERK/.test(t.remittance));
        const first = toDayNumber(stream.firstPaidOn!);
        const last = toDayNumber(stream.lastPaidOn!);
        const expected = paydaysBetween(stream.schedule, first, last + 1).map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
        const paidOn = [...new Set(credits.map((t) => t.bookingDate).filter((d) => d >= stream.firstPaidOn! && d <= stream.lastPaidOn!))];
        expect(paidOn, `${h.debtorRef} ${stream.kind} ${JSON.stringify(stream.schedule)}`).toEqual(expected);
        expect(nextPayday(stream.schedule, first)).toBe(first);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('pays allowances as separate credits from Belastingdienst Toeslagen on the 20th or the next working day', () => {
    const allowances = world.flatMap((h) => transactions(h).filter((t) => t.category === 'income.allowance'));
    expect(allowances.length).toBeGreaterThan(100);
    for (const t of allowances) {
      expect(t.counterpartyName).toBe('Belastingdienst Toeslagen');
      expect(t.remittance).toMatch(/^VOORSCHOT (ZORGTOESLAG|HUURTOESLAG|KINDGEBONDEN BUDGET) 20\d\d /);
      const day = Number(t.bookingDate.slice(8, 10));
      expect(day).toBeGreaterThanOrEqual(20);
      expect(day).toBeLessThanOrEqual(23);
      const weekday = new Date(`${t.bookingDate}T00:00:00Z`).getUTCDay();
      expect(weekday === 0 || weekday === 6).toBe(false);
    }
  });

  it('books returned direct debits as reversals with their reason code, matching the creditor\'s returns', () => {
    for (const h of world) {
      const onStatement = transactions(h).filter((t) => t.category === 'reversal.returned_debit');
      for (const t of onStatement) expect(['AM04', 'MS02', 'MD06']).toContain(t.returnReasonCode);
      const creditorReturns = h.events.filter((e) => e.type === 'direct_debit_returned' && e.reasonCode !== 'AC04').length;
      const statementReturns = onStatement.filter((t) => t.counterpartyName === 'Zonnedal Energie B.V.').length;
      expect(statementReturns).toBe(creditorReturns);
    }
  });

  it('defines the affordable amount as stable income − essential costs − debt service, never below zero', () => {
    for (const h of world) {
      for (const m of h.truth.affordabilityByMonth) {
        expect(m.affordableCents).toBe(Math.max(0, m.stableIncomeCents - m.essentialCostsCents - m.debtServiceCents));
      }
      expect(h.truth.affordableMonthlyCents).toBe(h.truth.affordabilityByMonth.at(-1)!.affordableCents);
    }
    // A structurally short minority exists, and most households can afford something.
    const zero = world.filter((h) => h.truth.affordabilityByMonth[0]!.affordableCents === 0).length / world.length;
    expect(zero).toBeGreaterThan(0);
    expect(zero).toBeLessThan(0.2);
  });

  it('moves money to and from the own savings account as own-account transfers on both sides', () => {
    for (const h of world) {
      const savings = h.accounts.find((a) => a.kind === 'savings')!;
      const currentIbans = h.accounts.filter((a) => a.kind === 'current').map((a) => a.iban);
      for (const t of savings.transactions.filter((x) => x.category === 'transfer.own_account')) {
        expect(currentIbans).toContain(t.counterpartyIban);
      }
    }
  });
});
