/**
 * Categorisation, streams and income days judged against the synthetic world's truth
 * (src/simulation): each simulated transaction carries its true category, each household its true
 * income streams and the payments they made after the as-of date.
 */
import { describe, expect, it } from 'vitest';
import { categorise, compileRuleSet } from '../../src/analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../../src/analytics/categorisation/default-rules.js';
import { detectIncomeDays } from '../../src/analytics/income-days.js';
import { detectRecurringStreams } from '../../src/analytics/streams/detect-streams.js';
import { diffDays } from '../../src/platform/dates.js';
import { accuracyReport, formatAccuracyReport } from './accuracy-report.js';
import { simulatedDebtors } from './simulated-world.js';

const AS_OF = '2026-01-01';
const debtors = simulatedDebtors({ households: 150, months: 14, seed: 20_251_123, startDate: '2025-01-01' });
const rules = compileRuleSet(DEFAULT_RULE_SET);

describe('on the synthetic world', () => {
  it('categorises at least 99 % of transactions as the world’s truth does', () => {
    const pairs = debtors.flatMap((d) => {
      const result = categorise(d.transactions, { rules, ownIbans: d.ownIbans, accountHolderNames: d.accountHolderNames });
      return result.map((r, i) => ({ truth: d.transactions[i]!.trueCategory, predicted: r.category }));
    });
    const report = accuracyReport(pairs);
    console.log(formatAccuracyReport('simulated households', report));
    expect(report.total).toBeGreaterThan(10_000);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.99);
  });

  it('finds each true income stream as one stream with its rhythm for at least 90 % of streams', () => {
    const expected: Record<string, string> = { monthly: 'monthly', last_working_day: 'monthly', four_weekly: 'four-weekly', quarterly: 'quarterly' };
    let streams = 0;
    let found = 0;
    const misses: string[] = [];
    for (const d of debtors) {
      const past = d.transactions.filter((t) => t.bookingDate < AS_OF);
      const detected = detectRecurringStreams(categorise(past, { rules, ownIbans: d.ownIbans, accountHolderNames: d.accountHolderNames }), { asOf: AS_OF });
      // Payments of one payer and category belong to the true stream they fit best: the allowance its
      // remittance names, else the nearest regular amount (two earners at one employer).
      const truthStreams = d.household.truth.incomeStreams;
      const streamOf = (t: (typeof past)[number]) => {
        const rivals = truthStreams.filter((s) => s.payerIban === t.counterpartyIban && s.category === t.trueCategory);
        const named = rivals.find((s) => (t.remittanceUnstructured ?? '').toLowerCase().includes(s.kind.replace('_', ' ').replace('kindgebonden budget', 'kindgebonden')));
        return named ?? [...rivals].sort((x, y) => Math.abs(t.amountCents - x.regularAmountCents) - Math.abs(t.amountCents - y.regularAmountCents))[0];
      };
      for (const truth of truthStreams) {
        const paid = past.filter((t) => streamOf(t) === truth);
        if (paid.length < 3) continue;
        streams += 1;
        const paidIds = new Set(paid.map((t) => t.id));
        const best = [...detected].sort((x, y) => y.transactionIds.filter((id) => paidIds.has(id)).length - x.transactionIds.filter((id) => paidIds.has(id)).length)[0];
        const covered = best ? best.transactionIds.filter((id) => paidIds.has(id)).length : 0;
        // Partners with the same benefit from the same payer (two AOW payments a month) cannot be told
        // apart here; each of them should hold its share.
        const twins = truthStreams.filter((s) => s.payerIban === truth.payerIban && s.category === truth.category && s.regularAmountCents === truth.regularAmountCents).length;
        // Holiday pay and a partner's pay from the same employer may sit apart; most payments must be in the stream.
        if (best && best.frequency === expected[truth.schedule.rule] && covered >= (0.75 * paid.length) / twins) found += 1;
        else misses.push(`${d.household.debtorRef} ${truth.kind} ${truth.schedule.rule}: ${best?.frequency ?? 'none'} with ${covered}/${paid.length}`);
      }
    }
    console.log(`income streams found with their rhythm: ${found}/${streams} (${((found / streams) * 100).toFixed(1)} %)${misses.length ? `\n  ${misses.slice(0, 10).join('\n  ')}` : ''}`);
    expect(streams).toBeGreaterThan(100);
    expect(found / streams).toBeGreaterThanOrEqual(0.9);
  });

  it('predicts the next payday within 2 days for at least 95 % of salaried debtors', () => {
    let salaried = 0;
    let withinTwoDays = 0;
    const misses: string[] = [];
    for (const d of debtors) {
      const past = d.transactions.filter((t) => t.bookingDate < AS_OF);
      const future = d.transactions.filter((t) => t.bookingDate >= AS_OF);
      const categorised = categorise(past, { rules, ownIbans: d.ownIbans, accountHolderNames: d.accountHolderNames });
      const { incomeDays } = detectIncomeDays(categorised, { asOf: AS_OF });
      for (const stream of d.household.truth.incomeStreams.filter((s) => s.kind === 'salary' && s.earner === 'debtor')) {
        const paid = past.filter((t) => t.counterpartyIban === stream.payerIban && t.trueCategory === 'income.salary');
        const nextTrue = future.filter((t) => t.counterpartyIban === stream.payerIban && t.trueCategory === 'income.salary').sort((a, b) => (a.bookingDate < b.bookingDate ? -1 : 1))[0];
        if (paid.length === 0 || !nextTrue) continue;
        salaried += 1;
        // The income day that holds most of this salary's payments.
        const paidIds = new Set(paid.map((t) => t.id));
        const overlap = (ids: string[]) => ids.filter((id) => paidIds.has(id)).length;
        const day = [...incomeDays].sort((x, y) => overlap(y.transactionIds) - overlap(x.transactionIds))[0];
        const predicted = day?.nextDates[0];
        if (predicted && Math.abs(diffDays(predicted, nextTrue.bookingDate)) <= 2) withinTwoDays += 1;
        else misses.push(`${d.household.debtorRef}: predicted ${predicted ?? 'none'}, paid ${nextTrue.bookingDate} (${JSON.stringify(stream.schedule)})`);
      }
    }
    console.log(`payday within ±2 days: ${withinTwoDays}/${salaried} salaried debtors (${((withinTwoDays / salaried) * 100).toFixed(1)} %)${misses.length ? `\n  ${misses.slice(0, 10).join('\n  ')}` : ''}`);
    expect(salaried).toBeGreaterThan(50);
    expect(withinTwoDays / salaried).toBeGreaterThanOrEqual(0.95);
  });
});
