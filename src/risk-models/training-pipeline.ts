/**
 * From a training table to a risk-model bundle: split, train, calibrate, test, band, and optionally
 * cross-validate. Everything is seeded, so the same table and seed give a byte-identical bundle.
 *
 * Split. A model is used on debtors' futures, so it is tested on a later period than it learned from.
 * Rows are sorted by their as-of date and cut at dates (rows of one date stay together): the earliest
 * ~70 % train, the next ~15 % calibrate, the latest ~15 % test. A row's outcome window is
 * (asOf, asOf + horizon]; when that window reaches the next slice's first as-of date, the next slice's
 * features could already show the outcome the earlier row is labelled with, so such rows are dropped
 * (a purge gap of horizonDays before every cut). Early stopping uses the last ~15 % of the training
 * period, with the same gap, and the final model is then refitted on the whole training slice with the
 * number of trees early stopping chose. A table without dates gets a seeded random split, and the
 * metrics say so.
 *
 * Calibration is fitted on the calibration slice only: isotonic when it holds at least 50 positives
 * (enough for a step function not to chase noise), Platt scaling otherwise.
 *
 * Bands are fixed cuts of the calibrated probability (2, 5, 15, 30 %), so "high" means the same in every
 * model a tenant compares; each band records the arrears rate actually observed on the test slice.
 *
 * Cross-validation (cvFolds = K) is grouped by debtor, the id's part before `@<date>` (or `|<date>`),
 * so one debtor's rows never sit on both sides of a fold.
 *
 * What a model report needs comes out with the model: the test slice as an EvaluationSet (with the
 * rows' segments), and in the bundle a reference profile of the training population (feature bins on
 * the train slice, score bins on the calibration slice; model-reports/reference-profile.ts). Both are
 * computed after the model, calibration and metrics are final and read them only, so they never change
 * what is trained.
 */
import { createHash } from 'node:crypto';
import type { EvaluationSet } from '../model-reports/evaluation-set.js';
import { buildReferenceProfile } from '../model-reports/reference-profile.js';
import type { Dataset } from '../learning/dataset.js';
import { takeRows } from '../learning/dataset.js';
import { applyCalibration, fitIsotonic, fitPlatt } from '../learning/calibration.js';
import { trainGradientBoosting, type GradientBoostingOptions } from '../learning/gradient-boosting.js';
import { auc, brier, logLoss } from '../learning/metrics.js';
import type { CalibrationJson, ModelJson } from '../learning/model-format.js';
import { trainRandomForest, type RandomForestOptions } from '../learning/random-forest.js';
import { trainScorecard } from '../learning/scorecard.js';
import { deriveSeed, SeededRandom } from '../learning/seeded-random.js';
import { diffDays, type IsoDate } from '../platform/dates.js';
import type { TrainingTable } from '../risk-features/training-table.js';
import { SERVICE_VERSION } from '../version.js';
import { predictorOf } from './risk-model.js';
import { RISK_BAND_NAMES, RISK_MODEL_BUNDLE_FORMAT, type RiskBand, type RiskLearner, type RiskModelBundle, type RiskModelMetrics } from './risk-model-bundle.js';

export interface TrainRiskModelOptions {
  modelId: string;
  learner?: RiskLearner;
  seed?: number;
  /** The outcome window in days (default 90). */
  horizonDays?: number;
  cvFolds?: number;
  /** Summarise the training population into bundle.reference (default true; it never changes the model). */
  referenceProfile?: boolean;
  /** Passed to the learner over the pipeline's defaults (seed and early stopping are the pipeline's). */
  learnerOptions?: Record<string, unknown>;
  onProgress?: (progress: { stage: string; done: number; total: number }) => void;
}

export interface OutOfFold {
  ids: string[];
  /** Each row's probability from the fold model that did not see its debtor (uncalibrated). */
  probability: Float64Array;
  labels: Uint8Array;
}

/** The table cannot train a model (too few rows, dates or debtors; a slice with one class). */
export class RiskTrainingError extends Error {
  override name = 'RiskTrainingError';
}

