/**
 * Quality measures of a probability model against 0/1 outcomes: AUC, the ROC curve, KS, log-loss
 * and Brier score. Exact (no binning of the scores), O(n log n) for the ranking measures, so they
 * can judge a model on a million rows and still agree with the pairwise definition on ten.
 *
 * Undefined measures (AUC or KS with only one class present, anything on zero rows) are NaN rather
 * than an exception: a cross-validation fold without positives should show up as NaN in a report,
 * not end the training run that produced it.
 */

export class MetricInputError extends RangeError {
  override name = 'MetricInputError';
}

function checkInput(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (scores.length !== labels.length) throw new MetricInputError(`${scores.length} scores for ${labels.length} labels`);
  for (let i = 0; i < scores.length; i++) {
    // A NaN score has no place in a ranking; silently sorting it somewhere would bias the AUC.
    if (Number.isNaN(scores[i]!)) throw new MetricInputError(`score ${i} is NaN`);
    const y = labels[i]!;
    if (y !== 0 && y !== 1) throw new MetricInputError(`label ${i} is ${y}, not 0 or 1`);
  }
}

/** Row indices ordered by descending score (ties in index order, so the order is deterministic). */
function descendingOrder(scores: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order;
}

export interface RocPoint {
  /** Rows scoring at or above this threshold are called positive; the first point has +Infinity. */
  threshold: number;
  falsePositiveRate: number;
  truePositiveRate: number;
}

/**
 * One point per distinct score (tied scores move together, which is what a threshold can do),
 * from (0, 0) at threshold +Infinity to (1, 1) at the lowest score.
 */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): RocPoint[] {
  checkInput(scores, labels);
  const { positives, negatives } = classCounts(labels);
  const points: RocPoint[] = [{ threshold: Number.POSITIVE_INFINITY, falsePositiveRate: 0, truePositiveRate: 0 }];
  const order = descendingOrder(scores);
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; ) {
    const s = scores[order[i]!]!;
    while (i < order.length && scores[order[i]!] === s) {
      if (labels[order[i]!] === 1) tp++;
      else fp++;
      i++;
    }
    points.push({ threshold: s, falsePositiveRate: negatives > 0 ? fp / negatives : Number.NaN, truePositiveRate: positives > 0 ? tp / positives : Number.NaN });
  }
  return points;
}

function classCounts(labels: ArrayLike<number>): { positives: number; negatives: number } {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  return { positives, negatives: labels.length - positives };
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative,
 * ties counting one half. Computed from the rank sum of the positives (Mann–Whitney U) with tied
 * scores sharing their mean rank, which is exactly the pairwise definition.
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkInput(scores, labels);
  const { positives, negatives } = classCounts(labels);
  if (positives === 0 || negatives === 0) return Number.NaN;
  const order = descendingOrder(scores);
  // Walking down from the top score: each positive beats every negative below it. Counting pairs
  // directly (rather than summing ranks) keeps the arithmetic in integers up to 2^53.
  let negativesBelow = negatives;
  let wins = 0;
  for (let i = 0; i < order.length; ) {
    const s = scores[order[i]!]!;
    let groupPositives = 0;
    let groupNegatives = 0;
    while (i < order.length && scores[order[i]!] === s) {
      if (labels[order[i]!] === 1) groupPositives++;
      else groupNegatives++;
      i++;
    }
    negativesBelow -= groupNegatives;
    wins += groupPositives * negativesBelow + 0.5 * groupPositives * groupNegatives;
  }
  return wins / (positives * negatives);
}

/**
 * Kolmogorov–Smirnov statistic: the largest gap between the score distributions of positives and
 * negatives, max |TPR − FPR| over thresholds (tied scores never split).
 */
export function ks(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { positives, negatives } = classCounts(labels);
  if (positives === 0 || negatives === 0) {
    checkInput(scores, labels);
    return Number.NaN;
  }
  let best = 0;
  for (const point of rocCurve(scores, labels)) best = Math.max(best, Math.abs(point.truePositiveRate - point.falsePositiveRate));
  return best;
}

/**
 * Mean negative log-likelihood of the labels. Probabilities are clipped to [eps, 1 − eps] so one
 * confident mistake gives a large but finite loss (the same convention as scikit-learn).
 */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>, eps = 1e-15): number {
  checkProbabilities(probabilities, labels);
  if (labels.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, probabilities[i]!));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

/** Mean squared difference between probability and outcome. */
export function brier(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkProbabilities(probabilities, labels);
  if (labels.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const d = probabilities[i]! - labels[i]!;
    sum += d * d;
  }
  return sum / labels.length;
}

function checkProbabilities(probabilities: ArrayLike<number>, labels: ArrayLike<number>): void {
  checkInput(probabilities, labels);
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    if (!(p >= 0 && p <= 1)) throw new MetricInputError(`probability ${i} is ${p}, outside [0, 1]`);
  }
}
