/**
 * Income days: on which days money arrives for a debtor (salary, benefits, allowances, pension),
 * so that reminders and collection follow payday instead of landing on the 8th.
 *
 * Learned dates beat calendars: with three or more payments in a stream the rule is learned from
 * the debtor's own data (a day of the month and which way it moves when that day is not a
 * working day, or a four-weekly anchor); with less, the published calendar for that kind of income
 * is the fallback (allowances on the 20th or the next working day, AOW around the 23rd). Every
 * income day says which source it used.
 */
import type { IsoDate } from '../platform/dates.js';
import { civilOf, dayInMonthAfter, dayNumberOf, dayNumberOfIso, daysInMonthOf, isoOfDayNumber, weekdayOfDayNumber } from '../platform/day-number.js';
import { DUTCH_HOLIDAY_RULES, shiftDayNumberToWorkingDay, workingDayShifts, type HolidayCalendar, type WorkingDayShift, type WorkingDayShifts } from './calendar/dutch-holidays.js';
import { MONEY_ARRIVAL_CALENDAR, arrivalRuleFor, type MoneyArrivalRule } from './calendar/money-arrival-calendar.js';
import type { CategorisedTransaction } from './categorisation/categorise.js';
import { counterpartyKeyOf, detectRecurringStreams, type RecurringStream, type StreamStatus } from './streams/detect-streams.js';
import { CATEGORIES, type CategoryId } from './taxonomy.js';

export type IncomeSchedule =
  /** A day of the month, in every month or only in the listed months (quarterly child benefit). */
  | { kind: 'day-of-month'; dayOfMonth: number; shift: WorkingDayShift; months: number[] | null }
  | { kind: 'four-weekly'; anchorDate: IsoDate; shift: WorkingDayShift }
  | { kind: 'weekly'; weekday: number; shift: WorkingDayShift };

export interface IncomeDay {
  streamId: string | null;
  category: CategoryId;
  counterpartyName: string | null;
  source: 'learned' | 'calendar';
  /** For calendar days: where the rule comes from and whether it is an estimate. */
  calendarRule: Pick<MoneyArrivalRule, 'source' | 'estimate' | 'validFrom'> | null;
  schedule: IncomeSchedule;
  status: StreamStatus | 'single';
  observedDates: IsoDate[];
  /** Share of the observed dates the schedule reproduces to the day; null when nothing was observed. */
  exactHitRate: number | null;
  /** Days either side of a predicted date the money may arrive. */
  windowDays: number;
  /** The next expected dates on or after asOf. */
  nextDates: IsoDate[];
  monthlyEquivalentCents: number;
  transactionIds: string[];
}

export interface IncomeDaysOptions {
  asOf: IsoDate;
  /** Streams already detected for these transactions; detected here when absent. */
  streams?: readonly RecurringStream[];
  /** Fewer payments than this in a stream and the calendar is used when it knows the kind of income (default: the calendar rule's learnedAfter). */
  minLearnedOccurrences?: number;
  holidays?: HolidayCalendar;
  calendar?: readonly MoneyArrivalRule[];
  /** How many future dates to list per income day. */
  horizon?: number;
}

export interface IncomeDaysResult {
  asOf: IsoDate;
  incomeDays: IncomeDay[];
  /** The income that brings the most per month among the active ones: "payday" for contact timing. */
  primary: IncomeDay | null;
}

const DEFAULT_HORIZON = 3;
/** How far a learned schedule may sit from what it reproduces before the learning is distrusted. */
const LEARNED_WINDOW_FLOOR_DAYS = 1;

export function isStableIncomeCategory(category: CategoryId): boolean {
  return CATEGORIES[category].group === 'stable_income';
}

