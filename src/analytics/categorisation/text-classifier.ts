/**
 * The learned fallback: a multinomial naive Bayes text classifier over the words and character
 * n-grams of a transaction's counterparty name and remittance. It only speaks for lines no rule
 * decided; rules stay the first word because they are explainable and exact.
 *
 * Why naive Bayes over character n-grams: Dutch glues words together ("brommerverzekering",
 * "huisdierenverzekering", "kamerhuur") and people abbreviate and misspell ("zorgverz.", "huurr");
 * n-grams of three to five letters share evidence across those forms where whole words cannot, and
 * a count table trains in one pass, deterministically, with no numeric optimisation to go stale.
 *
 * The model is data (model.json, written by `npm run train:categoriser`): per feature, the sparse
 * counts per category. Priors are uniform: the training lines are not a sample of real statements,
 * so their category mix says nothing about how likely a category is.
 */
import { tokenise } from '../counterparty-name.js';
import { CATEGORIES, isCategoryId, type CategoryId } from '../taxonomy.js';

export interface TextClassifierModel {
  /** Format of this file; a change of features raises it. */
  format: 1;
  /** Laplace smoothing added to every count. */
  alpha: number;
  /**
   * Confidence is the softmax of the mean log-likelihood per known feature times this: naive Bayes
   * counts the overlapping n-grams of one word as independent evidence and is then sure of nearly
   * everything; the mean says how strongly the features point, not how many there are.
   */
  temperature: number;
  categories: CategoryId[];
  /** Total feature count per category (same order as `categories`). */
  totals: number[];
  /** Feature -> flat list of [category index, count, category index, count, ...]. */
  counts: Record<string, number[]>;
  /** What it was trained on, for the reader of the file. */
  trainedOn: { examples: number; byCategory: Record<string, number>; sources: string[] };
}

export interface LabelledText {
  counterpartyName: string | null;
  remittance: string;
  amountCents: number;
  category: CategoryId;
  /** How many times this example counts (hand-written lines weigh more than simulated ones). */
  weight?: number;
}

/**
 * Words every kind of payment carries (payment boilerplate, months, small words): they say nothing
 * about what a payment is for, and the simulated lines would teach the model that "betaling" means
 * whatever template happened to use it.
 */
const STOP_WORDS = new Set([
  'betaling', 'betalingen', 'betaald', 'betalen', 'factuur', 'factuurnr', 'termijn', 'termijnen', 'incasso', 'sepa', 'omschrijving', 'kenmerk',
  'referentie', 'reference', 'periode', 'nr', 'nummer', 'klantnr', 'klantnummer', 'contractnr', 'polisnr', 'bestelling', 'overboeking', 'naam',
  'iban', 'bic', 'machtiging', 'incassant', 'id', 'doorlopend', 'algemeen', 'datum', 'via', 'pas', 'pasnr', 'transactie',
  'de', 'het', 'een', 'en', 'van', 'voor', 'naar', 'met', 'op', 'aan', 'in', 'te', 'of', 'per', 'the', 'and', 'for', 'to',
  'jan', 'januari', 'feb', 'febr', 'februari', 'mrt', 'maart', 'apr', 'april', 'mei', 'jun', 'juni', 'jul', 'juli', 'aug', 'augustus',
  'sep', 'sept', 'september', 'okt', 'oktober', 'nov', 'november', 'dec', 'december', 'week', 'maand', 'kwartaal', 'jaar',
]);

const MIN_GRAM = 3;
const MAX_GRAM = 5;

/**
 * The features of a remittance: each word (with "w:"), and the 3- to 5-letter grams of each word
 * padded with "_" at both ends (so "huur" gives "_hu", "huu", "uur", "ur_", ...). Words with digits
 * are references, dates and amounts: left out, they only tie a line to its own training example;
 * so are STOP_WORDS.
 * The counterparty name is not read: names the rules do not know are mostly people and small firms,
 * and the model would learn "P de Wit" from whichever category a simulated P de Wit happened to pay.
 */
export function textFeatures(remittance: string | null): string[] {
  const features: string[] = [];
  for (const word of tokenise(remittance)) {
    if (/\d/.test(word) || word.length < 2 || STOP_WORDS.has(word)) continue;
    features.push(`w:${word}`);
    const padded = `_${word}_`;
    for (let n = MIN_GRAM; n <= MAX_GRAM; n += 1) {
      for (let i = 0; i + n <= padded.length; i += 1) features.push(padded.slice(i, i + n));
    }
  }
  return features;
}

/** Categories a line of this sign can have: money in is never a cost, money out never income. */
function allowedFor(sign: number, category: CategoryId): boolean {
  const direction = CATEGORIES[category].direction;
  if (category === 'uncategorised') return false;
  return direction === 'both' || (sign > 0 ? direction === 'in' : direction === 'out');
}

