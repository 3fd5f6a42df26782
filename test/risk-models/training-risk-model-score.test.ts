/**
 * RiskModel on bundles built from models trained on synthetic data with a known rule: the score's
 * contributions add up to its raw output, calibration and bands follow the bundle, reasons are the
 * largest contributions, and a bundle that lies about itself is refused.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/learning/dataset.js';
import { trainGradientBoosting } from '../../src/learning/gradient-boosting.js';
import type { CalibrationJson, ModelJson } from '../../src/learning/model-format.js';
import { trainRandomForest } from '../../src/learning/random-forest.js';
import { SeededRandom } from '../../src/learning/seeded-random.js';
import { ModelBundleError, parseRiskModelBundle, readModelDirectory, RISK_MODEL_BUNDLE_FORMAT, writeModelDirectory, type RiskBand, type RiskModelBundle } from '../../src/risk-models/risk-model-bundle.js';
import { applyCalibration } from '../../src/learning/calibration.js';
import { RiskModel } from '../../src/risk-models/risk-model.js';

/** Arrears driven by x0 (strongly) and x1 (weakly); x2 is noise and is missing on a fifth of rows. */
function syntheticData(rows: number, seed: number): Dataset {
  const rng = new SeededRandom(seed);
  const random = () => rng.nextFloat();
  const columns = [new Float64Array(rows), new Float64Array(rows), new Float64Array(rows)];
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const [a, b, c] = [random() * 2 - 1, random() * 2 - 1, random()];
    columns[0]![i] = a;
    columns[1]![i] = b;
    columns[2]![i] = c < 0.2 ? Number.NaN : c;
    labels[i] = random() < 1 / (1 + Math.exp(-(3 * a + b - 1))) ? 1 : 0;
  }
  return { featureNames: ['x0', 'x1', 'x2'], rowCount: rows, columns, labels };
}

const BANDS: RiskBand[] = [
  { name: 'very_low', minProbability: 0, maxProbability: 0.02, observedRate: null, rows: 0 },
  { name: 'low', minProbability: 0.02, maxProbability: 0.05, observedRate: 0.03, rows: 10 },
  { name: 'medium', minProbability: 0.05, maxProbability: 0.15, observedRate: 0.1, rows: 10 },
  { name: 'high', minProbability: 0.15, maxProbability: 0.3, observedRate: 0.2, rows: 10 },
  { name: 'very_high', minProbability: 0.3, maxProbability: 1, observedRate: 0.5, rows: 10 },
];

function bundleOf(model: ModelJson, calibration: CalibrationJson): RiskModelBundle {
  return {
    format: RISK_MODEL_BUNDLE_FORMAT,
    formatVersion: 1,
    modelId: 'test',
    featureSet: 'table',
    catalogueVersion: null,
    featureNames: [...model.featureNames],
    horizonDays: 90,
    learner: model.kind,
    model,
    calibration,
    bands: BANDS,
    window: { from: null, to: null },
    fingerprint: '0'.repeat(64),
    seed: 1,
    codeVersion: 'test',
    metrics: {
      split: 'random',
      rows: { train: 1, calibration: 1, test: 1 },
      positives: { train: 1, calibration: 1, test: 1 },
      rowsDroppedForGap: 0,
      earlyStoppingRows: 0,
      testAuc: 0.5,
      testBrier: 0.25,
      testLogLoss: 0.7,
      testAucRaw: 0.5,
      oracleAuc: null,
      calibration: calibration.kind,
    },
  };
}

const data = syntheticData(3000, 7);
const boosted = await trainGradientBoosting(data, { iterations: 40, seed: 3, threads: 1 });
const forest = await trainRandomForest(data, { trees: 20, maxDepth: 6, seed: 3, threads: 1 });
const platt: CalibrationJson = { kind: 'platt', a: 0.8, b: -0.3 };
const isotonic: CalibrationJson = { kind: 'isotonic', x: [0.05, 0.3, 0.6, 0.9], y: [0.01, 0.2, 0.5, 0.95] };

function rowOf(i: number): Float64Array {
  return Float64Array.from(data.columns, (column) => column[i]!);
}

