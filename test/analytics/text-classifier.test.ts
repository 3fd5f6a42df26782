/**
 * The learned fallback: the committed model is what the training script makes today, its features
 * and answers keep their promises for any text, and it only speaks where no rule did.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCategoriserModel, MODEL_PATH, serialiseModel } from '../../scripts/train-categoriser.js';
import { categorise } from '../../src/analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../../src/analytics/categorisation/default-rules.js';
import { defaultTextClassifier } from '../../src/analytics/categorisation/default-model.js';
import { compileTextClassifier, textFeatures, trainTextClassifier } from '../../src/analytics/categorisation/text-classifier.js';
import { CATEGORIES } from '../../src/analytics/taxonomy.js';
import { DEBTOR_IBAN, tx } from './transaction-builder.js';

describe('the committed model', () => {
  it('is what `npm run train:categoriser` makes from today’s simulator and training set', () => {
    const fresh = serialiseModel(buildCategoriserModel());
    // Stale: run `npm run train:categoriser` and commit src/analytics/categorisation/model.json.
    expect(readFileSync(MODEL_PATH, 'utf8') === fresh, 'model.json is stale: run npm run train:categoriser').toBe(true);
  });
});

describe('text features and predictions', () => {
  const classifier = defaultTextClassifier();
  const text = fc.oneof(fc.string(), fc.constantFrom('Huur mei', 'gas/licht', 'VOORSCHOT KGB 2025', 'zorgverz.', 'Aflossing studieschuld 12-2025', ''));

  it('makes the same features twice, none with a digit, from any text', () => {
    fc.assert(
      fc.property(text, (remittance) => {
        const features = textFeatures(remittance);
        expect(textFeatures(remittance)).toEqual(features);
        for (const f of features) expect(/\d/.test(f)).toBe(false);
      }),
    );
  });

  it('answers only with a category the sign allows, with a confidence between 0 and 1', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: -1_000_000, max: 1_000_000 }), (remittance, amountCents) => {
        const prediction = classifier.predict(remittance, amountCents);
        if (prediction == null) return;
        expect(amountCents).not.toBe(0);
        const direction = CATEGORIES[prediction.category].direction;
        expect(direction === 'both' || direction === (amountCents > 0 ? 'in' : 'out')).toBe(true);
        expect(prediction.confidence).toBeGreaterThan(0);
        expect(prediction.confidence).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('the learned fallback in categorise', () => {
  // A small model trained here on two kinds of line no rule knows, so each case knows what it should say.
  const model = trainTextClassifier(
    [
      { counterpartyName: null, remittance: 'knuffel', amountCents: -1_000, category: 'expense.shopping' },
      { counterpartyName: null, remittance: 'knuffels', amountCents: -1_000, category: 'expense.shopping' },
      { counterpartyName: null, remittance: 'taartje', amountCents: -1_000, category: 'expense.groceries' },
      { counterpartyName: null, remittance: 'taartjes', amountCents: -1_000, category: 'expense.groceries' },
    ],
    { alpha: 0.1, temperature: 4, minFeatureCount: 1, sources: ['test'] },
  );
  const classifier = compileTextClassifier(model);
  const run = (remittance: string) => categorise([tx({ bookingDate: '2025-06-02', amountCents: -2_500, remittanceUnstructured: remittance })], { rules: DEFAULT_RULE_SET, ownIbans: [DEBTOR_IBAN], textClassifier: classifier })[0]!;

  it('decides a line no rule decides, marked "model" with its confidence', () => {
    const result = run('knuffels');
    expect(result.category).toBe('expense.shopping');
    expect(result.ruleId).toBe('model');
    expect(result.confidence).toBeGreaterThanOrEqual(DEFAULT_RULE_SET.learnedFallback!.minConfidence);
  });

  it('leaves a line to the rules where a rule fires', () => {
    const result = run('Huur mei knuffels');
    expect(result.ruleId).not.toBe('model');
    expect(result.category).toBe('expense.housing');
  });

  it('keeps the fallback by sign when it is not sure enough or knows none of the words', () => {
    const unsure = run('knuffel taartje');
    expect(classifier.predict('knuffel taartje', -2_500)!.confidence).toBeLessThan(DEFAULT_RULE_SET.learnedFallback!.minConfidence);
    expect(unsure.ruleId).toBe('fallback.money-out');
    expect(run('xyzzy qwerty').ruleId).toBe('fallback.money-out');
  });

  it('is off when the caller asks for rules only', () => {
    const result = categorise([tx({ bookingDate: '2025-06-02', amountCents: -2_500, remittanceUnstructured: 'knuffels' })], { rules: DEFAULT_RULE_SET, ownIbans: [DEBTOR_IBAN], textClassifier: null })[0]!;
    expect(result.ruleId).toBe('fallback.money-out');
  });
});