export function detectIncomeDays(transactions: readonly CategorisedTransaction[], options: IncomeDaysOptions): IncomeDaysResult {
  const holidays = options.holidays ?? DUTCH_HOLIDAY_RULES;
  const calendar = options.calendar ?? MONEY_ARRIVAL_CALENDAR;
  const horizon = options.horizon ?? DEFAULT_HORIZON;
  const streams = options.streams ?? detectRecurringStreams(transactions, { asOf: options.asOf });

  const incomeDays: IncomeDay[] = [];
  const inStream = new Set<string>();
  // The transactions of the streams read below, by id; a later transaction with the same id wins,
  // as in a map of all of them. Only these ids are kept: a map of every transaction cost more than
  // the rest of this function.
  const wantedIds = new Set<string>();
  for (const stream of streams) if (isLearnableIncomeStream(stream)) for (const id of stream.transactionIds) wantedIds.add(id);
  const byId = new Map<string, CategorisedTransaction>();
  if (wantedIds.size > 0) for (const t of transactions) if (wantedIds.has(t.id)) byId.set(t.id, t);
  for (const stream of streams) {
    if (!isLearnableIncomeStream(stream)) continue;
    const members = stream.transactionIds.map((id) => byId.get(id)).filter((t): t is CategorisedTransaction => t != null);
    for (const t of members) inStream.add(t.id);
    const dates = members.map((t) => t.bookingDate);
    const rule = arrivalRuleFor(stream.category, options.asOf, calendar);
    const minLearned = options.minLearnedOccurrences ?? rule?.learnedAfter ?? 1;
    const learned = stream.occurrences >= minLearned || !rule ? learnSchedule(dates, stream, rule, holidays) : null;
    const base = {
      streamId: stream.id,
      category: stream.category,
      counterpartyName: stream.counterpartyName,
      status: stream.status,
      observedDates: dates,
      monthlyEquivalentCents: stream.monthlyEquivalentCents,
      transactionIds: stream.transactionIds,
    };
    if (learned) {
      incomeDays.push({
        ...base,
        source: 'learned',
        calendarRule: null,
        schedule: learned.schedule,
        exactHitRate: learned.hitRate,
        windowDays: learned.windowDays,
        nextDates: upcomingDates(learned.schedule, options.asOf, horizon, holidays),
      });
    } else if (rule) {
      const schedule = scheduleFromRule(rule);
      incomeDays.push({
        ...base,
        source: 'calendar',
        calendarRule: { source: rule.source, estimate: rule.estimate, validFrom: rule.validFrom },
        schedule,
        exactHitRate: hitRate(schedule, dates, holidays),
        windowDays: rule.windowDays,
        nextDates: upcomingDates(schedule, options.asOf, horizon, holidays),
      });
    }
  }

  // A first allowance or benefit payment is no stream yet, but the calendar already knows its day.
  const singles = new Map<string, CategorisedTransaction[]>();
  for (const tx of transactions) {
    if (tx.status !== 'booked' || tx.amountCents <= 0 || inStream.has(tx.id) || !isStableIncomeCategory(tx.category) || tx.bookingDate > options.asOf) continue;
    const key = `${tx.category}|${counterpartyKeyOf(tx)}`;
    const list = singles.get(key);
    if (list) list.push(tx);
    else singles.set(key, [tx]);
  }
  for (const members of singles.values()) {
    const first = members[0]!;
    const rule = arrivalRuleFor(first.category, options.asOf, calendar);
    if (!rule) continue;
    const schedule = scheduleFromRule(rule);
    const dates = members.map((t) => t.bookingDate).sort();
    incomeDays.push({
      streamId: null,
      category: first.category,
      counterpartyName: first.counterpartyName,
      source: 'calendar',
      calendarRule: { source: rule.source, estimate: rule.estimate, validFrom: rule.validFrom },
      schedule,
      status: 'single',
      observedDates: dates,
      exactHitRate: hitRate(schedule, dates, holidays),
      windowDays: rule.windowDays,
      nextDates: upcomingDates(schedule, options.asOf, horizon, holidays),
      // One payment says nothing about how often it comes; it counts once, spread over nothing.
      monthlyEquivalentCents: 0,
      transactionIds: members.map((t) => t.id),
    });
  }

  incomeDays.sort((a, b) => b.monthlyEquivalentCents - a.monthlyEquivalentCents);
  const primary = incomeDays.find((d) => d.status === 'mature' || d.status === 'early') ?? null;
  return { asOf: options.asOf, incomeDays, primary };
}

