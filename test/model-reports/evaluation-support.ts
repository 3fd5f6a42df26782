/**
 * Evaluation sets for the storage, erasure and route tests: rows over a bundle's features drawn from
 * a seeded generator with a known rule (risk rises with the first two features, as in
 * registry-support's synthetic bundles), a fifth of the values missing, and segments.
 */
import { SeededRandom } from '../../src/learning/seeded-random.js';
import type { EvaluationSet } from '../../src/model-reports/evaluation-set.js';
import type { RiskModelBundle } from '../../src/risk-models/risk-model-bundle.js';

export function syntheticEvaluation(bundle: RiskModelBundle, options: { rows?: number; seed?: number; ids?: (i: number) => string; debtorIds?: string[] } = {}): EvaluationSet {
  const rows = options.rows ?? 300;
  const rng = new SeededRandom(options.seed ?? 11);
  const columns = bundle.featureNames.map(() => new Float64Array(rows));
  const labels = new Uint8Array(rows);
  const ids: string[] = [];
  const asOf: string[] = [];
  const household: (string | null)[] = [];
  const region: (string | null)[] = [];
  for (let i = 0; i < rows; i++) {
    for (const column of columns) column[i] = rng.nextFloat() < 0.2 ? Number.NaN : rng.nextFloat() * 4;
    const a = Number.isNaN(columns[0]![i]!) ? 0 : columns[0]![i]!;
    const b = Number.isNaN(columns[1]![i]!) ? 0 : columns[1]![i]!;
    labels[i] = rng.nextFloat() < 1 / (1 + Math.exp(-(a + 0.5 * b - 3))) ? 1 : 0;
    const month = String(1 + (i % 6)).padStart(2, '0');
    asOf.push(`2026-${month}-01`);
    const debtor = options.debtorIds ? options.debtorIds[i % options.debtorIds.length]! : `household-${i}`;
    ids.push(options.ids ? options.ids(i) : `${debtor}@2026-${month}-01`);
    household.push(i % 7 === 0 ? null : i % 2 === 0 ? 'single' : 'couple');
    region.push(i % 3 === 0 ? 'Noord-Nederland' : 'West-Nederland');
  }
  return {
    description: 'synthetic test rows',
    window: { from: '2026-01-01', to: '2026-06-01' },
    ids,
    asOf,
    featureNames: [...bundle.featureNames],
    columns,
    labels,
    outcomeKnown: null,
    segments: { household_type: household, region },
  };
}
