/**
 * The report's fairness section: every metric per segment value (household type, income source, age
 * band, region, and any other segment the evaluation set carries), the gaps between the groups large
 * enough to measure, and those gaps in plain sentences for a committee that will not read a table.
 */
import { brier } from '../../learning/metrics.js';
import { KNOWN_SEGMENTS } from '../evaluation-set.js';
import type { Fairness, SegmentMetrics } from '../report.types.js';
import { expectedCalibrationError } from './calibration.js';
import { finiteOrNull, ratio } from './numbers.js';
import { rankedAuc, rankScores } from './ranking.js';

/** Groups smaller than this are reported but left out of the gaps: their rates are mostly noise. */
export const MIN_SEGMENT_ROWS = 30;

export function segmentMetrics(segment: string, value: string, probability: Float64Array, labels: Uint8Array, threshold: number): SegmentMetrics {
  const n = probability.length;
  let positives = 0;
  let sum = 0;
  let flagged = 0;
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n; i++) {
    positives += labels[i]!;
    sum += probability[i]!;
    if (probability[i]! >= threshold) {
      flagged++;
      if (labels[i] === 1) tp++;
      else fp++;
    }
  }
  return {
    segment,
    value,
    rows: n,
    positives,
    meanPredicted: n === 0 ? 0 : sum / n,
    observedRate: ratio(positives, n),
    auc: n === 0 ? null : finiteOrNull(rankedAuc(rankScores(probability, labels))),
    brier: n === 0 ? null : finiteOrNull(brier(probability, labels)),
    ece: expectedCalibrationError(probability, labels),
    flaggedRate: n === 0 ? 0 : flagged / n,
    falsePositiveRate: ratio(fp, n - positives),
    truePositiveRate: ratio(tp, positives),
  };
}

type GapKey = keyof Fairness['segments'][number]['gaps'];

/** How each gap is measured on a group and how it is written. */
const GAP_MEASURES: { key: GapKey; name: string; of: (g: SegmentMetrics) => number | null; percent: boolean }[] = [
  { key: 'flaggedRate', name: 'the share flagged at the operating threshold', of: (g) => g.flaggedRate, percent: true },
  { key: 'falsePositiveRate', name: 'the false-positive rate (flagged without falling into arrears)', of: (g) => g.falsePositiveRate, percent: true },
  { key: 'truePositiveRate', name: 'the true-positive rate (arrears caught)', of: (g) => g.truePositiveRate, percent: true },
  { key: 'auc', name: 'AUC', of: (g) => g.auc, percent: false },
  // Over- (positive) or under-prediction (negative) of the group's arrears rate.
  { key: 'calibrationGap', name: 'predicted minus observed arrears rate', of: (g) => (g.observedRate === null ? null : g.meanPredicted - g.observedRate), percent: true },
];

function format(value: number, percent: boolean): string {
  return percent ? `${(100 * value).toFixed(1)} %` : value.toFixed(3);
}

function formatGap(value: number, percent: boolean): string {
  return percent ? `${(100 * value).toFixed(1)} percentage points` : value.toFixed(3);
}

/** Gaps (largest minus smallest over groups with ≥ minRows rows) and the sentences stating them, largest first. */
export function segmentGaps(segment: string, groups: readonly SegmentMetrics[], minRows = MIN_SEGMENT_ROWS): Pick<Fairness['segments'][number], 'gaps' | 'statements'> {
  const large = groups.filter((g) => g.rows >= minRows);
  const gaps: Fairness['segments'][number]['gaps'] = { auc: null, flaggedRate: null, falsePositiveRate: null, truePositiveRate: null, calibrationGap: null };
  if (large.length < 2) {
    return { gaps, statements: [`${segment}: fewer than two groups have ${minRows} or more rows with a known outcome, so no gaps are stated.`] };
  }
  const found: { sentence: string; size: number; percent: boolean }[] = [];
  for (const measure of GAP_MEASURES) {
    const measured = large.map((g) => ({ g, v: measure.of(g) })).filter((x): x is { g: SegmentMetrics; v: number } => x.v !== null);
    if (measured.length < 2) continue;
    measured.sort((a, b) => a.v - b.v || a.g.value.localeCompare(b.g.value));
    const low = measured[0]!;
    const high = measured[measured.length - 1]!;
    const size = high.v - low.v;
    gaps[measure.key] = size;
    found.push({
      size,
      percent: measure.percent,
      sentence:
        `${segment}: ${measure.name} ranges from ${format(low.v, measure.percent)} (${low.g.value}, ${low.g.rows} rows) ` +
        `to ${format(high.v, measure.percent)} (${high.g.value}, ${high.g.rows} rows), a gap of ${formatGap(size, measure.percent)}.`,
    });
  }
  // Rates and AUC are on the same 0–1 scale, so "largest" is comparable across measures.
  found.sort((a, b) => b.size - a.size);
  return { gaps, statements: found.map((f) => f.sentence) };
}

/** Known segments first in their usual order, then any other the set carries, alphabetically. */
function segmentOrder(names: readonly string[]): string[] {
  const known: readonly string[] = KNOWN_SEGMENTS;
  return [...names].sort((a, b) => {
    const ia = known.indexOf(a);
    const ib = known.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? known.length : ia) - (ib < 0 ? known.length : ib);
    return a.localeCompare(b);
  });
}

/**
 * Per segment over the rows given (the caller passes rows with a known outcome); rows whose segment
 * value is unknown (null) belong to no group. A known segment with no value anywhere counts as not
 * supplied.
 */
export function fairness(segments: Record<string, readonly (string | null)[]>, probability: Float64Array, labels: Uint8Array, threshold: number): Fairness {
  const out: Fairness['segments'] = [];
  for (const segment of segmentOrder(Object.keys(segments))) {
    const values = segments[segment]!;
    if (values.length !== probability.length) throw new RangeError(`segment ${segment}: ${values.length} values for ${probability.length} rows`);
    const rowsByValue = new Map<string, number[]>();
    values.forEach((value, i) => {
      if (value === null || value === '') return;
      let rows = rowsByValue.get(value);
      if (!rows) rowsByValue.set(value, (rows = []));
      rows.push(i);
    });
    if (rowsByValue.size === 0) continue;
    const groups = [...rowsByValue.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([value, rows]) =>
        segmentMetrics(
          segment,
          value,
          Float64Array.from(rows, (i) => probability[i]!),
          Uint8Array.from(rows, (i) => labels[i]!),
          threshold,
        ),
      );
    out.push({ segment, groups, ...segmentGaps(segment, groups) });
  }
  const supplied = new Set(out.map((s) => s.segment));
  return { segments: out, notSupplied: KNOWN_SEGMENTS.filter((s) => !supplied.has(s)) };
}