export const DEFAULT_HORIZON_DAYS = 90;
export const DEFAULT_SEED = 1;
/** Positives the calibration slice needs before isotonic regression is trusted over Platt's two parameters. */
export const ISOTONIC_MIN_POSITIVES = 50;
/** Upper edges of the first four bands; the fifth runs to 1. */
export const BAND_EDGES = [0.02, 0.05, 0.15, 0.3] as const;

const TRAIN_SHARE = 0.7;
/** Calibration and test each get about this share of the rows. */
const CALIBRATION_SHARE = 0.15;
const EARLY_STOPPING_SHARE = 0.15;
/** Random stream for assigning debtors to folds, apart from the split's so the two never correlate. */
const CV_STREAM = 1;

interface Split {
  kind: RiskModelMetrics['split'];
  train: number[];
  /** Early stopping: fit on `fit`, watch `validation` (both within train); empty when not used. */
  fit: number[];
  validation: number[];
  calibration: number[];
  test: number[];
  dropped: number;
}

export interface TrainedRiskModel {
  bundle: RiskModelBundle;
  /** Out-of-fold probabilities when cvFolds was given. */
  oof: OutOfFold | null;
  /** The test slice, for the model report (stored beside the model as evaluation.csv). */
  evaluation: EvaluationSet;
}

export async function trainRiskModel(table: TrainingTable, options: TrainRiskModelOptions): Promise<TrainedRiskModel> {
  const learner = options.learner ?? 'gradient-boosting';
  const seed = options.seed ?? DEFAULT_SEED;
  const horizonDays = options.horizonDays ?? DEFAULT_HORIZON_DAYS;
  const progress = options.onProgress ?? (() => {});
  const data = table.dataset;
  checkTable(table);
  // Folds are checked before the long part, so "fewer debtors than folds" does not wait for a trained model.
  const foldOfRow = options.cvFolds === undefined ? null : foldsByDebtor(table.ids, options.cvFolds, seed);

  progress({ stage: 'split', done: 0, total: 1 });
  const split = splitTable(table, horizonDays, seed, learner === 'gradient-boosting');
  progress({ stage: 'split', done: 1, total: 1 });

  const model = await fitLearner(learner, data, split, seed, options.learnerOptions ?? {}, (done, total) => progress({ stage: 'train', done, total }));
  const predictor = predictorOf(model);
  const rawOf = (rows: readonly number[]): Float64Array => {
    const row = new Float64Array(data.columns.length);
    const out = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      for (let f = 0; f < data.columns.length; f++) row[f] = data.columns[f]![r]!;
      out[i] = predictor.predictProbability(row);
    });
    return out;
  };
  const labelsOf = (rows: readonly number[]): Uint8Array => Uint8Array.from(rows, (r) => data.labels[r]!);

  progress({ stage: 'calibrate', done: 0, total: 1 });
  const calibrationLabels = labelsOf(split.calibration);
  const calibrationPositives = count(calibrationLabels);
  const calibrationRaw = rawOf(split.calibration);
  const calibration: CalibrationJson = calibrationPositives >= ISOTONIC_MIN_POSITIVES ? fitIsotonic(calibrationRaw, calibrationLabels) : fitPlatt(calibrationRaw, calibrationLabels);
  progress({ stage: 'calibrate', done: 1, total: 1 });

  const testLabels = labelsOf(split.test);
  const testRaw = rawOf(split.test);
  const testProbability = testRaw.map((p) => applyCalibration(calibration, p));
  const oracleAuc = table.oracle ? auc(Float64Array.from(split.test, (r) => table.oracle![r]!), testLabels) : null;

  const metrics: RiskModelMetrics = {
    split: split.kind,
    rows: { train: split.train.length, calibration: split.calibration.length, test: split.test.length },
    positives: { train: count(labelsOf(split.train)), calibration: calibrationPositives, test: count(testLabels) },
    rowsDroppedForGap: split.dropped,
    earlyStoppingRows: split.validation.length,
    testAuc: auc(testProbability, testLabels),
    testBrier: brier(testProbability, testLabels),
    testLogLoss: logLoss(testProbability, testLabels),
    testAucRaw: auc(testRaw, testLabels),
    oracleAuc,
    calibration: calibration.kind,
  };

  let oof: OutOfFold | null = null;
  if (foldOfRow !== null) {
    const cv = await crossValidate(table, learner, model, foldOfRow, options.cvFolds!, seed, options.learnerOptions ?? {}, (done, total) => progress({ stage: 'cross-validate', done, total }));
    metrics.cv = cv.summary;
    oof = cv.oof;
  }

  let reference: RiskModelBundle['reference'];
  if (options.referenceProfile !== false) {
    progress({ stage: 'reference profile', done: 0, total: 1 });
    reference = buildReferenceProfile({
      featureNames: data.featureNames,
      trainColumns: data.columns.map((column) => Float64Array.from(split.train, (r) => column[r]!)),
      trainLabels: labelsOf(split.train),
      calibrationScores: calibrationRaw.map((p) => applyCalibration(calibration, p)),
      contributions: (row) => predictor.contributions(row).values,
      seed,
    });
    progress({ stage: 'reference profile', done: 1, total: 1 });
  }

  const used = [...split.train, ...split.calibration, ...split.test];
  const bundle: RiskModelBundle = {
    format: RISK_MODEL_BUNDLE_FORMAT,
    formatVersion: 1,
    modelId: options.modelId,
    featureSet: table.featureSet,
    catalogueVersion: table.catalogueVersion,
    featureNames: [...data.featureNames],
    horizonDays,
    learner,
    model,
    calibration,
    bands: observedBands(testProbability, testLabels),
    window: dataWindow(table.asOf, used),
    fingerprint: fingerprintTrainingTable(table),
    seed,
    codeVersion: SERVICE_VERSION,
    metrics,
    ...(reference ? { reference } : {}),
  };
  return { bundle, oof, evaluation: evaluationSetOf(table, split, seed) };
}

