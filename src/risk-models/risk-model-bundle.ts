/**
 * A trained risk model as it is stored and shipped: the learner's model JSON plus everything needed to
 * use it honestly — which features in which catalogue version, how raw scores are calibrated, the risk
 * bands with the arrears rate observed in each, the data window, a fingerprint of the training table,
 * the seed and code version, and the held-out metrics.
 *
 * A bundle holds no timestamps, host names or paths: the same table and seed give the same bytes, so
 * `models/` can be checked bit for bit against its command, and two registry versions can be compared
 * by hash.
 *
 * On disk a model is a directory: model.json (the bundle), model-card.md (for people) and
 * metrics.json (the metrics alone, for tools that track them).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { CalibrationError, validateCalibration } from '../learning/calibration.js';
import type { CalibrationJson, ModelJson } from '../learning/model-format.js';
import { isIsoDate, type IsoDate } from '../platform/dates.js';
import type { FeatureSetId } from '../risk-features/catalogue.js';
import type { ReferenceProfile } from '../model-reports/evaluation-set.js';
import { renderModelCard } from './model-card.js';

export const RISK_MODEL_BUNDLE_FORMAT = 'draagkracht-risk-model';
export const RISK_MODEL_BUNDLE_FORMAT_VERSION = 1;

export const RISK_BAND_NAMES = ['very_low', 'low', 'medium', 'high', 'very_high'] as const;
export type RiskBandName = (typeof RISK_BAND_NAMES)[number];

export const RISK_LEARNERS = ['gradient-boosting', 'random-forest', 'scorecard'] as const;
export type RiskLearner = (typeof RISK_LEARNERS)[number];

/** A band covers calibrated probabilities in [minProbability, maxProbability); the last one includes 1. */
export interface RiskBand {
  name: RiskBandName;
  minProbability: number;
  maxProbability: number;
  /** Share of the test slice's rows in this band that fell into arrears; null when no test row fell in it. */
  observedRate: number | null;
  /** Test-slice rows in this band. */
  rows: number;
}

export interface SliceCounts {
  train: number;
  calibration: number;
  test: number;
}

export interface RiskModelMetrics {
  /**
   * 'time-ordered': slices follow asOf with a gap of horizonDays before each later slice;
   * 'random': the table had no dates, so a seeded random split (which can be optimistic when one
   * debtor has several rows).
   */
  split: 'time-ordered' | 'random';
  rows: SliceCounts;
  positives: SliceCounts;
  /** Rows left out because their outcome window reached into the next slice. */
  rowsDroppedForGap: number;
  /** Rows kept back from train as the early-stopping validation slice (part of rows.train's time range, not trained on). */
  earlyStoppingRows: number;
  testAuc: number;
  testBrier: number;
  testLogLoss: number;
  /** AUC of the uncalibrated score on the test slice (calibration is monotone, so it differs only through ties). */
  testAucRaw: number;
  /** AUC of the world's hidden probability on the test slice (simulated worlds only): the best any model could do. */
  oracleAuc: number | null;
  calibration: CalibrationJson['kind'];
  cv?: { folds: number; auc: number[]; meanAuc: number };
}

export interface RiskModelBundle {
  format: typeof RISK_MODEL_BUNDLE_FORMAT;
  formatVersion: 1;
  modelId: string;
  featureSet: FeatureSetId | 'table';
  catalogueVersion: string | null;
  featureNames: string[];
  horizonDays: number;
  learner: RiskLearner;
  model: ModelJson;
  calibration: CalibrationJson;
  bands: RiskBand[];
  /** First and last asOf of the rows trained, calibrated and tested on (null for undated tables). */
  window: { from: IsoDate | null; to: IsoDate | null };
  /** sha256 (hex) over feature names, columns, labels and ids of the training table. */
  fingerprint: string;
  seed: number;
  /** SERVICE_VERSION of the code that trained it. */
  codeVersion: string;
  metrics: RiskModelMetrics;
  /** The training population in summary, for stability and characteristic analysis (bundles trained before reports existed have none). */
  reference?: ReferenceProfile;
}

export class ModelBundleError extends Error {
  override name = 'ModelBundleError';
}

