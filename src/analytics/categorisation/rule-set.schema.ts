/**
 * Categorisation rules are data: a versioned, dated rule set with its sources, which a tenant can
 * extend with its own rules. This file is the rule language; default-rules.ts is the content.
 *
 * Glossary
 * - phrase: words matched on the normalised text ("albert heijn"); "*" at the end of a word makes it
 *   a prefix ("salaris*" matches "salarisbetaling"); "^" in front anchors the phrase at the start of
 *   the name (for short names like "^ah" or "^plus" that are also ordinary words).
 * - counterparty phrase: matched on the counterparty name; when the bank gives no name (card
 *   payments in MT940 and some CSVs), on the remittance text, where the merchant then stands.
 * - condition: every field given in `when` must hold (AND); within a list any entry may match (OR).
 * - priority: the highest matching priority wins; then confidence; then the order in the file.
 *   A tenant's rules win over every default rule that matches.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { isCategoryId, type CategoryId } from '../taxonomy.js';

const PhraseList = Type.Array(Type.String({ minLength: 1 }), { minItems: 1 });

export const RuleConditionSchema = Type.Object(
  {
    counterparty: Type.Optional(PhraseList),
    /** Phrases matched on the counterparty name only, never on the remittance ("incasso*" names a collector, "SEPA Incasso" in a remittance does not). */
    name: Type.Optional(PhraseList),
    remittance: Type.Optional(PhraseList),
    /** Phrases matched on the counterparty name and the remittance alike. */
    text: Type.Optional(PhraseList),
    /** A regular expression (case-insensitive) on the raw remittance, for what phrases cannot say. */
    remittancePattern: Type.Optional(Type.String({ minLength: 1 })),
    counterpartyIban: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    /** SEPA creditor identifiers (e.g. NL98ZZZ999999999999) of direct debits. */
    creditorId: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    /** ISO bank transaction codes; "PMNT-CCRD" matches every code of that family. */
    bankTransactionCode: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    /** Bank-proprietary transaction codes (case-insensitive), e.g. ING CSV "GM" (cash machine). */
    proprietaryCode: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    /** true: any return reason; a list: one of these ISO return reason codes. */
    returnReasonCode: Type.Optional(Type.Union([Type.Literal(true), Type.Array(Type.String(), { minItems: 1 })])),
    reversal: Type.Optional(Type.Boolean()),
    /** Money in or out, by the sign of the amount. */
    direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out')])),
    /** The counterparty is one of the debtor's own accounts (by IBAN or by the account holder's name). */
    ownAccount: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);

export const CategorisationRuleSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    category: Type.String(),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    priority: Type.Integer(),
    when: RuleConditionSchema,
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const FallbackSchema = Type.Object({ category: Type.String(), confidence: Type.Number({ minimum: 0, maximum: 1 }), ruleId: Type.String() });

/**
 * A credit that recurs from the same company every month at a steady amount is a salary even when
 * no rule names the employer; these settings say how steady "steady" is.
 */
export const RecurringIncomeInferenceSchema = Type.Object({
  ruleId: Type.String(),
  category: Type.String(),
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  minOccurrences: Type.Integer({ minimum: 2 }),
  /** Largest coefficient of variation of the amounts that still counts as one salary. */
  maxAmountVariation: Type.Number({ minimum: 0 }),
  /** Smallest and largest median gap in days between credits (weekly pay up to monthly pay). */
  minIntervalDays: Type.Integer({ minimum: 1 }),
  maxIntervalDays: Type.Integer({ minimum: 1 }),
  /**
   * Only credits decided by these rules are reconsidered: the fallback, and the refund rules that
   * read a credit from a shop or supplier as money back (a bakery or a supermarket is an employer too).
   */
  appliesToRuleIds: Type.Array(Type.String()),
  /** Require a legal form (B.V., N.V.) in the name, so a friend's monthly transfer is not taken for pay. */
  requireCompanyName: Type.Boolean(),
});

/**
 * The learned fallback (text-classifier.ts) for lines no rule decides: its answer is taken when its
 * confidence reaches minConfidence, else the fallback by sign stays.
 */
export const LearnedFallbackSchema = Type.Object({
  ruleId: Type.String({ minLength: 1 }),
  minConfidence: Type.Number({ minimum: 0, maximum: 1 }),
  /** Least share of the remittance's features the model must know: text it never saw the like of (references, test lines) stays "other". */
  minKnownShare: Type.Number({ minimum: 0, maximum: 1 }),
});

export const RuleSetSchema = Type.Object(
  {
    version: Type.String(),
    validFrom: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    source: Type.Array(Type.String()),
    rules: Type.Array(CategorisationRuleSchema),
    fallback: Type.Object({ in: FallbackSchema, out: FallbackSchema, zero: FallbackSchema }),
    recurringIncome: Type.Optional(RecurringIncomeInferenceSchema),
    learnedFallback: Type.Optional(LearnedFallbackSchema),
  },
  { additionalProperties: false },
);

export type RuleCondition = Static<typeof RuleConditionSchema>;
export type CategorisationRule = Omit<Static<typeof CategorisationRuleSchema>, 'category'> & { category: CategoryId };
export type RuleSet = Omit<Static<typeof RuleSetSchema>, 'rules'> & { rules: CategorisationRule[] };

export class RuleSetError extends Error {
  constructor(readonly place: string, reason: string) {
    super(`${place}: ${reason}`);
    this.name = 'RuleSetError';
  }
}

/**
 * Validates rules that come from outside the code (a tenant's overrides as JSON): shape, known
 * categories, regular expressions that compile, phrases with a usable prefix. Throws RuleSetError naming the rule.
 */
export function parseRules(value: unknown, place = 'rules'): CategorisationRule[] {
  const schema = Type.Array(CategorisationRuleSchema);
  if (!Value.Check(schema, value)) {
    const first = Value.Errors(schema, value).First();
    throw new RuleSetError(`${place}${first?.path ?? ''}`, first?.message ?? 'invalid rule');
  }
  return value.map((rule, i) => validateRule(rule, `${place}[${i}] (${rule.id})`));
}

export function parseRuleSet(value: unknown, place = 'rule set'): RuleSet {
  if (!Value.Check(RuleSetSchema, value)) {
    const first = Value.Errors(RuleSetSchema, value).First();
    throw new RuleSetError(`${place}${first?.path ?? ''}`, first?.message ?? 'invalid rule set');
  }
  for (const [name, fallback] of Object.entries(value.fallback)) {
    if (!isCategoryId(fallback.category)) throw new RuleSetError(`${place}/fallback/${name}`, `unknown category ${fallback.category}`);
  }
  if (value.recurringIncome && !isCategoryId(value.recurringIncome.category)) {
    throw new RuleSetError(`${place}/recurringIncome`, 'unknown category');
  }
  return { ...value, rules: parseRules(value.rules, `${place}/rules`) };
}

function validateRule(rule: Static<typeof CategorisationRuleSchema>, place: string): CategorisationRule {
  if (!isCategoryId(rule.category)) throw new RuleSetError(place, `unknown category ${rule.category}`);
  if (Object.keys(rule.when).length === 0) throw new RuleSetError(place, 'a rule needs at least one condition');
  if (rule.when.remittancePattern != null) {
    try {
      new RegExp(rule.when.remittancePattern, 'i');
    } catch (error) {
      throw new RuleSetError(place, `remittancePattern does not compile: ${(error as Error).message}`);
    }
  }
  return { ...rule, category: rule.category };
}
