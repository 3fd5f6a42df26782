import { describe, expect, it } from 'vitest';
import { shiftToWorkingDay } from '../../src/analytics/calendar/dutch-holidays.js';
import { detectIncomeDays, upcomingDates } from '../../src/analytics/income-days.js';
import { addDays, addMonths } from '../../src/platform/dates.js';
import { categorised } from './transaction-builder.js';

describe('income days', () => {
  it('learns a salary paid on the 25th, moved to the working day before', () => {
    const salary = Array.from({ length: 6 }, (_, m) =>
      categorised('income.salary', { bookingDate: shiftToWorkingDay(addMonths('2024-08-25', m), 'previous'), amountCents: 250_000, counterpartyName: 'Acme B.V.' }),
    );
    expect(salary.map((t) => t.bookingDate)).toContain('2024-08-23');
    const { incomeDays, primary } = detectIncomeDays(salary, { asOf: '2025-02-01' });
    expect(incomeDays).toHaveLength(1);
    expect(primary).toMatchObject({
      source: 'learned',
      category: 'income.salary',
      schedule: { kind: 'day-of-month', dayOfMonth: 25, shift: 'previous' },
      exactHitRate: 1,
      // 25 May 2025 is a Sunday: Friday the 23rd.
      nextDates: ['2025-02-25', '2025-03-25', '2025-04-25'],
    });
    expect(upcomingDates(primary!.schedule, '2025-05-01', 1)).toEqual(['2025-05-23']);
  });

  it('learns a last-working-day salary as day 31 moved back', () => {
    const salary = ['2024-09-30', '2024-10-31', '2024-11-29', '2024-12-31', '2025-01-31'].map((d) => categorised('income.salary', { bookingDate: d, amountCents: 300_000, counterpartyName: 'Rijksoverheid' }));
    const { primary } = detectIncomeDays(salary, { asOf: '2025-02-03' });
    expect(primary).toMatchObject({ schedule: { kind: 'day-of-month', dayOfMonth: 31, shift: 'previous' }, nextDates: ['2025-02-28', '2025-03-31', '2025-04-30'] });
  });

  it('learns a four-weekly anchor', () => {
    const pay = Array.from({ length: 6 }, (_, k) => categorised('income.salary', { bookingDate: addDays('2024-09-06', 28 * k), amountCents: 180_000, counterpartyName: 'Randstad' }));
    const { primary } = detectIncomeDays(pay, { asOf: '2025-01-30' });
    expect(primary).toMatchObject({ source: 'learned', schedule: { kind: 'four-weekly', shift: 'previous' }, nextDates: ['2025-02-21', '2025-03-21', '2025-04-17'] });
  });

  it('falls back to the allowance calendar when there is only one payment, and says so', () => {
    const first = categorised('income.allowance', { bookingDate: '2025-01-20', amountCents: 12_300, counterpartyName: 'Belastingdienst Toeslagen', remittanceUnstructured: 'ZORGTOESLAG' });
    const { incomeDays } = detectIncomeDays([first], { asOf: '2025-02-01' });
    expect(incomeDays).toHaveLength(1);
    expect(incomeDays[0]).toMatchObject({
      source: 'calendar',
      status: 'single',
      calendarRule: { estimate: false },
      schedule: { kind: 'day-of-month', dayOfMonth: 20, shift: 'next' },
      // 20 April 2025 is Easter Sunday and the 21st Easter Monday: the 22nd.
      nextDates: ['2025-02-20', '2025-03-20', '2025-04-22'],
    });
  });

  it('uses the calendar for a stream too short to learn from (two AOW payments)', () => {
    const aow = ['2024-12-23', '2025-01-23'].map((d) => categorised('income.benefit_svb', { bookingDate: d, amountCents: 150_000, counterpartyName: 'Sociale Verzekeringsbank' }));
    const { incomeDays } = detectIncomeDays(aow, { asOf: '2025-02-01' });
    expect(incomeDays[0]).toMatchObject({ source: 'calendar', status: 'early', calendarRule: { estimate: true }, schedule: { dayOfMonth: 23 } });
  });

  it('learns quarterly child benefit in its months only', () => {
    const benefit = ['2024-04-01', '2024-07-01', '2024-10-01', '2025-01-02'].map((d) => categorised('income.child_benefit', { bookingDate: d, amountCents: 29_000, counterpartyName: 'Sociale Verzekeringsbank' }));
    const { incomeDays } = detectIncomeDays(benefit, { asOf: '2025-02-01' });
    expect(incomeDays[0]).toMatchObject({ source: 'learned', schedule: { kind: 'day-of-month', dayOfMonth: 1, shift: 'next', months: [1, 4, 7, 10] }, nextDates: ['2025-04-01', '2025-07-01', '2025-10-01'] });
  });

  it('ignores money in that is not income (refunds, own transfers)', () => {
    const refunds = ['2024-10-10', '2024-11-10', '2024-12-10'].map((d) => categorised('income.refund', { bookingDate: d, amountCents: 1_000, counterpartyName: 'Bol.com' }));
    expect(detectIncomeDays(refunds, { asOf: '2025-01-01' }).incomeDays).toEqual([]);
  });
});
