import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trainGradientBoosting } from '../../src/learning/gradient-boosting.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type TreeEnsembleJson, type TreeJson } from '../../src/learning/model-format.js';
import { TreeEnsemblePredictor } from '../../src/learning/predictor.js';
import { trainRandomForest } from '../../src/learning/random-forest.js';
import { SeededRandom } from '../../src/learning/seeded-random.js';
import { interactionData, rowOf } from './engine-synthetic-data.js';

/** A random tree of up to `maxDepth` levels over `featureCount` features (features may repeat on a path). */
function randomTree(rng: SeededRandom, featureCount: number, maxDepth: number): TreeJson {
  const tree: TreeJson = { feature: [], threshold: [], missingGoesLeft: [], left: [], right: [], value: [], cover: [] };
  const grow = (depth: number): number => {
    const id = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.missingGoesLeft.push(false);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(0);
    tree.cover.push(0);
    if (depth < maxDepth && (depth === 0 || rng.nextFloat() < 0.75)) {
      tree.feature[id] = rng.nextInt(featureCount);
      tree.threshold[id] = Math.round((rng.nextFloat() * 2 - 1) * 4) / 4;
      tree.missingGoesLeft[id] = rng.nextFloat() < 0.5;
      tree.left[id] = grow(depth + 1);
      tree.right[id] = grow(depth + 1);
      tree.cover[id] = tree.cover[tree.left[id]!]! + tree.cover[tree.right[id]!]!;
    } else {
      tree.value[id] = rng.nextFloat() * 4 - 2;
      tree.cover[id] = 1 + rng.nextInt(50);
    }
    return id;
  };
  grow(0);
  return tree;
}

/** E[f(x) | x_S]: features in S follow the row, the others average their children by cover. */
function conditionalExpectation(tree: TreeJson, row: number[], known: boolean[], node = 0): number {
  const f = tree.feature[node]!;
  if (f < 0) return tree.value[node]!;
  const l = tree.left[node]!;
  const r = tree.right[node]!;
  if (known[f]) {
    const x = row[f]!;
    const goLeft = Number.isNaN(x) ? tree.missingGoesLeft[node]! : x <= tree.threshold[node]!;
    return conditionalExpectation(tree, row, known, goLeft ? l : r);
  }
  const w = tree.cover[l]! + tree.cover[r]!;
  return (tree.cover[l]! * conditionalExpectation(tree, row, known, l) + tree.cover[r]! * conditionalExpectation(tree, row, known, r)) / w;
}

/** Shapley values by enumerating every coalition (2^F subsets). */
function bruteForceShapley(tree: TreeJson, row: number[], featureCount: number): number[] {
  const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
  const phi = new Array<number>(featureCount).fill(0);
  for (let mask = 0; mask < 1 << featureCount; mask++) {
    const known = Array.from({ length: featureCount }, (_, f) => (mask & (1 << f)) !== 0);
    const size = known.filter(Boolean).length;
    const without = conditionalExpectation(tree, row, known);
    for (let i = 0; i < featureCount; i++) {
      if (known[i]) continue;
      const weight = (factorial(size) * factorial(featureCount - size - 1)) / factorial(featureCount);
      const withI = conditionalExpectation(tree, row, known.map((k, f) => k || f === i));
      phi[i]! += weight * (withI - without);
    }
  }
  return phi;
}

function boostingModel(trees: TreeJson[], featureCount: number, baseScore: number): TreeEnsembleJson {
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    kind: 'gradient-boosting',
    featureNames: Array.from({ length: featureCount }, (_, f) => `f${f}`),
    baseScore,
    outputSpace: 'log-odds',
    trees,
    trainingOptions: {},
  };
}

describe('TreeSHAP', () => {
  it('equals brute-force Shapley values on random trees (repeated features, missing values)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), (seed, featureCount, depth) => {
        const rng = new SeededRandom(seed);
        const tree = randomTree(rng, featureCount, depth);
        const row = Array.from({ length: featureCount }, () => (rng.nextFloat() < 0.2 ? Number.NaN : Math.round((rng.nextFloat() * 2 - 1) * 8) / 8));
        const predictor = new TreeEnsemblePredictor(boostingModel([tree], featureCount, 0.25));
        const { base, values } = predictor.contributions(row);
        const expected = bruteForceShapley(tree, row, featureCount);
        for (let f = 0; f < featureCount; f++) expect(values[f]!).toBeCloseTo(expected[f]!, 9);
        expect(base).toBeCloseTo(0.25 + conditionalExpectation(tree, row, new Array<boolean>(featureCount).fill(false)), 9);
        expect(Math.abs(base + values.reduce((s, v) => s + v, 0) - predictor.predictRaw(row))).toBeLessThan(1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it('contributions plus the base add up to the log-odds of a trained boosting model', async () => {
    const { data } = interactionData(4000, 21);
    const predictor = new TreeEnsemblePredictor(await trainGradientBoosting(data, { iterations: 60, threads: 1, earlyStoppingRounds: 0, columnSubsample: 1 }));
    for (let i = 0; i < 200; i++) {
      const row = rowOf(data, i);
      const { base, values } = predictor.contributions(row);
      expect(Math.abs(base + values.reduce((s, v) => s + v, 0) - predictor.predictRaw(row))).toBeLessThan(1e-9);
    }
    // The interaction features carry weight; the noise features little.
    const meanAbs = (f: number): number => {
      let sum = 0;
      for (let i = 0; i < 200; i++) sum += Math.abs(predictor.contributions(rowOf(data, i)).values[f]!);
      return sum / 200;
    };
    expect(meanAbs(0)).toBeGreaterThan(5 * meanAbs(4));
  });

  it('contributions plus the base add up to the probability of a trained forest', async () => {
    const { data } = interactionData(2000, 22);
    const predictor = new TreeEnsemblePredictor(await trainRandomForest(data, { trees: 20, threads: 1 }));
    for (let i = 0; i < 100; i++) {
      const row = rowOf(data, i);
      const { base, values } = predictor.contributions(row);
      expect(Math.abs(base + values.reduce((s, v) => s + v, 0) - predictor.predictRaw(row))).toBeLessThan(1e-9);
    }
  });
});
