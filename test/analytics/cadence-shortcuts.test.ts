/**
 * detectCadence skips fits that cannot succeed (gaps too small for a rhythm, too few dates for the
 * slots, residuals too far apart) and fits the rest once. It must give exactly what fitting every
 * rhythm in full gives: the reference below is that full fit, as detectCadence first did it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shiftDayNumberToWorkingDay } from '../../src/analytics/calendar/dutch-holidays.js';
import { AVERAGE_DAYS_PER_MONTH, CADENCES, detectCadence, type CadenceFit } from '../../src/analytics/streams/cadence.js';
import { civilOf, dayInMonthAfter, dayNumberOfIso, isoOfDayNumber } from '../../src/platform/day-number.js';

type Cadence = (typeof CADENCES)[number];

function referenceFit(days: readonly number[], cadence: Cadence): CadenceFit | null {
  if (days.length < 2) return null;
  const firstDay = days[0]!;
  const first = civilOf(firstDay);
  const expected = (slot: number) =>
    cadence.stepMonths != null ? dayInMonthAfter(first.year, first.month, slot * cadence.stepMonths, first.day) : firstDay + slot * cadence.stepDays!;
  const stepDays = cadence.stepDays ?? cadence.stepMonths! * AVERAGE_DAYS_PER_MONTH;
  const slots: number[] = [];
  const residuals: number[] = [];
  for (const day of days) {
    const guess = Math.round((day - firstDay) / stepDays);
    let bestSlot = guess;
    let bestResidual = Number.POSITIVE_INFINITY;
    for (let slot = guess - 1; slot <= guess + 1; slot += 1) {
      if (slot < 0) continue;
      const residual = day - expected(slot);
      if (Math.abs(residual) < Math.abs(bestResidual)) {
        bestResidual = residual;
        bestSlot = slot;
      }
    }
    if (slots.length > 0 && bestSlot <= slots[slots.length - 1]!) return null;
    slots.push(bestSlot);
    residuals.push(bestResidual);
  }
  if (days.length / (slots[slots.length - 1]! + 1) < 0.7) return null;
  const sorted = [...residuals].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const offset = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  let maxDeviationDays = 0;
  let total = 0;
  for (const r of residuals) {
    total += Math.abs(r - offset);
    maxDeviationDays = Math.max(maxDeviationDays, Math.abs(r - offset));
  }
  if (maxDeviationDays > cadence.toleranceDays) return null;
  return { frequency: cadence.frequency, meanDeviationDays: total / residuals.length, maxDeviationDays, slots, offsetDays: offset };
}

function referenceCadence(dates: readonly string[]): CadenceFit | null {
  const days = dates.map(dayNumberOfIso);
  let best: CadenceFit | null = null;
  let monthly: CadenceFit | null = null;
  for (const cadence of CADENCES) {
    const fit = referenceFit(days, cadence);
    if (fit?.frequency === 'monthly') monthly = fit;
    if (fit && (best == null || fit.meanDeviationDays < best.meanDeviationDays - 1e-9)) best = fit;
  }
  if (monthly && best !== monthly) {
    const civil = days.map(civilOf);
    for (const shift of ['previous', 'next'] as const) {
      for (let dayOfMonth = 1; dayOfMonth <= 31; dayOfMonth += 1) {
        if (civil.every((c, i) => shiftDayNumberToWorkingDay(dayInMonthAfter(c.year, c.month, 0, dayOfMonth), shift) === days[i])) return monthly;
      }
    }
  }
  return best;
}

/** Series near each rhythm (steps in days, with weekend-sized noise, missed and extra payments), sorted or not. */
const series = fc
  .record({
    start: fc.integer({ min: dayNumberOfIso('2022-01-01'), max: dayNumberOfIso('2026-01-01') }),
    step: fc.constantFrom(1, 3, 7, 14, 28, 30, 31, 91, 365),
    noise: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 2, maxLength: 24 }),
    dropped: fc.array(fc.boolean(), { maxLength: 24 }),
    shuffle: fc.boolean(),
  })
  .map(({ start, step, noise, dropped, shuffle }) => {
    const days = noise.map((n, k) => start + k * step + n).filter((_, k) => !dropped[k]);
    const sorted = [...days].sort((a, b) => a - b);
    return (shuffle ? days : sorted).map(isoOfDayNumber);
  });

describe('cadence shortcuts', () => {
  it('find the same rhythm, deviations, slots and offset as fitting every rhythm in full', () => {
    fc.assert(
      fc.property(series, (dates) => {
        expect(detectCadence(dates)).toEqual(referenceCadence(dates));
      }),
      { numRuns: 5_000 },
    );
  });
});
