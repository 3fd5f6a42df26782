/**
 * The reference profile a bundle carries (see evaluation-set.ts): the training population in summary,
 * so that stability and characteristic analysis can be computed later without the training rows.
 *
 * Bins come from population-stability.ts only (decile edges on the training slice, closed on the
 * right, missing values last), so the report and the monitoring job bin a window exactly as the
 * reference was binned. Mean contributions per bin come from a seeded sample of at most
 * REFERENCE_CONTRIBUTION_ROWS training rows scored with the model's exact contributions (TreeSHAP, or
 * the scorecard's centred WoE terms): exact contributions are costly per row, and a mean per bin
 * needs a few hundred rows, not all of them.
 *
 * Building the profile reads the model and never changes it: a bundle with a profile holds the same
 * model, calibration and metrics as one without.
 */
import { deriveSeed, SeededRandom } from '../learning/seeded-random.js';
import type { FeatureReference, ReferenceProfile } from './evaluation-set.js';
import { binCounts, binIndex, quantileEdges, referenceDistribution } from './population-stability.js';

/** Training rows scored with exact contributions for the mean contribution per bin. */
export const REFERENCE_CONTRIBUTION_ROWS = 2_000;
/** The sample's random stream, apart from the random split's (the seed itself) and cross-validation's (stream 1). */
export const REFERENCE_SAMPLE_STREAM = 2;

export interface ReferenceProfileInput {
  /** The model's features, in its order. */
  featureNames: readonly string[];
  /** The training slice, one column per feature (featureNames order). */
  trainColumns: readonly ArrayLike<number>[];
  /** The training slice's labels (1 = arrears). */
  trainLabels: ArrayLike<number>;
  /** Calibrated probabilities of the calibration slice's rows. */
  calibrationScores: ArrayLike<number>;
  /** The model's exact contributions for one row (featureNames order, the model's output space). */
  contributions: (row: Float64Array) => ArrayLike<number>;
  /** The training seed; the sample is drawn from a stream derived from it. */
  seed: number;
  /** Sample size (default REFERENCE_CONTRIBUTION_ROWS). */
  sampleRows?: number;
}

export function buildReferenceProfile(input: ReferenceProfileInput): ReferenceProfile {
  const { featureNames, trainColumns, trainLabels } = input;
  if (trainColumns.length !== featureNames.length) throw new RangeError(`${trainColumns.length} columns for ${featureNames.length} features`);
  const rows = trainLabels.length;
  for (const column of trainColumns) if (column.length !== rows) throw new RangeError('a training column differs in length from the labels');

  const sample = contributionSample(rows, input.seed, input.sampleRows ?? REFERENCE_CONTRIBUTION_ROWS);
  // Contributions of the sampled rows, feature-major: contributionOf[f][k] for the k-th sampled row.
  const contributionOf = featureNames.map(() => new Float64Array(sample.length));
  const row = new Float64Array(featureNames.length);
  sample.forEach((r, k) => {
    for (let f = 0; f < featureNames.length; f++) row[f] = trainColumns[f]![r]!;
    const values = input.contributions(row);
    for (let f = 0; f < featureNames.length; f++) contributionOf[f]![k] = values[f]!;
  });

  const features: Record<string, FeatureReference> = {};
  featureNames.forEach((name, f) => {
    const column = trainColumns[f]!;
    const edges = quantileEdges(column);
    const counts = binCounts(edges, column);
    const positives = new Array<number>(counts.length).fill(0);
    for (let r = 0; r < rows; r++) if (trainLabels[r] === 1) positives[binIndex(edges, column[r]!)]!++;
    const sums = new Array<number>(counts.length).fill(0);
    const sampled = new Array<number>(counts.length).fill(0);
    sample.forEach((r, k) => {
      const bin = binIndex(edges, column[r]!);
      sums[bin]! += contributionOf[f]![k]!;
      sampled[bin]!++;
    });
    features[name] = { edges, counts, positives, meanContribution: sums.map((sum, b) => (sampled[b]! > 0 ? sum / sampled[b]! : null)) };
  });

  return {
    rows: { features: rows, score: input.calibrationScores.length },
    slices: { features: 'train', score: 'calibration' },
    score: referenceDistribution(input.calibrationScores),
    features,
    contributionSampleRows: sample.length,
  };
}

/** Row indexes of the seeded sample, ascending; every row when there are no more than `size`. */
export function contributionSample(rows: number, seed: number, size: number): Int32Array {
  if (rows <= size) return Int32Array.from({ length: rows }, (_, i) => i);
  return new SeededRandom(deriveSeed(seed, REFERENCE_SAMPLE_STREAM)).sampleWithoutReplacement(rows, size);
}
