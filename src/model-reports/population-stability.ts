/**
 * Population stability: how far a population (a scoring window) has moved from the one a model was
 * built on, per score and per feature. Shared by the model report and the monitoring job, so the two
 * can never disagree about what "drift" means.
 *
 * Binning. Bins are cut on the reference population only: up to ten bins at its deciles, taken by
 * the inverted empirical CDF (edge k = the ⌈k·n/10⌉-th smallest value; numpy's
 * `quantile(method="inverted_cdf")`), duplicates removed, so a feature that is zero for 60 % of rows
 * gets one bin for all its zeros instead of six empty ones. A value v falls in the first bin whose
 * edge is ≥ v (bins are closed on the right); values above the last edge fall in the last bin; a
 * missing value (NaN) has a bin of its own, always the last one.
 *
 * PSI = Σ (a − e) · ln(a / e) over bins, with shares a (window) and e (reference). An empty bin would
 * make it infinite, so every share is floored at PSI_SHARE_FLOOR before the sum; bins empty on both
 * sides contribute nothing and are skipped. Reading (the industry's usual one): below 0.1 stable,
 * 0.1 to 0.25 a shift worth watching, above 0.25 a shift that calls for a look at the model.
 */

export const PSI_BINS = 10;
/** Shares below this count as this much: keeps an empty bin from making the index infinite. */
export const PSI_SHARE_FLOOR = 1e-4;
export const PSI_WATCH = 0.1;
export const PSI_ACT = 0.25;

export type PsiReading = 'stable' | 'watch' | 'shifted';

/** Bin edges of a reference population; counts have edges.length + 2 entries (the last is "missing"). */
export interface BinnedDistribution {
  edges: number[];
  counts: number[];
}

export function psiReading(psi: number): PsiReading {
  if (psi > PSI_ACT) return 'shifted';
  if (psi >= PSI_WATCH) return 'watch';
  return 'stable';
}

/** Decile edges of the reference's non-missing values (inverted empirical CDF), without duplicates. */
export function quantileEdges(values: ArrayLike<number>, bins = PSI_BINS): number[] {
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) present.push(values[i]!);
  if (present.length === 0) return [];
  present.sort((a, b) => a - b);
  const n = present.length;
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const edge = present[Math.max(0, Math.ceil((k * n) / bins) - 1)]!;
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  return edges;
}

/** Index of the bin a value falls in: first edge ≥ value, edges.length when above all, edges.length + 1 when missing. */
export function binIndex(edges: readonly number[], value: number): number {
  if (Number.isNaN(value)) return edges.length + 1;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! >= value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function binCounts(edges: readonly number[], values: ArrayLike<number>): number[] {
  const counts = new Array<number>(edges.length + 2).fill(0);
  for (let i = 0; i < values.length; i++) counts[binIndex(edges, values[i]!)]!++;
  return counts;
}

/** The reference's own distribution over bins cut from it. */
export function referenceDistribution(values: ArrayLike<number>, bins = PSI_BINS): BinnedDistribution {
  const edges = quantileEdges(values, bins);
  return { edges, counts: binCounts(edges, values) };
}

/** PSI between reference counts and window counts over the same bins (see the module comment). */
export function psiFromCounts(reference: readonly number[], window: readonly number[]): number {
  if (reference.length !== window.length) throw new RangeError(`${reference.length} reference bins for ${window.length} window bins`);
  const referenceTotal = reference.reduce((a, b) => a + b, 0);
  const windowTotal = window.reduce((a, b) => a + b, 0);
  if (referenceTotal === 0 || windowTotal === 0) return Number.NaN;
  let psi = 0;
  for (let b = 0; b < reference.length; b++) {
    if (reference[b] === 0 && window[b] === 0) continue;
    const e = Math.max(reference[b]! / referenceTotal, PSI_SHARE_FLOOR);
    const a = Math.max(window[b]! / windowTotal, PSI_SHARE_FLOOR);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** PSI of window values against a reference distribution. */
export function psi(reference: BinnedDistribution, windowValues: ArrayLike<number>): number {
  return psiFromCounts(reference.counts, binCounts(reference.edges, windowValues));
}
