/**
 * `draagkracht model train|predict` end to end on a feature table with a known rule and on a small
 * simulated world: what it prints and writes, and that every kind of bad input is refused by file,
 * line and column with exit 1 and nothing written to --out.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { SeededRandom } from '../../src/learning/seeded-random.js';
import { addDays } from '../../src/platform/dates.js';
import { auc } from '../../src/learning/metrics.js';
import { readEvaluationFile } from '../../src/model-reports/evaluation-csv.js';
import { readModelDirectory } from '../../src/risk-models/risk-model-bundle.js';
import { RiskModel } from '../../src/risk-models/risk-model.js';
import { parseCsvTable } from '../../src/risk-models/table-csv.js';
import { runSimulationToDirectory } from '../../src/simulation/simulation-run.js';
import { runCommand } from '../analytics/cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'model-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const { code, stdout, stderr } = await runCommand(main, args);
  return { code, out: stdout, err: stderr };
}

/** 120 debtors × 20 monthly dates; arrears follow σ(−3 + 1.5·income_drop + 0.8·returns); noise is noise. */
function writeTable(path: string, options: { dated: boolean; label?: boolean } = { dated: true }): void {
  const rng = new SeededRandom(3);
  const lines = [`debtor,${options.dated ? 'as_of,' : ''}income_drop,returns,noise${options.label === false ? '' : ',arrears'}`];
  for (let d = 0; d < 120; d++) {
    const tendency = rng.nextFloat() * 3 - 1.5;
    for (let t = 0; t < 20; t++) {
      const drop = tendency + rng.nextFloat() - 0.5;
      const returns = Math.floor(rng.nextFloat() * 4);
      const p = 1 / (1 + Math.exp(-(-3 + 1.5 * drop + 0.8 * returns)));
      const label = rng.nextFloat() < p ? 1 : 0;
      const noise = rng.nextFloat() < 0.1 ? '' : rng.nextFloat().toFixed(4);
      lines.push(`"d${d}",${options.dated ? `${addDays('2025-01-31', 30 * t)},` : ''}${drop.toFixed(4)},${returns},${noise}${options.label === false ? '' : `,${label}`}`);
    }
  }
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
}

const tablePath = join(dir, 'table.csv');
const unlabelledPath = join(dir, 'unlabelled.csv');
const undatedPath = join(dir, 'undated.csv');
beforeAll(() => {
  writeTable(tablePath);
  writeTable(undatedPath, { dated: false });
  writeTable(unlabelledPath, { dated: true, label: false });
});

