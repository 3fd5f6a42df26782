import { describe, expect, it } from 'vitest';
import { TreeEnsemblePredictor } from '../../src/learning/predictor.js';
import { featuresPerSplit, trainRandomForest } from '../../src/learning/random-forest.js';
import { auc, interactionData } from './engine-synthetic-data.js';

describe('random forest', () => {
  it('learns the interaction; leaves hold probabilities', async () => {
    const { data: train } = interactionData(6000, 31);
    const { data: test, truth } = interactionData(6000, 32);
    const model = await trainRandomForest(train, { trees: 60, threads: 1 });
    expect(model.kind).toBe('random-forest');
    for (const tree of model.trees) {
      tree.feature.forEach((f, node) => {
        if (f === -1) {
          expect(tree.value[node]).toBeGreaterThanOrEqual(0);
          expect(tree.value[node]).toBeLessThanOrEqual(1);
        }
      });
    }
    const predicted = new TreeEnsemblePredictor(model).predictColumns(test.columns);
    expect(auc(predicted, test.labels)).toBeGreaterThan(auc(truth, test.labels) - 0.03);
  });

  it('respects the leaf size and depth limits', async () => {
    const { data } = interactionData(3000, 33);
    const model = await trainRandomForest(data, { trees: 5, minSamplesLeaf: 50, maxDepth: 4, bootstrap: false, threads: 1 });
    for (const tree of model.trees) {
      const depthOf = (node: number): number => (tree.feature[node] === -1 ? 0 : 1 + Math.max(depthOf(tree.left[node]!), depthOf(tree.right[node]!)));
      expect(depthOf(0)).toBeLessThanOrEqual(4);
      // Without bootstrap every row weighs 1, so a leaf's cover is its row count.
      tree.feature.forEach((f, node) => {
        if (f === -1) expect(tree.cover[node]).toBeGreaterThanOrEqual(50);
      });
    }
  });

  it('is reproducible by its seed, and another seed draws other bootstraps', async () => {
    const { data } = interactionData(2000, 34);
    const a = JSON.stringify(await trainRandomForest(data, { trees: 10, seed: 5, threads: 1 }));
    const b = JSON.stringify(await trainRandomForest(data, { trees: 10, seed: 5, threads: 1 }));
    const c = JSON.stringify(await trainRandomForest(data, { trees: 10, seed: 6, threads: 1 }));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('threads 1 and 2 grow the same forest, byte for byte', async () => {
    const { data } = interactionData(6000, 35);
    const one = JSON.stringify(await trainRandomForest(data, { trees: 6, seed: 9, threads: 1 }));
    const two = JSON.stringify(await trainRandomForest(data, { trees: 6, seed: 9, threads: 2 }));
    expect(two).toBe(one);
  });

  it('draws sqrt or log2 of the features per split', () => {
    expect(featuresPerSplit('sqrt', 30)).toBe(5);
    expect(featuresPerSplit('log2', 30)).toBe(4);
    expect(featuresPerSplit(0.5, 30)).toBe(15);
    expect(featuresPerSplit(100, 30)).toBe(30);
  });
});
