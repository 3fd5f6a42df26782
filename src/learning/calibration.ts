/**
 * Probability calibration on a later slice than the model was trained on: isotonic regression
 * (pool-adjacent-violators, monotone, no shape assumed; for slices of a few thousand rows and up)
 * and Platt scaling (a logistic curve on the model's log-odds; two parameters, for small slices).
 * Both map a raw probability to a calibrated one and keep the ranking (isotonic can only merge ties),
 * so the AUC stays and the probabilities start to mean what they say.
 */
import type { CalibrationJson } from './model-format.js';

/** Calibrated probabilities never reach 0 or 1: a score of certainty is never warranted by data. */
export const CALIBRATION_FLOOR = 1e-6;
export const CALIBRATION_CEILING = 1 - 1e-6;

export class CalibrationError extends RangeError {
  override name = 'CalibrationError';
}

function clampProbability(p: number): number {
  return p < CALIBRATION_FLOOR ? CALIBRATION_FLOOR : p > CALIBRATION_CEILING ? CALIBRATION_CEILING : p;
}

function checkInput(raw: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): void {
  if (raw.length !== labels.length) throw new CalibrationError(`${raw.length} scores for ${labels.length} labels`);
  if (weights && weights.length !== raw.length) throw new CalibrationError(`${weights.length} weights for ${raw.length} scores`);
  if (raw.length === 0) throw new CalibrationError('no rows to calibrate on');
  for (let i = 0; i < raw.length; i++) {
    if (!Number.isFinite(raw[i]!)) throw new CalibrationError(`score ${i} is ${raw[i]}`);
    if (labels[i] !== 0 && labels[i] !== 1) throw new CalibrationError(`label ${i} is ${labels[i]}, not 0 or 1`);
    if (weights && !(weights[i]! >= 0 && Number.isFinite(weights[i]!))) throw new CalibrationError(`weight ${i} is ${weights[i]}`);
  }
}

/**
 * Isotonic regression of the labels on the raw scores by pool-adjacent-violators: the non-decreasing
 * step function closest (weighted least squares) to the outcomes. Rows with equal scores are pooled
 * first (one score must map to one value). The stored knots are the ends of each constant run, so
 * a model card holds tens of numbers, not one per calibration row; between knots the curve is linear
 * (as scikit-learn interpolates), outside them it is flat.
 */
export function fitIsotonic(raw: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): CalibrationJson {
  checkInput(raw, labels, weights);
  const n = raw.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => raw[a]! - raw[b]! || a - b);

  // Pool equal scores: blocks of (x, weighted mean y, weight).
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < n; ) {
    const x = raw[order[i]!]!;
    let sumW = 0;
    let sumWy = 0;
    while (i < n && raw[order[i]!] === x) {
      const w = weights ? weights[order[i]!]! : 1;
      sumW += w;
      sumWy += w * labels[order[i]!]!;
      i++;
    }
    if (sumW === 0) continue; // rows of weight zero carry no evidence
    xs.push(x);
    ys.push(sumWy / sumW);
    ws.push(sumW);
  }
  if (xs.length === 0) throw new CalibrationError('all calibration rows have weight zero');

  // Pool adjacent violators: a stack of blocks, each with its mean, weight and first point index.
  const blockMean: number[] = [];
  const blockWeight: number[] = [];
  const blockStart: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    let mean = ys[i]!;
    let weight = ws[i]!;
    let start = i;
    while (blockMean.length > 0 && blockMean[blockMean.length - 1]! >= mean) {
      const prevWeight = blockWeight.pop()!;
      const prevMean = blockMean.pop()!;
      start = blockStart.pop()!;
      mean = (prevMean * prevWeight + mean * weight) / (prevWeight + weight);
      weight += prevWeight;
    }
    blockMean.push(mean);
    blockWeight.push(weight);
    blockStart.push(start);
  }
  // Merging blocks with equal means (>=) above keeps every block strictly above the previous one,
  // so each block contributes at most its first and last score as knots.
  const x: number[] = [];
  const y: number[] = [];
  for (let b = 0; b < blockMean.length; b++) {
    const first = blockStart[b]!;
    const last = b + 1 < blockStart.length ? blockStart[b + 1]! - 1 : xs.length - 1;
    const value = clampProbability(blockMean[b]!);
    x.push(xs[first]!);
    y.push(value);
    if (last !== first) {
      x.push(xs[last]!);
      y.push(value);
    }
  }
  return { kind: 'isotonic', x, y };
}

function logit(p: number): number {
  const q = clampProbability(p);
  return Math.log(q / (1 - q));
}

/**
 * Platt scaling: p = σ(a·logit(raw) + b), fitted by Newton's method with a backtracking line search
 * on the log-loss against Platt's smoothed targets (N₊+1)/(N₊+2) and 1/(N₋+2) instead of 1 and 0,
 * which keeps a separable slice from driving a to infinity (Platt 1999; Lin, Lin & Weng 2007).
 */
