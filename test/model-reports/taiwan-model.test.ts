/**
 * models/taiwan-credit-default/ is what `npm run model:taiwan` makes, bit for bit, and holds what a
 * report needs: its test slice with readable segments, scoring to the AUC its metrics record. The
 * reproduction trains 30,000 rows once (about 25 s on an idle two-core machine).
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auc } from '../../src/learning/metrics.js';
import { readEvaluationFile } from '../../src/model-reports/evaluation-csv.js';
import { EVALUATION_FILE } from '../../src/model-reports/evaluation-set.js';
import { METRICS_FILE, MODEL_CARD_FILE, MODEL_FILE, readModelDirectory } from '../../src/risk-models/risk-model-bundle.js';
import { RiskModel } from '../../src/risk-models/risk-model.js';
import { renamedTaiwanCsv, TAIWAN_COLUMNS, TAIWAN_CSV, TAIWAN_LABEL, TAIWAN_MODEL_DIR, TAIWAN_MODEL_ID, trainTaiwanModel } from '../../scripts/train-taiwan-model.js';

const FILES = [MODEL_FILE, MODEL_CARD_FILE, METRICS_FILE, EVALUATION_FILE];

describe('the Taiwan model', () => {
  it('holds its test slice with readable segments, which scores to its recorded test AUC', async () => {
    const bundle = await readModelDirectory(TAIWAN_MODEL_DIR);
    expect(bundle.modelId).toBe(TAIWAN_MODEL_ID);
    expect(bundle.featureNames).toEqual(TAIWAN_COLUMNS.slice(1, -1).map(([, name]) => name));
    expect(bundle.metrics.split).toBe('random');
    expect(bundle.horizonDays).toBe(30);
    expect(bundle.metrics.rows.train + bundle.metrics.rows.calibration + bundle.metrics.rows.test).toBe(30_000);
    expect(bundle.reference?.rows.features).toBe(bundle.metrics.rows.train);

    const evaluation = (await readEvaluationFile(TAIWAN_MODEL_DIR, bundle.featureNames))!;
    expect(evaluation.ids).toHaveLength(bundle.metrics.rows.test);
    expect(Object.keys(evaluation.segments)).toEqual(['age_band', 'education', 'marriage', 'sex']);
    // Each segment value follows from the row's own column and the data set's code book.
    const column = (name: string) => evaluation.columns[bundle.featureNames.indexOf(name)]!;
    const SEX: Record<number, string> = { 1: 'male', 2: 'female' };
    const MARRIAGE: Record<number, string> = { 0: 'unknown', 1: 'married', 2: 'single', 3: 'other' };
    const EDUCATION: Record<number, string> = { 0: 'unknown', 1: 'graduate school', 2: 'university', 3: 'high school', 4: 'other', 5: 'unknown', 6: 'unknown' };
    evaluation.ids.forEach((_, i) => {
      expect(evaluation.segments.sex![i]).toBe(SEX[column('SEX')[i]!]);
      expect(evaluation.segments.marriage![i]).toBe(MARRIAGE[column('MARRIAGE')[i]!]);
      expect(evaluation.segments.education![i]).toBe(EDUCATION[column('EDUCATION')[i]!]);
      const age = column('AGE')[i]!;
      expect(evaluation.segments.age_band![i]).toBe(age < 25 ? '<25' : age < 35 ? '25-34' : age < 45 ? '35-44' : age < 55 ? '45-54' : '55+');
    });
    expect(auc(RiskModel.fromBundle(bundle).scoreColumns(evaluation.columns), evaluation.labels)).toBe(bundle.metrics.testAuc);
  });

  it('renames only the header of the fixture', async () => {
    const original = await readFile(TAIWAN_CSV, 'utf8');
    const renamed = renamedTaiwanCsv(original);
    expect(renamed.slice(0, renamed.search(/\r?\n/))).toBe(TAIWAN_COLUMNS.map(([, name]) => name).join(','));
    expect(renamed.slice(renamed.search(/\r?\n/))).toBe(original.slice(original.search(/\r?\n/)));
    expect(TAIWAN_COLUMNS.at(-1)![1]).toBe(TAIWAN_LABEL);
    expect(() => renamedTaiwanCsv('ID,X2,X1\n1,2,3\n')).toThrow(/expected the header/);
  });

  // No database is involved: the PostgreSQL pass of CI leaves the reproduction to the PGlite pass.
  it.skipIf(process.env.TEST_DATABASE_URL != null)('is reproduced bit for bit by npm run model:taiwan', async () => {
    const out = await mkdtemp(join(tmpdir(), 'taiwan-model-'));
    try {
      const result = await trainTaiwanModel(join(out, TAIWAN_MODEL_ID));
      expect(result.exitCode, result.stderr).toBe(0);
      expect((await readdir(join(out, TAIWAN_MODEL_ID))).sort()).toEqual([...FILES].sort());
      for (const file of FILES) {
        const [fresh, committed] = await Promise.all([readFile(join(out, TAIWAN_MODEL_ID, file), 'utf8'), readFile(join(TAIWAN_MODEL_DIR, file), 'utf8')]);
        expect(fresh, `${file} differs from a fresh npm run model:taiwan; rerun it and commit models/`).toBe(committed);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 300_000);
});
