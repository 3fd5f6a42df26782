import { dayNumberOfIso, isoOfDayNumber } from './day-number.js';

/** ISO calendar dates ("2026-11-23") are the only date form in the domain; times appear only in audit timestamps. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date: "2026-02-30" is not one. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

export function daysInMonth(year: number, month1: number): number {
  return new Date(Date.UTC(year, month1, 0)).getUTCDate();
}

/** Builds an ISO date from parts, or null when the parts do not name a real day. */
export function isoDateFromParts(year: number, month1: number, day: number): IsoDate | null {
  if (!Number.isInteger(year) || !Number.isInteger(month1) || !Number.isInteger(day)) return null;
  if (year < 1900 || year > 2999 || month1 < 1 || month1 > 12 || day < 1 || day > daysInMonth(year, month1)) return null;
  return `${String(year).padStart(4, '0')}-${String(month1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Days since 1970-01-01, by arithmetic on the digits: analytics converts dates thousands of times per
 * report, and a regular expression plus a Date object per call dominated its run time.
 */
export function toDayNumber(date: IsoDate): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) throw new RangeError(`not an ISO date: ${date}`);
  for (const i of DIGIT_POSITIONS) {
    const c = date.charCodeAt(i);
    if (c < 48 || c > 57) throw new RangeError(`not an ISO date: ${date}`);
  }
  return dayNumberOfIso(date);
}

const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9];

export function fromDayNumber(day: number): IsoDate {
  return isoOfDayNumber(day);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

export function diffDays(later: IsoDate, earlier: IsoDate): number {
  return toDayNumber(later) - toDayNumber(earlier);
}

/** Adds calendar months, clamping the day to the month's end (Jan 31 + 1 month → Feb 28/29). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  return isoDateFromParts(ny, nm, Math.min(d, daysInMonth(ny, nm)))!;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: IsoDate): number {
  return (toDayNumber(date) + 4) % 7;
}

export function isWeekend(date: IsoDate): boolean {
  const w = weekday(date);
  return w === 0 || w === 6;
}

/** Converts an ISO date-time with offset to the calendar date it has in that offset ("2017-04-05T10:43:07+00:00" → "2017-04-05"). */
export function dateOfDateTime(value: string): IsoDate | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$/.exec(value.trim());
  if (!m || !isIsoDate(m[1]!)) return null;
  return m[1]!;
}
