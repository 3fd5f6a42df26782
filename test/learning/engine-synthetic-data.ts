/**
 * Synthetic data with known truth for the learner tests: every row's true probability is known, so
 * a model is judged against the oracle (ranking rows by the true probability), not a magic number.
 */
import type { Dataset } from '../../src/learning/dataset.js';
import { SeededRandom } from '../../src/learning/seeded-random.js';

export interface SyntheticData {
  data: Dataset;
  truth: Float64Array;
}

/**
 * x0, x1: an XOR-like interaction (sign of x0·x1) no single feature shows; x2: a monotone effect;
 * x3: missing in a third of the rows, and being missing raises the risk; x4, x5: noise.
 */
export function interactionData(rowCount: number, seed: number): SyntheticData {
  const rng = new SeededRandom(seed);
  const featureCount = 6;
  const columns = Array.from({ length: featureCount }, () => new Float64Array(rowCount));
  const labels = new Uint8Array(rowCount);
  const truth = new Float64Array(rowCount);
  for (let i = 0; i < rowCount; i++) {
    for (let f = 0; f < featureCount; f++) columns[f]![i] = rng.nextFloat() * 2 - 1;
    const x3Missing = rng.nextFloat() < 1 / 3;
    if (x3Missing) columns[3]![i] = Number.NaN;
    const x0 = columns[0]![i]!;
    const x1 = columns[1]![i]!;
    const x2 = columns[2]![i]!;
    const x3 = columns[3]![i]!;
    const logit = -0.5 + 1.8 * Math.sign(x0 * x1) + 1.5 * x2 + (x3Missing ? 1.2 : -0.6 * x3);
    const p = 1 / (1 + Math.exp(-logit));
    truth[i] = p;
    labels[i] = rng.nextFloat() < p ? 1 : 0;
  }
  return { data: { featureNames: ['x0', 'x1', 'x2', 'x3', 'x4', 'x5'], rowCount, columns, labels }, truth };
}

/** Area under the ROC curve by ranks (ties share their mean rank). */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!] === 1) {
        rankSum += rank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function rowOf(data: Dataset, i: number): Float64Array {
  return Float64Array.from(data.columns, (column) => column[i]!);
}
