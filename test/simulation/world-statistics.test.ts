/**
 * The statistics the synthetic world promises (world-parameters.ts documents the rates and their
 * sources), measured on 1,000 households over a year. Tolerances: shares within a few percentage
 * points of the documented marginals; shock counts within four Poisson standard deviations (plus
 * 10 %) of hazard × exposure, so a correct world fails about once in 30,000 runs and a wrong rate
 * (off by half) fails reliably.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import type { SimulatedHousehold, ShockKind } from '../../src/simulation/simulation.types.js';
import { WORLD } from '../../src/simulation/world-parameters.js';

const HOUSEHOLDS = 1000;
const MONTHS = 12;
let world: SimulatedHousehold[] = [];

beforeAll(() => {
  world = [...simulateHouseholds({ households: HOUSEHOLDS, months: MONTHS, seed: 20_251, truthRuns: 8 })];
}, 60_000);

const share = (predicate: (h: SimulatedHousehold) => boolean) => world.filter(predicate).length / world.length;
const count = (kind: ShockKind) => world.reduce((n, h) => n + h.truth.shocks.filter((s) => s.kind === kind).length, 0);

function expectPoisson(observed: number, expected: number): void {
  const tolerance = 4 * Math.sqrt(expected) + 0.1 * expected;
  expect(observed, `observed ${observed}, expected ${expected.toFixed(1)} ± ${tolerance.toFixed(1)}`).toBeGreaterThanOrEqual(expected - tolerance);
  expect(observed, `observed ${observed}, expected ${expected.toFixed(1)} ± ${tolerance.toFixed(1)}`).toBeLessThanOrEqual(expected + tolerance);
}

describe('arrears', () => {
  it('puts 5–15 % of (household, as-of date) pairs into arrears within 90 days, and the truth is calibrated', () => {
    const rows = world.flatMap((h) => h.truth.arrears);
    expect(rows.length).toBe(HOUSEHOLDS * 4); // as-of dates 1 July to 1 October: their 90 days end inside the year
    const realised = rows.filter((r) => r.realised).length / rows.length;
    const meanP = rows.reduce((sum, r) => sum + r.pArrears90d, 0) / rows.length;
    expect(realised).toBeGreaterThanOrEqual(0.05);
    expect(realised).toBeLessThanOrEqual(0.15);
    expect(meanP).toBeGreaterThanOrEqual(0.05);
    expect(meanP).toBeLessThanOrEqual(0.15);
    // The actual life is one more draw from the distribution the futures estimate.
    expect(Math.abs(meanP - realised)).toBeLessThan(0.02);
    // And the probability separates: pairs with p ≥ 0.5 are realised far more often than pairs with p = 0.
    const high = rows.filter((r) => r.pArrears90d >= 0.5);
    const zero = rows.filter((r) => r.pArrears90d === 0);
    expect(high.filter((r) => r.realised).length / high.length).toBeGreaterThan(0.5);
    expect(zero.filter((r) => r.realised).length / zero.length).toBeLessThan(0.02);
  });

  it('follows from the mechanics: won\'t-payers, households without a buffer, forgetful manual payers', () => {
    const rate = (predicate: (h: SimulatedHousehold) => boolean) => {
      const rows = world.filter(predicate).flatMap((h) => h.truth.arrears);
      return rows.filter((r) => r.realised).length / rows.length;
    };
    const hidden = (h: SimulatedHousehold) => h.truth.hidden;
    const ordinary = rate((h) => hidden(h).willingnessToPay > 0.5 && hidden(h).initialBufferCents > 100_000 && hidden(h).forgetfulness < 0.5);
    expect(rate((h) => hidden(h).willingnessToPay < 0.35)).toBeGreaterThan(4 * ordinary);
    expect(rate((h) => hidden(h).initialBufferCents < 30_000 && hidden(h).willingnessToPay > 0.5)).toBeGreaterThan(1.5 * ordinary);
    expect(rate((h) => hidden(h).paysCreditorBy === 'bank_transfer' && hidden(h).forgetfulness > 0.5)).toBeGreaterThan(4 * ordinary);
  });

  it('returns direct debits mostly for insufficient funds, and some as refusals, refunds and closed accounts', () => {
    const reasons: Record<string, number> = {};
    let collected = 0;
    for (const h of world) {
      for (const e of h.events) {
        if (e.type === 'direct_debit_returned') reasons[e.reasonCode] = (reasons[e.reasonCode] ?? 0) + 1;
        if (e.type === 'direct_debit_collected') collected++;
      }
    }
    const returned = Object.values(reasons).reduce((a, b) => a + b, 0);
    expect(reasons.AM04).toBeGreaterThan(returned / 2);
    for (const code of ['MS02', 'MD06', 'AC04']) expect(reasons[code] ?? 0).toBeGreaterThan(0);
    // Dutch banks see a few percent of consumer direct debits come back.
    expect(returned / collected).toBeGreaterThan(0.01);
    expect(returned / collected).toBeLessThan(0.06);
  });
});

describe('households', () => {
  it('has the documented income mix', () => {
    expect(share((h) => h.truth.mainIncomeSource === 'salary')).toBeCloseTo(0.62, 1);
    expect(Math.abs(share((h) => h.truth.mainIncomeSource === 'salary') - 0.62)).toBeLessThan(0.04);
    expect(Math.abs(share((h) => h.truth.mainIncomeSource === 'pension') - 0.25)).toBeLessThan(0.04);
    const benefits = share((h) => ['bijstand', 'wia', 'ww', 'wajong'].includes(h.truth.mainIncomeSource));
    expect(Math.abs(benefits - 0.13)).toBeLessThan(0.03);
  });

  it('has Dutch-like household compositions (CBS 2024: 39 / 28 / 25 / 8 %)', () => {
    const at = (c: string) => share((h) => h.truth.compositionAtStart === c);
    expect(Math.abs(at('single') - 0.39)).toBeLessThan(0.04);
    expect(Math.abs(at('couple') - 0.28)).toBeLessThan(0.04);
    expect(Math.abs(at('couple_with_children') - 0.25)).toBeLessThan(0.04);
    expect(Math.abs(at('single_parent') - 0.08)).toBeLessThan(0.025);
  });

  it('pays salaries monthly on a personal payday (mostly the 20th–25th) or four-weekly', () => {
    const salaries = world.flatMap((h) => h.truth.incomeStreams.filter((s) => s.kind === 'salary'));
    const fourWeekly = salaries.filter((s) => s.schedule.rule === 'four_weekly').length / salaries.length;
    expect(Math.abs(fourWeekly - WORLD.salary.fourWeeklyShare)).toBeLessThan(0.05);
    const days = salaries.flatMap((s) => (s.schedule.rule === 'monthly' ? [s.schedule.dayOfMonth] : []));
    expect(days.every((d) => d >= 15 && d <= 28)).toBe(true);
    expect(days.filter((d) => d >= 20 && d <= 25).length / days.length).toBeGreaterThan(0.6);
  });
});

describe('shock rates', () => {
  const householdMonths = () => HOUSEHOLDS * MONTHS;

  it('has energy price rises, unexpected expenses and moves at their monthly hazards', () => {
    expectPoisson(count('energy_price_rise'), WORLD.hazards.energyPriceRise * householdMonths());
    expectPoisson(count('unexpected_expense'), WORLD.hazards.unexpectedExpense * householdMonths());
    expectPoisson(count('move'), WORLD.hazards.moveHouse * householdMonths());
  });

  it('loses jobs and falls ill at the hazards per employed earner and month', () => {
    // Exposure: months with a salary paid (a four-weekly salary pays 13 times in 12 months).
    const salaryMonths = world.reduce(
      (sum, h) => sum + h.truth.incomeStreams.filter((s) => s.kind === 'salary').reduce((n, s) => n + s.payments * (s.schedule.rule === 'four_weekly' ? 12 / 13 : 1), 0),
      0,
    );
    expectPoisson(count('job_loss'), WORLD.hazards.jobLossPerEarner * salaryMonths);
    expectPoisson(count('illness'), WORLD.hazards.illnessPerEarner * salaryMonths);
  });

  it('separates couples at the documented hazard, and job losers find work or draw WW', () => {
    const coupleMonths = world.filter((h) => h.truth.compositionAtStart === 'couple' || h.truth.compositionAtStart === 'couple_with_children').length * MONTHS;
    expectPoisson(count('separation'), WORLD.hazards.separationPerCouple * coupleMonths);
    const wwStreams = world.flatMap((h) => h.truth.incomeStreams.filter((s) => s.kind === 'ww'));
    expect(wwStreams.length).toBeGreaterThan(count('job_loss') * 0.5);
  });

  it('changes banks at least at the baseline rate, more under money stress', () => {
    const changes = count('bank_change');
    expect(changes).toBeGreaterThan(WORLD.hazards.bankChange * householdMonths() * 0.5);
    expect(changes).toBeLessThan(WORLD.hazards.bankChange * householdMonths() * WORLD.hazards.bankChangeUnderStressFactor);
  });
});
