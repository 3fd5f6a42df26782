import { describe, expect, it } from 'vitest';
import { easterSunday, holidaysInYear, isWorkingDay, shiftToWorkingDay } from '../../src/analytics/calendar/dutch-holidays.js';

describe('Dutch holiday calendar', () => {
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2019, '2019-04-21'],
  ])('computes Easter %i on %s', (year, date) => {
    expect(easterSunday(year)).toBe(date);
  });

  it('lists the 2025 holidays, King’s Day moved to Saturday 26 April because the 27th is a Sunday, Liberation Day in a lustrum year', () => {
    expect(holidaysInYear(2025).map((h) => `${h.date} ${h.id}`)).toEqual([
      '2025-01-01 new-year',
      '2025-04-18 good-friday',
      '2025-04-21 easter-monday',
      '2025-04-26 kings-day',
      '2025-05-01 labour-day',
      '2025-05-05 liberation-day',
      '2025-05-29 ascension',
      '2025-06-09 whit-monday',
      '2025-12-25 christmas',
      '2025-12-26 boxing-day',
    ]);
  });

  it('has no Liberation Day outside lustrum years and Queen’s Day before 2014', () => {
    expect(holidaysInYear(2024).some((h) => h.id === 'liberation-day')).toBe(false);
    expect(holidaysInYear(2013).find((h) => h.id === 'queens-day')?.date).toBe('2013-04-30');
    expect(holidaysInYear(2013).some((h) => h.id === 'kings-day')).toBe(false);
  });

  it.each([
    ['2025-12-25', 'next', '2025-12-29'],
    ['2025-12-25', 'previous', '2025-12-24'],
    ['2025-04-20', 'next', '2025-04-22'],
    ['2025-04-20', 'previous', '2025-04-17'],
    ['2025-09-20', 'next', '2025-09-22'],
    ['2025-05-25', 'previous', '2025-05-23'],
    ['2025-03-20', 'next', '2025-03-20'],
  ] as const)('moves %s to the %s working day: %s', (date, shift, expected) => {
    expect(shiftToWorkingDay(date, shift)).toBe(expected);
  });

  it('knows weekend days and holidays are no working days', () => {
    expect(isWorkingDay('2025-05-29')).toBe(false);
    expect(isWorkingDay('2025-05-30')).toBe(true);
    expect(isWorkingDay('2025-05-31')).toBe(false);
  });
});