/** An income without a rhythm has no day to predict; its payments still count as income elsewhere. */
function isLearnableIncomeStream(stream: RecurringStream): boolean {
  return stream.direction === 'in' && isStableIncomeCategory(stream.category) && stream.frequency !== 'irregular';
}

function scheduleFromRule(rule: MoneyArrivalRule): IncomeSchedule {
  return { kind: 'day-of-month', dayOfMonth: rule.dayOfMonth, shift: rule.shift, months: rule.months ?? null };
}

interface LearnedSchedule {
  schedule: IncomeSchedule;
  hitRate: number;
  windowDays: number;
}

/**
 * Finds the schedule that reproduces the most observed dates exactly; ties go to the smallest
 * total error, then to the shift the calendar (or common payroll practice: before the weekend) suggests.
 */
function learnSchedule(dates: IsoDate[], stream: RecurringStream, rule: MoneyArrivalRule | null, holidays: HolidayCalendar): LearnedSchedule | null {
  if (dates.length === 0) return null;
  const preferredShift: WorkingDayShift = rule?.shift ?? 'previous';
  const shifts: WorkingDayShift[] = preferredShift === 'next' ? ['next', 'previous'] : ['previous', 'next'];
  const candidates: IncomeSchedule[] = [];
  if (stream.frequency === 'four-weekly') {
    const first = dayNumberOfIso(dates[0]!);
    const anchors = new Set<number>();
    for (const date of dates) {
      const day = dayNumberOfIso(date);
      const slot = Math.round((day - first) / FOUR_WEEKS);
      for (let delta = -3; delta <= 3; delta += 1) anchors.add(day + delta - slot * FOUR_WEEKS);
    }
    for (const anchor of anchors) for (const shift of shifts) candidates.push({ kind: 'four-weekly', anchorDate: isoOfDayNumber(anchor), shift });
  } else if (stream.frequency === 'weekly') {
    for (let day = 1; day <= 5; day += 1) for (const shift of shifts) candidates.push({ kind: 'weekly', weekday: day, shift });
  } else if (stream.frequency === 'monthly' || stream.frequency === 'quarterly' || stream.frequency === 'yearly') {
    const months = stream.frequency === 'monthly' ? null : monthsOfYear(dates, stream.frequency === 'quarterly' ? 3 : 12);
    for (let day = 1; day <= 31; day += 1) for (const shift of shifts) candidates.push({ kind: 'day-of-month', dayOfMonth: day, shift, months });
  } else {
    return null;
  }

  const observed = dates.map(dayNumberOfIso);
  const medianDay = [...dates.map((d) => Number(d.slice(8, 10)))].sort((a, b) => a - b)[Math.floor(dates.length / 2)]!;
  const scorer = new ScheduleScorer(observed, stream.frequency === 'quarterly' || stream.frequency === 'yearly' ? 12 : 1, holidays);
  let best: { schedule: IncomeSchedule; hits: number; error: number; tie: number } | null = null;
  for (const schedule of candidates) {
    // A candidate that can no longer beat the best one is left unscored: it would lose anyway.
    const scored = scorer.score(schedule, best?.hits ?? -1, best?.error ?? Number.POSITIVE_INFINITY);
    if (scored === null) continue;
    const { hits, error } = scored;
    const tie = schedule.kind === 'day-of-month' ? Math.abs(schedule.dayOfMonth - medianDay) : 0;
    if (best == null || hits > best.hits || (hits === best.hits && (error < best.error || (error === best.error && tie < best.tie)))) {
      best = { schedule, hits, error, tie };
    }
  }
  if (!best) return null;
  const meanError = best.error / dates.length;
  return {
    schedule: best.schedule,
    hitRate: best.hits / dates.length,
    windowDays: Math.max(LEARNED_WINDOW_FLOOR_DAYS, Math.ceil(meanError * 2)),
  };
}

