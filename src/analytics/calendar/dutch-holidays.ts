/**
 * Dutch public holidays for the working-day rule ("paid on the 20th, or the first working day
 * after"). Kept as dated rules rather than a list of dates: they are computed for any year, and a
 * change (Queen's Day became King's Day in 2014) is a new rule with its own validity, not an edit.
 *
 * Sources: Algemene termijnenwet art. 3 (the generally recognised holidays); Koningsdag by
 * Besluit van 2013 (Stb. 2013, 123): 27 April, 26 April when the 27th is a Sunday; Bevrijdingsdag
 * counts here in lustrum years only, when it is a day off at the government and in most collective
 * agreements (the Algemene termijnenwet itself names 5 May every year; a calendar that follows it
 * sets everyYears to 1). Good Friday and 1 May are added because TARGET2, which settles euro
 * payments, is closed on them: no salary or allowance can arrive that day (ECB, TARGET closing days).
 */
import { addDays, isoDateFromParts, weekday, type IsoDate } from '../../platform/dates.js';
import { civilOf, dayNumberOfIso, isoOfDayNumber, weekdayOfDayNumber } from '../../platform/day-number.js';

export type HolidayRule =
  | { id: string; name: string; kind: 'fixed'; month: number; day: number; validFrom: IsoDate; validUntil?: IsoDate; sundayMovesTo?: number; everyYears?: number }
  | { id: string; name: string; kind: 'easter'; offsetDays: number; validFrom: IsoDate; validUntil?: IsoDate };

export const DUTCH_HOLIDAY_RULES: readonly HolidayRule[] = [
  { id: 'new-year', name: 'Nieuwjaarsdag', kind: 'fixed', month: 1, day: 1, validFrom: '1900-01-01' },
  { id: 'good-friday', name: 'Goede Vrijdag (TARGET2 gesloten)', kind: 'easter', offsetDays: -2, validFrom: '2000-01-01' },
  { id: 'easter-monday', name: 'Tweede paasdag', kind: 'easter', offsetDays: 1, validFrom: '1900-01-01' },
  { id: 'queens-day', name: 'Koninginnedag', kind: 'fixed', month: 4, day: 30, sundayMovesTo: 29, validFrom: '1949-01-01', validUntil: '2013-12-31' },
  { id: 'kings-day', name: 'Koningsdag', kind: 'fixed', month: 4, day: 27, sundayMovesTo: 26, validFrom: '2014-01-01' },
  { id: 'labour-day', name: 'Dag van de Arbeid (TARGET2 gesloten)', kind: 'fixed', month: 5, day: 1, validFrom: '2000-01-01' },
  { id: 'liberation-day', name: 'Bevrijdingsdag (lustrumjaar)', kind: 'fixed', month: 5, day: 5, everyYears: 5, validFrom: '1990-01-01' },
  { id: 'ascension', name: 'Hemelvaartsdag', kind: 'easter', offsetDays: 39, validFrom: '1900-01-01' },
  { id: 'whit-monday', name: 'Tweede pinksterdag', kind: 'easter', offsetDays: 50, validFrom: '1900-01-01' },
  { id: 'christmas', name: 'Eerste kerstdag', kind: 'fixed', month: 12, day: 25, validFrom: '1900-01-01' },
  { id: 'boxing-day', name: 'Tweede kerstdag', kind: 'fixed', month: 12, day: 26, validFrom: '1900-01-01' },
];

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
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
  return isoDateFromParts(year, month, day)!;
}

export interface Holiday {
  date: IsoDate;
  id: string;
  name: string;
}

export type HolidayCalendar = readonly HolidayRule[];

const yearCache = new WeakMap<HolidayCalendar, Map<number, Holiday[]>>();
const dayNumberCache = new WeakMap<HolidayCalendar, Map<number, ReadonlySet<number>>>();

/** The holidays of a year as day numbers, for the hot paths that test thousands of candidate days. */
export function holidayDayNumbers(year: number, calendar: HolidayCalendar = DUTCH_HOLIDAY_RULES): ReadonlySet<number> {
  let perYear = dayNumberCache.get(calendar);
  if (!perYear) {
    perYear = new Map();
    dayNumberCache.set(calendar, perYear);
  }
  let set = perYear.get(year);
  if (!set) {
    set = new Set(holidaysInYear(year, calendar).map((h) => dayNumberOfIso(h.date)));
    perYear.set(year, set);
  }
  return set;
}

export function isWorkingDayNumber(dayNumber: number, calendar: HolidayCalendar = DUTCH_HOLIDAY_RULES): boolean {
  const w = weekdayOfDayNumber(dayNumber);
  if (w === 0 || w === 6) return false;
  return !holidayDayNumbers(civilOf(dayNumber).year, calendar).has(dayNumber);
}

export function holidaysInYear(year: number, calendar: HolidayCalendar = DUTCH_HOLIDAY_RULES): Holiday[] {
  let perYear = yearCache.get(calendar);
  if (!perYear) {
    perYear = new Map();
    yearCache.set(calendar, perYear);
  }
  const cached = perYear.get(year);
  if (cached) return cached;
  const holidays: Holiday[] = [];
  for (const rule of calendar) {
    let date: IsoDate | null;
    if (rule.kind === 'easter') {
      date = addDays(easterSunday(year), rule.offsetDays);
    } else {
      if (rule.everyYears != null && year % rule.everyYears !== 0) continue;
      date = isoDateFromParts(year, rule.month, rule.day);
      if (date != null && rule.sundayMovesTo != null && weekday(date) === 0) date = isoDateFromParts(year, rule.month, rule.sundayMovesTo);
    }
    if (date == null || date < rule.validFrom || (rule.validUntil != null && date > rule.validUntil)) continue;
    holidays.push({ date, id: rule.id, name: rule.name });
  }
  holidays.sort((x, y) => (x.date < y.date ? -1 : 1));
  perYear.set(year, holidays);
  return holidays;
}

