import { describe, expect, it } from 'vitest';
import { trainGradientBoosting } from '../../src/learning/gradient-boosting.js';
import { threadUsage } from '../../src/learning/histogram-threads.js';
import { TreeEnsemblePredictor } from '../../src/learning/predictor.js';
import { auc, interactionData } from './engine-synthetic-data.js';

describe('gradient boosting', () => {
  it('learns an interaction and informative missingness to near the oracle AUC', async () => {
    const { data: train } = interactionData(6000, 1);
    const { data: test, truth } = interactionData(6000, 2);
    const model = await trainGradientBoosting(train, { threads: 1 });
    const predicted = new TreeEnsemblePredictor(model).predictColumns(test.columns);
    const oracle = auc(truth, test.labels);
    const ours = auc(predicted, test.labels);
    expect(ours).toBeGreaterThan(oracle - 0.015);
    // Without the interaction a model ranks far worse: the test would catch a learner that found only x2 and x3.
    expect(oracle - auc(test.columns[2]!, test.labels)).toBeGreaterThan(0.1);
  });

  it('sends missing values the way the data says (being missing raises the risk here)', async () => {
    const { data } = interactionData(4000, 3);
    const predictor = new TreeEnsemblePredictor(await trainGradientBoosting(data, { threads: 1 }));
    const base = [0.5, 0.5, 0, 0, 0, 0];
    const missing = predictor.predictProbability([0.5, 0.5, 0, Number.NaN, 0, 0]);
    const present = predictor.predictProbability(base);
    expect(missing).toBeGreaterThan(present);
  });

  it('rises along a monotone risk feature', async () => {
    const { data } = interactionData(6000, 4);
    const predictor = new TreeEnsemblePredictor(await trainGradientBoosting(data, { threads: 1 }));
    // Partial dependence on x2 (true effect +1.5 per unit), averaged over 200 training rows.
    const grid = [-0.9, -0.3, 0.3, 0.9];
    const means = grid.map((value) => {
      let sum = 0;
      for (let i = 0; i < 200; i++) {
        const row = data.columns.map((column) => column[i]!);
        row[2] = value;
        sum += predictor.predictRaw(row);
      }
      return sum / 200;
    });
    for (let g = 1; g < grid.length; g++) expect(means[g]!).toBeGreaterThan(means[g - 1]!);
    expect(means[3]! - means[0]!).toBeGreaterThan(1.5);
  });

  it('early stopping keeps the iteration with the best validation loss', async () => {
    const { data: train } = interactionData(3000, 5);
    const { data: validation } = interactionData(3000, 6);
    const losses: number[] = [];
    const model = await trainGradientBoosting(
      train,
      { iterations: 400, learningRate: 0.3, earlyStoppingRounds: 15, minSamplesLeaf: 2, maxLeaves: 63, maxDepth: 0, threads: 1 },
      { validation, onProgress: (p) => losses.push(p.validationLoss!) },
    );
    const best = losses.indexOf(Math.min(...losses));
    expect(model.trees.length).toBe(best + 1);
    expect(losses.length).toBe(best + 1 + 15);
    expect(losses.length).toBeLessThan(400);
    expect(model.trainingOptions.bestIteration).toBe(best + 1);
  });

  it('class weights shift the base rate', async () => {
    const { data } = interactionData(4000, 7);
    const plain = await trainGradientBoosting(data, { iterations: 20, threads: 1 });
    const weighted = await trainGradientBoosting(data, { iterations: 20, threads: 1, classWeights: { negative: 1, positive: 3 } });
    // log-odds rise by log 3 when each positive counts three times.
    expect(weighted.baseScore - plain.baseScore).toBeCloseTo(Math.log(3), 10);
    const plainMean = mean(new TreeEnsemblePredictor(plain).predictColumns(data.columns));
    const weightedMean = mean(new TreeEnsemblePredictor(weighted).predictColumns(data.columns));
    expect(weightedMean).toBeGreaterThan(plainMean + 0.1);
  });

  it('the same seed gives a byte-identical model; another seed with subsampling gives another', async () => {
    const { data } = interactionData(3000, 8);
    const options = { iterations: 30, rowSubsample: 0.7, columnSubsample: 0.7, threads: 1 };
    const a = JSON.stringify(await trainGradientBoosting(data, { ...options, seed: 11 }));
    const b = JSON.stringify(await trainGradientBoosting(data, { ...options, seed: 11 }));
    const c = JSON.stringify(await trainGradientBoosting(data, { ...options, seed: 12 }));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('threads 1 and 2 give byte-identical models', async () => {
    // Large enough that worker threads are really used (the builder keeps small data on one thread).
    const { data } = interactionData(30_000, 9);
    const options = { iterations: 12, earlyStoppingRounds: 5, rowSubsample: 0.9, seed: 3 };
    const before = threadUsage.parallelSteps;
    const two = JSON.stringify(await trainGradientBoosting(data, { ...options, threads: 2 }));
    expect(threadUsage.parallelSteps).toBeGreaterThan(before);
    const one = JSON.stringify(await trainGradientBoosting(data, { ...options, threads: 1 }));
    expect(two).toBe(one);
  });

  it('refuses options out of range', async () => {
    const { data } = interactionData(100, 10);
    await expect(trainGradientBoosting(data, { learningRate: -1 })).rejects.toThrow(/learningRate/);
    await expect(trainGradientBoosting(data, { maxBins: 300 })).rejects.toThrow(/maxBins/);
  });
});

function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
