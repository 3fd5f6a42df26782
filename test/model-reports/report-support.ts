/**
 * Evaluation sets with known structure for a real model, without simulating a world: every feature is
 * drawn around the split thresholds the model's own trees use (so rows reach many different leaves),
 * some values missing, and each label is drawn from the model's own calibrated probability. On such a
 * set the model is calibrated by construction (observed ≈ predicted in every bin) and ranks well, and
 * a "shifted" copy moves chosen features by a known amount, so stability must see exactly those.
 */
import type { TreeEnsembleJson } from '../../src/learning/model-format.js';
import { SeededRandom } from '../../src/learning/seeded-random.js';
import type { EvaluationSet, FeatureReference, ReferenceProfile } from '../../src/model-reports/evaluation-set.js';
import { binCounts, binIndex, referenceDistribution } from '../../src/model-reports/population-stability.js';
import { RiskModel } from '../../src/risk-models/risk-model.js';
import type { RiskModelBundle } from '../../src/risk-models/risk-model-bundle.js';

/** Sorted distinct thresholds per feature (features no tree splits on get [0]). */
export function thresholdsOf(bundle: RiskModelBundle): number[][] {
  const model = bundle.model as TreeEnsembleJson;
  const sets = bundle.featureNames.map(() => new Set<number>());
  // A threshold at Number.MAX_VALUE only separates missing from present values; drawing around it would give infinities.
  for (const tree of model.trees) tree.feature.forEach((f, node) => f >= 0 && Math.abs(tree.threshold[node]!) < 1e300 && sets[f]!.add(tree.threshold[node]!));
  return sets.map((s) => (s.size === 0 ? [0] : [...s].sort((a, b) => a - b)));
}

export interface SyntheticOptions {
  rows: number;
  seed: number;
  /** Share of missing values per feature. */
  missing?: number;
  /** Feature index → added to every present value (the shifted population). */
  shift?: Record<number, number>;
  /** Segment columns: name → values to draw from (uniformly). */
  segments?: Record<string, string[]>;
  /** Share of rows whose outcome is not known yet (their label is meaningless). */
  unknownOutcome?: number;
}

export function syntheticEvaluation(bundle: RiskModelBundle, options: SyntheticOptions): EvaluationSet {
  const random = new SeededRandom(options.seed);
  const thresholds = thresholdsOf(bundle);
  const n = options.rows;
  const columns = bundle.featureNames.map((_, f) => {
    const t = thresholds[f]!;
    const spread = t.length > 1 ? (t[t.length - 1]! - t[0]!) / t.length : 1;
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (random.nextFloat() < (options.missing ?? 0.05)) {
        column[i] = Number.NaN;
        continue;
      }
      const j = random.nextInt(t.length);
      const lo = j > 0 ? t[j - 1]! : t[0]! - spread;
      const hi = j < t.length - 1 ? t[j + 1]! : t[t.length - 1]! + spread;
      column[i] = lo + random.nextFloat() * (hi - lo) + (options.shift?.[f] ?? 0);
    }
    return column;
  });
  const probability = RiskModel.fromBundle(bundle).scoreColumns(columns);
  const labels = Uint8Array.from(probability, (p) => (random.nextFloat() < p ? 1 : 0));
  const unknown = options.unknownOutcome ?? 0;
  const outcomeKnown = unknown > 0 ? Uint8Array.from({ length: n }, () => (random.nextFloat() < unknown ? 0 : 1)) : null;
  const segments: Record<string, (string | null)[]> = {};
  for (const [name, values] of Object.entries(options.segments ?? {})) {
    segments[name] = Array.from({ length: n }, () => (random.nextFloat() < 0.02 ? null : values[random.nextInt(values.length)]!));
  }
  return {
    description: `synthetic rows around the model's split thresholds (seed ${options.seed})`,
    window: { from: '2027-01-31', to: '2027-03-31' },
    ids: Array.from({ length: n }, (_, i) => `row-${i}`),
    asOf: Array.from({ length: n }, () => '2027-03-31'),
    featureNames: [...bundle.featureNames],
    columns,
    labels,
    outcomeKnown,
    segments,
  };
}

/**
 * A reference profile summarised from a "training" set, as the training pipeline would: feature
 * deciles with arrears counts and mean contributions, the score's deciles on a second set.
 */
export function referenceFrom(bundle: RiskModelBundle, train: EvaluationSet, calibrationSet: EvaluationSet): ReferenceProfile {
  const model = RiskModel.fromBundle(bundle);
  const features: Record<string, FeatureReference> = {};
  const n = train.ids.length;
  const contributions = bundle.featureNames.map(() => new Float64Array(n));
  const row = new Float64Array(bundle.featureNames.length);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < row.length; f++) row[f] = train.columns[f]![i]!;
    const score = model.score(row, { topReasons: 0 });
    for (let f = 0; f < row.length; f++) contributions[f]![i] = score.contributions[f]!;
  }
  bundle.featureNames.forEach((name, f) => {
    const { edges, counts } = referenceDistribution(train.columns[f]!);
    const positives = new Array<number>(counts.length).fill(0);
    const sums = new Array<number>(counts.length).fill(0);
    for (let i = 0; i < n; i++) {
      const b = binIndex(edges, train.columns[f]![i]!);
      positives[b]! += train.labels[i]!;
      sums[b]! += contributions[f]![i]!;
    }
    features[name] = { edges, counts, positives, meanContribution: counts.map((c, b) => (c === 0 ? null : sums[b]! / c)) };
  });
  const score = referenceDistribution(model.scoreColumns(calibrationSet.columns));
  // binCounts is what the report uses for the window; the reference's own counts must come from it too.
  if (binCounts(score.edges, model.scoreColumns(calibrationSet.columns)).join() !== score.counts.join()) throw new Error('reference counts disagree');
  return { rows: { features: n, score: calibrationSet.ids.length }, slices: { features: 'train', score: 'calibration' }, score, features, contributionSampleRows: n };
}

/** Every number in the report is finite (JSON.stringify would silently turn NaN into null). */
export function nonFiniteNumbers(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFiniteNumbers(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => nonFiniteNumbers(v, `${path}.${k}`));
  return [];
}