/** Trains the model from labelled lines; the same lines in the same order give the same model. */
export function trainTextClassifier(examples: readonly LabelledText[], options: { alpha: number; temperature: number; sources: string[]; minFeatureCount: number }): TextClassifierModel {
  const categories = [...new Set(examples.map((e) => e.category))].sort();
  const index = new Map(categories.map((c, i) => [c, i]));
  const perFeature = new Map<string, Map<number, number>>();
  const totals = categories.map(() => 0);
  const byCategory: Record<string, number> = {};
  for (const example of examples) {
    const c = index.get(example.category)!;
    const weight = example.weight ?? 1;
    byCategory[example.category] = (byCategory[example.category] ?? 0) + 1;
    for (const feature of textFeatures(example.remittance)) {
      let row = perFeature.get(feature);
      if (!row) perFeature.set(feature, (row = new Map()));
      row.set(c, (row.get(c) ?? 0) + weight);
    }
  }
  const counts: Record<string, number[]> = {};
  for (const feature of [...perFeature.keys()].sort()) {
    const row = perFeature.get(feature)!;
    let sum = 0;
    for (const n of row.values()) sum += n;
    // A feature seen once says more about its one example than about its category.
    if (sum < options.minFeatureCount) continue;
    const flat: number[] = [];
    for (const [c, n] of [...row.entries()].sort((a, b) => a[0] - b[0])) {
      flat.push(c, n);
      totals[c]! += n;
    }
    counts[feature] = flat;
  }
  const sortedByCategory = Object.fromEntries(Object.entries(byCategory).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { format: 1, alpha: options.alpha, temperature: options.temperature, categories, totals, counts, trainedOn: { examples: examples.length, byCategory: sortedByCategory, sources: options.sources } };
}

export interface TextPrediction {
  category: CategoryId;
  /** Tempered posterior of the category among those the sign allows (0–1). */
  confidence: number;
  /** Share of the text's features the model knows (0–1): a text mostly of unknown words is no text it has learned about. */
  knownShare: number;
}

/** A model prepared for scoring: log terms worked out once. */
export interface CompiledTextClassifier {
  predict(remittance: string | null, amountCents: number): TextPrediction | null;
}

export function compileTextClassifier(model: TextClassifierModel): CompiledTextClassifier {
  for (const c of model.categories) if (!isCategoryId(c)) throw new Error(`text classifier: unknown category ${c}`);
  const k = model.categories.length;
  const vocabulary = Object.keys(model.counts).length;
  const logAlpha = Math.log(model.alpha);
  // log P(f | c) = log(alpha + n_fc) - log(total_c + alpha * V); the denominator is per category.
  const logDenominator = model.totals.map((t) => Math.log(t + model.alpha * vocabulary));
  const rows = new Map<string, { categories: Int32Array; gains: Float64Array }>();
  for (const [feature, flat] of Object.entries(model.counts)) {
    const n = flat.length / 2;
    const categories = new Int32Array(n);
    const gains = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      categories[i] = flat[2 * i]!;
      gains[i] = Math.log(model.alpha + flat[2 * i + 1]!) - logAlpha;
    }
    rows.set(feature, { categories, gains });
  }
  const allowedIn = model.categories.map((c) => allowedFor(1, c));
  const allowedOut = model.categories.map((c) => allowedFor(-1, c));
  const scores = new Float64Array(k);

  return {
    predict(remittance, amountCents) {
      if (amountCents === 0) return null;
      const allowed = amountCents > 0 ? allowedIn : allowedOut;
      let known = 0;
      scores.fill(0);
      const features = textFeatures(remittance);
      for (const feature of features) {
        const row = rows.get(feature);
        // Features the model never saw carry the same smoothed mass for every category... nearly:
        // the denominators differ, but counting unknown features would let text length alone pick
        // the category with the fewest training features. They are left out.
        if (!row) continue;
        known += 1;
        for (let i = 0; i < row.categories.length; i += 1) scores[row.categories[i]!]! += row.gains[i]!;
      }
      if (known === 0) return null;
      let best = -1;
      let max = -Infinity;
      for (let c = 0; c < k; c += 1) {
        if (!allowed[c]) continue;
        scores[c] = scores[c]! + known * (logAlpha - logDenominator[c]!);
        if (scores[c]! > max) {
          max = scores[c]!;
          best = c;
        }
      }
      if (best < 0) return null;
      let sum = 0;
      const scale = model.temperature / known;
      for (let c = 0; c < k; c += 1) if (allowed[c]) sum += Math.exp((scores[c]! - max) * scale);
      return { category: model.categories[best]!, confidence: 1 / sum, knownShare: known / features.length };
    },
  };
}