/** The test slice as an evaluation set: its rows in the split's order, every feature and segment. */
export function evaluationSetOf(table: TrainingTable, split: Pick<Split, 'kind' | 'test'>, seed: number): EvaluationSet {
  const rows = split.test;
  const window = dataWindow(table.asOf, rows);
  const description =
    split.kind === 'time-ordered'
      ? `test slice: the latest ~15 % of rows by as-of date (${rows.length} rows, ${window.from} to ${window.to}), never trained or calibrated on`
      : `test slice: a seeded random ~15 % of the rows (${rows.length} rows, seed ${seed}), never trained or calibrated on`;
  const segments: Record<string, (string | null)[]> = {};
  for (const name of Object.keys(table.segments).sort()) {
    const values = table.segments[name]!;
    segments[name] = rows.map((r) => values[r] ?? null);
  }
  return {
    description,
    window,
    ids: rows.map((r) => table.ids[r]!),
    asOf: rows.map((r) => table.asOf[r] ?? null),
    featureNames: [...table.dataset.featureNames],
    columns: table.dataset.columns.map((column) => Float64Array.from(rows, (r) => column[r]!)),
    labels: Uint8Array.from(rows, (r) => table.dataset.labels[r]!),
    outcomeKnown: null,
    segments,
  };
}

function count(labels: Uint8Array): number {
  let n = 0;
  for (const y of labels) n += y;
  return n;
}

function checkTable(table: TrainingTable): void {
  const data = table.dataset;
  if (table.ids.length !== data.rowCount || table.asOf.length !== data.rowCount) throw new RiskTrainingError(`${table.ids.length} ids and ${table.asOf.length} dates for ${data.rowCount} rows`);
  if (data.columns.length === 0) throw new RiskTrainingError('the table has no feature columns');
  const positives = count(data.labels);
  if (positives === 0 || positives === data.rowCount) throw new RiskTrainingError(`every label is ${positives === 0 ? 0 : 1}: a model needs both classes`);
  const dated = table.asOf.filter((d) => d !== null).length;
  if (dated !== 0 && dated !== data.rowCount) throw new RiskTrainingError(`${data.rowCount - dated} of ${data.rowCount} rows have no as-of date: date all rows or none`);
  for (const [name, values] of Object.entries(table.segments)) {
    if (values.length !== data.rowCount) throw new RiskTrainingError(`segment ${name} has ${values.length} values for ${data.rowCount} rows`);
  }
}

