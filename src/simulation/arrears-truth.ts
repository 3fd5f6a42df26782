/**
 * The hidden probability of arrears: from a household's exact state on an as-of date, run K futures
 * of 90 days (each with its own random stream, no recorder) and count those in which an
 * arrears_started event happens. The actual life continues from the same state with its own
 * stream, so "realised" is one more draw from the same distribution: over many households the mean
 * probability and the realised share agree, which the tests check.
 *
 * Cost: K × 90 simulated days per as-of date, against about 30 for the month of actual life in
 * between; with K = 32 and monthly as-of dates the truth is most of the run time. A future stops at
 * its first arrears event, which is all it needs to know, or as soon as no arrears can start any
 * more before the horizon (arrearsImpossibleBefore), which saves about a third of the days.
 */
import { arrearsImpossibleBefore } from './creditor-process.js';
import { simulateDay, type EngineContext } from './household-engine.js';
import { copyHouseholdState } from './household-state.js';
import { deriveSeed, SeededRandom } from './seeded-random.js';

export const ARREARS_HORIZON_DAYS = 90;

export function arrearsProbability(ctx: EngineContext, runs: number, horizonDays = ARREARS_HORIZON_DAYS): number {
  const { profile, state } = ctx;
  const from = state.day;
  let hits = 0;
  for (let k = 0; k < runs; k++) {
    const future = copyHouseholdState(state);
    future.random = new SeededRandom(deriveSeed(profile.seed, 'future', from, k));
    if (arrearsWithin({ profile, state: future, rec: null }, from + horizonDays)) hits++;
  }
  return hits / runs;
}

/** Runs one future until its first arrears event (true) or until none can happen before endDay (false). */
function arrearsWithin(ctx: EngineContext, endDay: number): boolean {
  const state = ctx.state;
  const before = state.creditor.arrearsEvents;
  while (state.day < endDay) {
    simulateDay(ctx);
    state.day++;
    if (state.creditor.arrearsEvents > before) return true;
    if (arrearsImpossibleBefore(ctx, endDay)) return false;
  }
  return false;
}
