/**
 * Categorisation accuracy on the real sample statements, hand-labelled in
 * test/fixtures/analytics/hand-labelled-statements.json (which says how, and which files it leaves out and why).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysisInputFromStatement } from '../../src/analytics/analysis-input.js';
import { categorise } from '../../src/analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../../src/analytics/categorisation/default-rules.js';
import { isCategoryId } from '../../src/analytics/taxonomy.js';
import { parseBankFile } from '../../src/bank-data/formats/index.js';
import { accuracyReport, formatAccuracyReport } from './accuracy-report.js';

interface LabelledFile {
  path: string;
  accountHolderNames: string[];
  labels: Record<string, string>;
}

const fixtureDir = join(import.meta.dirname, '..', 'fixtures');
const labelled = JSON.parse(readFileSync(join(fixtureDir, 'analytics', 'hand-labelled-statements.json'), 'utf8')) as { files: LabelledFile[] };

describe('categorisation on hand-labelled real statements', () => {
  it('labels only known categories', () => {
    for (const file of labelled.files) for (const category of Object.values(file.labels)) expect(isCategoryId(category), `${file.path}: ${category}`).toBe(true);
  });

  it('reaches at least 90 % accuracy', () => {
    const pairs: { truth: string; predicted: string }[] = [];
    for (const file of labelled.files) {
      const path = join(fixtureDir, 'bank-formats', file.path);
      const statement = parseBankFile(readFileSync(path), { lenient: true, hints: { fileName: basename(path) } });
      const input = analysisInputFromStatement(statement, { idPrefix: file.path });
      const result = categorise(input.transactions, { rules: DEFAULT_RULE_SET, ownIbans: input.ownIbans, accountHolderNames: file.accountHolderNames });
      const byLocation = new Map(statement.transactions.map((t, i) => [t.location, result[i]!]));
      for (const [location, truth] of Object.entries(file.labels)) {
        const predicted = byLocation.get(location);
        expect(predicted, `${file.path} ${location} is parsed`).toBeDefined();
        pairs.push({ truth, predicted: predicted!.category });
      }
    }
    const report = accuracyReport(pairs);
    console.log(formatAccuracyReport('hand-labelled statements', report));
    expect(report.total).toBeGreaterThanOrEqual(100);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});
