import { describe, expect, it } from 'vitest';
import { shiftToWorkingDay } from '../../src/analytics/calendar/dutch-holidays.js';
import { detectCadence } from '../../src/analytics/streams/cadence.js';
import { detectRecurringStreams } from '../../src/analytics/streams/detect-streams.js';
import { addDays, addMonths } from '../../src/platform/dates.js';
import { categorised } from './transaction-builder.js';

const employer = { counterpartyName: 'Acme B.V.', counterpartyIban: 'NL02ABNA0123456789' };

/** Monthly on the 25th, paid on the working day before when the 25th is a weekend day or holiday. */
function monthlySalary(from: string, months: number, amount = 250_000) {
  return Array.from({ length: months }, (_, m) => categorised('income.salary', { bookingDate: shiftToWorkingDay(addMonths(from, m), 'previous'), amountCents: amount, ...employer }));
}

describe('cadence detection', () => {
  it.each([
    ['monthly with weekend shifts', ['2025-01-24', '2025-02-25', '2025-03-25', '2025-04-25', '2025-05-23', '2025-06-25'], 'monthly'],
    ['four-weekly', ['2025-01-03', '2025-01-31', '2025-02-28', '2025-03-28', '2025-04-25'], 'four-weekly'],
    ['weekly', ['2025-01-03', '2025-01-10', '2025-01-17', '2025-01-24', '2025-01-31'], 'weekly'],
    ['quarterly', ['2025-01-02', '2025-04-01', '2025-07-01', '2025-10-01'], 'quarterly'],
    ['yearly', ['2022-05-24', '2023-05-25', '2024-05-24', '2025-05-23'], 'yearly'],
    ['a 28-day gap in February is still monthly', ['2025-02-25', '2025-03-25'], 'monthly'],
    ['one missed month is still monthly', ['2025-01-25', '2025-02-25', '2025-04-25', '2025-05-25'], 'monthly'],
  ])('%s', (_name, dates, frequency) => {
    expect(detectCadence(dates)?.frequency).toBe(frequency);
  });

  it('finds no rhythm in irregular dates', () => {
    expect(detectCadence(['2025-01-02', '2025-01-05', '2025-01-19', '2025-02-01', '2025-02-03', '2025-03-14'])).toBeNull();
  });
});