/**
 * Scores candidate schedules against the observed days: how many it hits exactly and the total
 * distance to its nearest occurrences. The same as nearestOccurrence per day and candidate, but
 * what does not depend on the candidate is worked out once: for each observed day, the months
 * around it (their first day, length and number), because learning tries 62 day-of-month
 * candidates against every observed day. A day of the month d falls on first day + min(d, length) − 1,
 * which is what dayInMonthAfter computes.
 */
class ScheduleScorer {
  private readonly width: number;
  private readonly monthFirstDays: number[] = [];
  private readonly monthLengths: number[] = [];
  private readonly monthNumbers: number[] = [];
  private readonly shifts: WorkingDayShifts;
  private monthMaskFor: readonly number[] | null = null;
  private readonly monthMask: boolean[] = [];

  constructor(
    private readonly observed: readonly number[],
    /** Months either side of an observed day where occurrences are looked for, as in occurrencesAround. */
    private readonly reach: number,
    private readonly holidays: HolidayCalendar,
  ) {
    this.width = 2 * reach + 1;
    this.shifts = workingDayShifts(holidays);
    for (const day of observed) {
      const { year, month } = civilOf(day);
      for (let offset = -reach; offset <= reach; offset += 1) {
        const total = year * 12 + (month - 1) + offset;
        const y = Math.floor(total / 12);
        const m = total - y * 12 + 1;
        this.monthFirstDays.push(dayNumberOf(y, m, 1));
        this.monthLengths.push(daysInMonthOf(y, m));
        this.monthNumbers.push(m);
      }
    }
  }

  /**
   * Hits and total error of a schedule, or null as soon as it cannot beat a best candidate with
   * `bestHits` hits and `bestError` error: fewer hits than that even if every day left were a hit,
   * or no more hits than that with a larger error already (errors only grow, and the candidates
   * are compared on hits, then error, then tie).
   */
  score(schedule: IncomeSchedule, bestHits: number, bestError: number): { hits: number; error: number } | null {
    const table = schedule.shift === 'none' ? null : this.shifts[schedule.shift];
    // occurrencesAround looks one month either side for monthly schedules, a year for the others.
    const precomputed = schedule.kind !== 'day-of-month' || (schedule.months == null ? 1 : 12) === this.reach;
    const mask = schedule.kind === 'day-of-month' && schedule.months != null ? this.maskOf(schedule.months) : null;
    const anchorDay = schedule.kind === 'four-weekly' ? dayNumberOfIso(schedule.anchorDate) : 0;
    let hits = 0;
    let error = 0;
    for (let i = 0; i < this.observed.length; i += 1) {
      const day = this.observed[i]!;
      let best = Number.NaN;
      if (!precomputed) {
        best = nearestOccurrence(schedule, day, this.holidays);
      } else if (schedule.kind === 'day-of-month') {
        for (let k = i * this.width, end = k + this.width; k < end; k += 1) {
          if (mask !== null && !mask[this.monthNumbers[k]!]) continue;
          const scheduled = this.monthFirstDays[k]! + Math.min(schedule.dayOfMonth, this.monthLengths[k]!) - 1;
          const candidate = table === null ? scheduled : table.shifted(scheduled);
          if (Number.isNaN(best) || Math.abs(candidate - day) < Math.abs(best - day)) best = candidate;
        }
      } else {
        const stepDays = schedule.kind === 'four-weekly' ? FOUR_WEEKS : WEEK;
        const anchor = schedule.kind === 'four-weekly' ? anchorDay : nearestWeekday(day, schedule.weekday);
        const slot = Math.round((day - anchor) / stepDays);
        for (let k = slot - 1; k <= slot + 1; k += 1) {
          const candidate = table === null ? anchor + k * stepDays : table.shifted(anchor + k * stepDays);
          if (Number.isNaN(best) || Math.abs(candidate - day) < Math.abs(best - day)) best = candidate;
        }
      }
      const distance = Math.abs(day - best);
      if (distance === 0) hits += 1;
      error += distance;
      const mostHits = hits + (this.observed.length - i - 1);
      if (mostHits < bestHits || (mostHits === bestHits && error > bestError)) return null;
    }
    return { hits, error };
  }

