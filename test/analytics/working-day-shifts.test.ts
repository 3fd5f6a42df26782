/**
 * The remembered working-day shifts must answer what walking day by day answers: payday learning
 * and rhythm detection ask them instead of walking.
 */
import { describe, expect, it } from 'vitest';
import { isWorkingDayNumber, shiftDayNumberToWorkingDay, workingDayShifts } from '../../src/analytics/calendar/dutch-holidays.js';
import { dayNumberOfIso } from '../../src/platform/day-number.js';

function walk(day: number, step: 1 | -1): number {
  let shifted = day;
  for (let guard = 0; guard < 14 && !isWorkingDayNumber(shifted); guard += 1) shifted += step;
  return shifted;
}

describe('working-day shifts', () => {
  it('equal the walk to the next and previous working day for every day of 2019–2031, asked twice', () => {
    const first = dayNumberOfIso('2019-01-01');
    const last = dayNumberOfIso('2031-12-31');
    for (let round = 0; round < 2; round += 1) {
      for (let day = first; day <= last; day += 1) {
        expect(shiftDayNumberToWorkingDay(day, 'next')).toBe(walk(day, 1));
        expect(shiftDayNumberToWorkingDay(day, 'previous')).toBe(walk(day, -1));
        expect(shiftDayNumberToWorkingDay(day, 'none')).toBe(day);
      }
    }
  });

  it('walk for what is not a whole day number', () => {
    expect(workingDayShifts().next.shifted(20_000.5)).toBe(walk(20_000.5, 1));
  });
});
