/**
 * Which rhythm a series of dates follows: weekly, four-weekly, monthly, quarterly, yearly or none.
 *
 * Why a fit instead of the mean interval: a monthly salary has intervals of 28 to 34 days (month
 * lengths plus weekend shifts) and a four-weekly one exactly 28, so their mean intervals overlap
 * for short series. Fitting each rhythm to the dates (expected date of the k-th payment, residual
 * in days) separates them: a monthly series drifts ~2.4 days per step against a 28-day grid, a
 * four-weekly one slips against the calendar month.
 */
import { addDays, addMonths, toDayNumber, type IsoDate } from '../../platform/dates.js';

export type Frequency = 'weekly' | 'four-weekly' | 'monthly' | 'quarterly' | 'yearly' | 'irregular';

interface Cadence {
  frequency: Exclude<Frequency, 'irregular'>;
  stepDays?: number;
  stepMonths?: number;
  /** Largest deviation in days from the grid still counted as on time (weekend and holiday shifts). */
  toleranceDays: number;
  /** How many of these fit in a month, for monthly-equivalent amounts. */
  perMonth: number;
}

const AVERAGE_DAYS_PER_MONTH = 365.2425 / 12;

/** In order of preference when two rhythms fit equally well (a 28-day gap in February is monthly too). */
export const CADENCES: readonly Cadence[] = [
  { frequency: 'monthly', stepMonths: 1, toleranceDays: 4, perMonth: 1 },
  { frequency: 'four-weekly', stepDays: 28, toleranceDays: 3, perMonth: 365.2425 / 28 / 12 },
  { frequency: 'weekly', stepDays: 7, toleranceDays: 1, perMonth: 365.2425 / 7 / 12 },
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

function expectedDate(first: IsoDate, cadence: Cadence, slot: number): IsoDate {
  return cadence.stepMonths != null ? addMonths(first, slot * cadence.stepMonths) : addDays(first, slot * cadence.stepDays!);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function fitCadence(sortedDates: readonly IsoDate[], cadence: Cadence): CadenceFit | null {
  if (sortedDates.length < 2) return null;
  const first = sortedDates[0]!;
  const firstDay = toDayNumber(first);
  const stepDays = cadence.stepDays ?? cadence.stepMonths! * AVERAGE_DAYS_PER_MONTH;
  const slots: number[] = [];
  const residuals: number[] = [];
  for (const date of sortedDates) {
    const day = toDayNumber(date);
    const guess = Math.round((day - firstDay) / stepDays);
    let bestSlot = guess;
    let bestResidual = Number.POSITIVE_INFINITY;
    // Month grids are uneven; the neighbouring slot may be the nearer one.
    for (const slot of [guess - 1, guess, guess + 1]) {
      if (slot < 0) continue;
      const residual = day - toDayNumber(expectedDate(first, cadence, slot));
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
  if (sortedDates.length / (lastSlot + 1) < MIN_SLOT_COVERAGE) return null;
  const offset = median(residuals);
  const deviations = residuals.map((r) => Math.abs(r - offset));
  const maxDeviationDays = Math.max(...deviations);
  if (maxDeviationDays > cadence.toleranceDays) return null;
  return {
    frequency: cadence.frequency,
    meanDeviationDays: deviations.reduce((a, b) => a + b, 0) / deviations.length,
    maxDeviationDays,
    slots,
    offsetDays: offset,
  };
}

/** The best-fitting rhythm, or null when none fits (irregular). Ties go to the earlier cadence in CADENCES. */
export function detectCadence(sortedDates: readonly IsoDate[]): CadenceFit | null {
  let best: CadenceFit | null = null;
  for (const cadence of CADENCES) {
    const fit = fitCadence(sortedDates, cadence);
    if (fit && (best == null || fit.meanDeviationDays < best.meanDeviationDays - 1e-9)) best = fit;
  }
  return best;
}

/** The next expected date on the fitted grid after the last observed one. */
export function nextOnGrid(sortedDates: readonly IsoDate[], fit: CadenceFit): IsoDate {
  const cadence = cadenceOf(fit.frequency)!;
  const first = sortedDates[0]!;
  const nextSlot = fit.slots[fit.slots.length - 1]! + 1;
  return addDays(expectedDate(first, cadence, nextSlot), Math.round(fit.offsetDays));
}

export { AVERAGE_DAYS_PER_MONTH };