describe('recurring streams', () => {
  it('finds a monthly salary with weekend shifts: mature, next date on the grid, monthly amount', () => {
    const salary = monthlySalary('2024-06-25', 8);
    const [stream] = detectRecurringStreams(salary, { asOf: '2025-02-10' });
    expect(stream).toMatchObject({
      direction: 'in',
      category: 'income.salary',
      frequency: 'monthly',
      status: 'mature',
      occurrences: 8,
      firstDate: '2024-06-25',
      lastDate: '2025-01-24',
      monthlyEquivalentCents: 250_000,
      predictedNext: { date: '2025-02-25' },
      transactionIds: salary.map((t) => t.id),
    });
    expect(stream!.amount.coefficientOfVariation).toBe(0);
    expect(stream!.predictedNext!.windowDays).toBeGreaterThanOrEqual(1);
    expect(stream!.predictedNext!.windowDays).toBeLessThanOrEqual(3);
  });

  it('finds a four-weekly salary and counts 13 payments a year in its monthly amount', () => {
    const pay = Array.from({ length: 6 }, (_, k) => categorised('income.salary', { bookingDate: addDays('2024-09-06', 28 * k), amountCents: 180_000, counterpartyName: 'Randstad' }));
    const [stream] = detectRecurringStreams(pay, { asOf: '2025-01-30' });
    expect(stream).toMatchObject({ frequency: 'four-weekly', status: 'mature', lastDate: '2025-01-24', predictedNext: { date: '2025-02-21' } });
    expect(stream!.monthlyEquivalentCents).toBe(Math.round((180_000 * 365.2425) / 28 / 12));
  });

  it('finds quarterly child benefit', () => {
    const benefit = ['2024-04-01', '2024-07-01', '2024-10-01', '2025-01-02'].map((d) => categorised('income.child_benefit', { bookingDate: d, amountCents: 29_000, counterpartyName: 'Sociale Verzekeringsbank' }));
    const [stream] = detectRecurringStreams(benefit, { asOf: '2025-02-01' });
    expect(stream).toMatchObject({ frequency: 'quarterly', status: 'mature', monthlyEquivalentCents: 9_667 });
    expect(stream!.predictedNext!.date >= '2025-03-28' && stream!.predictedNext!.date <= '2025-04-05').toBe(true);
  });

  it('keeps noisy amounts in one stream and reports their variation', () => {
    const amounts = [14_200, 15_900, 13_800, 16_500, 15_100, 14_700];
    const energy = amounts.map((a, m) => categorised('expense.energy', { bookingDate: addMonths('2024-07-05', m), amountCents: -a, counterpartyName: 'Vattenfall', creditorId: 'NL98ZZZ302040710000' }));
    const streams = detectRecurringStreams(energy, { asOf: '2025-01-10' });
    expect(streams).toHaveLength(1);
    const mean = amounts.reduce((x, y) => x + y, 0) / amounts.length;
    const sd = Math.sqrt(amounts.reduce((x, y) => x + (y - mean) ** 2, 0) / amounts.length);
    expect(streams[0]).toMatchObject({ direction: 'out', frequency: 'monthly', monthlyEquivalentCents: -Math.round(mean) });
    expect(streams[0]!.amount.coefficientOfVariation).toBeCloseTo(sd / mean, 10);
  });

  it('separates two allowances the same payer credits on the same day', () => {
    const txs = Array.from({ length: 4 }, (_, m) => {
      const date = shiftToWorkingDay(addMonths('2024-10-20', m), 'next');
      return [
        categorised('income.allowance', { bookingDate: date, amountCents: 12_300, counterpartyName: 'Belastingdienst Toeslagen', counterpartyIban: 'NL86INGB0002445588' }),
        categorised('income.allowance', { bookingDate: date, amountCents: 41_000, counterpartyName: 'Belastingdienst Toeslagen', counterpartyIban: 'NL86INGB0002445588' }),
      ];
    }).flat();
    const streams = detectRecurringStreams(txs, { asOf: '2025-02-01' });
    expect(streams.map((s) => [s.frequency, s.amount.meanCents]).sort()).toEqual([
      ['monthly', 12_300],
      ['monthly', 41_000],
    ]);
  });

  it('keeps a yearly settlement out of the monthly instalments of the same supplier', () => {
    const monthly = Array.from({ length: 6 }, (_, m) => categorised('expense.energy', { bookingDate: addMonths('2024-07-05', m), amountCents: -12_000, counterpartyName: 'Eneco', counterpartyIban: 'NL39RABO0300065264' }));
    const settlement = categorised('expense.energy', { bookingDate: '2024-09-19', amountCents: -48_000, counterpartyName: 'Eneco', counterpartyIban: 'NL39RABO0300065264' });
    const streams = detectRecurringStreams([...monthly, settlement], { asOf: '2025-01-10' });
    expect(streams).toHaveLength(1);
    expect(streams[0]).toMatchObject({ frequency: 'monthly', occurrences: 6 });
    expect(streams[0]!.transactionIds).not.toContain(settlement.id);
  });

  it('keeps a raise in one salary stream', () => {
    const before = monthlySalary('2024-06-25', 4, 250_000);
    const after = monthlySalary('2024-10-25', 4, 320_000);
    const streams = detectRecurringStreams([...before, ...after], { asOf: '2025-02-05' });
    expect(streams).toHaveLength(1);
    expect(streams[0]).toMatchObject({ frequency: 'monthly', occurrences: 8 });
  });

  it('calls a stream early with two payments and inactive when the next one is overdue', () => {
    const two = monthlySalary('2024-11-25', 2);
    expect(detectRecurringStreams(two, { asOf: '2025-01-05' })[0]!.status).toBe('early');
    const stopped = monthlySalary('2024-05-24', 5);
    const [stream] = detectRecurringStreams(stopped, { asOf: '2025-01-05' });
    expect(stream).toMatchObject({ status: 'inactive', lastDate: '2024-09-24', predictedNext: { date: '2024-10-24' } });
  });

  it('reports irregular spending as an irregular stream with a monthly average', () => {
    const dates = ['2025-01-02', '2025-01-05', '2025-01-19', '2025-02-01', '2025-02-03', '2025-03-14'];
    const shopping = dates.map((d) => categorised('expense.groceries', { bookingDate: d, amountCents: -3_000, counterpartyName: 'ALBERT HEIJN 1234 AMSTERDAM' }));
    const [stream] = detectRecurringStreams(shopping, { asOf: '2025-03-20' });
    expect(stream).toMatchObject({ frequency: 'irregular', counterpartyKey: 'name:albert heijn', occurrences: 6 });
    expect(stream!.monthlyEquivalentCents).toBeLessThan(0);
    expect(stream!.predictedNext).not.toBeNull();
  });
});
