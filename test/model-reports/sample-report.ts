/**
 * A realistic ModelReport computed by hand from a small synthetic scored set with known truth, so
 * the renderer can be tested with every section filled before (and independently of) the real
 * report builder. The world: four features drive arrears through a logistic model; the "model" under
 * report is a slightly miscalibrated scorecard of the same features (so calibration is imperfect and
 * shows); the window population has a shifted balance ratio (so stability flags drift); the
 * challenger is the same model with noise (so the comparison has a clear winner).
 *
 * Every number in the report is computed from the rows here (with src/learning/metrics.ts and the
 * shared population-stability module), none is typed in.
 */
import { auc, brier, ks, logLoss, rocCurve } from '../../src/learning/metrics.js';
import { chartSpecs } from '../../src/model-reports/charts.js';
import { binCounts, binIndex, psiFromCounts, psiReading, PSI_ACT, referenceDistribution } from '../../src/model-reports/population-stability.js';
import { MODEL_REPORT_FORMAT, MODEL_REPORT_FORMAT_VERSION } from '../../src/model-reports/report.types.js';
import type { ConfidenceInterval, ConfusionAt, FeatureStability, ModelReport, MonitoringPoint, SegmentMetrics } from '../../src/model-reports/report.types.js';
import type { RiskBandName } from '../../src/risk-models/risk-model-bundle.js';

const SEED = 20251;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

interface Feature {
  name: string;
  /** Coefficient of the model under report (log-odds per unit). */
  beta: number;
}

const FEATURES: Feature[] = [
  { name: 'income_stability', beta: -2.4 },
  { name: 'max_days_past_due_90d', beta: 0.045 },
  { name: 'balance_to_income_ratio', beta: 0.9 },
  { name: 'returned_direct_debits_180d', beta: 0.35 },
];
const INTERCEPT = -2.1;

interface Population {
  columns: number[][];
  labels: number[];
  probabilities: number[];
  challenger: number[];
  segments: Record<string, string[]>;
  asOf: string[];
}

function simulate(rows: number, seed: number, shift: number): Population {
  const random = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const columns: number[][] = FEATURES.map(() => []);
  const labels: number[] = [];
  const probabilities: number[] = [];
  const challenger: number[] = [];
  const segments: Record<string, string[]> = { household_type: [], income_source: [], region: [] };
  const asOf: string[] = [];
  for (let i = 0; i < rows; i++) {
    const incomeSource = pick(['salary', 'salary', 'salary', 'benefits', 'pension', 'self-employed'] as const);
    const stability = Math.min(1, Math.max(0, (incomeSource === 'self-employed' ? 0.45 : 0.7) + 0.2 * normal()));
    const dpd = Math.max(0, Math.round(random() < 0.6 ? 0 : 12 * Math.abs(normal()) + 3));
    const balance = random() < 0.05 ? Number.NaN : Math.max(0, 0.8 + shift + 0.5 * normal());
    const returns = Math.floor(-Math.log(1 - random()) * 0.8);
    const x = [stability, dpd, balance, returns];
    const filled = x.map((v) => (Number.isNaN(v) ? 0.8 : v));
    // Truth is a bit steeper than the model: the model under-predicts the riskiest rows.
    const truth = -2.3 + 1.15 * FEATURES.reduce((z, f, j) => z + f.beta * filled[j]!, 0) + 0.8;
    labels.push(random() < sigmoid(truth) ? 1 : 0);
    const z = INTERCEPT + FEATURES.reduce((s, f, j) => s + f.beta * filled[j]!, 0) + 1.0;
    probabilities.push(sigmoid(z));
    challenger.push(sigmoid(z + 0.9 * normal()));
    x.forEach((v, j) => columns[j]!.push(v));
    segments.household_type!.push(pick(['single', 'couple', 'single parent', 'family']));
    segments.income_source!.push(incomeSource);
    segments.region!.push(pick(['north', 'east', 'south', 'west']));
    asOf.push(`2025-${String(1 + (i % 6)).padStart(2, '0')}-15`);
  }
  return { columns, labels, probabilities, challenger, segments, asOf };
}

const nullable = (value: number): number | null => (Number.isFinite(value) ? value : null);
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

function subset<T>(values: ArrayLike<T>, rows: number[]): T[] {
  return rows.map((i) => values[i]!);
}

