/**
 * The affordability report end to end, on a household built by hand so every figure can be
 * computed on paper (see the comments), plus properties that must hold for any household.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnalysisTransaction } from '../../src/analytics/analysis-input.js';
import { DEFAULT_RULE_SET } from '../../src/analytics/categorisation/default-rules.js';
import { shiftToWorkingDay } from '../../src/analytics/calendar/dutch-holidays.js';
import { assessAffordability } from '../../src/affordability/assess-affordability.js';
import { normsAt } from '../../src/affordability/norms/norms.js';
import { computeProtectedAmount } from '../../src/affordability/protected-income.js';
import { addMonths } from '../../src/platform/dates.js';
import { DEBTOR_IBAN, tx } from '../analytics/transaction-builder.js';

const MONTHS = ['2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12'];

/**
 * A single person, July–December 2024, each month:
 * salary 2,500.00 (2,000.00 in October and November: unpaid leave), rent 900.00, energy 120.00,
 * health insurance 140.00, phone 45.00 (fixed 1,205.00); groceries 4 × 75.00 and train 2 × 20.00
 * (observed variable 340.00, below the single minimum 270.55 + 150.00 + 40.00 = 460.55, so 460.55
 * counts); Netflix 13.99 (discretionary); Klarna 50.00 (debt service).
 * Norms on 2025-01-10: bijstand norm 1,345.45 (2025-01-01), maxima of 2025-01-01 (single 2,071.24),
 * housing raise: rent 900.00, no housing allowance, minus the share in the norm 237.62 = 662.38,
 * capped at the one-person maximum 376.89.
 */
function household(): AnalysisTransaction[] {
  const list: AnalysisTransaction[] = [];
  for (const month of MONTHS) {
    const on = (day: number) => `${month}-${String(day).padStart(2, '0')}`;
    const salary = month === '2024-10' || month === '2024-11' ? 200_000 : 250_000;
    list.push(tx({ id: `salary-${month}`, bookingDate: shiftToWorkingDay(on(25), 'previous'), amountCents: salary, counterpartyName: 'Acme B.V.', counterpartyIban: 'NL44RABO0123456789', remittanceUnstructured: `Salaris ${month}` }));
    list.push(tx({ id: `rent-${month}`, bookingDate: on(1), amountCents: -90_000, counterpartyName: 'Ymere', creditorId: 'NL11ZZZ111111110000' }));
    list.push(tx({ id: `energy-${month}`, bookingDate: on(5), amountCents: -12_000, counterpartyName: 'Vattenfall' }));
    list.push(tx({ id: `health-${month}`, bookingDate: on(27), amountCents: -14_000, counterpartyName: 'Zilveren Kruis' }));
    list.push(tx({ id: `phone-${month}`, bookingDate: on(10), amountCents: -4_500, counterpartyName: 'KPN B.V.' }));
    for (const day of [3, 10, 17, 24]) list.push(tx({ id: `ah-${month}-${day}`, bookingDate: on(day), amountCents: -7_500, counterpartyName: 'ALBERT HEIJN 1234 AMSTERDAM' }));
    for (const day of [8, 22]) list.push(tx({ id: `ns-${month}-${day}`, bookingDate: on(day), amountCents: -2_000, counterpartyName: 'NS Groep IZ NS Reizigers' }));
    list.push(tx({ id: `netflix-${month}`, bookingDate: on(15), amountCents: -1_399, counterpartyName: 'Netflix International B.V.' }));
    list.push(tx({ id: `klarna-${month}`, bookingDate: on(12), amountCents: -5_000, counterpartyName: 'Klarna Bank AB' }));
  }
  list.push(tx({ id: 'ah-2025-01-07', bookingDate: '2025-01-07', amountCents: -6_000, counterpartyName: 'ALBERT HEIJN 1234 AMSTERDAM' }));
  return list;
}

const base = { balances: [], asOf: '2025-01-10', ownIbans: [DEBTOR_IBAN], norms: normsAt('2025-01-10'), rules: DEFAULT_RULE_SET };

