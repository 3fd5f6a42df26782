/**
 * `draagkracht model report` on model directories trained by `draagkracht model train` from a feature
 * table with a known rule: the JSON report is computed on the directory's evaluation.csv (rows,
 * positives, AUC recomputed from the predictions it writes), names the command that reproduces the
 * model, compares a challenger on the same rows, is identical for the same seed; and every bad input
 * is refused with exit 1, a message, the usage where it is a usage error, and nothing written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { SeededRandom } from '../../src/learning/seeded-random.js';
import { EVALUATION_FILE } from '../../src/model-reports/evaluation-set.js';
import type { ModelReport } from '../../src/model-reports/report.types.js';
import { addDays } from '../../src/platform/dates.js';
import { runCommand } from '../analytics/cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'dk-report-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => runCommand(main, args);

/** 150 debtors × 18 months; arrears follow σ(−3 + 1.5·income_drop + 0.8·returns); region is a segment, never a feature. */
function writeTable(path: string, options: { noise: boolean }): void {
  const rng = new SeededRandom(9);
  const lines = [`debtor,as_of,income_drop,returns${options.noise ? ',noise' : ''},segment.region,arrears`];
  for (let d = 0; d < 150; d++) {
    const tendency = rng.nextFloat() * 3 - 1.5;
    const region = d % 3 === 0 ? 'north' : 'west';
    for (let t = 0; t < 18; t++) {
      const drop = tendency + rng.nextFloat() - 0.5;
      const returns = Math.floor(rng.nextFloat() * 4);
      const label = rng.nextFloat() < 1 / (1 + Math.exp(-(-3 + 1.5 * drop + 0.8 * returns))) ? 1 : 0;
      const noise = rng.nextFloat().toFixed(4);
      lines.push(`d${d},${addDays('2025-01-31', 30 * t)},${drop.toFixed(4)},${returns}${options.noise ? `,${noise}` : ''},${region},${label}`);
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** AUC by counting pairs (Mann–Whitney, ties half). */
function pairAuc(probability: number[], labels: number[]): number {
  let pairs = 0;
  let wins = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      wins += probability[i]! > probability[j]! ? 1 : probability[i] === probability[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

const modelA = join(dir, 'model-a');
const modelB = join(dir, 'model-b');
const modelOther = join(dir, 'model-other');
const noEvaluation = join(dir, 'model-no-evaluation');

beforeAll(async () => {
  writeTable(join(dir, 'table.csv'), { noise: true });
  writeTable(join(dir, 'table-fewer.csv'), { noise: false });
  const train = async (table: string, out: string, seed: string) => {
    const result = await run(['model', 'train', '--table', join(dir, table), '--label', 'arrears', '--id', 'debtor', '--as-of-column', 'as_of', '--seed', seed, '--out', out]);
    if (result.code !== 0) throw new Error(`training ${out} failed: ${result.stderr}`);
  };
  await train('table.csv', modelA, '3');
  await train('table.csv', modelB, '4');
  await train('table-fewer.csv', modelOther, '3');
  await train('table.csv', noEvaluation, '3');
  rmSync(join(noEvaluation, EVALUATION_FILE));
}, 240_000);

describe('model report', () => {
  it('writes the JSON report of a directory, computed on its evaluation.csv, and the predictions it scored', async () => {
    const out = join(dir, 'a.json');
    const predictions = join(dir, 'a-predictions.csv');
    const { code, stdout, stderr } = await run(['model', 'report', '--model', modelA, '--out', out, '--predictions-out', predictions, '--resamples', '200']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/AUC 0\.\d{4}/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as ModelReport;
    const evaluationLines = readFileSync(join(modelA, EVALUATION_FILE), 'utf8').trimEnd().split('\n');
    expect(report.evaluation.rows).toBe(evaluationLines.length - 1);
    const rows = readFileSync(predictions, 'utf8').trimEnd().split('\n');
    expect(rows[0]).toBe('id,probability,label,outcomeKnown');
    expect(rows.length - 1).toBe(report.evaluation.rows);
    const probability = rows.slice(1).map((line) => Number(line.split(',')[1]));
    const labels = rows.slice(1).map((line) => Number(line.split(',')[2]));
    expect(labels.reduce((a, b) => a + b, 0)).toBe(report.evaluation.positives);
    expect(report.discrimination.auc).toBeCloseTo(pairAuc(probability, labels), 12);
    // The rule is learnable: well above chance.
    expect(report.discrimination.auc!).toBeGreaterThan(0.7);
    expect(report.discrimination.aucInterval?.resamples).toBe(200);
    // The table's segment column is reported per group; the others are said to be missing.
    const region = report.fairness.segments.find((s) => s.segment === 'region');
    expect(region?.groups.map((g) => g.value).sort()).toEqual(['north', 'west']);
    expect(report.fairness.notSupplied).toEqual(expect.arrayContaining(['household_type', 'income_source', 'age_band']));
    // The model card names the command model train wrote into the directory's card.
    expect(report.modelCard.reproduce).toMatch(/^draagkracht model train --table .*table\.csv/);
    expect(report.modelCard.legalContext).toContain('C-634/21');
    expect(report.model.version).toBeNull();
  }, 120_000);

  it('writes one self-contained HTML page when --out ends in .html', async () => {
    const out = join(dir, 'a.html');
    const { code, stderr } = await run(['model', 'report', '--model', modelA, '--out', out, '--resamples', '100']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.slice(0, 100).toLowerCase()).toContain('<!doctype html');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/(src|href)=["']https?:/i);
  }, 120_000);

  it('is the same report for the same seed', async () => {
    const [one, two] = [join(dir, 'seed-1.json'), join(dir, 'seed-2.json')];
    for (const out of [one, two]) expect((await run(['model', 'report', '--model', modelA, '--out', out, '--seed', '7', '--resamples', '100'])).code).toBe(0);
    expect(readFileSync(one, 'utf8')).toBe(readFileSync(two, 'utf8'));
    expect(JSON.parse(readFileSync(one, 'utf8')).seed).toBe(7);
  }, 120_000);

  it('compares a challenger on the same rows', async () => {
    const out = join(dir, 'compare.json');
    const { code, stderr } = await run(['model', 'report', '--model', modelA, '--challenger', modelB, '--out', out, '--resamples', '100']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as ModelReport;
    expect(report.comparison?.rows).toBe(report.evaluation.rows);
    expect(report.comparison?.champion.auc).toBe(report.discrimination.auc);
    expect(report.comparison?.challenger.auc).not.toBeNull();
    expect(report.comparison?.difference.auc).toBeCloseTo(report.comparison!.challenger.auc! - report.comparison!.champion.auc!, 12);
  }, 120_000);

  it('refuses bad input with exit 1 and a message, writing nothing', async () => {
    const out = join(dir, 'refused.json');
    const cases: { args: string[]; message: RegExp; usage: boolean }[] = [
      { args: ['--out', out], message: /--model DIR is required/, usage: true },
      { args: ['--model', modelA], message: /--out FILE\.html or FILE\.json is required/, usage: true },
      { args: ['--model', modelA, '--out', join(dir, 'report.pdf')], message: /must end in \.html or \.json/, usage: true },
      { args: ['--model', modelA, '--out', out, '--seed', '1.5'], message: /--seed must be a whole number/, usage: true },
      { args: ['--model', modelA, '--out', out, '--resamples', '0'], message: /--resamples must be a whole number from 1/, usage: true },
      { args: ['--model', modelA, '--out', out, '--predictions-out', out], message: /must end in \.csv/, usage: true },
      { args: ['--model', modelA, '--out', out, '--bogus'], message: /bogus/, usage: true },
      { args: ['--model', noEvaluation, '--out', out], message: /has no evaluation\.csv/, usage: true },
      { args: ['--model', modelA, '--challenger', modelOther, '--out', out], message: /reads other features/, usage: true },
      { args: ['--model', join(dir, 'nowhere'), '--out', out], message: /nowhere/, usage: false },
    ];
    for (const { args, message, usage } of cases) {
      const { code, stdout, stderr } = await run(['model', 'report', ...args]);
      expect(code, args.join(' ')).toBe(1);
      expect(stderr, args.join(' ')).toMatch(message);
      expect(stderr.includes('usage: draagkracht model report'), args.join(' ')).toBe(usage);
      expect(stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    }
  }, 120_000);

  it('answers --help with its usage', async () => {
    const { code, stdout } = await run(['model', 'report', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('model report --model DIR --out FILE.html|FILE.json');
  });
});