/** Stratified (by outcome), seeded bootstrap percentile interval of a statistic over rows. */
function bootstrap(labels: number[], statistic: (rows: number[]) => number, seed: number, resamples = 200): ConfidenceInterval | null {
  const random = mulberry32(seed);
  const positives = labels.flatMap((y, i) => (y === 1 ? [i] : []));
  const negatives = labels.flatMap((y, i) => (y === 0 ? [i] : []));
  if (positives.length === 0 || negatives.length === 0) return null;
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const rows = [...positives.map(() => positives[Math.floor(random() * positives.length)]!), ...negatives.map(() => negatives[Math.floor(random() * negatives.length)]!)];
    const v = statistic(rows);
    if (Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  return { low: values[Math.floor(0.025 * (values.length - 1))]!, high: values[Math.ceil(0.975 * (values.length - 1))]!, level: 0.95, resamples };
}

function reliabilityBins(p: number[], y: number[], bins = 10): ModelReport['calibration']['reliability'] {
  const out: ModelReport['calibration']['reliability'] = [];
  for (let b = 0; b < bins; b++) {
    const rows = p.flatMap((v, i) => (Math.min(bins - 1, Math.floor(v * bins)) === b ? [i] : []));
    if (rows.length === 0) continue;
    out.push({ binStart: b / bins, binEnd: (b + 1) / bins, rows: rows.length, meanPredicted: mean(subset(p, rows)), observedRate: mean(subset(y, rows)) });
  }
  return out;
}

function eceOf(p: number[], y: number[]): number {
  return reliabilityBins(p, y).reduce((s, b) => s + (b.rows / p.length) * Math.abs(b.observedRate - b.meanPredicted), 0);
}

function confusion(p: number[], y: number[], threshold: number, label: string): ConfusionAt {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  p.forEach((v, i) => {
    const flagged = v >= threshold;
    if (flagged && y[i] === 1) tp++;
    else if (flagged) fp++;
    else if (y[i] === 1) fn++;
    else tn++;
  });
  const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
  return { threshold, label, truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn, flaggedRate: (tp + fp) / p.length, precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), falsePositiveRate: ratio(fp, fp + tn), specificity: ratio(tn, fp + tn) };
}

const BAND_EDGES: { band: RiskBandName; min: number; max: number }[] = [
  { band: 'very_low', min: 0, max: 0.05 },
  { band: 'low', min: 0.05, max: 0.1 },
  { band: 'medium', min: 0.1, max: 0.2 },
  { band: 'high', min: 0.2, max: 0.4 },
  { band: 'very_high', min: 0.4, max: 1 },
];
const OPERATING_THRESHOLD = 0.2;

function binLabels(edges: number[]): string[] {
  const f = (v: number): string => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(3));
  return [...edges.map((e, i) => (i === 0 ? `≤ ${f(e)}` : `${f(edges[i - 1]!)}–${f(e)}`)), edges.length === 0 ? 'all' : `> ${f(edges[edges.length - 1]!)}`, 'missing'];
}

export interface SampleReportOptions {
  /** Replaces the model id (to test escaping of hostile strings). */
  modelId?: string;
  /** Renames one region value (to test escaping of segment values). */
  regionValue?: string;
  rows?: number;
}

