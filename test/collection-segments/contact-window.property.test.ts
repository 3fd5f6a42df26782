/**
 * The contact window's promises for any monthly payday and any asOf in 2025–2028: it starts on a
 * working day, on or after asOf, strictly after the income arrival it follows, and ends before the
 * quiet days ahead of the next arrival.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWorkingDay, shiftToWorkingDay } from '../../src/analytics/calendar/dutch-holidays.js';
import type { IncomeDay } from '../../src/analytics/income-days.js';
import { contactWindow } from '../../src/collection-segments/index.js';
import { addDays, addMonths, diffDays, isoDateFromParts } from '../../src/platform/dates.js';

function monthlyIncome(dayOfMonth: number, asOf: string): IncomeDay {
  // Paydays on the day of the month, moved to the working day before (as most employers do).
  const paydays = Array.from({ length: 8 }, (_, i) => {
    const month = addMonths(`${asOf.slice(0, 7)}-01`, i - 3);
    const [y, m] = month.split('-').map(Number) as [number, number];
    const date = isoDateFromParts(y, m, Math.min(dayOfMonth, 28))!;
    return shiftToWorkingDay(date, 'previous');
  });
  return {
    streamId: 's',
    category: 'income.salary',
    counterpartyName: 'Werkgever',
    source: 'learned',
    calendarRule: null,
    schedule: { kind: 'day-of-month', dayOfMonth, shift: 'previous', months: null },
    status: 'mature',
    observedDates: paydays.filter((d) => d <= asOf),
    exactHitRate: 1,
    windowDays: 1,
    nextDates: paydays.filter((d) => d >= asOf).slice(0, 3),
    monthlyEquivalentCents: 200_000,
    transactionIds: [],
  };
}

describe('contactWindow properties', () => {
  it('starts on a working day on or after asOf, after the arrival, and ends before the quiet days', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 * 365 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 7 }), (offset, dayOfMonth, windowWorkingDays, quietDaysBeforeIncome) => {
        const asOf = addDays('2025-01-01', offset);
        const w = contactWindow({ asOf, incomeDays: [monthlyIncome(dayOfMonth, asOf)], windowWorkingDays, quietDaysBeforeIncome });
        expect(w.basis).toBe('main_income');
        expect(isWorkingDay(w.from)).toBe(true);
        expect(isWorkingDay(w.until)).toBe(true);
        expect(w.from >= asOf).toBe(true);
        expect(w.until >= w.from).toBe(true);
        expect(w.from > w.incomeArrival!).toBe(true);
        // Never in the quiet days before the next income.
        expect(diffDays(w.nextIncomeArrival!, w.until)).toBeGreaterThan(quietDaysBeforeIncome);
        // The window opens on the first working day after the arrival, or on the first working day from asOf when that is later.
        for (let d = addDays(w.incomeArrival!, 1); d < w.from; d = addDays(d, 1)) expect(isWorkingDay(d) && d >= asOf).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
