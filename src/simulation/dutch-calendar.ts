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
import { toDayNumber, type IsoDate } from '../platform/dates.js';

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
 * Calendar facts per day and per month, precomputed for 2000–2099: the simulation asks for the day
 * of the month of every simulated day (billions of times for a large run with its Monte Carlo
 * truth), and a Date object per question would dominate the run time.
 */
const TABLE_FIRST_YEAR = 2000;
const TABLE_YEARS = 100;
let calendarTable: CalendarTable | null = null;
const TABLE_START = dayNumberOf(TABLE_FIRST_YEAR, 1, 1);
const TABLE_END = dayNumberOf(TABLE_FIRST_YEAR + TABLE_YEARS, 1, 1);

interface CalendarTable {
  dayOfMonth: Uint8Array;
  /** Months since January 2000, per day. */
  monthIndex: Uint16Array;
  working: Uint8Array;
  monthStart: Int32Array;
  monthLength: Uint8Array;
}

function table(): CalendarTable {
  if (calendarTable) return calendarTable;
  const size = TABLE_END - TABLE_START;
  const months = TABLE_YEARS * 12;
  const built: CalendarTable = {
    dayOfMonth: new Uint8Array(size),
    monthIndex: new Uint16Array(size),
    working: new Uint8Array(size),
    monthStart: new Int32Array(months + 1),
    monthLength: new Uint8Array(months),
  };
  for (let m = 0; m <= months; m++) built.monthStart[m] = dayNumberOf(TABLE_FIRST_YEAR + Math.floor(m / 12), (m % 12) + 1, 1);
  for (let m = 0; m < months; m++) {
    built.monthLength[m] = built.monthStart[m + 1]! - built.monthStart[m]!;
    for (let d = 0; d < built.monthLength[m]!; d++) {
      const i = built.monthStart[m]! - TABLE_START + d;
      built.dayOfMonth[i] = d + 1;
      built.monthIndex[i] = m;
    }
  }
  for (let i = 0; i < size; i++) {
    const day = TABLE_START + i;
    const w = weekdayOf(day);
    const year = TABLE_FIRST_YEAR + Math.floor(built.monthIndex[i]! / 12);
    built.working[i] = w !== 0 && w !== 6 && !dutchHolidays(year).has(day) ? 1 : 0;
  }
  calendarTable = built;
  return built;
}

function assertInTable(day: number): void {
  if (day < TABLE_START || day >= TABLE_END) throw new RangeError(`the simulation calendar covers 2000–2099, not day ${day}`);
}

export function yearOf(day: number): number {
  assertInTable(day);
  return TABLE_FIRST_YEAR + Math.floor(table().monthIndex[day - TABLE_START]! / 12);
}

export function monthOf(day: number): number {
  assertInTable(day);
  return (table().monthIndex[day - TABLE_START]! % 12) + 1;
}

export function dayOfMonthOf(day: number): number {
  assertInTable(day);
  return table().dayOfMonth[day - TABLE_START]!;
}

const isoCache: string[] = [];

/** The ISO date of a day number, cached: every bank entry and event carries one. */
export function isoDateOf(day: number): IsoDate {
  assertInTable(day);
  const i = day - TABLE_START;
  let iso = isoCache[i];
  if (iso === undefined) {
    const t = table();
    const m = t.monthIndex[i]!;
    iso = `${TABLE_FIRST_YEAR + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-${String(t.dayOfMonth[i]).padStart(2, '0')}`;
    isoCache[i] = iso;
  }
  return iso;
}

export function isWorkingDay(day: number): boolean {
  assertInTable(day);
  return table().working[day - TABLE_START] === 1;
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

/** The day `dayOfMonth` (clamped to the month's end) of the month with this index (months since January 2000). */
function dayInMonthIndex(monthIndex: number, dayOfMonth: number): number {
  const t = table();
  return t.monthStart[monthIndex]! + Math.min(dayOfMonth, t.monthLength[monthIndex]!) - 1;
}

/** The schedule's payday in a month, or -1 when the schedule does not pay in that month. */
function paydayInMonth(schedule: PaySchedule, monthIndex: number): number {
  switch (schedule.rule) {
    case 'monthly':
      return shiftDay(dayInMonthIndex(monthIndex, schedule.dayOfMonth), schedule.shift);
    case 'last_working_day':
      return previousWorkingDay(dayInMonthIndex(monthIndex, 31));
    case 'quarterly':
      if (!schedule.months.includes((monthIndex % 12) + 1)) return -1;
      return shiftDay(dayInMonthIndex(monthIndex, schedule.dayOfMonth), schedule.shift);
    case 'four_weekly':
      throw new Error('four-weekly schedules are not tied to months');
  }
}

const anchorDays = new WeakMap<PaySchedule, number>();

/** The first payday on or after `fromDay`. */
export function nextPayday(schedule: PaySchedule, fromDay: number): number {
  if (schedule.rule === 'four_weekly') {
    let anchor = anchorDays.get(schedule);
    if (anchor === undefined) {
      anchor = toDayNumber(schedule.anchor);
      anchorDays.set(schedule, anchor);
    }
    // A shift can move a payday back by a few days, so start one period early and walk forward.
    let k = Math.floor((fromDay - anchor) / 28) - 1;
    for (;;) {
      const payday = shiftDay(anchor + 28 * k, schedule.shift);
      if (payday >= fromDay) return payday;
      k++;
    }
  }
  assertInTable(fromDay);
  // A payday nominally in the next month can be shifted back into this one (the 1st → last working
  // day before), so look from the previous month on.
  const first = table().monthIndex[fromDay - TABLE_START]! - 1;
  for (let m = first; m < first + 16; m++) {
    const payday = paydayInMonth(schedule, m);
    if (payday >= fromDay) return payday;
  }
  throw new Error(`no payday found for schedule ${JSON.stringify(schedule)}`);
}

/**
 * The first day on or after `fromDay` that is `dayOfMonth` of a month in `monthMask` (bit i = month
 * i+1), moved to the next working day: when a monthly direct debit is collected. Allocation-free,
 * as it runs for every collection of every future.
 */
export function nextCollectionDay(dayOfMonth: number, monthMask: number, fromDay: number): number {
  assertInTable(fromDay);
  const first = table().monthIndex[fromDay - TABLE_START]! - 1;
  for (let m = first; m < first + 25; m++) {
    if (!(monthMask & (1 << m % 12))) continue;
    const day = nextWorkingDay(dayInMonthIndex(m, dayOfMonth));
    if (day >= fromDay) return day;
  }
  throw new Error(`no collection day for day ${dayOfMonth} and months ${monthMask.toString(2)}`);
}

/** Day number of a calendar date (fast inside 2000–2099). */
export function dayNumberOf(year: number, month1: number, day: number): number {
  if (calendarTable && year >= TABLE_FIRST_YEAR && year < TABLE_FIRST_YEAR + TABLE_YEARS) return dayInMonthIndex((year - TABLE_FIRST_YEAR) * 12 + month1 - 1, day);
  return Math.round(Date.UTC(year, month1 - 1, day) / 86_400_000);
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
