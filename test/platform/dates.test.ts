import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, diffDays, isIsoDate, isoDateFromParts, weekday, dateOfDateTime } from '../../src/platform/dates.js';

describe('ISO dates', () => {
  it('knows which days exist', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isoDateFromParts(2026, 2, 30)).toBeNull();
  });

  it('adds months with end-of-month clamping', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(addMonths('2026-03-15', -3)).toBe('2025-12-15');
  });

  it('knows weekdays (2026-11-23 is a Monday)', () => {
    expect(weekday('2026-11-23')).toBe(1);
    expect(weekday('2026-11-22')).toBe(0);
  });

  it('reads the calendar date of a date-time', () => {
    expect(dateOfDateTime('2017-04-05T10:43:07+00:00')).toBe('2017-04-05');
    expect(dateOfDateTime('2017-02-30T10:00:00Z')).toBeNull();
  });

  it('adds and diffs days consistently (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1950-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.integer({ min: -5000, max: 5000 }), (date, days) => {
        const iso = date.toISOString().slice(0, 10);
        const later = addDays(iso, days);
        expect(isIsoDate(later)).toBe(true);
        expect(diffDays(later, iso)).toBe(days);
      }),
    );
  });
});
