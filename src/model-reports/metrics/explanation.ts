/**
 * The report's explanation section: which features move the score (mean |contribution| over a seeded
 * sample of rows, the contributions being the model's exact ones: TreeSHAP for trees, coefficient ×
 * centred WoE for the scorecard), how a top feature's value maps to its contribution (dependence
 * points), and for a scorecard the WoE/IV table itself.
 */
import type { ScorecardJson } from '../../learning/model-format.js';
import { binLabel, scorecardPoints } from '../../learning/scorecard.js';
import { deriveSeed, SeededRandom } from '../../learning/seeded-random.js';
import type { RiskModel } from '../../risk-models/risk-model.js';
import type { RiskModelBundle } from '../../risk-models/risk-model-bundle.js';
import type { Explanation } from '../report.types.js';

export const EXPLAINED_ROWS = 2_000;
export const DEPENDENCE_FEATURES = 6;
export const DEPENDENCE_POINTS = 1_000;

export interface ExplanationOptions {
  seed: number;
  maxRows?: number;
  dependenceFeatures?: number;
  dependencePoints?: number;
}

/** k of n indices, ascending, seeded; all of them when k ≥ n. */
export function sampleIndices(n: number, k: number, seed: number): Int32Array {
  if (k >= n) return Int32Array.from({ length: n }, (_, i) => i);
  return new SeededRandom(seed).sampleWithoutReplacement(n, k);
}

export function explanation(model: RiskModel, columns: readonly Float64Array[], options: ExplanationOptions): Explanation {
  const names = model.featureNames;
  const rows = columns[0]?.length ?? 0;
  const sample = sampleIndices(rows, options.maxRows ?? EXPLAINED_ROWS, options.seed);
  const contributions = names.map(() => new Float64Array(sample.length));
  const absSum = new Float64Array(names.length);
  const row = new Float64Array(names.length);
  let outputSpace: Explanation['outputSpace'] = 'log-odds';
  sample.forEach((i, k) => {
    for (let f = 0; f < names.length; f++) row[f] = columns[f]![i]!;
    const score = model.score(row, { topReasons: 0 });
    outputSpace = score.outputSpace;
    for (let f = 0; f < names.length; f++) {
      contributions[f]![k] = score.contributions[f]!;
      absSum[f]! += Math.abs(score.contributions[f]!);
    }
  });
  const total = absSum.reduce((a, b) => a + b, 0);
  const importance = names
    .map((feature, f) => ({ feature, f, meanAbsContribution: sample.length === 0 ? 0 : absSum[f]! / sample.length, share: total === 0 ? 0 : absSum[f]! / total }))
    .sort((a, b) => b.meanAbsContribution - a.meanAbsContribution || a.f - b.f);
  // A second seeded stream, so asking for more dependence points never changes which rows were explained.
  const points = sampleIndices(sample.length, options.dependencePoints ?? DEPENDENCE_POINTS, deriveSeed(options.seed, 1));
  const dependence = importance
    .filter((entry) => entry.meanAbsContribution > 0)
    .slice(0, options.dependenceFeatures ?? DEPENDENCE_FEATURES)
    .map(({ feature, f }) => ({
      feature,
      points: Array.from(points, (k) => {
        const value = columns[f]![sample[k]!]!;
        // Missing is null; so is ±Infinity, which JSON cannot hold (a model file's rows never carry one).
        return { value: Number.isFinite(value) ? value : null, contribution: contributions[f]![k]! };
      }),
    }));
  return {
    outputSpace,
    importance: importance.map(({ feature, meanAbsContribution, share }) => ({ feature, meanAbsContribution, share })),
    dependence,
    scorecard: model.bundle.learner === 'scorecard' ? scorecardTable(model.bundle) : null,
    rowsExplained: sample.length,
  };
}

/**
 * The scorecard's bins per feature with WoE, points (scorecardPoints' usual scale: 600 points at odds
 * 50:1, 20 points to double the odds), training rows and event rate; features by information value, descending.
 */
export function scorecardTable(bundle: RiskModelBundle): NonNullable<Explanation['scorecard']> {
  const model = bundle.model as ScorecardJson;
  const points = scorecardPoints(model);
  return points.features
    .map((feature) => ({
      feature: feature.name,
      informationValue: feature.informationValue,
      bins: feature.bins.map((b) => ({
        label: binLabel(b.bin),
        woe: b.bin.woe,
        points: Number.isFinite(b.points) ? b.points : null,
        rows: b.bin.count,
        eventRate: b.bin.count > 0 ? b.bin.events / b.bin.count : null,
      })),
    }))
    .sort((a, b) => b.informationValue - a.informationValue || a.feature.localeCompare(b.feature));
}