describe('model train --table and predict --table', () => {
  it('trains, prints a summary, writes the model directory and out-of-fold CSV', async () => {
    const out = join(dir, 'table-model');
    const oof = join(dir, 'oof.csv');
    const { code, out: stdout, err } = await run(['model', 'train', '--table', tablePath, '--label', 'arrears', '--id', 'debtor', '--as-of-column', 'as_of', '--cv', '3', '--oof', oof, '--seed', '4', '--out', out]);
    expect(err).not.toContain('Error');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^trained table-model \(gradient-boosting, 3 features, seed 4\)/);
    expect(stdout).toMatch(/split time-ordered: train \d+ rows/);
    expect(stdout).toMatch(/test AUC 0\.\d{4}/);
    expect(stdout).toMatch(/3-fold CV grouped by debtor/);
    expect(stdout).toMatch(/bands: very_low 0–2 %/);
    expect(stdout).toMatch(/^evaluation\.csv: the \d+ test rows, for draagkracht model report$/m);
    // Progress goes to stderr as plain lines when stderr is not a terminal.
    expect(err).toMatch(/^model train: train \d+ %/m);
    expect(err).not.toContain('\r');
    expect(readdirSync(out).sort()).toEqual(['evaluation.csv', 'metrics.json', 'model-card.md', 'model.json']);
    const bundle = await readModelDirectory(out);
    expect(bundle.featureNames).toEqual(['income_drop', 'returns', 'noise']);
    expect(bundle.featureSet).toBe('table');
    expect(bundle.metrics.testAuc).toBeGreaterThan(0.7);
    const oofTable = parseCsvTable(oof, readFileSync(oof, 'utf8'));
    expect(oofTable.header).toEqual(['id', 'probability', 'label']);
    expect(oofTable.records).toHaveLength(2400);
    expect(oofTable.records[0]!.fields[0]).toBe('d0');

    // predict: the label column may be there or not; extra columns are ignored; one probability per row.
    const predicted = await run(['model', 'predict', '--model', out, '--table', unlabelledPath, '--id', 'debtor']);
    expect(predicted.code).toBe(0);
    const lines = predicted.out.trim().split('\n');
    expect(lines[0]).toBe('id,probability');
    expect(lines).toHaveLength(2401);
    const probabilities = lines.slice(1).map((l) => Number(l.split(',')[1]));
    expect(probabilities.every((p) => p >= 0 && p <= 1)).toBe(true);
    const withLabel = await run(['model', 'predict', '--model', out, '--table', tablePath, '--id', 'debtor']);
    expect(withLabel.out).toBe(predicted.out);
    const ruleOrder = (await run(['model', 'predict', '--model', out, '--table', writeRows('two.csv', 'income_drop,returns,noise\n1.5,3,0.5\n-1.5,0,0.5\n')])).out.trim().split('\n');
    expect(Number(ruleOrder[1]!.split(',')[1])).toBeGreaterThan(Number(ruleOrder[2]!.split(',')[1]));
  });

  it('trains the same bytes twice; a table without a date column is split at random', async () => {
    const a = join(dir, 'card-a');
    const b = join(dir, 'card-b');
    for (const out of [a, b]) {
      const result = await run(['model', 'train', '--table', undatedPath, '--label', 'arrears', '--id', 'debtor', '--learner', 'scorecard', '--out', out, '--model-id', 'card']);
      expect(result.code, result.err).toBe(0);
    }
    for (const f of ['model.json', 'model-card.md', 'metrics.json', 'evaluation.csv']) expect(readFileSync(join(a, f))).toEqual(readFileSync(join(b, f)));
    // The card says how to get the model again, without the directory it happened to be written to.
    expect(readFileSync(join(a, 'model-card.md'), 'utf8')).toContain(`draagkracht model train --table ${undatedPath} --label arrears --id debtor --learner scorecard --out DIR --model-id card`);
    const bundle = await readModelDirectory(a);
    expect(bundle.modelId).toBe('card');
    expect(bundle.learner).toBe('scorecard');
    expect(bundle.metrics.split).toBe('random');
  });

  it('takes segment.<name> columns and --segment columns as segments and stores the test slice with them in evaluation.csv', async () => {
    // The table with a region per debtor (unknown for every fifth) as a segment column.
    const rows = readFileSync(undatedPath, 'utf8').trim().split('\r\n');
    const withRegion = writeRows('segments.csv', [`${rows[0]},segment.region`, ...rows.slice(1).map((line) => {
      const debtor = Number(/^"d(\d+)"/.exec(line)![1]);
      return `${line},${debtor % 5 === 4 ? '' : ['north', 'south'][debtor % 2]}`;
    })].join('\n'));
    const out = join(dir, 'segmented');
    const result = await run([
      'model', 'train', '--table', withRegion, '--label', 'arrears', '--id', 'debtor',
      '--segment', 'returns=returns_seen:0=none,1=one,2=a few', '--segment', 'income_drop=drop_band:bands=-0.5,0.5',
      '--horizon-days', '30', '--out', out,
    ]);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^evaluation\.csv: the \d+ test rows with segments drop_band, region, returns_seen, for draagkracht model report$/m);
    const bundle = await readModelDirectory(out);
    // A segment column is not a feature; a --segment column stays one.
    expect(bundle.featureNames).toEqual(['income_drop', 'returns', 'noise']);
    expect(bundle.horizonDays).toBe(30);
    const evaluation = (await readEvaluationFile(out, bundle.featureNames))!;
    expect(evaluation.ids).toHaveLength(bundle.metrics.rows.test);
    expect(Object.keys(evaluation.segments)).toEqual(['drop_band', 'region', 'returns_seen']);
    evaluation.ids.forEach((id, i) => {
      const debtor = Number(id.slice(1));
      expect(evaluation.segments.region![i]).toBe(debtor % 5 === 4 ? null : ['north', 'south'][debtor % 2]);
      const returns = evaluation.columns[1]![i]!;
      expect(evaluation.segments.returns_seen![i]).toBe(returns === 3 ? '3' : ['none', 'one', 'a few'][returns]);
      const drop = evaluation.columns[0]![i]!;
      expect(evaluation.segments.drop_band![i]).toBe(drop < -0.5 ? '<-0.5' : drop < 0.5 ? '[-0.5, 0.5)' : '≥0.5');
    });
    expect(auc(RiskModel.fromBundle(bundle).scoreColumns(evaluation.columns), evaluation.labels)).toBe(bundle.metrics.testAuc);

    const bad = await run(['model', 'train', '--table', withRegion, '--label', 'arrears', '--segment', 'returns=Returns', '--out', join(dir, 'y')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/segment name "Returns"/);
    const notNumber = await run(['model', 'train', '--table', withRegion, '--label', 'arrears', '--id', 'debtor', '--segment', 'debtor=debtor_band:bands=10', '--out', join(dir, 'y')]);
    expect(notNumber.code).toBe(1);
    expect(notNumber.err).toContain(`${withRegion}:2 (debtor): "d0" is not a number, and segment debtor_band is cut into bands`);
    expect(existsSync(join(dir, 'y'))).toBe(false);
  });

  it('draws a progress bar on a terminal', async () => {
    const stdout = new PassThrough();
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
    const chunks: string[] = [];
    stderr.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    stdout.resume();
    const code = await main(['model', 'train', '--table', undatedPath, '--label', 'arrears', '--id', 'debtor', '--out', join(dir, 'tty-model')], { stdout, stderr });
    const text = chunks.join('');
    expect(code, text).toBe(0);
    expect(text).toMatch(/\rtrain +\[[█░]{30}\] +\d+ %/);
    expect(text).toContain('█'.repeat(30));
    expect(text).not.toContain('model train:');
  });

  it('names a feature column the model needs and the table lacks', async () => {
    const out = join(dir, 'table-model');
    const { code, err } = await run(['model', 'predict', '--model', out, '--table', writeRows('lacks.csv', 'income_drop,noise\n1,2\n')]);
    expect(code).toBe(1);
    expect(err).toContain('lacks.csv:1 (returns)');
  });
});