function shuffled<T>(items: readonly T[], random: SeededRandom): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function splitTable(table: TrainingTable, horizonDays: number, seed: number, earlyStopping: boolean): Split {
  const n = table.dataset.rowCount;
  const split = table.asOf[0] === null || n === 0 ? randomSplit(n, seed, earlyStopping) : timeSplit(table.asOf as IsoDate[], horizonDays, earlyStopping);
  const labels = table.dataset.labels;
  for (const [name, rows] of [['train', split.train], ['calibration', split.calibration], ['test', split.test]] as const) {
    const positives = rows.reduce((sum, r) => sum + labels[r]!, 0);
    if (positives === 0 || positives === rows.length) {
      throw new RiskTrainingError(`the ${name} slice (${rows.length} rows) holds ${rows.length === 0 ? 'no rows' : `only label ${positives === 0 ? 0 : 1}`}: the table is too small or its dates too few for a ${split.kind} split`);
    }
  }
  return split;
}

/**
 * Cuts are placed from the end backwards: test is the latest ~15 % of rows; calibration the latest
 * ~15 % (of all rows) among the rows whose outcome window ends before the test's first date; train
 * every row whose window ends before calibration's first date. Placing them this way keeps calibration
 * and test at their share whatever the gap costs (with monthly as-of dates a 90-day gap is about three
 * dates), and the gap's rows come out of train, which has the most to spare. Rows of one date stay in
 * one slice.
 */
function timeSplit(asOf: readonly IsoDate[], horizonDays: number, earlyStopping: boolean): Split {
  // Sorted by date, ties by index, so the order is total and the split reproducible.
  const order = Array.from(asOf.keys()).sort((a, b) => (asOf[a]! < asOf[b]! ? -1 : asOf[a]! > asOf[b]! ? 1 : a - b));
  const n = order.length;
  // The window (asOf, asOf + horizon] must end before the later slice's first as-of date.
  const clearOf = (date: IsoDate, laterStart: IsoDate) => diffDays(laterStart, date) > horizonDays;
  const tooFew = () => new RiskTrainingError(`the as-of dates (${new Set(asOf).size} distinct, from ${asOf[order[0]!]} to ${asOf[order[n - 1]!]}) are too few to cut train, calibration and test apart in time with a ${horizonDays}-day gap before each cut`);
  const shareRows = Math.max(1, Math.round(CALIBRATION_SHARE * n));

  const testStart = asOf[order[n - shareRows]!]!;
  const test = order.filter((r) => asOf[r]! >= testStart);
  const beforeTest = order.filter((r) => clearOf(asOf[r]!, testStart));
  if (beforeTest.length <= shareRows) throw tooFew();
  const calibrationStart = asOf[beforeTest[beforeTest.length - shareRows]!]!;
  const calibration = beforeTest.filter((r) => asOf[r]! >= calibrationStart);
  const train = order.filter((r) => clearOf(asOf[r]!, calibrationStart));
  if (train.length === 0) throw tooFew();

  let fit: number[] = [];
  let validation: number[] = [];
  if (earlyStopping) {
    const validationStart = asOf[train[Math.floor((1 - EARLY_STOPPING_SHARE) * train.length)]!]!;
    validation = train.filter((r) => asOf[r]! >= validationStart);
    fit = train.filter((r) => clearOf(asOf[r]!, validationStart));
    // Too few dates for a gap inside train: train without early stopping rather than refuse.
    if (fit.length === 0 || validation.length === 0) {
      fit = [];
      validation = [];
    }
  }
  return { kind: 'time-ordered', train, fit, validation, calibration, test, dropped: n - train.length - calibration.length - test.length };
}

function randomSplit(n: number, seed: number, earlyStopping: boolean): Split {
  const order = shuffled(Array.from({ length: n }, (_, i) => i), new SeededRandom(seed));
  const trainEnd = Math.floor(TRAIN_SHARE * n);
  const calibrationEnd = Math.floor((TRAIN_SHARE + CALIBRATION_SHARE) * n);
  // Slices keep table order inside, so the learner sees rows in the same order whatever the shuffle.
  const sortedSlice = (from: number, to: number) => order.slice(from, to).sort((a, b) => a - b);
  const train = sortedSlice(0, trainEnd);
  let fit: number[] = [];
  let validation: number[] = [];
  if (earlyStopping) {
    const validationStart = Math.floor((1 - EARLY_STOPPING_SHARE) * trainEnd);
    fit = sortedSlice(0, validationStart);
    validation = sortedSlice(validationStart, trainEnd);
  }
  return { kind: 'random', train, fit, validation, calibration: sortedSlice(trainEnd, calibrationEnd), test: sortedSlice(calibrationEnd, n), dropped: 0 };
}

