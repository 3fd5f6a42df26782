/**
 * Which rhythm a series of dates follows: weekly, four-weekly, monthly, quarterly, yearly or none.
 *
 * Why a fit instead of the mean interval: a monthly salary has intervals of 28 to 34 days (month
 * lengths plus weekend shifts) and a four-weekly one exactly 28, so their mean intervals overlap
 * for short series. Fitting each rhythm to the dates (expected date of the k-th payment, residual
 * in days) separates them: a monthly series drifts ~2.4 days per step against a 28-day grid, a
 * four-weekly one slips against the calendar month.
 *
 * The arithmetic runs on day numbers (platform/day-number.ts): every stream of every debtor is
 * fitted against five rhythms, so this is on the report's hot path.
 */
import type { IsoDate } from '../../platform/dates.js';
import { civilOf, dayInMonthAfter, dayNumberOfIso, isoOfDayNumber } from '../../platform/day-number.js';
import { shiftDayNumberToWorkingDay } from '../calendar/dutch-holidays.js';

export type Frequency = 'weekly' | 'four-weekly' | 'monthly' | 'quarterly' | 'yearly' | 'irregular';

interface Cadence {
  frequency: Exclude<Frequency, 'irregular'>;
  stepDays?: number;
  stepMonths?: number;
  /**
   * Largest deviation in days from the grid still counted as on time: a weekend moves a payment by
   * up to 2 days, Easter (Good Friday to Easter Monday) by up to 4.
   */
  toleranceDays: number;
  /** How many of these fit in a month, for monthly-equivalent amounts. */
  perMonth: number;
}

export const AVERAGE_DAYS_PER_MONTH = 365.2425 / 12;

/** In order of preference when two rhythms fit equally well (a 28-day gap in February is monthly too). */
export const CADENCES: readonly Cadence[] = [
  { frequency: 'monthly', stepMonths: 1, toleranceDays: 4, perMonth: 1 },
  { frequency: 'four-weekly', stepDays: 28, toleranceDays: 4, perMonth: 365.2425 / 28 / 12 },
  { frequency: 'weekly', stepDays: 7, toleranceDays: 2, perMonth: 365.2425 / 7 / 12 },
  { frequency: 'quarterly', stepMonths: 3, toleranceDays: 7, perMonth: 1 / 3 },
  { frequency: 'yearly', stepMonths: 12, toleranceDays: 10, perMonth: 1 / 12 },
];

export function cadenceOf(frequency: Frequency): Cadence | undefined {
  return CADENCES.find((c) => c.frequency === frequency);
}

/** A share of slots between the first and last payment that must be filled: one missed month in four is still monthly. */
const MIN_SLOT_COVERAGE = 0.7;

export interface CadenceFit {
  frequency: Exclude<Frequency, 'irregular'>;
  /** Mean absolute deviation in days from the fitted grid. */
  meanDeviationDays: number;
  maxDeviationDays: number;
  /** Grid position of each date (0 for the first); gaps mean missed payments. */
  slots: number[];
  /** The grid's offset from the first date, in days (the median residual). */
  offsetDays: number;
}

/** Day number of the grid's slot-th date, counted from the first date. */
function expectedDay(firstDay: number, first: { year: number; month: number; day: number }, cadence: Cadence, slot: number): number {
  return cadence.stepMonths != null ? dayInMonthAfter(first.year, first.month, slot * cadence.stepMonths, first.day) : firstDay + slot * cadence.stepDays!;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function fitCadence(sortedDates: readonly IsoDate[], cadence: Cadence): CadenceFit | null {
  return fitDayNumbers(sortedDates.map(dayNumberOfIso), cadence);
}

function fitDayNumbers(days: readonly number[], cadence: Cadence): CadenceFit | null {
  if (days.length < 2) return null;
  const firstDay = days[0]!;
  const first = civilOf(firstDay);
  const stepDays = cadence.stepDays ?? cadence.stepMonths! * AVERAGE_DAYS_PER_MONTH;
  const slots: number[] = [];
  const residuals: number[] = [];
  for (const day of days) {
    const guess = Math.round((day - firstDay) / stepDays);
    let bestSlot = guess;
    let bestResidual = Number.POSITIVE_INFINITY;
    // Month grids are uneven; the neighbouring slot may be the nearer one.
    for (let slot = guess - 1; slot <= guess + 1; slot += 1) {
      if (slot < 0) continue;
      const residual = day - expectedDay(firstDay, first, cadence, slot);
      if (Math.abs(residual) < Math.abs(bestResidual)) {
        bestResidual = residual;
        bestSlot = slot;
      }
    }
    if (slots.length > 0 && bestSlot <= slots[slots.length - 1]!) return null;
    slots.push(bestSlot);
    residuals.push(bestResidual);
  }
  const lastSlot = slots[slots.length - 1]!;
  if (days.length / (lastSlot + 1) < MIN_SLOT_COVERAGE) return null;
  const offset = median(residuals);
  let maxDeviationDays = 0;
  let total = 0;
  for (const r of residuals) {
    const deviation = Math.abs(r - offset);
    total += deviation;
    if (deviation > maxDeviationDays) maxDeviationDays = deviation;
  }
  if (maxDeviationDays > cadence.toleranceDays) return null;
  return { frequency: cadence.frequency, meanDeviationDays: total / residuals.length, maxDeviationDays, slots, offsetDays: offset };
}

/**
 * The best-fitting rhythm, or null when none fits (irregular). Ties go to the earlier cadence in
 * CADENCES. A monthly fit also wins when one day of the month, moved off weekends and holidays,
 * explains every date exactly: a short monthly series around Christmas (28 Oct, 28 Nov, 24 Dec)
 * otherwise looks four-weekly by its raw gaps.
 */
export function detectCadence(sortedDates: readonly IsoDate[]): CadenceFit | null {
  const days = sortedDates.map(dayNumberOfIso);
  let best: CadenceFit | null = null;
  let monthly: CadenceFit | null = null;
  for (const cadence of CADENCES) {
    const fit = fitDayNumbers(days, cadence);
    if (fit?.frequency === 'monthly') monthly = fit;
    if (fit && (best == null || fit.meanDeviationDays < best.meanDeviationDays - 1e-9)) best = fit;
  }
  if (monthly && best !== monthly && isWorkingDayShiftedDayOfMonth(days)) return monthly;
  return best;
}

/** True when some day of the month, moved to the previous or next working day, gives exactly these days. */
function isWorkingDayShiftedDayOfMonth(days: readonly number[]): boolean {
  const civil = days.map(civilOf);
  for (const shift of ['previous', 'next'] as const) {
    for (let dayOfMonth = 1; dayOfMonth <= 31; dayOfMonth += 1) {
      let all = true;
      for (let i = 0; i < days.length && all; i += 1) {
        const c = civil[i]!;
        all = shiftDayNumberToWorkingDay(dayInMonthAfter(c.year, c.month, 0, dayOfMonth), shift) === days[i];
      }
      if (all) return true;
    }
  }
  return false;
}

/** The next expected date on the fitted grid after the last observed one. */
export function nextOnGrid(sortedDates: readonly IsoDate[], fit: CadenceFit): IsoDate {
  const cadence = cadenceOf(fit.frequency)!;
  const firstDay = dayNumberOfIso(sortedDates[0]!);
  const nextSlot = fit.slots[fit.slots.length - 1]! + 1;
  return isoOfDayNumber(expectedDay(firstDay, civilOf(firstDay), cadence, nextSlot) + Math.round(fit.offsetDays));
}
