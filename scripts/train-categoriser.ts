/**
 * Trains the learned fallback of the categoriser (src/analytics/categorisation/text-classifier.ts)
 * and writes src/analytics/categorisation/model.json: `npm run train:categoriser`.
 *
 * Trained on: the labelled lines of a simulated world (its own seed, not the one the simulator
 * accuracy test uses) and the hand-written training set test/fixtures/analytics/plain-language-training.json.
 * Never on the held-out set (plain-language-heldout.json): that one measures the result.
 * Deterministic: the same inputs give the same file, which test/analytics/text-classifier.test.ts checks.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { trainTextClassifier, type LabelledText, type TextClassifierModel } from '../src/analytics/categorisation/text-classifier.js';
import { isCategoryId, type CategoryId } from '../src/analytics/taxonomy.js';
import { simulateHouseholds } from '../src/simulation/simulate-households.js';

const ROOT = join(import.meta.dirname, '..');
export const MODEL_PATH = join(ROOT, 'src', 'analytics', 'categorisation', 'model.json');
export const TRAINING_SET_PATH = join(ROOT, 'test', 'fixtures', 'analytics', 'plain-language-training.json');

/** The simulated world the model learns from; another seed than the accuracy test's (20_251_123). */
const SIMULATION = { households: 60, months: 12, seed: 4_242, startDate: '2025-01-01', truthRuns: 0 } as const;
/** A hand-written line stands for the many ways people write the same thing; a simulated one is one template. */
const TRAINING_SET_WEIGHT = 4;
/** Categories decided by structure (own IBAN or name, return codes) and by the rules' own words: the model is never to guess them. */
const STRUCTURAL: ReadonlySet<CategoryId> = new Set(['transfer.own_account', 'reversal.returned_debit']);

interface TrainingLine {
  counterpartyName: string | null;
  amountCents: number;
  description: string;
  expectedCategory: string;
}

export function trainingExamples(): LabelledText[] {
  const examples: LabelledText[] = [];
  const seen = new Set<string>();
  const add = (example: LabelledText) => {
    // Simulated lines repeat one template with other numbers: one example per distinct text (the model reads no names).
    const key = `${Math.sign(example.amountCents)}|${example.remittance.replace(/\d+/g, '#')}|${example.category}`;
    if (seen.has(key)) return;
    seen.add(key);
    examples.push(example);
  };
  for (const household of simulateHouseholds(SIMULATION)) {
    for (const account of household.accounts) {
      for (const t of account.transactions) {
        if (STRUCTURAL.has(t.category)) continue;
        if (t.remittance == null || t.remittance === '') continue;
        add({ counterpartyName: t.counterpartyName, remittance: t.remittance, amountCents: t.amountCents, category: t.category });
      }
    }
  }
  const training = JSON.parse(readFileSync(TRAINING_SET_PATH, 'utf8')) as { lines: TrainingLine[] };
  for (const line of training.lines) {
    if (!isCategoryId(line.expectedCategory)) throw new Error(`training set: unknown category ${line.expectedCategory}`);
    if (STRUCTURAL.has(line.expectedCategory)) continue;
    add({ counterpartyName: line.counterpartyName, remittance: line.description, amountCents: line.amountCents, category: line.expectedCategory, weight: TRAINING_SET_WEIGHT });
  }
  return examples;
}

export function buildCategoriserModel(): TextClassifierModel {
  return trainTextClassifier(trainingExamples(), {
    alpha: 0.1,
    temperature: 4,
    minFeatureCount: 2,
    sources: [
      `simulated world (src/simulation), ${SIMULATION.households} households × ${SIMULATION.months} months, seed ${SIMULATION.seed}, own-account and returned-debit lines left out (also from the training set)`,
      `test/fixtures/analytics/plain-language-training.json (hand-written, weight ${TRAINING_SET_WEIGHT})`,
    ],
  });
}

export function serialiseModel(model: TextClassifierModel): string {
  return `${JSON.stringify(model)}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const model = buildCategoriserModel();
  const text = serialiseModel(model);
  writeFileSync(MODEL_PATH, text);
  console.log(`wrote ${MODEL_PATH}: ${model.trainedOn.examples} examples, ${Object.keys(model.counts).length} features, ${(text.length / 1024).toFixed(0)} KiB`);
}