export function isHoliday(date: IsoDate, calendar: HolidayCalendar = DUTCH_HOLIDAY_RULES): boolean {
  return holidayDayNumbers(Number(date.slice(0, 4)), calendar).has(dayNumberOfIso(date));
}

export function isWorkingDay(date: IsoDate, calendar: HolidayCalendar = DUTCH_HOLIDAY_RULES): boolean {
  return isWorkingDayNumber(dayNumberOfIso(date), calendar);
}

export type WorkingDayShift = 'next' | 'previous' | 'none';

/**
 * Moves a date that is not a working day to the nearest working day in the given direction:
 * 'next' is the Belastingdienst rule for allowances; 'previous' is what most employers do with a
 * payday that falls on a weekend (money must be there by the day, not after it).
 */
export function shiftToWorkingDay(date: IsoDate, shift: WorkingDayShift, calendar: HolidayCalendar = DUTCH_HOLIDAY_RULES): IsoDate {
  if (shift === 'none') return date;
  return isoOfDayNumber(shiftDayNumberToWorkingDay(dayNumberOfIso(date), shift, calendar));
}

export function shiftDayNumberToWorkingDay(dayNumber: number, shift: WorkingDayShift, calendar: HolidayCalendar = DUTCH_HOLIDAY_RULES): number {
  if (shift === 'none') return dayNumber;
  return workingDayShifts(calendar)[shift].shifted(dayNumber);
}

/** The walk itself: what every entry of a shift table holds. */
function walkToWorkingDay(dayNumber: number, step: 1 | -1, calendar: HolidayCalendar): number {
  let day = dayNumber;
  // A run of non-working days is at most a long weekend plus Christmas; the bound only guards bad calendars.
  for (let guard = 0; guard < 14 && !isWorkingDayNumber(day, calendar); guard += 1) day += step;
  return day;
}

/** Days per table block: a block covers about 17 months, so a debtor's history needs two or three. */
const SHIFT_BLOCK_DAYS = 512;

/**
 * Where each day lands when moved to a working day in one direction, remembered per day. Payday
 * learning asks this for tens of thousands of candidate days per report, and walking days while
 * looking up each year's holidays dominated the report's run time. Each entry is filled by
 * walkToWorkingDay the first time its day is asked for (NaN marks "not yet"), so a lookup answers
 * exactly what the walk answers, errors included: nothing is computed for a day nobody asked about
 * (the holiday rules throw for years they cannot date, such as before 1900).
 */
export class WorkingDayShiftTable {
  private readonly blocks = new Map<number, Float64Array>();
  /** The block asked for last and its first day: consecutive questions are nearly always about the same months. */
  private lastTable: Float64Array = new Float64Array(0);
  private lastFirstDay = 0;

  constructor(
    private readonly calendar: HolidayCalendar,
    private readonly step: 1 | -1,
  ) {}

  shifted(dayNumber: number): number {
    // Fast path: a whole day in the last block whose entry is known.
    const index = dayNumber - this.lastFirstDay;
    if (index >= 0 && index < this.lastTable.length && Number.isInteger(index)) {
      const known = this.lastTable[index]!;
      if (!Number.isNaN(known)) return known;
    }
    return this.lookUp(dayNumber);
  }

  private lookUp(dayNumber: number): number {
    // Day numbers are whole (and far from 2^53); anything else cannot index a table and takes the walk.
    if (!Number.isSafeInteger(dayNumber)) return walkToWorkingDay(dayNumber, this.step, this.calendar);
    const block = Math.floor(dayNumber / SHIFT_BLOCK_DAYS);
    let table = this.blocks.get(block);
    if (table === undefined) {
      table = new Float64Array(SHIFT_BLOCK_DAYS).fill(Number.NaN);
      this.blocks.set(block, table);
    }
    this.lastTable = table;
    this.lastFirstDay = block * SHIFT_BLOCK_DAYS;
    const index = dayNumber - this.lastFirstDay;
    let shifted = table[index]!;
    if (Number.isNaN(shifted)) {
      shifted = walkToWorkingDay(dayNumber, this.step, this.calendar);
      table[index] = shifted;
    }
    return shifted;
  }
}

export interface WorkingDayShifts {
  next: WorkingDayShiftTable;
  previous: WorkingDayShiftTable;
}

/**
 * Safe to share between reports and tenants: the tables hold calendar facts only (which day is a
 * working day under these rules, a pure function of the date), never anything of a debtor. They
 * are kept per calendar object, like the holiday lists above, and go when the calendar goes.
 */
const shiftTablesByCalendar = new WeakMap<HolidayCalendar, WorkingDayShifts>();

/** The shift tables of a calendar, for loops that shift many days: fetch once, then call shifted() per day. */
export function workingDayShifts(calendar: HolidayCalendar = DUTCH_HOLIDAY_RULES): WorkingDayShifts {
  let tables = shiftTablesByCalendar.get(calendar);
  if (tables === undefined) {
    tables = { next: new WorkingDayShiftTable(calendar, 1), previous: new WorkingDayShiftTable(calendar, -1) };
    shiftTablesByCalendar.set(calendar, tables);
  }
  return tables;
}
