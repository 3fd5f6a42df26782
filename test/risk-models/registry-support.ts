/**
 * Shared by the registry, scoring, training-run and models-API tests: small real models trained by
 * the project's learner on synthetic rows over the catalogue's features (a known rule: risk rises
 * with the first two features of the set), written as starter-model directories.
 */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '../../src/learning/dataset.js';
import { trainGradientBoosting } from '../../src/learning/gradient-boosting.js';
import { SeededRandom } from '../../src/learning/seeded-random.js';
import { FEATURE_CATALOGUE_VERSION, featureNamesOf, type FeatureSetId } from '../../src/risk-features/catalogue.js';
import { MODEL_ID_FOR_FEATURE_SET } from '../../src/risk-models/registry.js';
import { RISK_MODEL_BUNDLE_FORMAT, serializeRiskModelBundle, type RiskBand, type RiskModelBundle } from '../../src/risk-models/risk-model-bundle.js';

export const TEST_BANDS: RiskBand[] = [
  { name: 'very_low', minProbability: 0, maxProbability: 0.05, observedRate: 0.02, rows: 10 },
  { name: 'low', minProbability: 0.05, maxProbability: 0.15, observedRate: 0.1, rows: 10 },
  { name: 'medium', minProbability: 0.15, maxProbability: 0.3, observedRate: 0.2, rows: 10 },
  { name: 'high', minProbability: 0.3, maxProbability: 0.6, observedRate: 0.45, rows: 10 },
  { name: 'very_high', minProbability: 0.6, maxProbability: 1, observedRate: 0.8, rows: 10 },
];

/** A gradient-boosted bundle over the set's features, trained on 600 synthetic rows (a fifth of values missing). */
export async function syntheticBundle(featureSet: FeatureSetId, options: { modelId?: string; seed?: number } = {}): Promise<RiskModelBundle> {
  const featureNames = featureNamesOf(featureSet);
  const rows = 600;
  const rng = new SeededRandom(options.seed ?? 5);
  const columns = featureNames.map(() => new Float64Array(rows));
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    for (const column of columns) column[i] = rng.nextFloat() < 0.2 ? Number.NaN : rng.nextFloat() * 4;
    const a = Number.isNaN(columns[0]![i]!) ? 0 : columns[0]![i]!;
    const b = Number.isNaN(columns[1]![i]!) ? 0 : columns[1]![i]!;
    labels[i] = rng.nextFloat() < 1 / (1 + Math.exp(-(a + 0.5 * b - 3))) ? 1 : 0;
  }
  const data: Dataset = { featureNames, rowCount: rows, columns, labels };
  const model = await trainGradientBoosting(data, { iterations: 15, seed: options.seed ?? 5, threads: 1 });
  return {
    format: RISK_MODEL_BUNDLE_FORMAT,
    formatVersion: 1,
    modelId: options.modelId ?? MODEL_ID_FOR_FEATURE_SET[featureSet],
    featureSet,
    catalogueVersion: FEATURE_CATALOGUE_VERSION,
    featureNames: [...featureNames],
    horizonDays: 90,
    learner: 'gradient-boosting',
    model,
    calibration: { kind: 'platt', a: 0.9, b: -0.2 },
    bands: TEST_BANDS,
    window: { from: '2025-01-01', to: '2026-06-01' },
    fingerprint: (options.seed ?? 5).toString(16).padStart(64, '0'),
    seed: options.seed ?? 5,
    codeVersion: 'test',
    metrics: {
      split: 'time-ordered',
      rows: { train: 400, calibration: 100, test: 100 },
      positives: { train: 80, calibration: 20, test: 20 },
      rowsDroppedForGap: 0,
      earlyStoppingRows: 0,
      testAuc: 0.7,
      testBrier: 0.15,
      testLogLoss: 0.45,
      testAucRaw: 0.7,
      oracleAuc: null,
      calibration: 'platt',
    },
  };
}

/** A starter-models directory holding both starter models, as models/ ships them. */
export async function writeStarterDirectory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dk-starters-'));
  for (const featureSet of ['bank-and-data-points', 'data-points-only'] as const) {
    const bundle = await syntheticBundle(featureSet, { seed: featureSet === 'data-points-only' ? 5 : 6 });
    await mkdir(join(dir, bundle.modelId));
    await writeFile(join(dir, bundle.modelId, 'model.json'), serializeRiskModelBundle(bundle));
  }
  return dir;
}