function hasBothClasses(data: Dataset, rows: readonly number[]): boolean {
  let positives = 0;
  for (const r of rows) positives += data.labels[r]!;
  return positives > 0 && positives < rows.length;
}

/** The pipeline's learner defaults: the engine's, with the seed; the caller's learnerOptions win. */
async function fitLearner(
  learner: RiskLearner,
  data: Dataset,
  split: Split,
  seed: number,
  learnerOptions: Record<string, unknown>,
  onProgress: (done: number, total: number) => void,
): Promise<ModelJson> {
  const train = takeRows(data, split.train);
  if (learner === 'random-forest') {
    const options = { seed, ...learnerOptions } as Partial<RandomForestOptions>;
    return withoutThreads(await trainRandomForest(train, options, { onProgress: (p) => onProgress(p.iteration, p.total) }));
  }
  if (learner === 'scorecard') {
    onProgress(0, 1);
    const model = await trainScorecard(train, learnerOptions);
    onProgress(1, 1);
    return withoutThreads(model);
  }
  const options = { seed, ...learnerOptions } as Partial<GradientBoostingOptions>;
  if (split.validation.length === 0 || !hasBothClasses(data, split.validation) || !hasBothClasses(data, split.fit)) {
    return withoutThreads(await trainGradientBoosting(train, { ...options, validationFraction: 0 }, { onProgress: (p) => onProgress(p.iteration, p.total) }));
  }
  // Early stopping chooses the number of trees on the later part of train; the final model then learns
  // from all of train with that many trees, so the most recent training rows are not wasted.
  const probe = await trainGradientBoosting(takeRows(data, split.fit), options, {
    validation: takeRows(data, split.validation),
    onProgress: (p) => onProgress(p.iteration, 2 * p.total),
  });
  const iterations = Math.max(1, probe.trees.length);
  return withoutThreads(
    await trainGradientBoosting(train, { ...options, iterations, earlyStoppingRounds: 0, validationFraction: 0 }, { onProgress: (p) => onProgress(iterations + p.iteration, 2 * iterations) }),
  );
}

/** The thread count changes speed, never the model (the engine is deterministic whatever it is); leaving it out keeps bundles byte-identical across machines. */
function withoutThreads<M extends ModelJson>(model: M): M {
  const { threads: _threads, ...trainingOptions } = model.trainingOptions;
  return { ...model, trainingOptions };
}

/** The debtor a row belongs to: the id before `@<date>` or `|<date>`; an id without a date is its own group. */
export function debtorOfId(id: string): string {
  const match = /^(.*)[@|]\d{4}-\d{2}-\d{2}$/.exec(id);
  return match ? match[1]! : id;
}

/**
 * The fold of each row: debtors (not rows) are shuffled by the seed and dealt round the folds, so a
 * debtor's rows all land in one fold and folds hold nearly equal numbers of debtors.
 */
export function foldsByDebtor(ids: readonly string[], folds: number, seed: number): Int32Array {
  if (!Number.isInteger(folds) || folds < 2) throw new RiskTrainingError(`cross-validation needs at least 2 folds, not ${folds}`);
  const groupOfRow = ids.map(debtorOfId);
  const groups = [...new Set(groupOfRow)].sort();
  if (ids.length < folds || groups.length < folds) throw new RiskTrainingError(`${folds} folds need at least ${folds} debtors; the table has ${ids.length} rows of ${groups.length} debtors`);
  const foldOfGroup = new Map<string, number>();
  shuffled(groups, new SeededRandom(deriveSeed(seed, CV_STREAM))).forEach((group, i) => foldOfGroup.set(group, i % folds));
  return Int32Array.from(groupOfRow, (g) => foldOfGroup.get(g)!);
}

