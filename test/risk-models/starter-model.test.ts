/**
 * The starter models in models/ are what `npm run model:starter` makes, bit for bit, and fit the code
 * that will serve them (the current feature catalogue). The reproduction simulates and trains a whole
 * world, so this file takes about a minute on an idle two-core machine (several under load).
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURE_CATALOGUE_VERSION, featureNamesOf } from '../../src/risk-features/catalogue.js';
import { auc } from '../../src/learning/metrics.js';
import { readEvaluationFile } from '../../src/model-reports/evaluation-csv.js';
import { EVALUATION_FILE } from '../../src/model-reports/evaluation-set.js';
import { WORLD_SEGMENTS } from '../../src/risk-features/segments.js';
import { MODEL_CARD_FILE, METRICS_FILE, MODEL_FILE, readModelDirectory } from '../../src/risk-models/risk-model-bundle.js';
import { RiskModel } from '../../src/risk-models/risk-model.js';
import { STARTER_MODELS, STARTER_MODELS_DIR, trainStarterModels } from '../../scripts/train-starter-model.js';

describe('starter models', () => {
  it('match the feature catalogue and load for scoring', async () => {
    for (const { modelId, featureSet } of STARTER_MODELS) {
      const bundle = await readModelDirectory(join(STARTER_MODELS_DIR, modelId));
      expect(bundle.modelId).toBe(modelId);
      expect(bundle.featureSet).toBe(featureSet);
      // A catalogue change means the starter models must be retrained (npm run model:starter) and committed.
      expect(bundle.catalogueVersion).toBe(FEATURE_CATALOGUE_VERSION);
      expect(bundle.featureNames).toEqual(featureNamesOf(featureSet));
      expect(bundle.metrics.split).toBe('time-ordered');
      expect(bundle.metrics.oracleAuc).not.toBeNull();
      const model = RiskModel.fromBundle(bundle);
      const score = model.score(new Float64Array(bundle.featureNames.length).fill(Number.NaN));
      expect(score.probability).toBeGreaterThanOrEqual(0);
      expect(score.probability).toBeLessThanOrEqual(1);
    }
  });

  it('carry their training population\'s profile and their test slice, which scores to the recorded test AUC', async () => {
    for (const { modelId } of STARTER_MODELS) {
      const dir = join(STARTER_MODELS_DIR, modelId);
      const bundle = await readModelDirectory(dir);
      const reference = bundle.reference!;
      expect(reference.rows).toEqual({ features: bundle.metrics.rows.train, score: bundle.metrics.rows.calibration });
      expect(Object.keys(reference.features).sort()).toEqual([...bundle.featureNames].sort());
      expect(reference.score.counts.reduce((a, b) => a + b, 0)).toBe(bundle.metrics.rows.calibration);
      const evaluation = (await readEvaluationFile(dir, bundle.featureNames))!;
      expect(evaluation.ids).toHaveLength(bundle.metrics.rows.test);
      expect(evaluation.labels.reduce((a, b) => a + b, 0)).toBe(bundle.metrics.positives.test);
      expect(Object.keys(evaluation.segments)).toEqual([...WORLD_SEGMENTS].sort());
      for (const values of Object.values(evaluation.segments)) expect(values.every((v) => v !== null)).toBe(true);
      // The stored rows are the test slice: the model scores them to exactly the AUC in its metrics.
      expect(auc(RiskModel.fromBundle(bundle).scoreColumns(evaluation.columns), evaluation.labels)).toBe(bundle.metrics.testAuc);
    }
  });

  // No database is involved, so the PostgreSQL pass of CI (TEST_DATABASE_URL set) leaves this minute-long
  // reproduction to the PGlite pass instead of running the same computation twice.
  it.skipIf(process.env.TEST_DATABASE_URL != null)('are reproduced bit for bit by npm run model:starter', async () => {
    const out = await mkdtemp(join(tmpdir(), 'starter-models-'));
    try {
      await trainStarterModels(out);
      const expected = ['README.md', ...STARTER_MODELS.flatMap(({ modelId }) => [MODEL_FILE, MODEL_CARD_FILE, METRICS_FILE, EVALUATION_FILE].map((f) => join(modelId, f)))];
      expect((await readdir(out)).sort()).toEqual(['README.md', ...STARTER_MODELS.map((m) => m.modelId)].sort());
      for (const file of expected) {
        const [fresh, committed] = await Promise.all([readFile(join(out, file), 'utf8'), readFile(join(STARTER_MODELS_DIR, file), 'utf8')]);
        expect(fresh, `${file} differs from a fresh npm run model:starter; rerun it and commit models/`).toBe(committed);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 900_000);
});
