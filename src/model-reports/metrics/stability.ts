/**
 * The report's stability section: PSI of the score and of every feature between the model's training
 * population (bundle.reference) and the evaluation window, with the characteristic analysis per
 * feature. Bins, PSI and its reading come from population-stability.ts only, the module the
 * monitoring job uses, so the report and monitoring can never bin differently.
 */
import type { ReferenceProfile } from '../evaluation-set.js';
import { binCounts, binIndex, PSI_ACT, psiFromCounts, psiReading, type BinnedDistribution } from '../population-stability.js';
import type { FeatureStability, Stability } from '../report.types.js';
import { finiteOrNull, ratio } from './numbers.js';

/** Edges as people read them: six significant digits, no trailing float noise. */
function formatEdge(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** Labels of the bins of population-stability.ts: (−∞, e0], (e0, e1], …, (e_last, ∞), missing. */
export function binLabels(edges: readonly number[]): string[] {
  const labels: string[] = [];
  if (edges.length === 0) labels.push('any value');
  else {
    labels.push(`≤ ${formatEdge(edges[0]!)}`);
    for (let k = 1; k < edges.length; k++) labels.push(`${formatEdge(edges[k - 1]!)} – ${formatEdge(edges[k]!)}`);
    labels.push(`> ${formatEdge(edges[edges.length - 1]!)}`);
  }
  labels.push('missing');
  return labels;
}

function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total === 0 ? 0 : c / total));
}

function checkDistribution(name: string, d: BinnedDistribution): void {
  if (d.counts.length !== d.edges.length + 2) throw new RangeError(`reference ${name}: ${d.counts.length} counts for ${d.edges.length} edges (expected edges + 2)`);
}

export function scoreStability(reference: BinnedDistribution, probability: ArrayLike<number>): Stability['score'] {
  checkDistribution('score', reference);
  const window = binCounts(reference.edges, probability);
  const psi = finiteOrNull(psiFromCounts(reference.counts, window));
  const referenceShares = shares(reference.counts);
  const windowShares = shares(window);
  return {
    psi,
    reading: psi === null ? null : psiReading(psi),
    bins: binLabels(reference.edges).map((label, b) => ({ label, referenceShare: referenceShares[b]!, windowShare: windowShares[b]! })),
  };
}

/**
 * One feature: PSI, observed arrears rate per bin on both sides (the window's over rows with a known
 * outcome), and the characteristic shift Σ_bins (windowShare − referenceShare) × meanContribution:
 * how far the feature's shift alone moved the mean raw score (bins without a mean contribution, i.e.
 * empty in the reference, add nothing).
 */
export function featureStability(
  feature: string,
  reference: ReferenceProfile['features'][string] | undefined,
  values: ArrayLike<number>,
  labels: ArrayLike<number>,
  outcomeKnown: ArrayLike<number> | null,
): FeatureStability {
  if (!reference) return { feature, psi: null, reading: null, characteristicShift: null, bins: [] };
  checkDistribution(feature, reference);
  const bins = reference.edges.length + 2;
  const window = binCounts(reference.edges, values);
  const known = new Float64Array(bins);
  const positives = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) {
    if (outcomeKnown && outcomeKnown[i] !== 1) continue;
    const b = binIndex(reference.edges, values[i]!);
    known[b]!++;
    positives[b]! += labels[i] === 1 ? 1 : 0;
  }
  const psi = finiteOrNull(psiFromCounts(reference.counts, window));
  const referenceShares = shares(reference.counts);
  const windowShares = shares(window);
  let shift = 0;
  let anyContribution = false;
  const labelsOfBins = binLabels(reference.edges);
  const out = labelsOfBins.map((label, b) => {
    const meanContribution = reference.meanContribution[b] ?? null;
    if (meanContribution !== null) {
      shift += (windowShares[b]! - referenceShares[b]!) * meanContribution;
      anyContribution = true;
    }
    return {
      label,
      referenceShare: referenceShares[b]!,
      windowShare: windowShares[b]!,
      referenceObservedRate: ratio(reference.positives[b] ?? 0, reference.counts[b]!),
      windowObservedRate: ratio(positives[b]!, known[b]!),
      meanContribution,
    };
  });
  return { feature, psi, reading: psi === null ? null : psiReading(psi), characteristicShift: anyContribution && psi !== null ? shift : null, bins: out };
}

/** Score and every feature (sorted by PSI descending, features without one last); null without a reference. */
export function stability(
  reference: ReferenceProfile | undefined,
  featureNames: readonly string[],
  columns: readonly Float64Array[],
  probability: Float64Array,
  labels: Uint8Array,
  outcomeKnown: Uint8Array | null,
): Stability | null {
  if (!reference) return null;
  const score = scoreStability(reference.score, probability);
  const features = featureNames.map((name, f) => featureStability(name, reference.features[name], columns[f]!, labels, outcomeKnown));
  features.sort((a, b) => (b.psi ?? -1) - (a.psi ?? -1) || a.feature.localeCompare(b.feature));
  const drift = (score.psi ?? 0) > PSI_ACT || features.some((f) => (f.psi ?? 0) > PSI_ACT);
  return {
    reference: `training population: features binned on ${reference.rows.features} training rows, the score on ${reference.rows.score} calibration rows`,
    score,
    features,
    drift,
  };
}
