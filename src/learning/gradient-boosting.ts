/**
 * Gradient-boosted trees with log-loss on histogram-binned features: second-order leaf values
 * −G/(H+λ) scaled by the learning rate, leaf-wise best-first growth under depth and leaf limits,
 * row and column subsampling, class weights, and early stopping on a validation slice that keeps
 * the best iteration. Deterministic for a seed whatever the thread count.
 */
import { binData, fitBinMapper, MAX_BINS } from './binning.js';
import { assertDataset, DatasetError, takeRows, type Dataset } from './dataset.js';
import { allocateEngineBuffers, createStepRunner, useThreads } from './histogram-threads.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type TreeEnsembleJson, type TreeJson } from './model-format.js';
import { SeededRandom, deriveSeed } from './seeded-random.js';
import {
  checkClassWeights,
  defaultThreads,
  requireNumber,
  rowWeights,
  treeToJson,
  yieldToEventLoop,
  type ClassWeights,
} from './training-common.js';
import { TreeGrower, addBinnedTree, type GrowParams } from './tree-grower.js';

export interface GradientBoostingOptions {
  /** Maximum number of trees. */
  iterations: number;
  learningRate: number;
  /** 0 = unlimited (maxLeaves then limits the tree). */
  maxDepth: number;
  /** 0 = unlimited (maxDepth then limits the tree). */
  maxLeaves: number;
  /** Minimum hessian sum in a leaf. */
  minChildWeight: number;
  minSamplesLeaf: number;
  l2: number;
  /** Fraction of rows each tree sees (drawn per tree by the seed). */
  rowSubsample: number;
  /** Fraction of features each tree may split on. */
  columnSubsample: number;
  maxBins: number;
  /** Stop after this many trees without a better validation loss and keep the best; 0 = off. */
  earlyStoppingRounds: number;
  /** Held out (stratified, by the seed) for early stopping when no validation set is given; 0 = none. */
  validationFraction: number;
  classWeights: ClassWeights | null;
  seed: number;
  threads: number;
}

export interface TrainingProgress {
  iteration: number;
  total: number;
  trainLoss?: number;
  validationLoss?: number;
}

export interface TrainingHooks {
  validation?: Dataset;
  onProgress?: (progress: TrainingProgress) => void;
}

export function defaultGradientBoostingOptions(): GradientBoostingOptions {
  return {
    iterations: 300,
    learningRate: 0.05,
    maxDepth: 6,
    maxLeaves: 31,
    minChildWeight: 1e-3,
    minSamplesLeaf: 20,
    l2: 1,
    rowSubsample: 1,
    // Each tree sees half the features: on the Taiwan credit data (ID % 5 hold-out) this lifts the
    // AUC from 0.788 to 0.792 at seed 1 (0.791 averaged over seeds 1-4; all features: 0.787).
    columnSubsample: 0.5,
    maxBins: MAX_BINS,
    earlyStoppingRounds: 30,
    validationFraction: 0.1,
    classWeights: null,
    seed: 1,
    threads: defaultThreads(),
  };
}