/** The sample report, charts included (chartSpecs). */
export function sampleReport(options: SampleReportOptions = {}): ModelReport {
  const rows = options.rows ?? 800;
  const reference = simulate(1500, SEED, 0);
  const window = simulate(rows, SEED + 1, 0.35);
  if (options.regionValue !== undefined) window.segments.region = window.segments.region!.map((v) => (v === 'west' ? options.regionValue! : v));
  const p = window.probabilities;
  const y = window.labels;
  const n = p.length;
  const positives = y.reduce((a, b) => a + b, 0);
  const overallRate = positives / n;
  const all = p.map((_, i) => i);

  // Discrimination.
  const aucValue = auc(p, y);
  const aucInterval = bootstrap(y, (r) => auc(subset(p, r), subset(y, r)), SEED);
  const roc = rocCurve(p, y);
  let ksValue = 0;
  let ksThreshold: number | null = null;
  for (const point of roc) {
    const gap = Math.abs(point.truePositiveRate - point.falsePositiveRate);
    if (gap > ksValue) {
      ksValue = gap;
      ksThreshold = Number.isFinite(point.threshold) ? point.threshold : null;
    }
  }
  const step = Math.max(1, Math.ceil(roc.length / 200));
  const thinned = roc.filter((_, i) => i % step === 0 || i === roc.length - 1);
  const order = [...all].sort((a, b) => p[b]! - p[a]! || a - b);
  let cumulativePositives = 0;
  let cumulativeRows = 0;
  const deciles = Array.from({ length: 10 }, (_, d) => {
    const rowsIn = order.slice(Math.floor((d * n) / 10), Math.floor(((d + 1) * n) / 10));
    const pos = subset(y, rowsIn).reduce((a, b) => a + b, 0);
    cumulativePositives += pos;
    cumulativeRows += rowsIn.length;
    const probs = subset(p, rowsIn);
    const observedRate = rowsIn.length > 0 ? pos / rowsIn.length : null;
    return {
      decile: d + 1,
      rows: rowsIn.length,
      positives: pos,
      minProbability: Math.min(...probs),
      maxProbability: Math.max(...probs),
      meanProbability: mean(probs),
      observedRate,
      lift: observedRate === null || overallRate === 0 ? null : observedRate / overallRate,
      cumulativeGain: positives > 0 ? cumulativePositives / positives : null,
      cumulativeLift: positives > 0 ? cumulativePositives / cumulativeRows / overallRate : null,
    };
  });
  const scoreDistribution = Array.from({ length: 20 }, (_, b) => {
    const inBin = all.filter((i) => Math.min(19, Math.floor(p[i]! * 20)) === b);
    return { binStart: b / 20, binEnd: (b + 1) / 20, negatives: inBin.filter((i) => y[i] === 0).length, positives: inBin.filter((i) => y[i] === 1).length };
  });

  // Calibration.
  const bands = BAND_EDGES.map((edge) => {
    const inBand = all.filter((i) => p[i]! >= edge.min && (p[i]! < edge.max || (edge.max === 1 && p[i]! <= 1)));
    const refIn = reference.probabilities.flatMap((v, i) => (v >= edge.min && v < edge.max ? [i] : []));
    return {
      band: edge.band,
      minProbability: edge.min,
      maxProbability: edge.max,
      rows: inBand.length,
      meanPredicted: inBand.length > 0 ? mean(subset(p, inBand)) : null,
      observedRate: inBand.length > 0 ? mean(subset(y, inBand)) : null,
      trainingObservedRate: refIn.length > 0 ? mean(subset(reference.labels, refIn)) : null,
    };
  });

  // Decisions.
  const decisions = [confusion(p, y, OPERATING_THRESHOLD, 'operating'), ...BAND_EDGES.slice(1).map((edge) => confusion(p, y, edge.min, edge.band))];

  // Stability: score on the reference's own scores, features on its columns.
  const scoreRef = referenceDistribution(reference.probabilities);
  const scoreWindowCounts = binCounts(scoreRef.edges, p);
  const share = (counts: number[]): number[] => {
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((c) => (total > 0 ? c / total : 0));
  };
  const scorePsi = psiFromCounts(scoreRef.counts, scoreWindowCounts);
  const scoreLabels = binLabels(scoreRef.edges);
  const refScoreShares = share(scoreRef.counts);
  const winScoreShares = share(scoreWindowCounts);
  const scoreBins = scoreLabels.map((label, b) => ({ label, referenceShare: refScoreShares[b]!, windowShare: winScoreShares[b]! })).filter((_, b) => scoreRef.counts[b]! + scoreWindowCounts[b]! > 0);

  // Exact SHAP of a linear model: β_j (x_j − E[x_j]), in log-odds; missing values take the mean.
  const featureMeans = FEATURES.map((_, j) => mean(reference.columns[j]!.filter((v) => !Number.isNaN(v))));
  const contribution = (j: number, v: number): number => (Number.isNaN(v) ? 0 : FEATURES[j]!.beta * (v - featureMeans[j]!));

  const features: FeatureStability[] = FEATURES.map((f, j) => {
    const ref = referenceDistribution(reference.columns[j]!);
    const winCounts = binCounts(ref.edges, window.columns[j]!);
    const psiValue = psiFromCounts(ref.counts, winCounts);
    const refShares = share(ref.counts);
    const winShares = share(winCounts);
    const labels = binLabels(ref.edges);
    const perBin = (pop: Population): { rows: number[][] } => {
      const rowsPerBin: number[][] = labels.map(() => []);
      pop.columns[j]!.forEach((v, i) => rowsPerBin[binIndex(ref.edges, v)]!.push(i));
      return { rows: rowsPerBin };
    };
    const refBins = perBin(reference).rows;
    const winBins = perBin(window).rows;
    const bins = labels
      .map((label, b) => ({
        label,
        referenceShare: refShares[b]!,
        windowShare: winShares[b]!,
        referenceObservedRate: refBins[b]!.length > 0 ? mean(subset(reference.labels, refBins[b]!)) : null,
        windowObservedRate: winBins[b]!.length > 0 ? mean(subset(y, winBins[b]!)) : null,
        meanContribution: refBins[b]!.length > 0 ? mean(refBins[b]!.map((i) => contribution(j, reference.columns[j]![i]!))) : null,
      }))
      .filter((_, b) => ref.counts[b]! + winCounts[b]! > 0);
    const characteristicShift = bins.reduce((s, b) => s + (b.windowShare - b.referenceShare) * (b.meanContribution ?? 0), 0);
    return { feature: f.name, psi: nullable(psiValue), reading: Number.isFinite(psiValue) ? psiReading(psiValue) : null, characteristicShift, bins };
  }).sort((a, b) => (b.psi ?? -1) - (a.psi ?? -1));
  const drift = scorePsi > PSI_ACT || features.some((f) => (f.psi ?? 0) > PSI_ACT);

  // Explanation.
  const contributions = FEATURES.map((_, j) => window.columns[j]!.map((v) => contribution(j, v)));
  const meanAbs = contributions.map((c) => mean(c.map(Math.abs)));
  const totalAbs = meanAbs.reduce((a, b) => a + b, 0);
  const importance = FEATURES.map((f, j) => ({ feature: f.name, meanAbsContribution: meanAbs[j]!, share: meanAbs[j]! / totalAbs })).sort((a, b) => b.meanAbsContribution - a.meanAbsContribution);
  const dependence = importance.slice(0, 3).map((imp) => {
    const j = FEATURES.findIndex((f) => f.name === imp.feature);
    return { feature: imp.feature, points: window.columns[j]!.map((v, i) => ({ value: Number.isNaN(v) ? null : v, contribution: contributions[j]![i]! })) };
  });
  const scorecard = FEATURES.map((f, j) => {
    const ref = referenceDistribution(reference.columns[j]!, 5);
    const labels = binLabels(ref.edges);
    const totalGood = reference.labels.filter((v) => v === 0).length;
    const totalBad = reference.labels.length - totalGood;
    const bins = labels.flatMap((label, b) => {
      const rowsIn = reference.columns[j]!.flatMap((v, i) => (binIndex(ref.edges, v) === b ? [i] : []));
      if (rowsIn.length === 0) return [];
      const bad = subset(reference.labels, rowsIn).reduce((a, c) => a + c, 0);
      const good = rowsIn.length - bad;
      // Half a count keeps an all-good or all-bad bin finite (the usual adjustment).
      const woe = Math.log((Math.max(good, 0.5) / totalGood) / (Math.max(bad, 0.5) / totalBad));
      return [{ label, woe, points: Math.round(-woe * 20), rows: rowsIn.length, eventRate: bad / rowsIn.length, good, bad }];
    });
    const informationValue = bins.reduce((s, b) => s + (Math.max(b.good, 0.5) / totalGood - Math.max(b.bad, 0.5) / totalBad) * b.woe, 0);
    return { feature: f.name, informationValue, bins: bins.map(({ label, woe, points, rows: r, eventRate }) => ({ label, woe, points, rows: r, eventRate })) };
  }).sort((a, b) => b.informationValue - a.informationValue);

  // Fairness.
  const MIN_SEGMENT_ROWS = 30;
  const segments = Object.entries(window.segments).map(([segment, values]) => {
    const groups: SegmentMetrics[] = [...new Set(values)].sort().map((value) => {
      const r = all.filter((i) => values[i] === value);
      const gp = subset(p, r);
      const gy = subset(y, r);
      const c = confusion(gp, gy, OPERATING_THRESHOLD, 'operating');
      return {
        segment,
        value,
        rows: r.length,
        positives: gy.reduce((a, b) => a + b, 0),
        meanPredicted: mean(gp),
        observedRate: mean(gy),
        auc: nullable(auc(gp, gy)),
        brier: nullable(brier(gp, gy)),
        ece: eceOf(gp, gy),
        flaggedRate: c.flaggedRate,
        falsePositiveRate: c.falsePositiveRate,
        truePositiveRate: c.recall,
      };
    });
    const big = groups.filter((g) => g.rows >= MIN_SEGMENT_ROWS);
    const gap = (pick: (g: SegmentMetrics) => number | null): { gap: number | null; high: SegmentMetrics | null; low: SegmentMetrics | null } => {
      const withValue = big.filter((g) => pick(g) !== null);
      if (withValue.length < 2) return { gap: null, high: null, low: null };
      const sorted = [...withValue].sort((a, b) => pick(a)! - pick(b)!);
      return { gap: pick(sorted[sorted.length - 1]!)! - pick(sorted[0]!)!, high: sorted[sorted.length - 1]!, low: sorted[0]! };
    };
    const aucGap = gap((g) => g.auc);
    const flaggedGap = gap((g) => g.flaggedRate);
    const fprGap = gap((g) => g.falsePositiveRate);
    const tprGap = gap((g) => g.truePositiveRate);
    const calGap = gap((g) => (g.observedRate === null ? null : g.observedRate - g.meanPredicted));
    const statements: string[] = [];
    if (flaggedGap.gap !== null) statements.push(`Share flagged ranges from ${(100 * flaggedGap.low!.flaggedRate).toFixed(1)} % (${flaggedGap.low!.value}) to ${(100 * flaggedGap.high!.flaggedRate).toFixed(1)} % (${flaggedGap.high!.value}).`);
    if (aucGap.gap !== null) statements.push(`AUC differs by ${aucGap.gap.toFixed(3)} between ${aucGap.high!.value} and ${aucGap.low!.value}.`);
    if (fprGap.gap !== null) statements.push(`False positive rate differs by ${(100 * fprGap.gap).toFixed(1)} points between ${fprGap.high!.value} and ${fprGap.low!.value}.`);
    return { segment, groups, gaps: { auc: aucGap.gap, flaggedRate: flaggedGap.gap, falsePositiveRate: fprGap.gap, truePositiveRate: tprGap.gap, calibrationGap: calGap.gap }, statements };
  });

  // Comparison (paired bootstrap of the AUC difference).
  const c = window.challenger;
  const side = (modelId: string, version: number, q: number[]): ModelComparison['champion'] => {
    const a = auc(q, y);
    return { modelId, version, auc: nullable(a), gini: nullable(2 * a - 1), ks: nullable(ks(q, y)), brier: nullable(brier(q, y)), ece: eceOf(q, y), logLoss: nullable(logLoss(q, y)) };
  };
  const modelId = options.modelId ?? 'early-warning';
  const champion = side(modelId, 3, p);
  const challenger = side(`${modelId}-challenger`, 4, c);
  const diff = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : b - a);

  // Monitoring: six monthly windows drifting away from the reference.
  const points: MonitoringPoint[] = Array.from({ length: 6 }, (_, m) => {
    const shift = 0.07 * m;
    const pop = simulate(300, SEED + 10 + m, shift);
    const scorePsiM = psiFromCounts(scoreRef.counts, binCounts(scoreRef.edges, pop.probabilities));
    const featurePsis = FEATURES.map((_, j) => {
      const ref = referenceDistribution(reference.columns[j]!);
      return psiFromCounts(ref.counts, binCounts(ref.edges, pop.columns[j]!));
    });
    const maxIndex = featurePsis.indexOf(Math.max(...featurePsis));
    const matured = m < 4;
    const month = String(m + 2).padStart(2, '0');
    return {
      computedAt: `2025-${month}-01T03:00:00.000Z`,
      windowFrom: `2025-${String(m + 1).padStart(2, '0')}-01`,
      windowTo: `2025-${String(m + 1).padStart(2, '0')}-28`,
      rows: pop.labels.length,
      scorePsi: scorePsiM,
      maxFeaturePsi: featurePsis[maxIndex]!,
      maxFeature: FEATURES[maxIndex]!.name,
      rowsWithOutcome: matured ? pop.labels.length : 0,
      auc: matured ? auc(pop.probabilities, pop.labels) : null,
      brier: matured ? brier(pop.probabilities, pop.labels) : null,
      ece: matured ? eceOf(pop.probabilities, pop.labels) : null,
      drift: scorePsiM > PSI_ACT || featurePsis[maxIndex]! > PSI_ACT,
    };
  });

  const report: ModelReport = {
    format: MODEL_REPORT_FORMAT,
    formatVersion: MODEL_REPORT_FORMAT_VERSION,
    model: {
      modelId,
      version: 3,
      learner: 'scorecard',
      featureSet: 'data-points-only',
      catalogueVersion: '2025-11',
      horizonDays: 90,
      fingerprint: 'a3f1c9e0d2b4a6f8c0e1d3b5a7f9c1e3d5b7a9f1c3e5d7b9a1f3c5e7d9b1a3f5',
      codeVersion: '0.1.0+sample',
      trainingWindow: { from: '2024-01-01', to: '2024-12-31' },
      trainingMetrics: { auc: 0.78, rows: reference.labels.length },
    },
    evaluation: { description: 'synthetic window: six months of as-of dates after training, balance ratio shifted', window: { from: '2025-01-15', to: '2025-06-15' }, rows: n, positives, rowsUsed: n, operatingThreshold: OPERATING_THRESHOLD },
    discrimination: {
      auc: nullable(aucValue),
      aucInterval,
      gini: nullable(2 * aucValue - 1),
      giniInterval: aucInterval === null ? null : { ...aucInterval, low: 2 * aucInterval.low - 1, high: 2 * aucInterval.high - 1 },
      ks: ksValue,
      ksThreshold,
      roc: thinned.map((pt) => ({ falsePositiveRate: pt.falsePositiveRate, truePositiveRate: pt.truePositiveRate, threshold: Number.isFinite(pt.threshold) ? pt.threshold : null })),
      deciles,
      scoreDistribution,
    },
    calibration: { brier: nullable(brier(p, y)), logLoss: nullable(logLoss(p, y)), ece: eceOf(p, y), reliability: reliabilityBins(p, y), bands },
    decisions,
    stability: {
      reference: 'training population (features) and calibration slice (score), 1,500 synthetic rows',
      score: { psi: nullable(scorePsi), reading: Number.isFinite(scorePsi) ? psiReading(scorePsi) : null, bins: scoreBins },
      features,
      drift,
    },
    explanation: { outputSpace: 'log-odds', importance, dependence, scorecard, rowsExplained: n },
    fairness: { segments, notSupplied: ['age_band'] },
    comparison: {
      champion,
      challenger,
      difference: { auc: diff(champion.auc, challenger.auc), ks: diff(champion.ks, challenger.ks), brier: diff(champion.brier, challenger.brier), ece: diff(champion.ece, challenger.ece) },
      aucDifferenceInterval: bootstrap(y, (r) => auc(subset(c, r), subset(y, r)) - auc(subset(p, r), subset(y, r)), SEED + 2),
      rows: n,
    },
    monitoring: { latest: points[points.length - 1]!, drift: points[points.length - 1]!.drift, points },
    modelCard: {
      intendedUse: 'An early warning that a debtor may fall into arrears within 90 days, so that the creditor offers help early: a call, an affordable plan, a payment date after income arrives.',
      notIntendedFor: 'Refusing credit, terminating a contract or any other decision about a person without a human who reviews the case; scoring people outside the consent purpose.',
      data: `Synthetic: 1,500 reference rows and ${n} window rows with known truth.`,
      features: FEATURES.map((f) => f.name).join(', '),
      limitations: ['Synthetic data: the figures show the report, not a real model.', 'Age band is not supplied, so fairness by age cannot be checked here.'],
      legalContext:
        'Credit scoring of natural persons is a high-risk use under the EU AI Act (Annex III 5(b)). GDPR art. 22 forbids decisions based solely on automated processing with legal or similarly significant effect; after the SCHUFA judgment (CJEU C-634/21) a score that strongly determines such a decision is itself such a decision. A human decides.',
      reproduce: 'npx tsx scripts/train-starter-model.ts --seed 20251 --out models/early-warning',
    },
    charts: [],
    seed: SEED,
  };
  report.charts = chartSpecs(report);
  return report;
}

type ModelComparison = NonNullable<ModelReport['comparison']>;
