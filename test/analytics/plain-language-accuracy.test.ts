/**
 * Categorisation of plain-language Dutch lines ("Huur mei", "Gas en licht", "VOORSCHOT KGB") on the
 * held-out set test/fixtures/analytics/plain-language-heldout.json: written before the vocabulary
 * rules, never trained on. Reports accuracy per category, rules only and with the learned fallback.
 */
import { describe, expect, it } from 'vitest';
import { allowanceKindOf } from '../../src/analytics/allowance-kind.js';
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
