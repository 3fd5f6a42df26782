import { describe, expect, it } from 'vitest';
import { binData, binOf, fitBinMapper, rawThreshold } from '../../src/learning/binning.js';
import { trainGradientBoosting } from '../../src/learning/gradient-boosting.js';
import { loadModel, ModelFormatError } from '../../src/learning/load-model.js';
import type { TreeEnsembleJson, TreeJson } from '../../src/learning/model-format.js';
import { TreeEnsemblePredictor } from '../../src/learning/predictor.js';
import { trainRandomForest } from '../../src/learning/random-forest.js';
import { SeededRandom } from '../../src/learning/seeded-random.js';
import { interactionData, rowOf } from './engine-synthetic-data.js';

describe('model JSON', () => {
  it('round-trips through JSON text and predicts exactly as the trained model', async () => {
    const { data } = interactionData(3000, 41);
    for (const model of [await trainGradientBoosting(data, { iterations: 40, threads: 1 }), await trainRandomForest(data, { trees: 10, threads: 1 })]) {
      const text = JSON.stringify(model);
      expect(JSON.parse(text)).toEqual(model);
      const loaded = loadModel(JSON.parse(text));
      const original = new TreeEnsemblePredictor(model);
      const batch = original.predictColumns(data.columns);
      for (let i = 0; i < 300; i++) {
        const row = rowOf(data, i);
        expect(loaded.predictProbability(row)).toBe(original.predictProbability(row));
        // The batch path and the single-row path agree to the last bit.
        expect(batch[i]).toBe(original.predictProbability(row));
      }
    }
  });

  it('rejects malformed JSON with ModelFormatError', async () => {
    const { data } = interactionData(500, 42);
    const good = JSON.parse(JSON.stringify(await trainGradientBoosting(data, { iterations: 3, threads: 1 }))) as TreeEnsembleJson;
    const variants: [string, (m: TreeEnsembleJson) => unknown][] = [
      ['not an object', () => 42],
      ['bad text', () => '{not json'],
      ['wrong format', (m) => ({ ...m, format: 'other' })],
      ['future version', (m) => ({ ...m, formatVersion: 2 })],
      ['unknown kind', (m) => ({ ...m, kind: 'neural-net' })],
      ['space of another kind', (m) => ({ ...m, outputSpace: 'probability' })],
      ['feature names', (m) => ({ ...m, featureNames: [1, 2] })],
      ['base score', (m) => ({ ...m, baseScore: null })],
      ['trees not array', (m) => ({ ...m, trees: {} })],
      ['feature index out of range', (m) => withTree(m, (t) => ({ ...t, feature: t.feature.map((f) => (f >= 0 ? 99 : f)) }))],
      ['ragged arrays', (m) => withTree(m, (t) => ({ ...t, value: t.value.slice(1) }))],
      ['child before parent (a cycle)', (m) => withTree(m, (t) => ({ ...t, left: t.left.map((l) => (l > 0 ? 0 : l)) }))],
      ['negative cover', (m) => withTree(m, (t) => ({ ...t, cover: t.cover.map(() => -1) }))],
      ['missing direction not boolean', (m) => withTree(m, (t) => ({ ...t, missingGoesLeft: t.missingGoesLeft.map(() => 1) }))],
    ];
    for (const [name, mutate] of variants) {
      expect(() => loadModel(mutate(structuredClone(good))), name).toThrow(ModelFormatError);
    }
    // A tree ensemble relabelled as a scorecard lacks the scorecard's coefficients and bins.
    expect(() => loadModel({ ...good, kind: 'scorecard' })).toThrow();
    expect(() => loadModel(good)).not.toThrow();
  });
});

function withTree(model: TreeEnsembleJson, change: (tree: TreeJson) => unknown): unknown {
  return { ...model, trees: [change(model.trees[0]!), ...model.trees.slice(1)] };
}

describe('binning', () => {
  it('stored thresholds reproduce the binned split for every training value', () => {
    const rng = new SeededRandom(43);
    const n = 5000;
    // Heavy ties, a wide range and missing values, and more distinct values than bins.
    const columns = [
      Float64Array.from({ length: n }, () => (rng.nextFloat() < 0.1 ? Number.NaN : Math.round(rng.nextFloat() * 1000) / 10)),
      Float64Array.from({ length: n }, () => Math.floor(rng.nextFloat() * 4)),
      Float64Array.from({ length: n }, () => Math.exp(rng.nextFloat() * 30) * (rng.nextFloat() < 0.5 ? -1 : 1)),
    ];
    const data = { featureNames: ['a', 'b', 'c'], rowCount: n, columns, labels: new Uint8Array(n) };
    const mapper = fitBinMapper(data, 32, 1);
    const binned = binData(mapper, columns, n);
    expect(mapper.binCounts[1]).toBe(4);
    // Mismatches are counted and checked once: an expect per value would dominate the test's time.
    let mismatches = 0;
    for (let f = 0; f < 3; f++) {
      expect(mapper.binCounts[f]).toBeLessThanOrEqual(32);
      const missingBin = mapper.binCounts[f]!;
      for (let i = 0; i < n; i++) {
        const x = columns[f]![i]!;
        const b = binned.bins[f * n + i]!;
        if (b !== binOf(mapper.thresholds[f]!, x)) mismatches++;
        if (Number.isNaN(x)) {
          if (b !== missingBin) mismatches++;
          continue;
        }
        for (let split = 0; split < missingBin; split++) if (x <= rawThreshold(mapper, f, split) !== b <= split) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('quantile bins hold similar numbers of rows', () => {
    const rng = new SeededRandom(44);
    const n = 20_000;
    const column = Float64Array.from({ length: n }, () => rng.nextFloat() ** 3);
    const mapper = fitBinMapper({ featureNames: ['x'], rowCount: n, columns: [column], labels: new Uint8Array(n) }, 20, 1);
    const binned = binData(mapper, [column], n);
    const counts = new Array<number>(mapper.binCounts[0]!).fill(0);
    for (const b of binned.bins) counts[b]!++;
    expect(counts.length).toBe(20);
    for (const c of counts) expect(Math.abs(c - n / 20)).toBeLessThan(n / 200);
  });
});