const Slices = Type.Object({ train: Type.Integer({ minimum: 0 }), calibration: Type.Integer({ minimum: 0 }), test: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
const Probability = Type.Number({ minimum: 0, maximum: 1 });

/** The bundle's outer shape; the model JSON inside is checked by checkModel (its loader does the rest). */
const BundleShape = Type.Object(
  {
    format: Type.Literal(RISK_MODEL_BUNDLE_FORMAT),
    formatVersion: Type.Literal(RISK_MODEL_BUNDLE_FORMAT_VERSION),
    modelId: Type.String({ minLength: 1, maxLength: 200 }),
    featureSet: Type.Union([Type.Literal('bank-and-data-points'), Type.Literal('data-points-only'), Type.Literal('table')]),
    catalogueVersion: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
    featureNames: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    horizonDays: Type.Integer({ minimum: 1 }),
    learner: Type.Union(RISK_LEARNERS.map((l) => Type.Literal(l))),
    model: Type.Object({ kind: Type.Union(RISK_LEARNERS.map((l) => Type.Literal(l))), featureNames: Type.Array(Type.String()) }),
    calibration: Type.Object({
      kind: Type.Union([Type.Literal('isotonic'), Type.Literal('platt'), Type.Literal('none')]),
      x: Type.Optional(Type.Array(Type.Number())),
      y: Type.Optional(Type.Array(Type.Number())),
      a: Type.Optional(Type.Number()),
      b: Type.Optional(Type.Number()),
    }),
    bands: Type.Array(
      Type.Object(
        {
          name: Type.Union(RISK_BAND_NAMES.map((n) => Type.Literal(n))),
          minProbability: Probability,
          maxProbability: Probability,
          observedRate: Type.Union([Probability, Type.Null()]),
          rows: Type.Integer({ minimum: 0 }),
        },
        { additionalProperties: false },
      ),
    ),
    window: Type.Object({ from: Type.Union([Type.String(), Type.Null()]), to: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: false }),
    fingerprint: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    seed: Type.Integer({ minimum: 0 }),
    codeVersion: Type.String({ minLength: 1 }),
    metrics: Type.Object({
      split: Type.Union([Type.Literal('time-ordered'), Type.Literal('random')]),
      rows: Slices,
      positives: Slices,
      rowsDroppedForGap: Type.Integer({ minimum: 0 }),
      earlyStoppingRows: Type.Integer({ minimum: 0 }),
      testAuc: Probability,
      testBrier: Probability,
      testLogLoss: Type.Number({ minimum: 0 }),
      testAucRaw: Probability,
      oracleAuc: Type.Union([Probability, Type.Null()]),
      calibration: Type.Union([Type.Literal('isotonic'), Type.Literal('platt'), Type.Literal('none')]),
      cv: Type.Optional(Type.Object({ folds: Type.Integer({ minimum: 2 }), auc: Type.Array(Probability), meanAuc: Probability }, { additionalProperties: false })),
    }),
    // Checked in depth by the report code that reads it (model-reports/evaluation-set.ts).
    reference: Type.Optional(Type.Object({ rows: Type.Object({}), score: Type.Object({}), features: Type.Object({}) })),
  },
  { additionalProperties: false },
);
type BundleShapeType = Static<typeof BundleShape>;

/** Validates a parsed model.json (or a registry row) and returns it typed; throws ModelBundleError naming the first problem. */
export function parseRiskModelBundle(json: unknown): RiskModelBundle {
  if (!Value.Check(BundleShape, json)) {
    const first = Value.Errors(BundleShape, json).First();
    throw new ModelBundleError(`not a risk-model bundle: ${first ? `${first.path || '/'}: ${first.message}` : 'invalid'}`);
  }
  const bundle = json as BundleShapeType & { model: ModelJson; calibration: CalibrationJson };
  if (bundle.model.kind !== bundle.learner) throw new ModelBundleError(`learner "${bundle.learner}" but the model is a ${bundle.model.kind}`);
  if (!sameNames(bundle.model.featureNames, bundle.featureNames)) throw new ModelBundleError('the model\'s feature names differ from the bundle\'s featureNames');
  if (new Set(bundle.featureNames).size !== bundle.featureNames.length) throw new ModelBundleError('featureNames holds a name twice');
  if (bundle.calibration.kind !== bundle.metrics.calibration) throw new ModelBundleError(`calibration is ${bundle.calibration.kind} but metrics say ${bundle.metrics.calibration}`);
  checkCalibration(bundle.calibration);
  checkBands(bundle.bands);
  for (const [end, value] of Object.entries(bundle.window)) {
    if (value !== null && !isIsoDate(value)) throw new ModelBundleError(`window.${end} "${value}" is not an ISO date`);
  }
  if (bundle.featureSet === 'table' ? bundle.catalogueVersion !== null : bundle.catalogueVersion === null) {
    throw new ModelBundleError('catalogueVersion must be set for catalogue feature sets and null for a table');
  }
  return bundle as RiskModelBundle;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

/** The learner library's own check of a stored calibration, reported as a bundle problem. */
function checkCalibration(c: CalibrationJson): void {
  try {
    validateCalibration(c);
  } catch (error) {
    if (error instanceof CalibrationError) throw new ModelBundleError(`calibration: ${error.message}`);
    throw error;
  }
}

function checkBands(bands: readonly RiskBand[]): void {
  if (bands.length !== RISK_BAND_NAMES.length) throw new ModelBundleError(`expected ${RISK_BAND_NAMES.length} bands, found ${bands.length}`);
  bands.forEach((band, i) => {
    if (band.name !== RISK_BAND_NAMES[i]) throw new ModelBundleError(`band ${i} is "${band.name}", expected "${RISK_BAND_NAMES[i]}"`);
    if (!(band.maxProbability > band.minProbability)) throw new ModelBundleError(`band ${band.name} is empty`);
    const expectedMin = i === 0 ? 0 : bands[i - 1]!.maxProbability;
    if (band.minProbability !== expectedMin) throw new ModelBundleError(`band ${band.name} does not start where the previous one ends`);
  });
  if (bands[bands.length - 1]!.maxProbability !== 1) throw new ModelBundleError('the last band must end at 1');
}

/** The band a calibrated probability falls in. */
export function bandOf(bands: readonly RiskBand[], probability: number): RiskBand {
  for (const band of bands) {
    if (probability < band.maxProbability) return band;
  }
  return bands[bands.length - 1]!;
}

/**
 * Top-level keys in reading order (format first, the bulky model last); nested objects are written with
 * sorted keys, so the bytes never depend on the order in which code happened to build an object.
 */
const BUNDLE_KEY_ORDER: readonly (keyof RiskModelBundle)[] = [
  'format',
  'formatVersion',
  'modelId',
  'featureSet',
  'catalogueVersion',
  'learner',
  'horizonDays',
  'window',
  'fingerprint',
  'seed',
  'codeVersion',
  'metrics',
  'bands',
  'reference',
  'calibration',
  'featureNames',
  'model',
];

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortedKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** JSON that refuses what JSON cannot hold: NaN and ±Infinity would silently become null. */
function strictJson(value: unknown): string {
  return `${JSON.stringify(
    value,
    (key, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new ModelBundleError(`"${key}" is ${v}, which JSON cannot hold`);
      return v;
    },
    2,
  )}\n`;
}

/** model.json's exact text: stable key order, 2-space indent, a final newline. */
export function serializeRiskModelBundle(bundle: RiskModelBundle): string {
  const ordered: Record<string, unknown> = {};
  for (const key of BUNDLE_KEY_ORDER) {
    if (bundle[key] !== undefined) ordered[key] = sortedKeys(bundle[key]);
  }
  return strictJson(ordered);
}

export function serializeMetrics(bundle: RiskModelBundle): string {
  return strictJson(sortedKeys({ modelId: bundle.modelId, metrics: bundle.metrics, bands: bundle.bands }));
}

export const MODEL_FILE = 'model.json';
export const MODEL_CARD_FILE = 'model-card.md';
export const METRICS_FILE = 'metrics.json';

/**
 * Writes the model directory all at once: the files go into a fresh sibling directory that is renamed
 * into place at the end, so a crash or error never leaves a half-written model where a reader looks.
 * An existing directory is replaced.
 */
export async function writeModelDirectory(dir: string, bundle: RiskModelBundle): Promise<void> {
  parseRiskModelBundle(JSON.parse(serializeRiskModelBundle(bundle)));
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.${basename(dir)}.tmp-${randomBytes(6).toString('hex')}`);
  await mkdir(staging);
  try {
    await writeFile(join(staging, MODEL_FILE), serializeRiskModelBundle(bundle));
    await writeFile(join(staging, MODEL_CARD_FILE), renderModelCard(bundle));
    await writeFile(join(staging, METRICS_FILE), serializeMetrics(bundle));
    await replaceDirectory(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Moves `from` to `to`; an existing `to` is moved aside first and removed only after the swap. */
export async function replaceDirectory(from: string, to: string): Promise<void> {
  const existing = await stat(to).catch(() => null);
  if (!existing) {
    await rename(from, to);
    return;
  }
  const aside = join(dirname(to), `.${basename(to)}.old-${randomBytes(6).toString('hex')}`);
  await rename(to, aside);
  try {
    await rename(from, to);
  } catch (error) {
    await rename(aside, to);
    throw error;
  }
  await rm(aside, { recursive: true, force: true });
}

export async function readModelDirectory(dir: string): Promise<RiskModelBundle> {
  const file = join(dir, MODEL_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ModelBundleError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelBundleError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseRiskModelBundle(json);
  } catch (error) {
    if (error instanceof ModelBundleError) throw new ModelBundleError(`${file}: ${error.message}`);
    throw error;
  }
}
