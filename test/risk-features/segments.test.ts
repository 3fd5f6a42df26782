/**
 * Segments of a world training table: every row carries its household's type, main income source and
 * region in words, exactly as the world's truth records them (read here with a full JSON parse, not the
 * table's line scan), for both feature sets; and every city the simulator draws has a region.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bandLabels, HOUSEHOLD_TYPE_LABELS, INCOME_SOURCE_LABELS, PROVINCE_OF_CITY, WORLD_SEGMENTS, worldSegmentsOf } from '../../src/risk-features/segments.js';
import { buildWorldTrainingTable } from '../../src/risk-features/training-table.js';
import { CITIES } from '../../src/simulation/counterparties.js';
import { runSimulationToDirectory } from '../../src/simulation/simulation-run.js';
import type { HouseholdTruth } from '../../src/simulation/simulation.types.js';
import { WORLD } from '../../src/simulation/world-parameters.js';

let root: string;
let world: string;
let truth: Map<string, HouseholdTruth>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'segments-'));
  world = join(root, 'world');
  await runSimulationToDirectory({ households: 40, months: 9, seed: 17, outDir: world, formats: ['berlin-group'], workers: 1, truthRuns: 2, bankHouseholds: 6 });
  const lines = readFileSync(join(world, 'truth.jsonl'), 'utf8').trim().split('\n');
  truth = new Map(lines.map((line) => JSON.parse(line) as HouseholdTruth).map((h) => [h.debtorRef, h]));
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const REGIONS = ['Noord-Nederland', 'Oost-Nederland', 'West-Nederland', 'Zuid-Nederland'];

describe('world table segments', () => {
  for (const featureSet of ['data-points-only', 'bank-and-data-points'] as const) {
    it(`are each row's household type, income source and region (${featureSet})`, async () => {
      const table = await buildWorldTrainingTable(world, { featureSet, workers: 1 });
      expect(table.dataset.rowCount).toBeGreaterThan(0);
      expect(Object.keys(table.segments)).toEqual([...WORLD_SEGMENTS]);
      table.ids.forEach((id, i) => {
        const household = truth.get(id.slice(0, id.indexOf('@')))!;
        expect(table.segments.household_type![i]).toBe(HOUSEHOLD_TYPE_LABELS[household.compositionAtStart]);
        expect(table.segments.income_source![i]).toBe(INCOME_SOURCE_LABELS[household.mainIncomeSource]);
        expect(table.segments.region![i]).toBe(worldSegmentsOf({ compositionAtStart: null, mainIncomeSource: null, city: household.city }).region);
        expect(REGIONS).toContain(table.segments.region![i]);
      });
      // Forty households give more than one group in each segment, so the values are not a constant.
      for (const name of WORLD_SEGMENTS) expect(new Set(table.segments[name]).size).toBeGreaterThan(1);
    });
  }
});

describe('segment values', () => {
  it('name every city, income source and household type the simulator draws', () => {
    for (const [city] of CITIES) {
      expect(PROVINCE_OF_CITY[city.name], city.name).toBeDefined();
      expect(REGIONS).toContain(worldSegmentsOf({ compositionAtStart: null, mainIncomeSource: null, city: city.name }).region);
    }
    for (const [source] of WORLD.incomeSource) expect(INCOME_SOURCE_LABELS[source]).toMatch(/^[a-z]/);
    expect(Object.keys(HOUSEHOLD_TYPE_LABELS).sort()).toEqual(['couple', 'couple_with_children', 'single', 'single_parent']);
    expect(worldSegmentsOf({ compositionAtStart: 'castle', mainIncomeSource: 'lottery', city: 'Atlantis' })).toEqual({ household_type: null, income_source: null, region: null });
    expect(worldSegmentsOf(undefined)).toEqual({ household_type: null, income_source: null, region: null });
    expect(worldSegmentsOf({ compositionAtStart: 'single_parent', mainIncomeSource: 'wia', city: 'Heerlen' })).toEqual({
      household_type: 'single parent',
      income_source: 'disability benefit (WIA)',
      region: 'Zuid-Nederland',
    });
  });

  it('label bands of whole numbers as ages are read, others as half-open intervals', () => {
    expect(bandLabels([25, 35, 45, 55])).toEqual(['<25', '25-34', '35-44', '45-54', '55+']);
    expect(bandLabels([1, 2, 4])).toEqual(['<1', '1', '2-3', '4+']);
    expect(bandLabels([0.5, 1.5])).toEqual(['<0.5', '[0.5, 1.5)', '≥1.5']);
  });
});
