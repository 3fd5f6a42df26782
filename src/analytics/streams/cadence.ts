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
import { civilOf, dayInMonthAfter, dayNumberOfIso, isoOfDayNumber, type CivilDate } from '../../platform/day-number.js';
import { workingDayShifts } from '../calendar/dutch-holidays.js';

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

/**
 * The smallest gap between two consecutive dates that a fit of each cadence (same order as
 * CADENCES) can have; a series with a smaller gap anywhere cannot fit that cadence.
 *
 * Why this holds: a fit puts consecutive dates on strictly increasing slots, and grid dates one or
 * more slots apart lie at least one step apart (for month steps at least 28 days per month, as
 * every month has 28 days or more and the grid's day is clamped to the month's end). A fit also
 * keeps every residual within toleranceDays of their median, so two residuals differ by at most
 * twice the tolerance. For consecutive dates, residual difference = gap − grid distance, so
 * gap ≥ step − 2 × tolerance. Shopping and travel (several payments a week) fail this for every
 * cadence and skip the fitting altogether, with the same null fitDayNumbers would give.
 */
const MIN_GAP_DAYS: readonly number[] = CADENCES.map((c) => (c.stepDays ?? 28 * c.stepMonths!) - 2 * c.toleranceDays);

/** Below this smallest gap between consecutive dates no cadence fits: detectCadenceOfDays returns null. */
export const MIN_FITTING_GAP_DAYS = Math.min(...MIN_GAP_DAYS);

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

/** Residuals are whole numbers (never NaN or -0), so a typed array's numeric sort orders them as sort((a, b) => a - b) would. */
function median(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
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
  // Too few dates for the slots between the first and the last: the last date's slot is at least
  // its rounded step count minus one (nearestSlot looks one slot either side), so the coverage
  // below can be no more than length / rounded step count.
  const lastGuess = Math.round((days[days.length - 1]! - firstDay) / stepDays);
  if (lastGuess >= 1 && days.length / lastGuess < MIN_SLOT_COVERAGE) return null;
  // Most fits fail, and early: first only check, allocating nothing, that the slots rise, that the
  // residuals lie within twice the tolerance of each other (otherwise they cannot all lie within
  // the tolerance of their median, and the fit is rejected below anyway) and that enough slots are
  // filled. Only a series that passes is fitted again, keeping slots and residuals.
  let lastSlot = -1;
  let lowestResidual = Number.POSITIVE_INFINITY;
  let highestResidual = Number.NEGATIVE_INFINITY;
  for (const day of days) {
    const slot = nearestSlot(day, firstDay, first, cadence, stepDays);
    if (lastSlot >= 0 && slot <= lastSlot) return null;
    lastSlot = slot;
    const residual = residualAt(day, firstDay, first, cadence, slot);
    if (residual < lowestResidual) lowestResidual = residual;
    if (residual > highestResidual) highestResidual = residual;
    if (highestResidual - lowestResidual > 2 * cadence.toleranceDays) return null;
  }
  if (days.length / (lastSlot + 1) < MIN_SLOT_COVERAGE) return null;

  const slots: number[] = [];
  const residuals: number[] = [];
  for (const day of days) {
    const slot = nearestSlot(day, firstDay, first, cadence, stepDays);
    slots.push(slot);
    residuals.push(residualAt(day, firstDay, first, cadence, slot));
  }
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

/** The grid slot nearest to `day`: the rounded step count or a neighbour (month grids are uneven), never one below 0. */
function nearestSlot(day: number, firstDay: number, first: CivilDate, cadence: Cadence, stepDays: number): number {
  const guess = Math.round((day - firstDay) / stepDays);
  let bestSlot = guess;
  let bestResidual = Number.POSITIVE_INFINITY;
  for (let slot = guess - 1; slot <= guess + 1; slot += 1) {
    if (slot < 0) continue;
    const residual = day - expectedDay(firstDay, first, cadence, slot);
    if (Math.abs(residual) < Math.abs(bestResidual)) {
      bestResidual = residual;
      bestSlot = slot;
    }
  }
  return bestSlot;
}

/**
 * The residual nearestSlot found for its slot: day minus the slot's grid date, or +Infinity when
 * it tried no slot (a slot below 0, or not a number).
 */
function residualAt(day: number, firstDay: number, first: CivilDate, cadence: Cadence, slot: number): number {
  return slot >= 0 ? day - expectedDay(firstDay, first, cadence, slot) : Number.POSITIVE_INFINITY;
}

/**
 * The best-fitting rhythm, or null when none fits (irregular). Ties go to the earlier cadence in
 * CADENCES. A monthly fit also wins when one day of the month, moved off weekends and holidays,
 * explains every date exactly: a short monthly series around Christmas (28 Oct, 28 Nov, 24 Dec)
 * otherwise looks four-weekly by its raw gaps.
 */
export function detectCadence(sortedDates: readonly IsoDate[]): CadenceFit | null {
  return detectCadenceOfDays(sortedDates.map(dayNumberOfIso));
}

/** detectCadence on day numbers, for callers that convert each date once and fit it many times. */
export function detectCadenceOfDays(days: readonly number[]): CadenceFit | null {
  let smallestGap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < days.length; i += 1) {
    const gap = days[i]! - days[i - 1]!;
    if (gap < smallestGap) smallestGap = gap;
  }
  let best: CadenceFit | null = null;
  let monthly: CadenceFit | null = null;
  for (let c = 0; c < CADENCES.length; c += 1) {
    // A gap below the cadence's minimum means fitDayNumbers would return null (see MIN_GAP_DAYS).
    if (smallestGap < MIN_GAP_DAYS[c]!) continue;
    const fit = fitDayNumbers(days, CADENCES[c]!);
    if (fit?.frequency === 'monthly') monthly = fit;
    if (fit && (best == null || fit.meanDeviationDays < best.meanDeviationDays - 1e-9)) best = fit;
  }
  if (monthly && best !== monthly && isWorkingDayShiftedDayOfMonth(days)) return monthly;
  return best;
}

/** True when some day of the month, moved to the previous or next working day, gives exactly these days. */
function isWorkingDayShiftedDayOfMonth(days: readonly number[]): boolean {
  const civil = days.map(civilOf);
  const shifts = workingDayShifts();
  for (const table of [shifts.previous, shifts.next]) {
    for (let dayOfMonth = 1; dayOfMonth <= 31; dayOfMonth += 1) {
      let all = true;
      for (let i = 0; i < days.length && all; i += 1) {
        const c = civil[i]!;
        all = table.shifted(dayInMonthAfter(c.year, c.month, 0, dayOfMonth)) === days[i];
      }
      if (all) return true;
    }
  }
  return false;
}

/** The next expected date on the fitted grid after the last observed one. */
export function nextOnGrid(sortedDates: readonly IsoDate[], fit: CadenceFit): IsoDate {
  return nextOnGridOfDays(dayNumberOfIso(sortedDates[0]!), fit);
}

/** nextOnGrid from the day number of the series' first date. */
export function nextOnGridOfDays(firstDay: number, fit: CadenceFit): IsoDate {
  const cadence = cadenceOf(fit.frequency)!;
  const nextSlot = fit.slots[fit.slots.length - 1]! + 1;
  return isoOfDayNumber(expectedDay(firstDay, civilOf(firstDay), cadence, nextSlot) + Math.round(fit.offsetDays));
}
