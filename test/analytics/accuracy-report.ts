/**
 * Accuracy of predicted categories against true ones, overall and per true category (recall),
 * printed as a table so a test run shows where the rules are weak, not only whether they pass.
 */
export interface AccuracyReport {
  total: number;
  correct: number;
  accuracy: number;
  perCategory: { category: string; n: number; correct: number; accuracy: number; mostConfusedWith: string | null }[];
}

export function accuracyReport(pairs: readonly { truth: string; predicted: string }[]): AccuracyReport {
  const byTruth = new Map<string, { n: number; correct: number; confusions: Map<string, number> }>();
  let correct = 0;
  for (const { truth, predicted } of pairs) {
    const entry = byTruth.get(truth) ?? { n: 0, correct: 0, confusions: new Map<string, number>() };
    entry.n += 1;
    if (truth === predicted) {
      entry.correct += 1;
      correct += 1;
    } else entry.confusions.set(predicted, (entry.confusions.get(predicted) ?? 0) + 1);
    byTruth.set(truth, entry);
  }
  const perCategory = [...byTruth.entries()]
    .map(([category, e]) => ({
      category,
      n: e.n,
      correct: e.correct,
      accuracy: e.correct / e.n,
      mostConfusedWith: [...e.confusions.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null,
    }))
    .sort((a, b) => b.n - a.n);
  return { total: pairs.length, correct, accuracy: pairs.length === 0 ? 0 : correct / pairs.length, perCategory };
}

export function formatAccuracyReport(title: string, report: AccuracyReport): string {
  const lines = [`${title}: ${(report.accuracy * 100).toFixed(1)} % of ${report.total}`];
  for (const row of report.perCategory) {
    lines.push(`  ${row.category.padEnd(28)} ${String(row.correct).padStart(6)}/${String(row.n).padEnd(6)} ${(row.accuracy * 100).toFixed(1).padStart(5)} %${row.mostConfusedWith ? `  (else mostly ${row.mostConfusedWith})` : ''}`);
  }
  return lines.join('\n');
}