describe('assessAffordability on a hand-computed household', () => {
  const report = assessAffordability({ ...base, transactions: household() });

  it('assesses the complete months before asOf that the data covers', () => {
    expect(report.monthsAssessed).toEqual(MONTHS);
  });

  it('computes each month', () => {
    // July: income 2,500.00; disposable 2,500.00 − 1,205.00 − 460.55 − 50.00 = 784.45;
    // protected: 1,278.18 + 60 % × (2,500.00 − 1,345.45) = 1,278.18 + 692.73 = 1,970.91, plus the housing
    // raise 376.89 = 2,347.80; headroom 152.20.
    expect(report.months[0]).toEqual({
      month: '2024-07',
      stableIncomeCents: 250_000,
      irregularIncomeCents: 0,
      incomeCents: 250_000,
      fixedEssentialCents: 120_500,
      variableEssentialObservedCents: 34_000,
      variableEssentialCents: 46_055,
      variableEssentialSource: 'norm',
      debtServiceCents: 5_000,
      discretionaryCents: 1_399,
      disposableCents: 78_445,
      protectedAmountCents: 234_780,
      affordableCents: 15_220,
    });
    // October: income 2,000.00; disposable 284.45; protected 1,278.18 + 60 % × 654.55 + 376.89 = 2,047.80, more than
    // the income, so all of the income (2,000.00) is protected: nothing left.
    expect(report.months[3]).toMatchObject({ incomeCents: 200_000, disposableCents: 28_445, protectedAmountCents: 200_000, affordableCents: 0 });
  });

  it('gives the range: low from the worse months, high from the average, never below the protected amount', () => {
    // Average income (4 × 2,500.00 + 2 × 2,000.00) / 6 = 2,333.33; protected 1,278.18 + 60 % × 987.88 + 376.89 = 2,247.80;
    // headroom 85.53; average disposable (4 × 784.45 + 2 × 284.45) / 6 = 617.78 → high 85.53.
    // Low: the 25th percentile (2nd of 6) of the monthly amounts [0, 0, 152.20 × 4] = 0.
    expect(report.average).toMatchObject({ incomeCents: 233_333, disposableCents: 61_778, protectedAmountCents: 224_780, variableEssentialNormMonths: 6 });
    expect(report.protectedAmount).toMatchObject({ band: 'middle', normCents: 134_545, baseCents: 127_818, compensationCents: 59_273 });
    expect(report.protectedAmount.housingRaise).toMatchObject({ housingCostsCents: 90_000, housingAllowanceCents: 0, shareInNormCents: 23_762, category: 'onePerson', raiseCents: 37_689 });
    expect(report.affordableInstalment).toEqual({ lowCents: 0, highCents: 8_553, lowPercentile: 25 });
  });

  it('infers nothing about the household and says a single person was assumed', () => {
    expect(report.household).toMatchObject({ composition: 'single', pensionAge: false, source: { composition: 'default', pensionAge: 'default' } });
    expect(report.notes.map((n) => n.en).join(' ')).toMatch(/single person was assumed/);
    expect(report.notes.map((n) => n.en).join(' ')).toMatch(/minimum for groceries/);
  });

  it('flags the BNPL use and nothing else', () => {
    expect(report.flags.map((f) => f.code)).toEqual(['bnpl_use']);
    expect(report.flags[0]!.transactionIds).toEqual(MONTHS.map((m) => `klarna-${m}`));
  });

  it('knows the payday', () => {
    const salary = report.incomeDays.find((d) => d.category === 'income.salary');
    expect(salary).toMatchObject({ source: 'learned', schedule: { dayOfMonth: 25, shift: 'previous' }, nextDates: ['2025-01-24', '2025-02-25', '2025-03-25'] });
  });

  it('explains the amount in plain Dutch and English, with the figures', () => {
    expect(report.explanation.nl).toContain('We bekeken 6 hele maanden: juli 2024 tot en met december 2024.');
    expect(report.explanation.nl).toContain('beslagvrije voet');
    expect(report.explanation.nl).toContain('€ 2.247,80');
    expect(report.explanation.nl).toContain('Daarom komt er € 376,89 bij de beslagvrije voet.');
    expect(report.explanation.nl).toContain('U kunt daarom € 0,00 tot € 85,53 per maand betalen.');
    expect(report.explanation.en).toContain('€0.00 to €85.53 a month');
    // B1: short sentences.
    for (const sentence of report.explanation.nl.split(/(?<=[.!?])\s+/)) expect(sentence.split(/\s+/).length, sentence).toBeLessThanOrEqual(25);
  });

  it('reports the norms it used, with their dates and sources', () => {
    expect(report.norms).toMatchObject({
      date: '2025-01-10',
      bijstandNorm: { validFrom: '2025-01-01', lastKnownKept: false },
      beslagvrijeVoet: { validFrom: '2025-01-01', lastKnownKept: false },
      protectedBase: { kind: 'bijstand_norm', validFrom: '2025-01-01', lastKnownKept: false },
      housingRaise: { validFrom: '2021-01-01', lastKnownKept: true },
      minimumLivingCosts: { estimate: true },
    });
    // The housing table has no later entry than 2021: the report says the last known one is kept.
    expect(report.notes.map((n) => n.en)).toContain('For the housing-cost table the figures valid from 2021-01-01 were used: no later figures are known, so the last known are kept; the amount in force may be higher.');
    expect(report.rulesVersion).toBe(DEFAULT_RULE_SET.version);
  });
});