export function fitPlatt(raw: ArrayLike<number>, labels: ArrayLike<number>): CalibrationJson {
  checkInput(raw, labels);
  const n = raw.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]!;
  const negatives = n - positives;
  const hiTarget = (positives + 1) / (positives + 2);
  const loTarget = 1 / (negatives + 2);
  const z = new Float64Array(n);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = logit(raw[i]!);
    t[i] = labels[i] === 1 ? hiTarget : loTarget;
  }
  const loss = (a: number, b: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const f = a * z[i]! + b;
      // log(1 + e^f) − t·f, written to stay finite for large |f|.
      sum += (f > 0 ? f + Math.log1p(Math.exp(-f)) : Math.log1p(Math.exp(f))) - t[i]! * f;
    }
    return sum;
  };
  let a = 0;
  let b = Math.log((positives + 1) / (negatives + 1));
  let current = loss(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    let gA = 0;
    let gB = 0;
    let hAA = 1e-12; // a whisker of ridge so a constant score still gives a solvable system
    let hAB = 0;
    let hBB = 1e-12;
    for (let i = 0; i < n; i++) {
      const f = a * z[i]! + b;
      const p = 1 / (1 + Math.exp(-f));
      const d = p - t[i]!;
      const w = p * (1 - p);
      gA += d * z[i]!;
      gB += d;
      hAA += w * z[i]! * z[i]!;
      hAB += w * z[i]!;
      hBB += w;
    }
    if (Math.abs(gA) < 1e-10 * n && Math.abs(gB) < 1e-10 * n) break;
    const det = hAA * hBB - hAB * hAB;
    const stepA = -(hBB * gA - hAB * gB) / det;
    const stepB = -(-hAB * gA + hAA * gB) / det;
    let size = 1;
    let improved = false;
    while (size >= 1e-10) {
      const candidate = loss(a + size * stepA, b + size * stepB);
      if (candidate <= current + 1e-4 * size * (gA * stepA + gB * stepB)) {
        a += size * stepA;
        b += size * stepB;
        improved = current - candidate > 1e-14 * Math.max(1, Math.abs(current));
        current = candidate;
        break;
      }
      size /= 2;
    }
    if (!improved) break;
  }
  return { kind: 'platt', a, b };
}

/** The calibrated probability of one raw probability. */
export function applyCalibration(calibration: CalibrationJson, p: number): number {
  switch (calibration.kind) {
    case 'none':
      return p;
    case 'platt': {
      const f = (calibration.a ?? 1) * logit(p) + (calibration.b ?? 0);
      return clampProbability(1 / (1 + Math.exp(-f)));
    }
    case 'isotonic':
      return interpolate(calibration.x ?? [], calibration.y ?? [], p);
    default:
      throw new CalibrationError(`unknown calibration kind ${JSON.stringify((calibration as { kind: unknown }).kind)}`);
  }
}

/** Many at once (a batch of scores). */
export function applyCalibrationAll(calibration: CalibrationJson, probabilities: ArrayLike<number>): Float64Array {
  const out = new Float64Array(probabilities.length);
  for (let i = 0; i < out.length; i++) out[i] = applyCalibration(calibration, probabilities[i]!);
  return out;
}

function interpolate(x: readonly number[], y: readonly number[], p: number): number {
  if (x.length === 0 || x.length !== y.length) throw new CalibrationError('an isotonic calibration needs knots x and y of equal, non-zero length');
  if (Number.isNaN(p)) throw new CalibrationError('cannot calibrate NaN');
  if (p <= x[0]!) return y[0]!;
  const last = x.length - 1;
  if (p >= x[last]!) return y[last]!;
  // The last knot at or below p.
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= p) lo = mid;
    else hi = mid;
  }
  const x0 = x[lo]!;
  const x1 = x[hi]!;
  if (x1 === x0) return y[hi]!;
  return y[lo]! + ((p - x0) / (x1 - x0)) * (y[hi]! - y[lo]!);
}

/** Checks a stored calibration (from a model file) before it is used. */
export function validateCalibration(value: unknown): CalibrationJson {
  if (typeof value !== 'object' || value === null) throw new CalibrationError('a calibration is an object');
  const c = value as Record<string, unknown>;
  if (c.kind === 'none') return { kind: 'none' };
  if (c.kind === 'platt') {
    if (typeof c.a !== 'number' || !Number.isFinite(c.a) || typeof c.b !== 'number' || !Number.isFinite(c.b)) throw new CalibrationError('Platt calibration needs finite a and b');
    return { kind: 'platt', a: c.a, b: c.b };
  }
  if (c.kind === 'isotonic') {
    const x = c.x;
    const y = c.y;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length === 0 || x.length !== y.length) throw new CalibrationError('isotonic calibration needs knots x and y of equal, non-zero length');
    for (let i = 0; i < x.length; i++) {
      if (typeof x[i] !== 'number' || !Number.isFinite(x[i]) || (i > 0 && (x[i] as number) < (x[i - 1] as number))) throw new CalibrationError(`isotonic x[${i}] must be finite and not below x[${i - 1}]`);
      if (typeof y[i] !== 'number' || !((y[i] as number) >= 0 && (y[i] as number) <= 1) || (i > 0 && (y[i] as number) < (y[i - 1] as number))) throw new CalibrationError(`isotonic y[${i}] must be in [0, 1] and not below y[${i - 1}]`);
    }
    return { kind: 'isotonic', x: x as number[], y: y as number[] };
  }
  throw new CalibrationError(`unknown calibration kind ${JSON.stringify(c.kind)}`);
}
