/**
 * One bank export that spans longer than the features look back (FEATURE_HISTORY_DAYS) states its
 * balances only at its two ends. Replayed at a late as-of date, the features must still find today's
 * balance, as a fetch on that day would give it; before the fix every balance feature went missing
 * after day 460, so a model trained on early dates met "missing" on every later row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_HISTORY_DAYS } from '../../src/risk-features/compute-features.js';
import { buildWorldTrainingTable, type TrainingTable } from '../../src/risk-features/training-table.js';
import { addDays } from '../../src/platform/dates.js';
import { runSimulationToDirectory } from '../../src/simulation/simulation-run.js';

const START = '2025-01-01';
const BALANCE_FEATURES = ['bank.balance_min_30d', 'bank.balance_mean_90d', 'bank.days_below_zero_180d'];
let root: string;
let table: TrainingTable;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'long-statement-'));
  const world = join(root, 'world');
  await runSimulationToDirectory({ households: 6, months: 20, seed: 7, startDate: START, outDir: world, formats: ['berlin-group'], workers: 1, truthRuns: 2 });
  table = await buildWorldTrainingTable(world, { featureSet: 'bank-and-data-points', workers: 1 });
}, 240_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('balance features from one long statement export', () => {
  it('are present at every as-of date, also more than FEATURE_HISTORY_DAYS after the export starts', () => {
    const names = table.dataset.featureNames;
    const late = addDays(START, FEATURE_HISTORY_DAYS + 30);
    const history = table.dataset.columns[names.indexOf('bank.history_days')]!;
    let lateRows = 0;
    for (let row = 0; row < table.dataset.rowCount; row++) {
      if (Number.isNaN(history[row]!)) continue;
      if (table.asOf[row]! > late) lateRows++;
      for (const feature of BALANCE_FEATURES) {
        expect(Number.isNaN(table.dataset.columns[names.indexOf(feature)]![row]!), `${feature} at ${table.asOf[row]} (${table.ids[row]})`).toBe(false);
      }
    }
    expect(lateRows).toBeGreaterThan(0);
  });
});
