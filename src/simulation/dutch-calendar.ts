/**
 * Working days and pay schedules of the synthetic world, on day numbers (days since 1970-01-01).
 *
 * A "working day" here is a day that is not a Saturday, a Sunday, a day named in art. 3 of the
 * Algemene termijnenwet (New Year's Day, Easter Monday, Ascension Day, Whit Monday, Christmas and
 * Boxing Day, King's Day and 5 May), or Good Friday. The Algemene termijnenwet list is the legal
 * meaning of "not a working day" in Dutch deadlines, the one payers such as the Belastingdienst
 * follow when they say "when the 20th is a weekend day or holiday, on the first working day after";
 * Good Friday is added because TARGET2, which settles euro payments, is closed that day, so no
 * salary or allowance can arrive on it.
 *
 * Employers pay salary before a closed day (previous working day); the Belastingdienst pays
 * allowances after it (next working day). A schedule names which.
 */
import { daysInMonth, toDayNumber, type IsoDate } from '../platform/dates.js';

const holidaysByYear = new Map<number, Set<number>>();

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumberOf(year, month, day);
}

export function dayNumberOf(year: number, month1: number, day: number): number {
  return Math.round(Date.UTC(year, month1 - 1, day) / 86_400_000);
}

/** The closed days of a year under the Algemene termijnenwet, as day numbers. */
export function dutchHolidays(year: number): Set<number> {
  let set = holidaysByYear.get(year);
  if (set) return set;
  const easter = easterSunday(year);
  // King's Day moves to the 26th when the 27th is a Sunday (Wet van 2013 on King's Day).
  const kingsDay27 = dayNumberOf(year, 4, 27);
  const kingsDay = weekdayOf(kingsDay27) === 0 ? kingsDay27 - 1 : kingsDay27;
  set = new Set([
    dayNumberOf(year, 1, 1),
    easter - 2,
    easter + 1,
    kingsDay,
    dayNumberOf(year, 5, 5),
    easter + 39,
    easter + 50,
    dayNumberOf(year, 12, 25),
    dayNumberOf(year, 12, 26),
  ]);
  holidaysByYear.set(year, set);
  return set;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * Calendar facts per day, precomputed for 2000–2099: the simulation asks for the day of the month
 * of every simulated day (billions of times for a large run with its Monte Carlo truth), and a Date
 * object per question would dominate the run time.
 */
const TABLE_START = dayNumberOf(2000, 1, 1);
const TABLE_END = dayNumberOf(2100, 1, 1);
let dayTable: { dayOfMonth: Uint8Array; month: Uint8Array; year: Uint16Array; working: Uint8Array } | null = null;

function table(): NonNullable<typeof dayTable> {
  if (dayTable) return dayTable;
  const size = TABLE_END - TABLE_START;
  const built = { dayOfMonth: new Uint8Array(size), month: new Uint8Array(size), year: new Uint16Array(size), working: new Uint8Array(size) };
  for (let i = 0; i < size; i++) {
    const date = new Date((TABLE_START + i) * 86_400_000);
    built.dayOfMonth[i] = date.getUTCDate();
    built.month[i] = date.getUTCMonth() + 1;
    built.year[i] = date.getUTCFullYear();
  }
  for (let i = 0; i < size; i++) {
    const day = TABLE_START + i;
    const w = weekdayOf(day);
    built.working[i] = w !== 0 && w !== 6 && !dutchHolidays(built.year[i]!).has(day) ? 1 : 0;
  }
  dayTable = built;
  return built;
}

function inTable(day: number): boolean {
  return day >= TABLE_START && day < TABLE_END;
}

export function yearOf(day: number): number {
  return inTable(day) ? table().year[day - TABLE_START]! : new Date(day * 86_400_000).getUTCFullYear();
}

export function monthOf(day: number): number {
  return inTable(day) ? table().month[day - TABLE_START]! : new Date(day * 86_400_000).getUTCMonth() + 1;
}

export function dayOfMonthOf(day: number): number {
  return inTable(day) ? table().dayOfMonth[day - TABLE_START]! : new Date(day * 86_400_000).getUTCDate();
}

export function isWorkingDay(day: number): boolean {
  if (inTable(day)) return table().working[day - TABLE_START] === 1;
  const w = weekdayOf(day);
  if (w === 0 || w === 6) return false;
  return !dutchHolidays(yearOf(day)).has(day);
}

export function previousWorkingDay(day: number): number {
  let d = day;
  while (!isWorkingDay(d)) d--;
  return d;
}

export function nextWorkingDay(day: number): number {
  let d = day;
  while (!isWorkingDay(d)) d++;
  return d;
}

export function isoWorkingDay(date: IsoDate): boolean {
  return isWorkingDay(toDayNumber(date));
}

export type WorkingDayShift = 'previous_working_day' | 'next_working_day';

/**
 * When an income arrives. These are the true paydays of the hidden world; analytics must learn
 * them from the bank data alone.
 */
export type PaySchedule =
  /** Every month on a day of the month (clamped to the month's end), moved off closed days. */
  | { rule: 'monthly'; dayOfMonth: number; shift: WorkingDayShift }
  /** Every month on its last working day (municipal bijstand in many municipalities). */
  | { rule: 'last_working_day' }
  /** Every 28 days from an anchor payday (four-weekly salaries, "4-wekelijks loon"). */
  | { rule: 'four_weekly'; anchor: IsoDate; shift: WorkingDayShift }
  /** In the given months only (child benefit after each quarter). */
  | { rule: 'quarterly'; months: readonly number[]; dayOfMonth: number; shift: WorkingDayShift };

function shiftDay(day: number, shift: WorkingDayShift): number {
  return shift === 'previous_working_day' ? previousWorkingDay(day) : nextWorkingDay(day);
}

function yearMonthOf(day: number): [number, number] {
  return [yearOf(day), monthOf(day)];
}

function addMonth(year: number, month1: number, delta: number): [number, number] {
  const total = year * 12 + (month1 - 1) + delta;
  return [Math.floor(total / 12), (total % 12) + 1];
}

/** The schedule's payday in a given month, or null when the schedule does not pay in that month. */
function paydayInMonth(schedule: PaySchedule, year: number, month1: number): number | null {
  switch (schedule.rule) {
    case 'monthly':
      return shiftDay(dayNumberOf(year, month1, Math.min(schedule.dayOfMonth, daysInMonth(year, month1))), schedule.shift);
    case 'last_working_day':
      return previousWorkingDay(dayNumberOf(year, month1, daysInMonth(year, month1)));
    case 'quarterly':
      if (!schedule.months.includes(month1)) return null;
      return shiftDay(dayNumberOf(year, month1, Math.min(schedule.dayOfMonth, daysInMonth(year, month1))), schedule.shift);
    case 'four_weekly':
      throw new Error('four-weekly schedules are not tied to months');
  }
}

/** The first payday on or after `fromDay`. */
export function nextPayday(schedule: PaySchedule, fromDay: number): number {
  if (schedule.rule === 'four_weekly') {
    const anchor = toDayNumber(schedule.anchor);
    // A shift can move a payday back by a few days, so start one period early and walk forward.
    let k = Math.floor((fromDay - anchor) / 28) - 1;
    for (;;) {
      const payday = shiftDay(anchor + 28 * k, schedule.shift);
      if (payday >= fromDay) return payday;
      k++;
    }
  }
  // A payday nominally in the next month can be shifted back into this one (the 1st → last working
  // day before), so look from the previous month on.
  let [year, month1] = addMonth(...yearMonthOf(fromDay), -1);
  for (let i = 0; i < 16; i++) {
    const payday = paydayInMonth(schedule, year, month1);
    if (payday !== null && payday >= fromDay) return payday;
    [year, month1] = addMonth(year, month1, 1);
  }
  throw new Error(`no payday found for schedule ${JSON.stringify(schedule)}`);
}

/** All paydays in [fromDay, toDay). */
export function paydaysBetween(schedule: PaySchedule, fromDay: number, toDay: number): number[] {
  const days: number[] = [];
  let day = nextPayday(schedule, fromDay);
  while (day < toDay) {
    days.push(day);
    day = nextPayday(schedule, day + 1);
  }
  return days;
}

/** Paydays per month, for turning a payment into a monthly amount (four-weekly pays 13 times a year). */
export function paymentsPerMonth(schedule: PaySchedule): number {
  switch (schedule.rule) {
    case 'monthly':
    case 'last_working_day':
      return 1;
    case 'four_weekly':
      return 13 / 12;
    case 'quarterly':
      return schedule.months.length / 12;
  }
}
