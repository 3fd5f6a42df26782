/**
 * Golden test for the pluggable creditor: with `standardDunning` (the default) the simulator must
 * write exactly what it wrote before the creditor's behaviour became a policy. The hash below was
 * computed on main's code (commit 45d5c99), before src/simulation/creditor-policy.ts existed, with
 * the same options; any change to today's creditor behaviour, or to the order of random draws,
 * changes it. The run includes Monte Carlo truth (truthRuns > 0), so the futures are covered too.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';

const GOLDEN = { households: 60, months: 18, seed: 20_261_205, truthRuns: 4, truthFromMonth: 12, truthEveryMonths: 3 } as const;
const GOLDEN_SHA256 = 'afedde47e364a7ab741ebcdc75fff44ab431802e0bbcd9adf96fe222015281f3';

function hashWorld(): { sha256: string; handOvers: number; arrangements: number; reminders: number } {
  const hash = createHash('sha256');
  let handOvers = 0;
  let arrangements = 0;
  let reminders = 0;
  for (const household of simulateHouseholds(GOLDEN)) {
    hash.update(JSON.stringify(household));
    hash.update('\n');
    for (const e of household.events) {
      if (e.type === 'handed_to_collection') handOvers++;
      else if (e.type === 'arrangement_started') arrangements++;
      else if (e.type === 'reminder_sent') reminders++;
    }
  }
  return { sha256: hash.digest('hex'), handOvers, arrangements, reminders };
}

describe('standard dunning is today\'s creditor, byte for byte', () => {
  it('simulates the golden world to the hash computed before the creditor became pluggable', () => {
    const world = hashWorld();
    // The golden world must exercise the ladder, or the hash would not guard it.
    expect(world.reminders).toBeGreaterThan(10);
    expect(world.handOvers + world.arrangements).toBeGreaterThan(0);
    expect(world.sha256).toBe(GOLDEN_SHA256);
  });
});
