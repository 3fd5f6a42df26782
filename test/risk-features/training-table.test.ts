/**
 * Training tables from a small simulated world written by the simulator into a temporary folder,
 * and from a folder of bank files with an outcomes list.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normsAt, type HouseholdType } from '../../src/affordability/norms/norms.js';
import { addDays } from '../../src/platform/dates.js';
import { FEATURE_CATALOGUE_VERSION, featureNamesOf } from '../../src/risk-features/catalogue.js';
import { computeFeatures, featureRow } from '../../src/risk-features/compute-features.js';
import { parseEventLines, readBankData } from '../../src/risk-features/debtor-rows.js';
import { bankDataFeatureNames, buildBankDataTrainingTable, buildWorldTrainingTable, TrainingDataError, type OutcomeRow, type TrainingTable } from '../../src/risk-features/training-table.js';
import { runSimulationToDirectory } from '../../src/simulation/simulation-run.js';

const HOUSEHOLDS = 30;
const BANK_HOUSEHOLDS = 8;
let root: string;
let world: string;
let truthRows: { ref: string; asOf: string; p: number; realised: number }[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'risk-features-'));
  world = join(root, 'world');
  await runSimulationToDirectory({ households: HOUSEHOLDS, months: 14, seed: 31, outDir: world, formats: ['berlin-group', 'camt'], workers: 1, truthRuns: 4, bankHouseholds: BANK_HOUSEHOLDS });
  truthRows = readFileSync(join(world, 'truth-arrears.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [ref, asOf, p, realised] = line.split(',');
      return { ref: ref!, asOf: asOf!, p: Number(p), realised: Number(realised) };
    });
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

function eventsOf(ref: string) {
  const lines = readFileSync(join(world, 'events.jsonl'), 'utf8').split('\n').filter((line) => line.includes(`"debtorRef":"${ref}"`));
  return parseEventLines(lines.join('\n'));
}

function bankFilesOf(ref: string): string[] {
  const shard = join(world, 'bank', '0000');
  return readdirSync(shard).filter((name) => name.startsWith(`${ref}_`) && name.endsWith('.berlin-group.json')).sort().map((name) => join(shard, name));
}

function rowOf(table: TrainingTable, index: number): number[] {
  return table.dataset.columns.map((column) => column[index]!);
}

describe('a training table from a simulated world', () => {
  it('has one row per truth row, labelled by what happened, with the oracle, features as of the day before', async () => {
    const progress: number[] = [];
    const table = await buildWorldTrainingTable(world, { featureSet: 'data-points-only', workers: 1, onProgress: (done) => progress.push(done) });
    expect(table.dataset.rowCount).toBe(truthRows.length);
    expect(table.ids).toEqual(truthRows.map((r) => `${r.ref}@${r.asOf}`));
    expect(table.asOf).toEqual(truthRows.map((r) => addDays(r.asOf, -1)));
    expect(Array.from(table.dataset.labels)).toEqual(truthRows.map((r) => r.realised));
    expect(Array.from(table.oracle!)).toEqual(truthRows.map((r) => r.p));
    expect(table.dataset.featureNames).toEqual(featureNamesOf('data-points-only'));
    expect(table.featureSet).toBe('data-points-only');
    expect(table.catalogueVersion).toBe(FEATURE_CATALOGUE_VERSION);
    expect(progress[progress.length - 1]).toBe(truthRows.length);

    // A row is what computeFeatures gives for that household as of the day before the truth's date.
    for (const index of [0, Math.floor(truthRows.length / 2), truthRows.length - 1]) {
      const { ref, asOf } = truthRows[index]!;
      const featureDate = addDays(asOf, -1);
      const vector = computeFeatures({ asOf: featureDate, bank: null, events: eventsOf(ref), norms: normsAt(featureDate) }, 'data-points-only');
      expect(rowOf(table, index)).toEqual(Array.from(featureRow(vector, table.dataset.featureNames)));
    }
  }, 60_000);

  it('uses only households with bank files for the bank feature set, parsed and categorised once', async () => {
    const table = await buildWorldTrainingTable(world, { featureSet: 'bank-and-data-points', workers: 1, households: 3 });
    const bankRefs = [...new Set(truthRows.map((r) => r.ref))].slice(0, 3);
    const expected = truthRows.filter((r) => bankRefs.includes(r.ref));
    expect(table.ids).toEqual(expected.map((r) => `${r.ref}@${r.asOf}`));
    expect(table.dataset.featureNames).toEqual(featureNamesOf('bank-and-data-points'));
    const index = expected.length - 1;
    const { ref, asOf } = expected[index]!;
    const bank = readBankData(bankFilesOf(ref));
    const featureDate = addDays(asOf, -1);
    // The household as it was at the start of the world: its end may be a later separation.
    const truth = readFileSync(join(world, 'truth.jsonl'), 'utf8').split('\n').find((line) => line.includes(`"debtorRef":"${ref}"`))!;
    const composition = (JSON.parse(truth) as { compositionAtStart: HouseholdType }).compositionAtStart;
    const vector = computeFeatures({ asOf: featureDate, bank, events: eventsOf(ref), norms: normsAt(featureDate), household: { composition } }, 'bank-and-data-points');
    const row = rowOf(table, index);
    // Bank features are present (not missing) for a household with bank files.
    expect(row[table.dataset.featureNames.indexOf('bank.income_stable_90d')]).toBeGreaterThan(0);
    expect(row).toEqual(Array.from(featureRow(vector, table.dataset.featureNames)));

    const all = await buildWorldTrainingTable(world, { featureSet: 'bank-and-data-points', workers: 1, asOfEvery: 3 });
    const households = new Set(all.ids.map((id) => id.split('@')[0]));
    expect(households.size).toBe(BANK_HOUSEHOLDS);
    const datesPerHousehold = new Set(truthRows.map((r) => r.asOf)).size;
    expect(all.dataset.rowCount).toBe(BANK_HOUSEHOLDS * Math.ceil(datesPerHousehold / 3));
  }, 120_000);

  it('is the same table whatever the number of worker threads', async () => {
    // All 30 households are several chunks, which may come back from the workers in any order.
    for (const options of [{ featureSet: 'data-points-only' as const }, { featureSet: 'bank-and-data-points' as const, households: 4 }]) {
      const [one, two] = [await buildWorldTrainingTable(world, { ...options, workers: 1 }), await buildWorldTrainingTable(world, { ...options, workers: 2 })];
      expect(two.ids).toEqual(one.ids);
      expect(two.dataset.columns).toEqual(one.dataset.columns);
      expect(two.dataset.labels).toEqual(one.dataset.labels);
      expect(two.oracle).toEqual(one.oracle);
    }
  }, 120_000);

  it('refuses a folder that is not a world, and events not in household order', async () => {
    await expect(buildWorldTrainingTable(root, { featureSet: 'data-points-only', workers: 1 })).rejects.toThrow(TrainingDataError);
    const shuffled = join(root, 'shuffled');
    mkdirSync(shuffled);
    for (const name of ['manifest.json', 'truth-arrears.csv', 'truth.jsonl']) copyFileSync(join(world, name), join(shuffled, name));
    const lines = readFileSync(join(world, 'events.jsonl'), 'utf8').trim().split('\n');
    // The first household's first event moved to the end: its events are no longer together.
    writeFileSync(join(shuffled, 'events.jsonl'), `${[...lines.slice(1), lines[0]].join('\n')}\n`);
    const error = await buildWorldTrainingTable(shuffled, { featureSet: 'data-points-only', workers: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDataError);
    expect((error as TrainingDataError).file).toBe(join(shuffled, 'events.jsonl'));
    expect((error as TrainingDataError).line).toBe(lines.length);
  }, 60_000);
});

describe('a training table from bank files and outcomes', () => {
  let bankDir: string;
  let refs: string[];

  beforeAll(() => {
    bankDir = join(root, 'bank-data');
    mkdirSync(bankDir);
    refs = [...new Set(truthRows.map((r) => r.ref))].slice(0, 3);
    const shard = join(world, 'bank', '0000');
    // Three formats of one folder, told apart by their content: Berlin Group JSON, camt.053 XML.
    copyFileSync(bankFilesOf(refs[0]!)[0]!, join(bankDir, `${refs[0]}.json`));
    const camt = readdirSync(shard).find((name) => name.startsWith(`${refs[1]}_`) && name.endsWith('.camt053.xml'))!;
    copyFileSync(join(shard, camt), join(bankDir, `${refs[1]}.xml`));
    copyFileSync(bankFilesOf(refs[2]!)[0]!, join(bankDir, `${refs[2]}.berlin-group.json`));
  });

  const outcomes = (): OutcomeRow[] => [
    { debtorRef: refs[0]!, asOf: '2025-09-30', label: 0, extras: { amount: 12_000, term: 12 }, line: 2 },
    { debtorRef: refs[1]!, asOf: '2025-10-31', label: 1, extras: { amount: 50_000 }, line: 3 },
    { debtorRef: refs[0]!, asOf: '2025-12-31', label: 1, extras: { amount: 12_000, term: 12 }, line: 4 },
    { debtorRef: refs[2]!, asOf: '2025-11-30', label: 0, extras: { amount: 8_000, term: 6 }, line: 5 },
  ];

  it('has the bank features as of each row and the claim columns, in outcome order', async () => {
    const table = await buildBankDataTrainingTable(bankDir, outcomes(), { outcomesFile: 'outcomes.csv', extraColumns: ['amount', 'term'], workers: 1 });
    expect(table.dataset.featureNames).toEqual(bankDataFeatureNames(['amount', 'term']));
    expect(table.dataset.featureNames.slice(-2)).toEqual(['claim.amount', 'claim.term']);
    expect(table.ids).toEqual(outcomes().map((o) => `${o.debtorRef}@${o.asOf}`));
    expect(Array.from(table.dataset.labels)).toEqual([0, 1, 1, 0]);
    expect(table.oracle).toBeNull();
    const names = table.dataset.featureNames;
    expect(table.dataset.columns[names.indexOf('claim.term')]![1]).toBeNaN();
    expect(table.dataset.columns[names.indexOf('claim.amount')]![1]).toBe(50_000);
    outcomes().forEach((o, i) => {
      const file = join(bankDir, readdirSync(bankDir).find((name) => name.startsWith(`${o.debtorRef}.`))!);
      const vector = computeFeatures({ asOf: o.asOf, bank: readBankData([file]), events: [], norms: normsAt(o.asOf) }, 'bank-and-data-points');
      expect(rowOf(table, i).slice(0, -2)).toEqual(Array.from(featureRow(vector, names.slice(0, -2))));
    });
    // Features as of different dates of the same debtor differ: the file is read once, the dates apart.
    expect(rowOf(table, 0)).not.toEqual(rowOf(table, 2));

    const onWorkers = await buildBankDataTrainingTable(bankDir, outcomes(), { outcomesFile: 'outcomes.csv', extraColumns: ['amount', 'term'], workers: 2 });
    expect(onWorkers.dataset.columns).toEqual(table.dataset.columns);
    expect(onWorkers.ids).toEqual(table.ids);
  }, 60_000);

  it('names the outcomes line and column of an unknown debtorRef, and the bank file that does not parse', async () => {
    const unknown = [...outcomes(), { debtorRef: 'nobody', asOf: '2025-10-31', label: 0 as const, extras: {}, line: 6 }];
    const error = await buildBankDataTrainingTable(bankDir, unknown, { outcomesFile: 'outcomes.csv', extraColumns: [], workers: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDataError);
    expect(error).toMatchObject({ file: 'outcomes.csv', line: 6, column: 'debtorRef' });

    const noNorms = [...outcomes().slice(0, 2), { ...outcomes()[2]!, asOf: '1990-01-31', line: 4 }];
    const dateError = await buildBankDataTrainingTable(bankDir, noNorms, { outcomesFile: 'outcomes.csv', extraColumns: [] }).catch((e: unknown) => e);
    expect(dateError).toBeInstanceOf(TrainingDataError);
    expect(dateError).toMatchObject({ file: 'outcomes.csv', line: 4, column: 'asOf' });

    const broken = join(root, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'x1.json'), '{"transactions": {"booked": [ {"bookingDate": "not a date"');
    for (const workers of [1, 2]) {
      const parseError = await buildBankDataTrainingTable(broken, [{ debtorRef: 'x1', asOf: '2025-10-31', label: 0, extras: {}, line: 2 }], { outcomesFile: 'o.csv', extraColumns: [], workers }).catch((e: unknown) => e);
      expect(parseError, `${workers} worker(s)`).toBeInstanceOf(TrainingDataError);
      expect(parseError).toMatchObject({ file: join(broken, 'x1.json'), line: null, column: null });
    }

    writeFileSync(join(broken, 'x1.xml'), '<x/>');
    await expect(buildBankDataTrainingTable(broken, [], { outcomesFile: 'o.csv', extraColumns: [], workers: 1 })).rejects.toThrow(/two bank files for debtorRef "x1"/);
  }, 60_000);
});