  /** Which month numbers (1–12) a schedule pays in; the candidates of one learning share one list. */
  private maskOf(months: readonly number[]): readonly boolean[] {
    if (this.monthMaskFor !== months) {
      for (let m = 1; m <= 12; m += 1) this.monthMask[m] = months.includes(m);
      this.monthMaskFor = months;
    }
    return this.monthMask;
  }
}

const FOUR_WEEKS = 28;
const WEEK = 7;

function monthsOfYear(dates: IsoDate[], every: 3 | 12): number[] {
  const observed = dates.map((d) => Number(d.slice(5, 7)));
  const phase = mostCommon(observed.map((m) => (m - 1) % every));
  const months: number[] = [];
  for (let m = phase + 1; m <= 12; m += every) months.push(m);
  return months;
}

function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

/** The scheduled payment day (after the working-day shift) nearest to `day`, as a day number. */
function nearestOccurrence(schedule: IncomeSchedule, day: number, holidays: HolidayCalendar): number {
  let best = Number.NaN;
  for (const candidate of occurrencesAround(schedule, day, holidays)) {
    if (Number.isNaN(best) || Math.abs(candidate - day) < Math.abs(best - day)) best = candidate;
  }
  return best;
}

/** The scheduled payment days in the periods around `day` (the month before, of and after it; a whole year for quarterly and yearly payments). */
function occurrencesAround(schedule: IncomeSchedule, day: number, holidays: HolidayCalendar): number[] {
  if (schedule.kind === 'day-of-month') {
    const { year, month } = civilOf(day);
    const result: number[] = [];
    const reach = schedule.months == null ? 1 : 12;
    for (let offset = -reach; offset <= reach; offset += 1) {
      const m = ((((month - 1 + offset) % 12) + 12) % 12) + 1;
      if (schedule.months && !schedule.months.includes(m)) continue;
      result.push(shiftDayNumberToWorkingDay(dayInMonthAfter(year, month, offset, schedule.dayOfMonth), schedule.shift, holidays));
    }
    return result;
  }
  const stepDays = schedule.kind === 'four-weekly' ? FOUR_WEEKS : WEEK;
  const anchorDay = schedule.kind === 'four-weekly' ? dayNumberOfIso(schedule.anchorDate) : nearestWeekday(day, schedule.weekday);
  const slot = Math.round((day - anchorDay) / stepDays);
  return [slot - 1, slot, slot + 1].map((k) => shiftDayNumberToWorkingDay(anchorDay + k * stepDays, schedule.shift, holidays));
}

function nearestWeekday(day: number, targetWeekday: number): number {
  const diff = (targetWeekday - weekdayOfDayNumber(day) + 7) % 7;
  return diff <= 3 ? day + diff : day + diff - 7;
}

function hitRate(schedule: IncomeSchedule, dates: IsoDate[], holidays: HolidayCalendar): number | null {
  if (dates.length === 0) return null;
  return dates.filter((d) => {
    const day = dayNumberOfIso(d);
    return nearestOccurrence(schedule, day, holidays) === day;
  }).length / dates.length;
}

/** The next `count` payment dates on or after `from`. */
export function upcomingDates(schedule: IncomeSchedule, from: IsoDate, count: number, holidays: HolidayCalendar = DUTCH_HOLIDAY_RULES): IsoDate[] {
  const result: IsoDate[] = [];
  const fromDay = dayNumberOfIso(from);
  let cursor = fromDay;
  // Each round adds at most one date or moves on four weeks, so the bound is generous.
  for (let guard = 0; guard < count * 14 && result.length < count; guard += 1) {
    const next = occurrencesAround(schedule, cursor, holidays)
      .filter((d) => d >= cursor)
      .sort((a, b) => a - b)[0];
    if (next == null) {
      cursor += FOUR_WEEKS;
      continue;
    }
    result.push(isoOfDayNumber(next));
    cursor = next + 1;
  }
  return result;
}