function resolveOptions(partial: Partial<GradientBoostingOptions> | undefined): GradientBoostingOptions {
  const o = { ...defaultGradientBoostingOptions(), ...stripUndefined(partial ?? {}) };
  requireNumber('iterations', o.iterations, 1, 1_000_000, true);
  requireNumber('learningRate', o.learningRate, Number.MIN_VALUE, 10);
  requireNumber('maxDepth', o.maxDepth, 0, 64, true);
  requireNumber('maxLeaves', o.maxLeaves, 0, 1_000_000, true);
  if (o.maxLeaves === 1) throw new RangeError('maxLeaves must be 0 (unlimited) or at least 2');
  if (o.maxDepth === 0 && o.maxLeaves === 0) throw new RangeError('maxDepth and maxLeaves cannot both be unlimited');
  requireNumber('minChildWeight', o.minChildWeight, 0, Number.MAX_VALUE);
  requireNumber('minSamplesLeaf', o.minSamplesLeaf, 1, Number.MAX_SAFE_INTEGER, true);
  requireNumber('l2', o.l2, 0, Number.MAX_VALUE);
  requireNumber('rowSubsample', o.rowSubsample, Number.MIN_VALUE, 1);
  requireNumber('columnSubsample', o.columnSubsample, Number.MIN_VALUE, 1);
  requireNumber('maxBins', o.maxBins, 2, MAX_BINS, true);
  requireNumber('earlyStoppingRounds', o.earlyStoppingRounds, 0, 1_000_000, true);
  requireNumber('validationFraction', o.validationFraction, 0, 0.9);
  requireNumber('seed', o.seed, 0, 0xffffffff, true);
  requireNumber('threads', o.threads, 1, 256, true);
  checkClassWeights(o.classWeights);
  return o;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function trainGradientBoosting(train: Dataset, options?: Partial<GradientBoostingOptions>, hooks: TrainingHooks = {}): Promise<TreeEnsembleJson> {
  assertDataset(train);
  const o = resolveOptions(options);
  if (train.rowCount === 0) throw new DatasetError('no training rows');
  let fit = train;
  let validation = hooks.validation ?? null;
  if (validation) {
    assertDataset(validation);
    if (validation.columns.length !== train.columns.length) throw new DatasetError(`validation has ${validation.columns.length} features, training ${train.columns.length}`);
  } else if (o.earlyStoppingRounds > 0 && o.validationFraction > 0) {
    const split = stratifiedSplit(train.labels, o.validationFraction, deriveSeed(o.seed, 1));
    if (split.validation.length > 0 && split.fit.length > 0) {
      fit = takeRows(train, split.fit);
      validation = takeRows(train, split.validation);
    }
  }
  const earlyStopping = validation !== null && o.earlyStoppingRounds > 0;

  const n = fit.rowCount;
  const featureCount = fit.columns.length;
  const threaded = useThreads(n, featureCount, o.threads);
  const mapper = fitBinMapper(fit, o.maxBins, o.seed);
  const binned = binData(mapper, fit.columns, n, threaded);
  const validationBinned = validation ? binData(mapper, validation.columns, validation.rowCount) : null;

  const buffers = allocateEngineBuffers(n, featureCount, binned.offsets[featureCount]!, threaded);
  const weights = buffers.weights;
  weights.set(rowWeights(fit, o.classWeights));
  buffers.labels.set(fit.labels);
  let positiveWeight = 0;
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    totalWeight += weights[i]!;
    if (fit.labels[i] === 1) positiveWeight += weights[i]!;
  }
  if (!(totalWeight > 0)) throw new DatasetError('the training rows have no weight');
  // The starting log-odds: the weighted base rate, clamped so one class alone still gives a finite model.
  const baseRate = Math.min(1 - 1e-12, Math.max(1e-12, positiveWeight / totalWeight));
  const baseScore = Math.log(baseRate / (1 - baseRate));

  const raw = buffers.raw.fill(baseScore);
  const validationRaw = validation ? new Float64Array(validation.rowCount).fill(baseScore) : null;
  const validationWeights = validation ? rowWeights(validation, o.classWeights) : null;

  const slotCount = (o.maxLeaves > 0 ? o.maxLeaves : 64) + 2;
  const runner = await createStepRunner(binned, buffers, slotCount, o.threads);
  const grower = new TreeGrower(binned, buffers, runner);
  const rng = new SeededRandom(deriveSeed(o.seed, 2));
  const featureMask = buffers.featureMask;
  const featureScratch = new Int32Array(featureCount);
  const columnsPerTree = Math.max(1, Math.round(o.columnSubsample * featureCount));
  const learningRate = o.learningRate;
  const l2 = o.l2;
  const params: GrowParams = {
    maxDepth: o.maxDepth,
    maxLeaves: o.maxLeaves,
    constraints: { l2, minChildWeight: o.minChildWeight, minSamplesLeaf: o.minSamplesLeaf, minGain: 1e-12 },
    useFeatureMask: columnsPerTree < featureCount,
    featuresPerSplit: 0,
    rng: null,
    leafValue: (g, h) => (-g / (h + l2)) * learningRate,
  };

  const trees: TreeJson[] = [];
  let bestLoss = Infinity;
  let bestTrees = 0;
  const labels = fit.labels;
  try {
    for (let iteration = 0; iteration < o.iterations; iteration++) {
      runner.gradients(n);
      let sampleCount = 0;
      const rows = buffers.rows;
      if (o.rowSubsample < 1) {
        for (let i = 0; i < n; i++) if (rng.nextFloat() < o.rowSubsample) rows[sampleCount++] = i;
        if (sampleCount === 0) rows[sampleCount++] = rng.nextInt(n);
      } else {
        for (let i = 0; i < n; i++) rows[i] = i;
        sampleCount = n;
      }
      if (params.useFeatureMask) {
        featureMask.fill(0);
        for (const f of rng.sampleWithoutReplacement(featureCount, columnsPerTree, featureScratch)) featureMask[f] = 1;
      }
      const tree = grower.grow(sampleCount, sampleCount === n, params);
      if (tree.feature[0] === -1 && !params.useFeatureMask && o.rowSubsample >= 1) {
        // Nothing left to split on the whole data: every further tree would be this same stump.
        break;
      }
      if (sampleCount === n) {
        for (let node = 0; node < tree.feature.length; node++) {
          if (tree.feature[node] !== -1) continue;
          const v = tree.value[node]!;
          const end = tree.rowStart[node]! + tree.rowCount[node]!;
          for (let i = tree.rowStart[node]!; i < end; i++) {
            const r = rows[i]!;
            raw[r] = raw[r]! + v;
          }
        }
      } else {
        addBinnedTree(tree, binned, raw);
      }
      trees.push(treeToJson(tree, mapper));

      let validationLoss: number | undefined;
      if (validationBinned && validationRaw && validationWeights && validation) {
        addBinnedTree(tree, validationBinned, validationRaw);
        validationLoss = logLoss(validationRaw, validation.labels, validationWeights);
        if (validationLoss < bestLoss) {
          bestLoss = validationLoss;
          bestTrees = trees.length;
        }
      }
      if (hooks.onProgress) {
        hooks.onProgress({ iteration: iteration + 1, total: o.iterations, trainLoss: logLoss(raw, labels, weights), ...(validationLoss !== undefined ? { validationLoss } : {}) });
      }
      if (earlyStopping && trees.length - bestTrees >= o.earlyStoppingRounds) break;
      await yieldToEventLoop();
    }
  } finally {
    await runner.close();
  }
  const kept = earlyStopping ? trees.slice(0, bestTrees) : trees;
  const { threads: _threads, ...recorded } = o;
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    kind: 'gradient-boosting',
    featureNames: [...train.featureNames],
    baseScore,
    outputSpace: 'log-odds',
    trees: kept,
    trainingOptions: {
      ...recorded,
      treesGrown: trees.length,
      bestIteration: kept.length,
      trainingRows: n,
      validationRows: validation?.rowCount ?? 0,
      ...(earlyStopping ? { bestValidationLoss: bestLoss } : {}),
    },
  };
}

