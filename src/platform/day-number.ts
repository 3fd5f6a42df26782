/**
 * Calendar arithmetic on day numbers (days since 1970-01-01) without Date objects or string
 * parsing: rhythm fitting and payday learning evaluate thousands of candidate dates per debtor, and
 * building an ISO string for each would dominate the report's run time. Same day numbers as
 * platform/dates.ts toDayNumber/fromDayNumber.
 *
 * The conversions are Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
 */
import type { IsoDate } from './dates.js';

export function dayNumberOf(year: number, month1: number, day: number): number {
  const y = month1 <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month1 + (month1 > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function civilOf(dayNumber: number): CivilDate {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** "2025-03-07" → its day number, reading the digits directly (the input is a valid ISO date). */
export function dayNumberOfIso(date: IsoDate): number {
  // Inline digit arithmetic, no helper closure: this runs tens of thousands of times per report.
  const year = (date.charCodeAt(0) - 48) * 1000 + (date.charCodeAt(1) - 48) * 100 + (date.charCodeAt(2) - 48) * 10 + (date.charCodeAt(3) - 48);
  const month = (date.charCodeAt(5) - 48) * 10 + (date.charCodeAt(6) - 48);
  const day = (date.charCodeAt(8) - 48) * 10 + (date.charCodeAt(9) - 48);
  return dayNumberOf(year, month, day);
}

export function isoOfDayNumber(dayNumber: number): IsoDate {
  const { year, month, day } = civilOf(dayNumber);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

export function daysInMonthOf(year: number, month1: number): number {
  if (month1 === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month1 === 4 || month1 === 6 || month1 === 9 || month1 === 11 ? 30 : 31;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOfDayNumber(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** The day number of `day` in the month `monthsAfter` months after (year, month1), clamped to that month's end. */
export function dayInMonthAfter(year: number, month1: number, monthsAfter: number, day: number): number {
  const total = year * 12 + (month1 - 1) + monthsAfter;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return dayNumberOf(y, m, Math.min(day, daysInMonthOf(y, m)));
}