describe('RiskModel', () => {
  it('boosting: base + Σ contributions = log-odds, and the calibrated probability follows the bundle', () => {
    const model = RiskModel.fromBundle(bundleOf(boosted, platt));
    for (let i = 0; i < 200; i++) {
      const score = model.score(rowOf(i));
      expect(score.outputSpace).toBe('log-odds');
      const sum = score.contributions.reduce((a, b) => a + b, score.base);
      expect(Math.abs(sum - score.logOdds)).toBeLessThan(1e-9);
      expect(Math.abs(score.rawProbability - 1 / (1 + Math.exp(-score.logOdds)))).toBeLessThan(1e-12);
      expect(score.probability).toBe(applyCalibration(platt, score.rawProbability));
    }
  });

  it('forest: contributions add up in probability space and the score says so', () => {
    const model = RiskModel.fromBundle(bundleOf(forest, isotonic));
    for (let i = 0; i < 200; i++) {
      const score = model.score(rowOf(i));
      expect(score.outputSpace).toBe('probability');
      const sum = score.contributions.reduce((a, b) => a + b, score.base);
      expect(Math.abs(sum - score.logOdds)).toBeLessThan(1e-9);
      expect(Math.abs(score.logOdds - score.rawProbability)).toBeLessThan(1e-12);
    }
  });

  it('gives the largest contributions as reasons, largest first, with the row\'s values (missing as null)', () => {
    const model = RiskModel.fromBundle(bundleOf(boosted, platt));
    const missingRow = Array.from({ length: data.rowCount }, (_, i) => i).find((i) => Number.isNaN(data.columns[2]![i]!))!;
    for (const i of [0, 1, 2, missingRow]) {
      const row = rowOf(i);
      const score = model.score(row, { topReasons: 3 });
      const sizes = score.reasons.map((r) => Math.abs(r.contribution));
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
      expect(Math.max(...Array.from(score.contributions, Math.abs))).toBe(sizes[0]);
      for (const reason of score.reasons) {
        const f = data.featureNames.indexOf(reason.feature);
        expect(reason.contribution).toBe(score.contributions[f]);
        expect(reason.value).toBe(Number.isNaN(row[f]!) ? null : row[f]);
      }
    }
    expect(model.score(rowOf(0), { topReasons: 1 }).reasons).toHaveLength(1);
    // The rule makes x0 the strongest driver, so it leads the reasons of most rows.
    const ledByX0 = Array.from({ length: 300 }, (_, i) => model.score(rowOf(i)).reasons[0]!.feature === 'x0').filter(Boolean).length;
    expect(ledByX0).toBeGreaterThan(200);
  });

  it('puts each probability in the band whose range holds it', () => {
    const model = RiskModel.fromBundle(bundleOf(boosted, isotonic));
    for (let i = 0; i < 300; i++) {
      const score = model.score(rowOf(i));
      const band = BANDS.find((b) => b.name === score.band)!;
      expect(score.probability).toBeGreaterThanOrEqual(band.minProbability);
      if (band.name !== 'very_high') expect(score.probability).toBeLessThan(band.maxProbability);
    }
  });

  it('scoreColumns gives the same probabilities as score, row by row', () => {
    const model = RiskModel.fromBundle(bundleOf(boosted, isotonic));
    const probabilities = model.scoreColumns(data.columns.map((c) => c.slice(0, 100)));
    for (let i = 0; i < 100; i++) expect(probabilities[i]).toBe(model.score(rowOf(i)).probability);
  });

  it('refuses rows of the wrong width and bundles that contradict themselves', () => {
    const model = RiskModel.fromBundle(bundleOf(boosted, platt));
    expect(() => model.score(new Float64Array(2))).toThrow(RangeError);
    const renamed = { ...bundleOf(boosted, platt), featureNames: ['x0', 'x1', 'other'] };
    expect(() => RiskModel.fromBundle(renamed)).toThrow(ModelBundleError);
    const wrongLearner = { ...bundleOf(boosted, platt), learner: 'random-forest' as const };
    expect(() => RiskModel.fromBundle(wrongLearner)).toThrow(/learner/);
    const gap = { ...bundleOf(boosted, platt), bands: BANDS.map((b, i) => (i === 2 ? { ...b, minProbability: 0.06 } : b)) };
    expect(() => parseRiskModelBundle(gap)).toThrow(/does not start/);
    const unsorted: CalibrationJson = { kind: 'isotonic', x: [0.5, 0.2], y: [0.1, 0.2] };
    expect(() => parseRiskModelBundle(bundleOf(boosted, unsorted))).toThrow(/calibration: isotonic x\[1\]/);
    expect(() => parseRiskModelBundle({ ...bundleOf(boosted, platt), extra: 1 })).toThrow(ModelBundleError);
  });
});

describe('model directory', () => {
  it('writes model.json, model-card.md and metrics.json that read back equal, with the same bytes every time', async () => {
    const root = await mkdtemp(join(tmpdir(), 'model-dir-'));
    try {
      const bundle = bundleOf(boosted, isotonic);
      const dir = join(root, 'm');
      await writeModelDirectory(dir, bundle);
      const first = await Promise.all(['model.json', 'model-card.md', 'metrics.json'].map((f) => readFile(join(dir, f))));
      expect(JSON.parse(JSON.stringify(await readModelDirectory(dir)))).toEqual(JSON.parse(JSON.stringify(bundle)));
      // A rewrite replaces the directory and gives the same bytes; nothing else is left beside it.
      await writeModelDirectory(dir, JSON.parse(JSON.stringify(bundle)) as RiskModelBundle);
      const second = await Promise.all(['model.json', 'model-card.md', 'metrics.json'].map((f) => readFile(join(dir, f))));
      expect(second).toEqual(first);
      expect(await readdir(root)).toEqual(['m']);
      expect(first[0]!.toString('utf8').startsWith('{\n  "format": "draagkracht-risk-model",\n')).toBe(true);
      // A value JSON cannot hold is refused before anything is written, and the old model stays.
      const broken = { ...bundle, metrics: { ...bundle.metrics, testLogLoss: Number.NaN } };
      await expect(writeModelDirectory(dir, broken)).rejects.toThrow();
      expect(await readFile(join(dir, 'model.json'))).toEqual(first[0]);
      expect(await readdir(root)).toEqual(['m']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
