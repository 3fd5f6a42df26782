/**
 * The affordability report against the synthetic world's truth.
 *
 * The world's affordable amount is stable income (regular amounts, no holiday pay) minus essential
 * costs (fixed essentials plus groceries and transport at the household's floor, the least it
 * spends when it must cut back) minus contractual debt service. The report reads what the data
 * shows: holiday pay and refunds count as income, and groceries, transport and cash count as
 * actually spent (never below the norm). So the report is expected to be lower than the truth, a
 * cautious error, and the tolerances say how far off it may be:
 * - the median absolute error is at most 15 % of the household's stable income;
 * - it exceeds the truth by more than 10 % of stable income for at most 5 % of households.
 * Both compare the report's average disposable income (not yet capped by the protected amount,
 * which the world's truth does not apply) over the assessed months with the truth's average for the same months.
 */
import { describe, expect, it } from 'vitest';
import { compileRuleSet } from '../../src/analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../../src/analytics/categorisation/default-rules.js';
import { assessAffordability } from '../../src/affordability/assess-affordability.js';
import { normsAt } from '../../src/affordability/norms/norms.js';
import { simulatedDebtors } from '../analytics/simulated-world.js';

const AS_OF = '2026-01-01';

describe('affordability on the synthetic world', () => {
  it('estimates the affordable amount within the stated tolerances, erring low', () => {
    const debtors = simulatedDebtors({ households: 150, months: 14, seed: 7_777, startDate: '2025-01-01' });
    const rules = compileRuleSet(DEFAULT_RULE_SET);
    const norms = normsAt(AS_OF);
    const relativeErrors: number[] = [];
    let overByMoreThanTenPercent = 0;
    let signedSum = 0;
    for (const d of debtors) {
      const past = d.transactions.filter((t) => t.bookingDate < AS_OF);
      const report = assessAffordability({
        transactions: past,
        balances: [],
        asOf: AS_OF,
        ownIbans: d.ownIbans,
        accountHolderNames: d.accountHolderNames,
        norms,
        rules,
        household: { composition: d.household.composition },
      });
      const truth = d.household.truth.affordabilityByMonth.filter((m) => report.monthsAssessed.includes(m.month.slice(0, 7)));
      if (truth.length < 6) continue;
      const truthAffordable = truth.reduce((a, m) => a + m.affordableCents, 0) / truth.length;
      const truthIncome = truth.reduce((a, m) => a + m.stableIncomeCents, 0) / truth.length;
      if (truthIncome <= 0) continue;
      const estimate = Math.max(0, report.average.disposableCents);
      relativeErrors.push(Math.abs(estimate - truthAffordable) / truthIncome);
      signedSum += estimate - truthAffordable;
      if (estimate - truthAffordable > 0.1 * truthIncome) overByMoreThanTenPercent += 1;
      // Whatever the estimate, the instalment range never reaches into the protected amount.
      expect(report.average.incomeCents - report.affordableInstalment.highCents).toBeGreaterThanOrEqual(report.protectedAmount.protectedCents);
    }
    relativeErrors.sort((a, b) => a - b);
    const medianError = relativeErrors[Math.floor(relativeErrors.length / 2)]!;
    const p90Error = relativeErrors[Math.floor(relativeErrors.length * 0.9)]!;
    console.log(
      `affordable amount vs truth over ${relativeErrors.length} households: median |error| ${(medianError * 100).toFixed(1)} % of stable income, ` +
        `p90 ${(p90Error * 100).toFixed(1)} %, mean signed error ${Math.round(signedSum / relativeErrors.length) / 100} EUR, ` +
        `over by more than 10 %: ${overByMoreThanTenPercent}`,
    );
    expect(relativeErrors.length).toBeGreaterThan(100);
    expect(medianError).toBeLessThanOrEqual(0.15);
    expect(overByMoreThanTenPercent / relativeErrors.length).toBeLessThanOrEqual(0.05);
  });
});