/** Weighted mean log-loss of raw log-odds. */
export function logLoss(raw: Float64Array, labels: Uint8Array, weights: Float64Array): number {
  let loss = 0;
  let total = 0;
  for (let i = 0; i < raw.length; i++) {
    const z = raw[i]!;
    // log(1 + e^z) − y·z, computed without overflow.
    const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    loss += weights[i]! * (softplus - labels[i]! * z);
    total += weights[i]!;
  }
  return total > 0 ? loss / total : 0;
}

/** Row indices (ascending) of a stratified random split: each class contributes the same fraction. */
export function stratifiedSplit(labels: Uint8Array, fraction: number, seed: number): { fit: Uint32Array; validation: Uint32Array } {
  const rng = new SeededRandom(seed);
  const held = new Uint8Array(labels.length);
  for (const label of [0, 1]) {
    const members: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === label) members.push(i);
    const take = Math.round(members.length * fraction);
    for (let i = 0; i < take; i++) {
      const j = i + rng.nextInt(members.length - i);
      const t = members[i]!;
      members[i] = members[j]!;
      members[j] = t;
      held[members[i]!] = 1;
    }
  }
  let heldCount = 0;
  for (let i = 0; i < held.length; i++) heldCount += held[i]!;
  const fit = new Uint32Array(labels.length - heldCount);
  const validation = new Uint32Array(heldCount);
  let a = 0;
  let b = 0;
  for (let i = 0; i < held.length; i++) {
    if (held[i]) validation[b++] = i;
    else fit[a++] = i;
  }
  return { fit, validation };
}