describe('household composition', () => {
  it('infers children from child benefit and says which transactions showed it', () => {
    const transactions = [...household(), tx({ id: 'kb', bookingDate: '2024-10-01', amountCents: 29_000, counterpartyName: 'Sociale Verzekeringsbank', remittanceUnstructured: 'Kinderbijslag 3e kwartaal' })];
    const report = assessAffordability({ ...base, transactions });
    expect(report.household).toMatchObject({ composition: 'single_parent', source: { composition: 'inferred' } });
    expect(report.household.evidence).toEqual([expect.objectContaining({ code: 'child_benefit', transactionIds: ['kb'] })]);
  });

  it('infers a partner from a joint account', () => {
    const report = assessAffordability({ ...base, transactions: household(), accountHolderNames: ['J Jansen en M de Vries'] });
    expect(report.household.composition).toBe('couple');
  });

  it('takes the caller’s household over the data', () => {
    const report = assessAffordability({ ...base, transactions: household(), household: { composition: 'couple_with_children' } });
    expect(report.household).toMatchObject({ composition: 'couple_with_children', source: { composition: 'caller' } });
    expect(report.protectedAmount.maximumCents).toBe(285_596); // couple with children, 2025-01-01
  });
});

describe('thin or missing data', () => {
  it('assesses nothing without transactions, and says so', () => {
    const report = assessAffordability({ ...base, transactions: [] });
    expect(report.monthsAssessed).toEqual([]);
    expect(report.affordableInstalment).toEqual({ lowCents: 0, highCents: 0, lowPercentile: 25 });
    expect(report.flags.map((f) => f.code)).toEqual(['stale_data', 'short_history']);
    expect(report.explanation.nl).toMatch(/geen hele maand/);
  });

  it('leaves out a first month the data does not cover', () => {
    const transactions = household().filter((t) => t.bookingDate >= '2024-07-20');
    expect(assessAffordability({ ...base, transactions }).monthsAssessed).toEqual(MONTHS.slice(1));
  });
});

describe('properties', () => {
  it('never takes income below the protected amount, and low never exceeds high', () => {
    const norms = normsAt('2025-01-10');
    fc.assert(
      fc.property(
        fc.array(fc.record({ salary: fc.integer({ min: 0, max: 800_000 }), rent: fc.integer({ min: 0, max: 250_000 }), groceries: fc.integer({ min: 0, max: 150_000 }) }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('single', 'single_parent', 'couple', 'couple_with_children' as const),
        (months, composition) => {
          const transactions: AnalysisTransaction[] = [];
          months.forEach((m, i) => {
            const monthStart = addMonths('2024-07-01', i);
            if (m.salary > 0) transactions.push(tx({ bookingDate: addMonths('2024-07-24', i), amountCents: m.salary, counterpartyName: 'Acme B.V.', remittanceUnstructured: 'Salaris' }));
            if (m.rent > 0) transactions.push(tx({ bookingDate: monthStart, amountCents: -m.rent, counterpartyName: 'Ymere' }));
            if (m.groceries > 0) transactions.push(tx({ bookingDate: addMonths('2024-07-10', i), amountCents: -m.groceries, counterpartyName: 'Jumbo' }));
            transactions.push(tx({ bookingDate: monthStart, amountCents: -100, remittanceUnstructured: 'Kosten OranjePakket' }));
          });
          const asOf = addMonths('2024-07-05', months.length);
          const report = assessAffordability({ ...base, asOf, norms, transactions, household: { composition } });
          const { lowCents, highCents } = report.affordableInstalment;
          expect(lowCents).toBeGreaterThanOrEqual(0);
          expect(lowCents).toBeLessThanOrEqual(highCents);
          const average = report.average.incomeCents;
          const protectedAverage = computeProtectedAmount({ netIncomeCents: average, household: composition, pensionAge: false, norms }).protectedCents;
          expect(average - highCents).toBeGreaterThanOrEqual(protectedAverage);
          for (const month of report.months) expect(month.incomeCents - month.affordableCents).toBeGreaterThanOrEqual(month.protectedAmountCents);
        },
      ),
      { numRuns: 150 },
    );
  });
});