async function crossValidate(
  table: TrainingTable,
  learner: RiskLearner,
  finalModel: ModelJson,
  foldOfRow: Int32Array,
  folds: number,
  seed: number,
  learnerOptions: Record<string, unknown>,
  onProgress: (done: number, total: number) => void,
): Promise<{ summary: NonNullable<RiskModelMetrics['cv']>; oof: OutOfFold }> {
  const data = table.dataset;
  const probability = new Float64Array(data.rowCount);
  const aucs: number[] = [];
  // Each fold model gets the final model's number of trees: early stopping inside every fold would need
  // yet another held-out slice per fold.
  const fixedSize: Record<string, unknown> =
    finalModel.kind === 'gradient-boosting' ? { iterations: Math.max(1, finalModel.trees.length), earlyStoppingRounds: 0, validationFraction: 0 } : {};
  for (let k = 0; k < folds; k++) {
    onProgress(k, folds);
    const trainRows: number[] = [];
    const heldOut: number[] = [];
    foldOfRow.forEach((fold, r) => (fold === k ? heldOut : trainRows).push(r));
    if (!hasBothClasses(data, trainRows) || !hasBothClasses(data, heldOut)) throw new RiskTrainingError(`cross-validation fold ${k + 1} of ${folds} holds a single class; use fewer folds`);
    const split: Split = { kind: 'random', train: trainRows, fit: [], validation: [], calibration: [], test: [], dropped: 0 };
    const model = await fitLearner(learner, data, split, seed, { ...learnerOptions, ...fixedSize }, () => {});
    const predictor = predictorOf(model);
    const row = new Float64Array(data.columns.length);
    const foldScores = new Float64Array(heldOut.length);
    const foldLabels = new Uint8Array(heldOut.length);
    heldOut.forEach((r, i) => {
      for (let f = 0; f < data.columns.length; f++) row[f] = data.columns[f]![r]!;
      probability[r] = foldScores[i] = predictor.predictProbability(row);
      foldLabels[i] = data.labels[r]!;
    });
    aucs.push(auc(foldScores, foldLabels));
  }
  onProgress(folds, folds);
  return {
    summary: { folds, auc: aucs, meanAuc: aucs.reduce((a, b) => a + b, 0) / folds },
    oof: { ids: [...table.ids], probability, labels: Uint8Array.from(data.labels) },
  };
}

export function bandEdges(): number[] {
  return [0, ...BAND_EDGES, 1];
}

/** The fixed bands with the arrears rate and row count observed among the test rows in each. */
export function observedBands(probability: Float64Array, labels: Uint8Array): RiskBand[] {
  const edges = bandEdges();
  return RISK_BAND_NAMES.map((name, b) => {
    const min = edges[b]!;
    const max = edges[b + 1]!;
    let rows = 0;
    let positives = 0;
    for (let i = 0; i < probability.length; i++) {
      const p = probability[i]!;
      if (p >= min && (p < max || (b === RISK_BAND_NAMES.length - 1 && p <= max))) {
        rows++;
        positives += labels[i]!;
      }
    }
    return { name, minProbability: min, maxProbability: max, observedRate: rows > 0 ? positives / rows : null, rows };
  });
}

function dataWindow(asOf: readonly (IsoDate | null)[], rows: readonly number[]): RiskModelBundle['window'] {
  let from: IsoDate | null = null;
  let to: IsoDate | null = null;
  for (const r of rows) {
    const date = asOf[r];
    if (date == null) continue;
    if (from === null || date < from) from = date;
    if (to === null || date > to) to = date;
  }
  return { from, to };
}

/**
 * sha256 over what defines the training data: feature names, every column's values (NaN in one
 * canonical form), labels, ids and as-of dates, each part length-prefixed so no two tables collide by
 * shifting bytes between parts.
 */
export function fingerprintTrainingTable(table: TrainingTable): string {
  const hash = createHash('sha256');
  const part = (bytes: Uint8Array | string) => {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(buffer.byteLength));
    hash.update(length);
    hash.update(buffer);
  };
  const data = table.dataset;
  part(JSON.stringify(data.featureNames));
  for (const column of data.columns) {
    const canonical = Float64Array.from(column, (v) => (Number.isNaN(v) ? Number.NaN : v));
    part(new Uint8Array(canonical.buffer, canonical.byteOffset, canonical.byteLength));
  }
  part(data.labels);
  part(JSON.stringify(table.ids));
  part(JSON.stringify(table.asOf));
  return hash.digest('hex');
}
