/**
 * Categorisation of plain-language Dutch lines ("Huur mei", "Gas en licht", "VOORSCHOT KGB") on the
 * held-out set test/fixtures/analytics/plain-language-heldout.json: written before the vocabulary
 * rules, never trained on. Reports accuracy per category, rules only and with the learned fallback.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowanceKindOf, type AllowanceKind } from '../../src/analytics/allowance-kind.js';
import { categorise } from '../../src/analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../../src/analytics/categorisation/default-rules.js';
import { normaliseIban } from '../../src/bank-data/canonical.js';
import { isCategoryId } from '../../src/analytics/taxonomy.js';
import { accuracyReport, formatAccuracyReport } from './accuracy-report.js';
import { asTransaction, plainLanguageLines } from './plain-language-lines.js';
import { DEBTOR_IBAN } from './transaction-builder.js';

const heldOut = plainLanguageLines('heldout');
const blind = plainLanguageLines('blind');
const training = plainLanguageLines('training');
interface IndependentLine {
  id: string;
  amountCents: number;
  counterpartyName: string | null;
  counterpartyIban: string;
  description: string;
  category: string;
  allowanceKind: AllowanceKind | null;
  split: 'dev' | 'test';
  source: string;
}
const independent = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'analytics', 'plain-language-independent.json'), 'utf8')) as { lines: IndependentLine[] }).lines.map(
  (line) => ({ id: line.id, counterpartyName: line.counterpartyName, counterpartyIban: line.counterpartyIban, amountCents: line.amountCents, description: line.description, expectedCategory: line.category, ...(line.allowanceKind ? { expectedAllowanceKind: line.allowanceKind } : {}), source: line.source, split: line.split }),
);
const KNOWN_COMPANY_IBANS = new Set(['NL86INGB0002445588']);

function run(textClassifier: null | undefined, lines = heldOut) {
  const result = categorise(lines.map(asTransaction), { rules: DEFAULT_RULE_SET, ownIbans: [DEBTOR_IBAN], accountHolderNames: ['J de Vries'], ...(textClassifier === null ? { textClassifier } : {}) });
  return { result, report: accuracyReport(result.map((r, i) => ({ truth: lines[i]!.expectedCategory, predicted: r.category }))) };
}

describe('the held-out plain-language set', () => {
  it('has at least 300 lines with known categories, valid IBANs of no known company, and a source each', () => {
    expect(heldOut.length).toBeGreaterThanOrEqual(300);
    for (const line of heldOut) {
      expect(isCategoryId(line.expectedCategory), `${line.id}: ${line.expectedCategory}`).toBe(true);
      expect(normaliseIban(line.counterpartyIban), line.id).toBe(line.counterpartyIban);
      expect(KNOWN_COMPANY_IBANS.has(line.counterpartyIban)).toBe(false);
      expect(line.source.length, line.id).toBeGreaterThan(10);
    }
  });

  it('shares no line with the training set', () => {
    const key = (l: { counterpartyName: string | null; description: string }) => `${l.counterpartyName ?? ''}|${l.description}`.toLowerCase().replace(/[^a-z]+/g, ' ').trim();
    const trainingKeys = new Set(training.map(key));
    expect([...heldOut, ...blind].filter((l) => trainingKeys.has(key(l))).map((l) => l.id)).toEqual([]);
  });

  it('is categorised at least 95 % right with rules and the learned fallback (rules alone reported beside it)', () => {
    const rulesOnly = run(null);
    const withModel = run(undefined);
    console.log(formatAccuracyReport('held-out plain language, rules only', rulesOnly.report));
    console.log(formatAccuracyReport('held-out plain language, rules + learned fallback', withModel.report));
    const byModel = withModel.result.filter((r) => r.ruleId === 'model');
    console.log(`learned fallback decided ${byModel.length} lines, ${byModel.filter((r) => r.category === heldOut.find((l) => l.id === r.id)!.expectedCategory).length} of them right`);
    expect(withModel.report.total).toBe(heldOut.length);
    expect(withModel.report.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('tells the kinds of allowance apart from the Belastingdienst’s words and abbreviations', () => {
    const allowances = heldOut.filter((l) => l.expectedAllowanceKind != null);
    expect(allowances.length).toBeGreaterThanOrEqual(20);
    for (const line of allowances) expect(allowanceKindOf(line.description), `${line.id}: ${line.description}`).toBe(line.expectedAllowanceKind);
    for (const kind of ['zorgtoeslag', 'huurtoeslag', 'kindgebonden_budget', 'kinderopvangtoeslag']) {
      expect(allowances.filter((l) => l.expectedAllowanceKind === kind).length, kind).toBeGreaterThanOrEqual(5);
    }
  });
});

/**
 * The blind set (plain-language-blind.json) was written after the rules and the model and measured
 * once without changing either; the held-out set above was written first, but its misses were seen
 * while the vocabulary was written, so this one is the less flattering check.
 */
describe('the blind plain-language set', () => {
  it('is categorised at least 90 % right with rules and the learned fallback', () => {
    expect(blind.length).toBeGreaterThanOrEqual(85);
    const rulesOnly = run(null, blind);
    const withModel = run(undefined, blind);
    console.log(formatAccuracyReport('blind plain language, rules only', rulesOnly.report));
    console.log(formatAccuracyReport('blind plain language, rules + learned fallback', withModel.report));
    expect(withModel.report.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});

/**
 * The independent set (plain-language-independent.json) was written by someone who never saw the rules,
 * the model or the other sets. Its `dev` half may be read to improve the rules; its `test` half is only
 * measured. This is the figure to quote.
 */
describe('the independent plain-language set', () => {
  it('has 700 lines, every category on both halves, valid IBANs', () => {
    expect(independent.length).toBe(700);
    for (const line of independent) {
      expect(isCategoryId(line.expectedCategory), `${line.id}: ${line.expectedCategory}`).toBe(true);
      expect(normaliseIban(line.counterpartyIban), line.id).toBe(line.counterpartyIban);
    }
    const categories = new Set(independent.map((l) => l.expectedCategory));
    for (const category of categories) {
      for (const split of ['dev', 'test']) expect(independent.some((l) => l.expectedCategory === category && l.split === split), `${category} ${split}`).toBe(true);
    }
  });

  it('is categorised at least 95 % right on its untouched test half (dev half and rules alone reported beside it)', () => {
    for (const split of ['dev', 'test'] as const) {
      const lines = independent.filter((l) => l.split === split);
      console.log(formatAccuracyReport(`independent ${split} half, rules only`, run(null, lines).report));
      console.log(formatAccuracyReport(`independent ${split} half, rules + learned fallback`, run(undefined, lines).report));
    }
    const test = run(undefined, independent.filter((l) => l.split === 'test'));
    expect(test.report.total).toBe(350);
    expect(test.report.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('tells every allowance kind of the independent set apart', () => {
    const allowances = independent.filter((l) => l.expectedAllowanceKind != null);
    expect(allowances.length).toBeGreaterThanOrEqual(40);
    for (const line of allowances) expect(allowanceKindOf(line.description), `${line.id}: ${line.description}`).toBe(line.expectedAllowanceKind);
  });
});