function writeRows(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('bad input: exit 1, file, line and column named, nothing written to --out', () => {
  const header = 'debtor,as_of,income_drop,returns,noise,arrears';
  const good = readFileSyncLines();
  function readFileSyncLines(): () => string[] {
    return () => readFileSync(tablePath, 'utf8').trim().split('\r\n').slice(1, 400);
  }
  const cases: { name: string; rows: () => string; args?: string[]; expect: RegExp }[] = [
    { name: 'a non-numeric feature value', rows: () => [header, ...good().slice(0, 5), '"d9",2025-03-01,1.2,many,0.5,1', ...good().slice(5)].join('\n'), expect: /:7 \(returns\): "many" is not a number/ },
    { name: 'a label that is not 0/1', rows: () => [header, ...good().slice(0, 2), '"d9",2025-03-01,1.2,1,0.5,2', ...good().slice(2)].join('\n'), expect: /:4 \(arrears\): label "2" is not 0 or 1/ },
    { name: 'a single class', rows: () => [header, ...good().map((l) => l.replace(/,1$/, ',0'))].join('\n'), expect: /\(arrears\): every one of the 399 labels is 0/ },
    { name: 'a bad date', rows: () => [header, '"d9",2025-02-29,1.2,1,0.5,1', ...good()].join('\n'), expect: /:2 \(as_of\): "2025-02-29" is not a calendar date/ },
    { name: 'fewer debtors than folds', rows: () => [header, ...good().filter((l) => /^"d[01]"/.test(l))].join('\n'), args: ['--cv', '3', '--oof', join(dir, 'never.csv')], expect: /3 folds need at least 3 debtors; the table has 40 rows of 2 debtors/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const file = writeRows(`bad-${c.name.replace(/\W+/g, '-')}.csv`, `${c.rows()}\n`);
      const out = join(dir, `out-${c.name.replace(/\W+/g, '-')}`);
      const { code, out: stdout, err } = await run(['model', 'train', '--table', file, '--label', 'arrears', '--id', 'debtor', '--as-of-column', 'as_of', '--out', out, ...(c.args ?? [])]);
      expect(code).toBe(1);
      expect(err).toMatch(c.expect);
      expect(err).toContain(file);
      expect(stdout).toBe('');
      expect(existsSync(out)).toBe(false);
      expect(existsSync(join(dir, 'never.csv'))).toBe(false);
    });
  }

  it('refuses wrong or missing options with the usage', async () => {
    for (const args of [
      ['model', 'train', '--out', join(dir, 'x')],
      ['model', 'train', '--table', tablePath, '--out', join(dir, 'x')],
      ['model', 'train', '--table', tablePath, '--label', 'arrears', '--world', dir, '--out', join(dir, 'x')],
      ['model', 'train', '--table', tablePath, '--label', 'arrears', '--learner', 'svm', '--out', join(dir, 'x')],
      ['model', 'train', '--table', tablePath, '--label', 'arrears', '--cv', '3', '--out', join(dir, 'x')],
      ['model', 'train', '--table', tablePath, '--label', 'arrears', '--bogus', '--out', join(dir, 'x')],
      ['model', 'predict', '--model', dir],
      ['model', 'predict', '--model', dir, '--bank-data', dir, '--as-of', '2026-02-30'],
      ['model', 'fit'],
    ]) {
      const { code, err } = await run(args);
      expect(code, args.join(' ')).toBe(1);
      expect(err).toContain('usage: draagkracht model train');
    }
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('answers --help for train and predict, and names a directory that holds no model', async () => {
    for (const action of ['train', 'predict']) {
      const { code, out } = await run(['model', action, '--help']);
      expect(code).toBe(0);
      expect(out).toContain('model predict --model DIR');
    }
    const { code, err } = await run(['model', 'predict', '--model', join(dir, 'nothing-here'), '--table', tablePath]);
    expect(code).toBe(1);
    expect(err).toContain(join(dir, 'nothing-here', 'model.json'));
  });
});

describe('model train --world and --bank-data, predict --bank-data', () => {
  const world = join(dir, 'world');
  beforeAll(async () => {
    await runSimulationToDirectory({ households: 60, months: 30, seed: 5, outDir: world, formats: ['berlin-group'], workers: 1, truthRuns: 4 });
  }, 120_000);

  it('trains a data-points-only model from a world and records the oracle AUC', async () => {
    const out = join(dir, 'world-model');
    const { code, out: stdout, err } = await run(['model', 'train', '--world', world, '--feature-set', 'data-points-only', '--out', out]);
    expect(code, err).toBe(0);
    expect(stdout).toMatch(/\(oracle 0\.\d{4}\)/);
    const bundle = await readModelDirectory(out);
    expect(bundle.featureSet).toBe('data-points-only');
    expect(bundle.catalogueVersion).not.toBeNull();
    expect(bundle.metrics.oracleAuc).not.toBeNull();
    expect(bundle.window.from! < bundle.window.to!).toBe(true);
  }, 120_000);

  it('refuses an outcomes row whose debtorRef has no bank file, by line and column, before parsing any file', async () => {
    const bank = join(dir, 'bank');
    mkdirSync(bank, { recursive: true });
    writeFileSync(join(bank, 'klant-1.json'), '{}');
    const outcomes = writeRows('outcomes.csv', 'debtorRef,asOf,label,amount\nklant-1,2026-01-31,1,100\nklant-2,2026-01-31,0,200\n');
    const out = join(dir, 'bank-model');
    const { code, err } = await run(['model', 'train', '--bank-data', bank, '--outcomes', outcomes, '--out', out]);
    expect(code).toBe(1);
    expect(err).toContain(`${outcomes}:3 (debtorRef): unknown debtorRef "klant-2"`);
    expect(existsSync(out)).toBe(false);
  });

  it('trains from a folder of bank files with outcomes and scores the folder as of a date', async () => {
    // An age band per debtor, as a creditor would supply it; unknown for some.
    const ageBandOf = (ref: string) => ['', '<25', '25-34', '35-44', '45-54', '55+'][Number(ref.slice(-1)) % 6]!;
    // The world's bank files, one per debtor as the bank-data layout asks (each household's first account).
    const bank = join(dir, 'world-bank');
    mkdirSync(bank, { recursive: true });
    const refs: string[] = [];
    for (const shard of readdirSync(join(world, 'bank')).sort()) {
      for (const name of readdirSync(join(world, 'bank', shard)).sort()) {
        const ref = name.split('_')[0]!;
        // A dozen debtors keep the bank features (the slow part) to seconds.
        if (refs.includes(ref) || refs.length >= 12) continue;
        refs.push(ref);
        writeFileSync(join(bank, `${ref}.json`), readFileSync(join(world, 'bank', shard, name)));
      }
    }
    // Labels by a fixed pattern (a third of the rows), so every slice has both classes however few debtors.
    const truth = readFileSync(join(world, 'truth-arrears.csv'), 'utf8').trim().split('\n').slice(1).filter((line) => refs.includes(line.split(',')[0]!));
    const outcomeLines = truth.map((line, i) => {
      const [ref, date] = line.split(',');
      return `${ref},${addDays(date!, -1)},${i % 3 === 0 ? 1 : 0},${1000 + (i % 7)},${ageBandOf(ref!)}`;
    });
    const outcomes = writeRows('world-outcomes.csv', `debtorRef,asOf,label,amount,segment.age_band\n${outcomeLines.join('\n')}\n`);
    const out = join(dir, 'bank-model');
    const trained = await run(['model', 'train', '--bank-data', bank, '--outcomes', outcomes, '--out', out]);
    expect(trained.code, trained.err).toBe(0);
    const bundle = await readModelDirectory(out);
    expect(bundle.featureNames.at(-1)).toBe('claim.amount');
    expect(bundle.featureNames.some((n) => n.startsWith('bank.'))).toBe(true);
    // The creditor's age band is a segment of the test slice, not a feature.
    const evaluation = (await readEvaluationFile(out, bundle.featureNames))!;
    expect(evaluation.segments.age_band).toEqual(evaluation.ids.map((id) => ageBandOf(id.slice(0, id.indexOf('@'))) || null));

    const { code, out: csv, err } = await run(['model', 'predict', '--model', out, '--bank-data', bank, '--as-of', '2026-06-30']);
    expect(code).toBe(0);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('id,probability');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([...refs].sort());
    expect(lines.slice(1).every((l) => Number(l.split(',')[1]) >= 0 && Number(l.split(',')[1]) <= 1)).toBe(true);
    expect(err).toMatch(/note: 1 of the model's \d+ features do not come from bank files and are scored as missing: claim\.amount/);

    // A data-points-only model reads nothing a bank file gives: refused rather than scored on nothing.
    const refused = await run(['model', 'predict', '--model', join(dir, 'world-model'), '--bank-data', bank, '--as-of', '2026-06-30']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('reads no feature that bank files give');
  }, 180_000);
});
